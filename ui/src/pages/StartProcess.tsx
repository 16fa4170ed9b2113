// Start a process: its start form (from the BPMN's start event) plus a business key, which
// the app proposes so applicants need not invent one.
import { lazy, Suspense, useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { apiCalls } from "../api/endpoints";
import { loadBundle, processDocumentation, startFormName } from "../bpmn/bundle";
import { ErrorText, Loading } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { UserError } from "../lib/problems";
import type { JsonSchema } from "../api/types";

const SchemaForm = lazy(() => import("../forms/SchemaForm"));

/** e.g. LEAVE-20261102-4821: readable, and unlikely to collide. */
export function proposeBusinessKey(processId: string, now = new Date()): string {
  const prefix = processId.split("_")[0].toUpperCase().slice(0, 8);
  const day = now.toISOString().slice(0, 10).replace(/-/g, "");
  const random = Math.floor(Math.random() * 9000 + 1000);
  return `${prefix}-${day}-${random}`;
}

export default function StartProcess() {
  const { processId = "" } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const { notify } = useNotices();
  const initialKey = useMemo(() => proposeBusinessKey(processId), [processId]);
  // Started from a case (我的申请 → 申请成绩复查): the fields the link names are filled in.
  const [search] = useSearchParams();
  const prefill = useMemo(() => Object.fromEntries(search.entries()), [search]);
  const [businessKey, setBusinessKey] = useState(initialKey);
  const [keyErrors, setKeyErrors] = useState<string[]>([]);

  const { data, error, loading, reload } = useLoad(async (signal) => {
    const [definition] = await apiCalls.definitions({ process_id: processId }, signal);
    if (!definition) return null;
    const bundle = await loadBundle(definition);
    const bpmn = bundle[definition.bpmn_file] ?? "";
    const formName = startFormName(bpmn);
    const schema: JsonSchema = formName && bundle[formName] ? (JSON.parse(bundle[formName]) as JsonSchema) : { type: "object", properties: {} };
    return { definition, schema, description: processDocumentation(bpmn) };
  }, [processId]);

  const start = async (formData: Record<string, unknown>) => {
    setKeyErrors([]);
    if (!businessKey.trim()) {
      setKeyErrors([t("validation.required")]);
      throw new UserError(t("start.keyRequired"));
    }
    const instance = await apiCalls.startInstance({ process_id: processId, business_key: businessKey.trim(), data: formData });
    notify("success", t("start.started", { key: instance.business_key }));
    navigate(`/cases/${instance.id}`);
  };

  if (loading && !data) return <Loading />;
  return (
    <section className="page start-page">
      <p className="back-link"><Link to="/apply">{t("start.back")}</Link></p>
      <ErrorText error={error} onRetry={reload} />
      {data === null && <p className="error-box" role="alert">{t("start.notDeployed")}</p>}
      {data && (
        <>
          <h1>{data.definition.name || processId}</h1>
          {data.description && <p className="muted process-doc">{data.description}</p>}
          <div className="card">
            <div className="field">
              <label htmlFor="business-key">{t("start.businessKey")}</label>
              <input id="business-key" value={businessKey} onChange={(e) => setBusinessKey(e.target.value)} maxLength={128}
                aria-describedby="business-key-help business-key-error" aria-invalid={keyErrors.length ? true : undefined} />
              <p id="business-key-help" className="help-block">{t("start.businessKeyHelp")}</p>
              {keyErrors.length > 0 && <p id="business-key-error" className="field-error" role="alert">{keyErrors.join(" ")}</p>}
            </div>
            <Suspense fallback={<Loading />}>
              <SchemaForm schema={data.schema} submitLabel={t("start.submit")} onSubmit={start} idPrefix="start"
                formData={Object.fromEntries(Object.entries(prefill).filter(([key]) => Object.hasOwn(data.schema.properties ?? {}, key)))}
                onOutsideProblems={(outside) => setKeyErrors(outside["/business_key"] ?? [])} />
            </Suspense>
          </div>
        </>
      )}
    </section>
  );
}

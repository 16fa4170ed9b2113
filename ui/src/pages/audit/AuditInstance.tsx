// One instance for auditors: facts, a replay slider over its events (diagram, open tasks and
// data at that point), the timeline, a diff between two points, chain verification and the
// signed export. The replayed point is kept in the URL (?at=seq) so it can be shared.
import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { auditCalls } from "../../api/audit";
import { loadVersion } from "../../bpmn/bundle";
import { ErrorText, Loading, StatusBadge } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { ChainPanel, ExportButton } from "./ChainPanel";
import { DiffPanel } from "./DiffPanel";
import { ReplayPanel } from "./ReplayPanel";
import { TimelineList } from "./TimelineList";
import { clampSeq } from "./auditFormat";
import "./audit.css";

export default function AuditInstance() {
  const { instanceId } = useParams();
  const id = Number(instanceId);
  const { t, formatDateTime } = useI18n();
  const [params, setParams] = useSearchParams();
  const { data, error, loading, reload } = useLoad(async (signal) => {
    const timeline = await auditCalls.timeline(id, signal);
    const { definition, bundle } = await loadVersion(timeline.instance.process_id, timeline.instance.definition_version ?? 1);
    return { timeline, definition, bundle };
  }, [id]);
  const titles = useMemo(() => {
    const result: Record<string, string> = {};
    for (const event of data?.timeline.events ?? []) if (event.task_name && event.task_title) result[event.task_name] = event.task_title;
    return result;
  }, [data]);

  if (loading && !data) return <Loading />;
  if (!data) {
    return (
      <section className="page">
        <p className="back-link"><Link to="/audit">{t("audit.back")}</Link></p>
        <ErrorText error={error} onRetry={reload} />
      </section>
    );
  }
  const { timeline, definition, bundle } = data;
  const { instance, events, chain } = timeline;
  const last = events.length ? events[events.length - 1].seq : 1;
  const upto = clampSeq(Number(params.get("at") ?? last), last);
  const setUpto = (seq: number) => {
    const next = new URLSearchParams(params);
    next.set("at", String(seq));
    setParams(next, { replace: true });
  };

  return (
    <section className="page audit-page">
      <p className="back-link"><Link to="/audit">{t("audit.back")}</Link></p>
      <div className="page-head">
        <h1>{t("audit.instanceTitle", { name: definition.name || instance.process_id, key: instance.business_key })}</h1>
        <StatusBadge status={instance.status} />
        <button type="button" className="btn btn-quiet btn-small" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <ErrorText error={error} onRetry={reload} />
      <dl className="facts">
        <div><dt>{t("instances.id")}</dt><dd>{t("instances.idN", { id: instance.id })}</dd></div>
        <div><dt>{t("case.businessKey")}</dt><dd data-testid="audit-key">{instance.business_key}</dd></div>
        <div><dt>{t("audit.applicant")}</dt><dd>{instance.started_by?.display_name ?? ""}</dd></div>
        <div><dt>{t("case.version")}</dt><dd>{t("case.versionN", { version: instance.definition_version ?? "" })}</dd></div>
        <div><dt>{t("case.startedAt")}</dt><dd>{formatDateTime(instance.started_at)}</dd></div>
        {instance.ended_at && <div><dt>{t("case.endedAt")}</dt><dd>{formatDateTime(instance.ended_at)}</dd></div>}
        <div><dt>{t("audit.events")}</dt><dd>{events.length}</dd></div>
      </dl>
      <ExportButton instanceId={instance.id} />
      <ReplayPanel instanceId={instance.id} events={events} xml={bundle[definition.bpmn_file] ?? ""} bundle={bundle}
        upto={upto} onUpto={setUpto} />
      <div className="two-col">
        <DiffPanel instanceId={instance.id} events={events} bundle={bundle} titles={titles} />
        <ChainPanel chain={chain} />
      </div>
      <TimelineList events={events} bundle={bundle} upto={upto} onUpto={setUpto} />
    </section>
  );
}

// Edit a version's decision table in dmn-js, validate it through the API (problem cells, rules
// and input columns are outlined) and deploy it with the version's unchanged BPMN and forms as
// the next version.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { apiCalls } from "../../api/endpoints";
import type { Definition, ProblemDetail } from "../../api/types";
import { loadVersion } from "../../bpmn/bundle";
import type { Bundle } from "../../bpmn/bundle";
import type { DmnEditor } from "../../bpmn/dmn";
import { ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { ProblemList } from "../../components/ProblemList";
import { useI18n } from "../../i18n";
import { describeError, UserError } from "../../lib/problems";

export default function DmnPage() {
  const { processId = "", version = "", file = "" } = useParams();
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { notify } = useNotices();
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<DmnEditor | null>(null);
  const problemStyle = useRef<HTMLStyleElement | null>(null);
  const [loaded, setLoaded] = useState<{ definition: Definition; bundle: Bundle } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<ProblemDetail[]>([]);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  useEffect(() => {
    let cancelled = false;
    let instance: DmnEditor | null = null;
    Promise.all([loadVersion(processId, Number(version)), import("../../bpmn/dmn")])
      .then(async ([result, { createDmnEditor }]) => {
        if (cancelled || !container.current) return;
        if (!(file in result.bundle)) throw new UserError(t("dmn.noFile", { file }));
        setLoaded(result);
        instance = createDmnEditor(container.current, lang);
        editor.current = instance;
        await instance.importXML(result.bundle[file]);
        const table = instance.getViews().find((view) => view.type === "decisionTable");
        if (table) await instance.open(table);
        if (!cancelled) setReady(true);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(error);
      });
    const style = document.createElement("style");
    document.head.appendChild(style);
    problemStyle.current = style;
    return () => {
      cancelled = true;
      instance?.destroy();
      editor.current = null;
      style.remove();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a language switch must not drop edits
  }, [processId, version, file]);

  // Cells are re-rendered by dmn-js; a stylesheet keyed by data-element-id survives that. A
  // problem names a cell (a broken expression), a rule (two rules that overlap: its row, and
  // its cells in ``cells``) or an input (values no rule covers: its column and header).
  const mark = (found: ProblemDetail[]) => {
    setProblems(found);
    const here = found.filter((p) => p.element_id && (!p.file || p.file === file));
    const strong = here.flatMap((p) => [p.element_id as string, ...(Array.isArray(p.cells) ? p.cells.map(String) : [])]);
    const css = (id: string) => CSS.escape(id);
    if (problemStyle.current) {
      problemStyle.current.textContent = [
        ...strong.map((id) => `.dmn-decision-table-container [data-element-id="${css(id)}"], .dmn-decision-table-container th[data-col-id="${css(id)}"]{outline:3px solid #b3261e;outline-offset:-3px;background:#fdecea}`),
        ...here.map((p) => `.dmn-decision-table-container td[data-row-id="${css(p.element_id as string)}"], .dmn-decision-table-container td[data-col-id="${css(p.element_id as string)}"]{background:#fdecea}`),
      ].join("\n");
    }
  };

  const files = async () => {
    if (!editor.current || !loaded) throw new UserError(t("model.notLoaded"));
    const { xml } = await editor.current.saveXML({ format: true });
    return { ...loaded.bundle, [file]: xml };
  };

  const run = async (kind: "validate" | "deploy") => {
    setBusy(true);
    setStatus(null);
    try {
      if (kind === "validate") {
        await apiCalls.validate(await files());
        mark([]);
        setStatus({ kind: "ok", text: t("model.valid") });
      } else {
        const result = await apiCalls.deploy(await files());
        mark([]);
        if (result.created === false) {
          setStatus({ kind: "ok", text: t("model.unchanged", { version: result.version }) });
        } else {
          notify("success", t("model.deployed", { version: result.version }));
          navigate("/admin/definitions");
        }
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        mark(error.problem?.errors ?? []);
        setStatus({ kind: "error", text: t(kind === "validate" ? "model.invalid" : "model.deployRefused", { count: error.problem?.errors?.length ?? 1 }) });
      } else {
        setStatus({ kind: "error", text: describeError(error, t) });
      }
    } finally {
      setBusy(false);
    }
  };

  const focusCell = (id: string) => {
    const key = CSS.escape(id);
    const cell = container.current?.querySelector<HTMLElement>(
      `[data-element-id="${key}"], td[data-row-id="${key}"], th[data-col-id="${key}"]`);
    cell?.scrollIntoView({ block: "center" });
    (cell?.querySelector<HTMLElement>("[contenteditable]") ?? cell)?.focus();
  };

  return (
    <section className="page dmn-page">
      <p className="back-link"><Link to="/admin/definitions">{t("defs.back")}</Link></p>
      <div className="page-head">
        <h1>{t("dmn.title", { file, name: loaded?.definition.name ?? processId, version })}</h1>
      </div>
      <p className="muted small">{t("dmn.help")}</p>
      <ErrorText error={loadError} />
      <div className="toolbar" role="toolbar" aria-label={t("model.tools")}>
        <button type="button" className="btn" disabled={!ready || busy} onClick={() => run("validate")}>{t("model.validate")}</button>
        <button type="button" className="btn btn-primary" disabled={!ready || busy} onClick={() => run("deploy")}>{t("model.deploy")}</button>
      </div>
      {status && (
        <p className={status.kind === "ok" ? "success-box" : "error-box"} role={status.kind === "ok" ? "status" : "alert"} data-testid="model-status">
          {status.text}
        </p>
      )}
      <ProblemList problems={problems} onSelect={(p) => p.element_id && focusCell(p.element_id)} />
      <div className="dmn-canvas" ref={container} data-testid="dmn-editor" data-ready={ready ? "true" : "false"} />
      {!ready && !loadError && <Loading />}
    </section>
  );
}

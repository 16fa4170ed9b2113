// The BPMN modeler for one deployed version, or for a new process started from a template:
// edit (the properties panel edits every property certflow executes, and the bundle's forms),
// validate through the API (each problem is marked on its element, also while typing), and
// deploy the edited diagram with its DMN and forms as the next version. bpmn-js is loaded only
// here.
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { apiCalls, type ModelerVocabulary } from "../../api/endpoints";
import type { Definition, ProblemDetail } from "../../api/types";
import { loadVersion } from "../../bpmn/bundle";
import type { Bundle } from "../../bpmn/bundle";
import type { Canvas, DiagramElement, DiagramInstance, ElementRegistry, EventBus, Overlays } from "../../bpmn/diagramTypes";
import { ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { ProblemList } from "../../components/ProblemList";
import { useI18n } from "../../i18n";
import { describeError, UserError } from "../../lib/problems";
import { ElementPanel } from "./ElementPanel";

const PROBLEM_MARKER = "cf-problem";
const LIVE_CHECK_DELAY = 900;

/** The templates a new process can start from (ui/public/templates/<id>/). */
const TEMPLATES: Record<string, { bpmn: string; files: string[] }> = {
  "two-tier-approval": {
    bpmn: "two_tier_approval.bpmn",
    files: ["two_tier_approval.bpmn", "two_tier_request.schema.json", "two_tier_first.schema.json", "two_tier_second.schema.json"],
  },
};
const TEMPLATE_PROCESS_ID = "two_tier_approval";

async function loadTemplate(template: string, processId: string, name: string): Promise<{ definition: Definition; bundle: Bundle }> {
  const spec = TEMPLATES[template];
  const bundle: Bundle = {};
  for (const file of spec.files) {
    const response = await fetch(`/templates/${template}/${file}`);
    if (!response.ok) throw new UserError(`${file}: ${response.status}`);
    bundle[file] = await response.text();
  }
  const escaped = name.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const bpmnFile = `${processId}.bpmn`;
  bundle[bpmnFile] = bundle[spec.bpmn]
    .replaceAll(TEMPLATE_PROCESS_ID, processId)
    .replace(/(<bpmn:(?:process|participant) id="[^"]*" name=")[^"]*"/g, `$1${escaped}"`);
  if (bpmnFile !== spec.bpmn) delete bundle[spec.bpmn];
  const definition = { process_id: processId, name, version: 0, bpmn_file: bpmnFile, file_names: Object.keys(bundle) } as unknown as Definition;
  return { definition, bundle };
}

const NEW_FORM = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {},
  "additionalProperties": false
}
`;

export default function ModelerPage() {
  const params = useParams();
  const isNew = params.processId === undefined;
  const [fromTemplate, setFromTemplate] = useState<{ template: string; processId: string; name: string } | null>(null);
  const processId = params.processId ?? fromTemplate?.processId ?? "";
  const version = params.version ?? "";
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { notify } = useNotices();
  const container = useRef<HTMLDivElement>(null);
  const modeler = useRef<DiagramInstance | null>(null);
  const [loaded, setLoaded] = useState<{ definition: Definition; bundle: Bundle } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [ready, setReady] = useState(false);
  const [selected, setSelected] = useState<DiagramElement | null>(null);
  const [elements, setElements] = useState<DiagramElement[]>([]);
  const [problems, setProblems] = useState<ProblemDetail[]>([]);
  const [status, setStatus] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  const markedRef = useRef<string[]>([]);
  const [vocabulary, setVocabulary] = useState<ModelerVocabulary | null>(null);
  const [forms, setForms] = useState<Record<string, string>>({});
  const formsRef = useRef(forms);
  formsRef.current = forms;
  const liveTimer = useRef<number | undefined>(undefined);
  const liveRun = useRef(0);
  const liveCheckRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const controller = new AbortController();
    apiCalls.vocabulary(controller.signal).then(setVocabulary).catch(() => setVocabulary(null));
    return () => controller.abort();
  }, []);

  useEffect(() => {
    let cancelled = false;
    let instance: DiagramInstance | null = null;
    setReady(false);
    if (isNew && !fromTemplate) return;
    const source = fromTemplate
      ? loadTemplate(fromTemplate.template, fromTemplate.processId, fromTemplate.name)
      : loadVersion(processId, Number(version));
    Promise.all([source, import("../../bpmn/modeler")])
      .then(async ([result, { createModeler }]) => {
        if (cancelled || !container.current) return;
        setLoaded(result);
        setForms(Object.fromEntries(Object.entries(result.bundle).filter(([name]) => name.endsWith(".json"))));
        if (fromTemplate) setDirty(true);
        instance = createModeler(container.current, lang);
        modeler.current = instance;
        await instance.importXML(result.bundle[result.definition.bpmn_file]);
        if (cancelled) return;
        instance.get<Canvas>("canvas").zoom("fit-viewport", "auto");
        const bus = instance.get<EventBus>("eventBus");
        const registry = instance.get<ElementRegistry>("elementRegistry");
        const refreshElements = () => setElements(selectableElements(registry));
        bus.on("selection.changed", (event) => setSelected(event.newSelection?.[0] ?? null));
        bus.on("commandStack.changed", () => {
          setDirty(true);
          refreshElements();
          liveCheckRef.current();
        });
        refreshElements();
        setReady(true);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(error);
      });
    return () => {
      cancelled = true;
      window.clearTimeout(liveTimer.current);
      instance?.destroy();
      modeler.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a language switch must not drop edits
  }, [processId, version, fromTemplate]);

  const clearProblems = useCallback(() => {
    const instance = modeler.current;
    if (!instance) return;
    const canvas = instance.get<Canvas>("canvas");
    for (const id of markedRef.current) canvas.removeMarker(id, PROBLEM_MARKER);
    instance.get<Overlays>("overlays").remove({ type: "cf-problem" });
    markedRef.current = [];
  }, []);

  const showProblems = useCallback((found: ProblemDetail[]) => {
    const instance = modeler.current;
    clearProblems();
    setProblems(found);
    if (!instance || !loaded) return;
    const canvas = instance.get<Canvas>("canvas");
    const registry = instance.get<ElementRegistry>("elementRegistry");
    const overlays = instance.get<Overlays>("overlays");
    for (const problem of found) {
      const id = problem.element_id;
      if (!id || (problem.file && problem.file !== loaded.definition.bpmn_file) || !registry.get(id)) continue;
      canvas.addMarker(id, PROBLEM_MARKER);
      markedRef.current.push(id);
      const badge = document.createElement("span");
      badge.className = "cf-problem-badge";
      badge.textContent = "!";
      badge.title = problem.message;
      badge.setAttribute("data-element", id);
      overlays.add(id, "cf-problem", { position: { top: -10, right: 10 }, html: badge });
    }
  }, [clearProblems, loaded]);

  const currentFiles = async (): Promise<Record<string, string>> => {
    const instance = modeler.current;
    if (!instance || !loaded) throw new UserError(t("model.notLoaded"));
    const { xml } = await instance.saveXML({ format: true });
    return { ...loaded.bundle, ...formsRef.current, [loaded.definition.bpmn_file]: xml ?? "" };
  };

  /** While an administrator edits, the same validation deploy runs marks problems (after a pause). */
  const liveCheck = () => {
    window.clearTimeout(liveTimer.current);
    liveTimer.current = window.setTimeout(async () => {
      const run = ++liveRun.current;
      try {
        await apiCalls.validate(await currentFiles());
        if (run === liveRun.current) showProblems([]);
      } catch (error) {
        if (run !== liveRun.current) return;
        if (error instanceof ApiError && error.status === 422) showProblems(error.problem?.errors ?? []);
      }
    }, LIVE_CHECK_DELAY);
  };
  liveCheckRef.current = liveCheck;

  const changeForm = (name: string, text: string) => {
    setForms((current) => ({ ...current, [name]: text }));
    setDirty(true);
    formsRef.current = { ...formsRef.current, [name]: text };
    liveCheck();
  };

  const validate = async () => {
    window.clearTimeout(liveTimer.current);
    liveRun.current++;
    setBusy(true);
    setStatus(null);
    try {
      await apiCalls.validate(await currentFiles());
      showProblems([]);
      setStatus({ kind: "ok", text: t("model.valid") });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        showProblems(error.problem?.errors ?? []);
        setStatus({ kind: "error", text: t("model.invalid", { count: error.problem?.errors?.length ?? 1 }) });
      } else {
        setStatus({ kind: "error", text: describeError(error, t) });
      }
    } finally {
      setBusy(false);
    }
  };

  const deploy = async () => {
    window.clearTimeout(liveTimer.current);
    liveRun.current++;
    setBusy(true);
    setStatus(null);
    try {
      const result = await apiCalls.deploy(await currentFiles());
      showProblems([]);
      setDirty(false);
      if (result.created === false) {
        setStatus({ kind: "ok", text: t("model.unchanged", { version: result.version }) });
      } else {
        notify("success", t("model.deployed", { version: result.version }));
        navigate("/admin/definitions");
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        showProblems(error.problem?.errors ?? []);
        setStatus({ kind: "error", text: t("model.deployRefused", { count: error.problem?.errors?.length ?? 1 }) });
      } else {
        setStatus({ kind: "error", text: describeError(error, t) });
      }
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    try {
      const files = await currentFiles();
      const name = loaded?.definition.bpmn_file ?? "diagram.bpmn";
      const url = URL.createObjectURL(new Blob([files[name]], { type: "application/xml" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setStatus({ kind: "error", text: describeError(error, t) });
    }
  };

  const selectElement = (id: string) => {
    const instance = modeler.current;
    const element = instance?.get<ElementRegistry>("elementRegistry").get(id);
    if (!instance || !element) return;
    instance.get<{ select: (e: DiagramElement) => void }>("selection").select(element);
    instance.get<Canvas>("canvas").scrollToElement(element, 120);
  };

  const nameOf = (id: string) => modeler.current?.get<ElementRegistry>("elementRegistry").get(id)?.businessObject.name;

  return (
    <section className="page modeler-page">
      <p className="back-link"><Link to="/admin/definitions">{t("defs.back")}</Link></p>
      <div className="page-head">
        <h1>{isNew ? t("model.newTitle", { name: fromTemplate?.name ?? "" }) : t("model.title", { name: loaded?.definition.name ?? processId, version })}</h1>
        {dirty && <span className="badge badge-ready">{t("model.unsaved")}</span>}
      </div>
      <ErrorText error={loadError} />
      {isNew && !fromTemplate && <NewProcessForm onCreate={setFromTemplate} />}
      <div className="toolbar" role="toolbar" aria-label={t("model.tools")}>
        <button type="button" className="btn" disabled={!ready || busy} onClick={validate}>{t("model.validate")}</button>
        <button type="button" className="btn btn-primary" disabled={!ready || busy} onClick={deploy}>{t("model.deploy")}</button>
        <button type="button" className="btn btn-quiet" disabled={!ready} onClick={download}>{t("model.download")}</button>
      </div>
      {status && (
        <p className={status.kind === "ok" ? "success-box" : "error-box"} role={status.kind === "ok" ? "status" : "alert"} data-testid="model-status">
          {status.text}
        </p>
      )}
      <ProblemList problems={problems} nameOf={nameOf} onSelect={(p) => p.element_id && selectElement(p.element_id)} />
      <div className="modeler-layout">
        <div className="modeler-canvas" ref={container} data-testid="modeler-canvas" data-ready={ready ? "true" : "false"}
          aria-label={t("model.canvas")} role="application" />
        {ready && modeler.current && (
          <ElementPanel modeler={modeler.current} selected={selected} elements={elements} onPick={selectElement}
            vocabulary={vocabulary} forms={forms} onFormChange={changeForm} onFormAdd={(name) => changeForm(name, NEW_FORM)} />
        )}
      </div>
      {!ready && !loadError && (!isNew || fromTemplate) && <Loading />}
    </section>
  );
}

function selectableElements(registry: ElementRegistry): DiagramElement[] {
  return registry
    .getAll()
    .filter((e) => !["label", "bpmn:Process", "bpmn:Collaboration"].includes(e.type) && !e.type.startsWith("bpmndi"))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** A new process from a template: its id (letters, digits, _) and its name. */
function NewProcessForm({ onCreate }: { onCreate: (value: { template: string; processId: string; name: string }) => void }) {
  const { t } = useI18n();
  const [processId, setProcessId] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<"id" | "name" | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^[A-Za-z_][A-Za-z0-9_]{1,63}$/.test(processId)) return setProblem("id");
    if (!name.trim()) return setProblem("name");
    setProblem(null);
    onCreate({ template: "two-tier-approval", processId, name: name.trim() });
  };
  return (
    <form className="card" onSubmit={submit} noValidate data-testid="new-process">
      <p className="muted">{t("model.newIntro")}</p>
      <div className="field">
        <label htmlFor="new-template">{t("model.template")}</label>
        <select id="new-template" defaultValue="two-tier-approval">
          <option value="two-tier-approval">{t("model.templateTwoTier")}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="new-id">{t("model.newId")}</label>
        <input id="new-id" value={processId} spellCheck={false} onChange={(e) => setProcessId(e.target.value)}
          aria-invalid={problem === "id" || undefined} aria-describedby={problem === "id" ? "new-id-error new-id-help" : "new-id-help"} />
        <p id="new-id-help" className="help-block">{t("model.newIdHelp")}</p>
        {problem === "id" && <p id="new-id-error" className="field-error" role="alert">{t("model.newIdInvalid")}</p>}
      </div>
      <div className="field">
        <label htmlFor="new-name">{t("model.newName")}</label>
        <input id="new-name" value={name} onChange={(e) => setName(e.target.value)}
          aria-invalid={problem === "name" || undefined} aria-describedby={problem === "name" ? "new-name-error" : undefined} />
        {problem === "name" && <p id="new-name-error" className="field-error" role="alert">{t("model.newNameMissing")}</p>}
      </div>
      <button type="submit" className="btn btn-primary">{t("model.newCreate")}</button>
    </form>
  );
}

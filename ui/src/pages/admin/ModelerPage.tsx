// The BPMN modeler for one deployed version: edit, validate through the API (each problem is
// marked on its element), and deploy the edited diagram with the version's unchanged DMN and
// forms as the next version. bpmn-js is loaded only here.
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../api/client";
import { apiCalls } from "../../api/endpoints";
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

export default function ModelerPage() {
  const { processId = "", version = "" } = useParams();
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

  useEffect(() => {
    let cancelled = false;
    let instance: DiagramInstance | null = null;
    setReady(false);
    Promise.all([loadVersion(processId, Number(version)), import("../../bpmn/modeler")])
      .then(async ([result, { createModeler }]) => {
        if (cancelled || !container.current) return;
        setLoaded(result);
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
        });
        refreshElements();
        setReady(true);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(error);
      });
    return () => {
      cancelled = true;
      instance?.destroy();
      modeler.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a language switch must not drop edits
  }, [processId, version]);

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
    return { ...loaded.bundle, [loaded.definition.bpmn_file]: xml ?? "" };
  };

  const validate = async () => {
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
        <h1>{t("model.title", { name: loaded?.definition.name ?? processId, version })}</h1>
        {dirty && <span className="badge badge-ready">{t("model.unsaved")}</span>}
      </div>
      <ErrorText error={loadError} />
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
          <ElementPanel modeler={modeler.current} selected={selected} elements={elements} onPick={selectElement} />
        )}
      </div>
      {!ready && !loadError && <Loading />}
    </section>
  );
}

function selectableElements(registry: ElementRegistry): DiagramElement[] {
  return registry
    .getAll()
    .filter((e) => !["label", "bpmn:Process", "bpmn:Collaboration"].includes(e.type) && !e.type.startsWith("bpmndi"))
    .sort((a, b) => a.id.localeCompare(b.id));
}

// A read-only BPMN diagram with highlighted elements. bpmn-js is fetched on first use, so
// screens without diagrams (the inbox) never download it.
import { useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n";
import type { Canvas, DiagramElement, DiagramInstance, ElementRegistry } from "../bpmn/diagramTypes";

export interface DiagramViewerProps {
  xml: string;
  /** element id -> CSS marker classes (cf-current, cf-done, cf-added...). */
  markers?: Record<string, string[]>;
  /** A text alternative for the drawing (what is highlighted and why). */
  description: string;
  height?: number;
  testId?: string;
}

/** Below this width the whole diagram is too small to read: the current step is shown instead. */
const NARROW = 640;

/**
 * Fit the diagram into its box; on a phone-sized box, where the whole process would be too
 * small to read, show the current step(s) at a readable size, centred.
 */
export function fitDiagram(instance: DiagramInstance, box: HTMLElement, markers?: Record<string, string[]>): void {
  const canvas = instance.get<Canvas>("canvas");
  canvas.zoom("fit-viewport", "auto");
  const current = Object.entries(markers ?? {}).filter(([, classes]) => classes.includes("cf-current")).map(([id]) => id);
  if (box.clientWidth >= NARROW || !current.length || canvas.zoom() >= 0.8) return;
  const registry = instance.get<ElementRegistry>("elementRegistry");
  const shapes = current.map((id) => registry.get(id)).filter((element): element is DiagramElement =>
    !!element && typeof element.x === "number" && typeof element.width === "number");
  if (!shapes.length) return;
  const left = Math.min(...shapes.map((shape) => shape.x ?? 0));
  const top = Math.min(...shapes.map((shape) => shape.y ?? 0));
  const right = Math.max(...shapes.map((shape) => (shape.x ?? 0) + (shape.width ?? 0)));
  const bottom = Math.max(...shapes.map((shape) => (shape.y ?? 0) + (shape.height ?? 0)));
  const scale = 0.9;
  const width = box.clientWidth / scale;
  const height = box.clientHeight / scale;
  canvas.viewbox({ x: (left + right) / 2 - width / 2, y: (top + bottom) / 2 - height / 2, width, height });
}

export function DiagramViewer({ xml, markers, description, height = 420, testId }: DiagramViewerProps) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<DiagramInstance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const markersRef = useRef(markers);
  markersRef.current = markers;

  useEffect(() => {
    let cancelled = false;
    let instance: DiagramInstance | null = null;
    setReady(false);
    setError(null);
    import("../bpmn/viewer")
      .then(async ({ createViewer }) => {
        if (cancelled || !container.current) return;
        instance = createViewer(container.current);
        viewer.current = instance;
        await instance.importXML(xml);
        if (cancelled) return;
        instance.get<Canvas>("canvas").zoom("fit-viewport", "auto");
        setReady(true);
      })
      .catch((failure: unknown) => {
        if (!cancelled) setError(t("diagram.loadFailed", { reason: failure instanceof Error ? failure.message : String(failure) }));
      });
    return () => {
      cancelled = true;
      instance?.destroy();
      viewer.current = null;
    };
  }, [xml, t]);

  useEffect(() => {
    const instance = viewer.current;
    if (!ready || !instance || !markers) return;
    const canvas = instance.get<Canvas>("canvas");
    const registry = instance.get<ElementRegistry>("elementRegistry");
    const applied: [string, string][] = [];
    for (const [id, classes] of Object.entries(markers)) {
      if (!registry.get(id)) continue;
      for (const cls of classes) {
        canvas.addMarker(id, cls);
        applied.push([id, cls]);
      }
    }
    if (container.current) fitDiagram(instance, container.current, markers);
    return () => {
      for (const [id, cls] of applied) canvas.removeMarker(id, cls);
    };
  }, [ready, markers]);

  // Re-fit when the box changes size (phone rotation, window resize, a panel opening).
  useEffect(() => {
    const element = container.current;
    if (!ready || !element || typeof ResizeObserver === "undefined") return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const instance = viewer.current;
        if (!instance || !container.current) return;
        instance.get<Canvas>("canvas").resized();
        fitDiagram(instance, container.current, markersRef.current);
      });
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [ready]);

  const zoom = (factor: number | "fit") => {
    const canvas = viewer.current?.get<Canvas>("canvas");
    if (!canvas) return;
    if (factor === "fit") {
      if (viewer.current && container.current) fitDiagram(viewer.current, container.current, markers);
    }
    else canvas.zoom(canvas.zoom() * factor);
  };

  return (
    <figure className="diagram" data-testid={testId}>
      <div className="diagram-tools" role="toolbar" aria-label={t("diagram.tools")}>
        <button type="button" className="btn btn-small" onClick={() => zoom(1.25)} aria-label={t("diagram.zoomIn")}>+</button>
        <button type="button" className="btn btn-small" onClick={() => zoom(0.8)} aria-label={t("diagram.zoomOut")}>−</button>
        <button type="button" className="btn btn-small" onClick={() => zoom("fit")}>{t("diagram.fit")}</button>
      </div>
      <div ref={container} className="diagram-canvas" style={{ height }} role="group" aria-label={description}
        data-ready={ready ? "true" : "false"} />
      {!ready && !error && <p className="loading" role="status">{t("diagram.loading")}</p>}
      {error && <p className="error-box" role="alert">{error}</p>}
      <figcaption className="visually-hidden">{description}</figcaption>
    </figure>
  );
}

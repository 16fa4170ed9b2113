// A read-only BPMN diagram with highlighted elements. bpmn-js is fetched on first use, so
// screens without diagrams (the inbox) never download it.
import { useEffect, useRef, useState } from "react";
import { useI18n } from "../i18n";
import type { Canvas, DiagramInstance, ElementRegistry } from "../bpmn/diagramTypes";

export interface DiagramViewerProps {
  xml: string;
  /** element id -> CSS marker classes (cf-current, cf-done, cf-added...). */
  markers?: Record<string, string[]>;
  /** A text alternative for the drawing (what is highlighted and why). */
  description: string;
  height?: number;
  testId?: string;
}

export function DiagramViewer({ xml, markers, description, height = 420, testId }: DiagramViewerProps) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<DiagramInstance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

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
        const canvas = viewer.current?.get<Canvas>("canvas");
        if (!canvas) return;
        canvas.resized();
        canvas.zoom("fit-viewport", "auto");
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
    if (factor === "fit") canvas.zoom("fit-viewport", "auto");
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

// dmn-js (decision table editor) with its styles: its own chunk, loaded only by the DMN editor.
import DmnModeler from "dmn-js/lib/Modeler";
import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression-controls.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";
import type { Lang } from "../i18n";
import { translateModule } from "./translate";

export interface DmnView {
  type: "drd" | "decisionTable" | "literalExpression" | string;
  element: { id: string; name?: string };
}

export interface DmnEditor {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml: string }>;
  getViews(): DmnView[];
  getActiveView(): DmnView | undefined;
  open(view: DmnView): Promise<unknown>;
  getActiveViewer(): { get<T = unknown>(name: string): T } | undefined;
  on(event: string, callback: (...args: unknown[]) => void): void;
  destroy(): void;
}

export function createDmnEditor(container: HTMLElement, lang: Lang): DmnEditor {
  // dmn-js drops common.additionalModules (each view's own list wins), so give it to each view.
  const views = { additionalModules: [translateModule(lang)] };
  return new DmnModeler({ container, drd: views, decisionTable: views, literalExpression: views, boxedExpression: views }) as unknown as DmnEditor;
}

// The bpmn-js modeler with its styles: its own chunk, loaded only by the administrators' editor.
import Modeler from "bpmn-js/lib/Modeler";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import type { DiagramInstance } from "./diagramTypes";
import type { Lang } from "../i18n";
import { translateModule } from "./translate";

export function createModeler(container: HTMLElement, lang: Lang): DiagramInstance {
  return new Modeler({ container, additionalModules: [translateModule(lang)] }) as unknown as DiagramInstance;
}

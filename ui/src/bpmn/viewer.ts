// The bpmn-js viewer with its styles: one chunk, loaded by dynamic import() on diagram screens.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import type { DiagramInstance } from "./diagramTypes";

export function createViewer(container: HTMLElement): DiagramInstance {
  return new NavigatedViewer({ container }) as unknown as DiagramInstance;
}

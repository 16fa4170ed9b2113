// Which diagram elements an instance has passed, from its history, and which sequence flows
// join them, so a case's diagram shows the path taken and the current step.
import type { Instance, ProcessEvent } from "../api/types";
import { parseXml } from "./bundle";

const BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";

export interface PathMarkers {
  current: string[];
  done: string[];
}

export function instancePath(bpmnXml: string, instance: Instance, events: ProcessEvent[]): PathMarkers {
  const current = instance.open_tasks.map((task) => task.task_name);
  const visited = new Set<string>();
  for (const event of events) {
    if (event.task_name) visited.add(event.task_name);
    const element = event.payload?.element_id;
    if (typeof element === "string") visited.add(element);
  }
  for (const step of instance.completed_steps) visited.add(step.task_name);
  for (const name of current) visited.delete(name);
  const doc = parseXml(bpmnXml);
  for (const start of Array.from(doc.getElementsByTagNameNS(BPMN_NS, "startEvent"))) {
    const id = start.getAttribute("id");
    if (id && start.parentElement?.localName === "process") visited.add(id);
  }
  const reached = new Set([...visited, ...current]);
  const flows: string[] = [];
  for (const flow of Array.from(doc.getElementsByTagNameNS(BPMN_NS, "sequenceFlow"))) {
    const source = flow.getAttribute("sourceRef") ?? "";
    const target = flow.getAttribute("targetRef") ?? "";
    if (visited.has(source) && reached.has(target)) flows.push(flow.getAttribute("id") ?? "");
  }
  return { current, done: [...visited, ...flows.filter(Boolean)] };
}

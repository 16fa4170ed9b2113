// The path an instance took up to a replayed point, as diagram markers: the completed elements
// (from the replay's `path`), the sequence flows between them, and the task(s) open at that point.
// A gateway's flows are lit only toward the targets history says it took, so an exclusive
// gateway whose other branch also leads to a reached element is not shown as taken twice.
import { parseXml } from "./bundle";

const BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";

export interface Flow {
  id: string;
  source: string;
  target: string;
}

/** Every sequence flow of a BPMN document (all processes and sub-processes). */
export function sequenceFlows(bpmnXml: string): Flow[] {
  const doc = parseXml(bpmnXml);
  const all = Array.from(doc.querySelectorAll("*"));
  return all.filter((e) => e.localName === "sequenceFlow" && e.namespaceURI === BPMN_NS).map((flow) => ({
    id: flow.getAttribute("id") ?? "",
    source: flow.getAttribute("sourceRef") ?? "",
    target: flow.getAttribute("targetRef") ?? "",
  })).filter((flow) => flow.id);
}

interface GatewayEvent {
  seq: number;
  kind: string;
  task_name: string | null;
  outcome: unknown;
}

/**
 * Gateway id -> the element ids it passed to, from `gateway_passed` events up to `upto`.
 * History names a target as the engine does ("approve_class_office.BoundaryEventSplit"):
 * the part before the first dot is the diagram element.
 */
export function gatewayChoices(events: GatewayEvent[], upto: number): Map<string, Set<string>> {
  const choices = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.seq > upto || event.kind !== "gateway_passed" || !event.task_name) continue;
    const taken = (event.outcome as { taken?: unknown } | null)?.taken;
    if (!Array.isArray(taken)) continue;
    const set = choices.get(event.task_name) ?? new Set<string>();
    for (const target of taken) if (typeof target === "string") set.add(target.split(".")[0]);
    choices.set(event.task_name, set);
  }
  return choices;
}

/** Element id -> marker classes: cf-done for the path and its flows, cf-current for open tasks. */
export function replayMarkers(flows: Flow[], path: string[], open: string[],
  choices: Map<string, Set<string>> = new Map()): Record<string, string[]> {
  const done = new Set(path);
  const reached = new Set([...path, ...open]);
  const markers: Record<string, string[]> = {};
  for (const id of done) markers[id] = ["cf-done"];
  for (const flow of flows) {
    if (!done.has(flow.source) || !reached.has(flow.target)) continue;
    const chosen = choices.get(flow.source);
    if (chosen && !chosen.has(flow.target)) continue;
    markers[flow.id] = ["cf-done"];
  }
  for (const id of open) markers[id] = ["cf-current"];
  return markers;
}

// certflow's own task properties as the diagram stores them: <spiffworkflow:properties> with
// one <spiffworkflow:property name value> each, <spiffworkflow:serviceTaskOperator id> with its
// <spiffworkflow:parameters>, timer expressions and script text. bpmn-js keeps the spiffworkflow
// elements as generic ("any") moddle elements; every change here goes through the modeling
// commands (a fresh extensionElements object), so undo/redo and validation see it.
import type { DiagramElement, DiagramInstance } from "./diagramTypes";

export const SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core";

interface AnyElement {
  $type: string;
  $children?: AnyElement[];
  $body?: string;
  [key: string]: unknown;
}
interface Moddle {
  create(type: string, attrs?: Record<string, unknown>): AnyElement;
  createAny(name: string, nsUri: string, attrs?: Record<string, unknown>): AnyElement;
}
interface Modeling {
  updateProperties(element: DiagramElement, properties: Record<string, unknown>): void;
  updateModdleProperties(element: DiagramElement, target: unknown, properties: Record<string, unknown>): void;
}

function extensionValues(element: DiagramElement): AnyElement[] {
  const ext = element.businessObject.extensionElements as { values?: AnyElement[] } | undefined;
  return ext?.values ?? [];
}

/** The task's <spiffworkflow:property> values by name. */
export function readProperties(element: DiagramElement | null): Record<string, string> {
  const found: Record<string, string> = {};
  if (!element) return found;
  for (const value of extensionValues(element)) {
    if (value.$type !== "spiffworkflow:properties") continue;
    for (const child of value.$children ?? []) {
      if (child.$type === "spiffworkflow:property" && typeof child.name === "string") found[child.name] = String(child.value ?? "");
    }
  }
  return found;
}

function replaceExtensions(modeler: DiagramInstance, element: DiagramElement,
  keep: (value: AnyElement) => boolean, added: AnyElement[]): void {
  const moddle = modeler.get<Moddle>("moddle");
  const values = [...extensionValues(element).filter(keep), ...added];
  const ext = values.length ? moddle.create("bpmn:ExtensionElements", { values }) : undefined;
  for (const value of values) value.$parent = ext;
  modeler.get<Modeling>("modeling").updateProperties(element, { extensionElements: ext });
}

/**
 * Set the task's properties: a value replaces the property of that name, an empty value
 * removes it; the others keep their order.
 */
export function writeProperties(modeler: DiagramInstance, element: DiagramElement, changes: Record<string, string>): void {
  const current = readProperties(element);
  const next: [string, string][] = [];
  for (const [name, value] of Object.entries(current)) {
    const changed = name in changes ? changes[name].trim() : value;
    if (changed) next.push([name, changed]);
  }
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in current) && value.trim()) next.push([name, value.trim()]);
  }
  if (next.length === Object.keys(current).length && next.every(([n, v]) => current[n] === v)) return;
  const moddle = modeler.get<Moddle>("moddle");
  const added: AnyElement[] = [];
  if (next.length) {
    const properties = moddle.createAny("spiffworkflow:properties", SPIFF_NS, {});
    properties.$children = next.map(([name, value]) => {
      const property = moddle.createAny("spiffworkflow:property", SPIFF_NS, { name, value });
      property.$parent = properties;
      return property;
    });
    added.push(properties);
  }
  replaceExtensions(modeler, element, (v) => v.$type !== "spiffworkflow:properties", added);
}

export interface ServiceCall {
  operator: string;
  params: Record<string, string>;
}

/** The service task's operator (a registry function name) and its parameter expressions. */
export function readServiceCall(element: DiagramElement | null): ServiceCall {
  const call: ServiceCall = { operator: "", params: {} };
  const operator = element ? extensionValues(element).find((v) => v.$type === "spiffworkflow:serviceTaskOperator") : undefined;
  if (!operator) return call;
  call.operator = String(operator.id ?? "");
  for (const group of operator.$children ?? []) {
    for (const param of group.$children ?? []) {
      if (param.$type === "spiffworkflow:parameter" && typeof param.id === "string") call.params[param.id] = String(param.value ?? "");
    }
  }
  return call;
}

export function writeServiceCall(modeler: DiagramInstance, element: DiagramElement, call: ServiceCall,
  types: Record<string, string>): void {
  const moddle = modeler.get<Moddle>("moddle");
  const operator = moddle.createAny("spiffworkflow:serviceTaskOperator", SPIFF_NS, { id: call.operator });
  const parameters = moddle.createAny("spiffworkflow:parameters", SPIFF_NS, {});
  parameters.$parent = operator;
  parameters.$children = Object.entries(call.params).filter(([, value]) => value.trim()).map(([id, value]) => {
    const param = moddle.createAny("spiffworkflow:parameter", SPIFF_NS, { id, type: types[id] ?? "any", value: value.trim() });
    param.$parent = parameters;
    return param;
  });
  operator.$children = [parameters];
  replaceExtensions(modeler, element, (v) => v.$type !== "spiffworkflow:serviceTaskOperator", call.operator ? [operator] : []);
}

export type TimerKind = "timeDuration" | "timeDate" | "timeCycle";

interface TimerDefinition { $type: string; timeDuration?: { body?: string }; timeDate?: { body?: string }; timeCycle?: { body?: string } }

export function timerOf(element: DiagramElement | null): TimerDefinition | null {
  const definitions = element?.businessObject.eventDefinitions as TimerDefinition[] | undefined;
  return definitions?.find((d) => d.$type === "bpmn:TimerEventDefinition") ?? null;
}

export function readTimer(element: DiagramElement | null): { kind: TimerKind; expression: string } | null {
  const timer = timerOf(element);
  if (!timer) return null;
  for (const kind of ["timeDuration", "timeDate", "timeCycle"] as const) {
    if (timer[kind]) return { kind, expression: timer[kind]?.body ?? "" };
  }
  return { kind: "timeDuration", expression: "" };
}

export function writeTimer(modeler: DiagramInstance, element: DiagramElement, kind: TimerKind, expression: string): void {
  const timer = timerOf(element);
  if (!timer) return;
  const moddle = modeler.get<Moddle>("moddle");
  const body = expression.trim() ? moddle.create("bpmn:FormalExpression", { body: expression.trim() }) : undefined;
  modeler.get<Modeling>("modeling").updateModdleProperties(element, timer, {
    timeDuration: kind === "timeDuration" ? body : undefined,
    timeDate: kind === "timeDate" ? body : undefined,
    timeCycle: kind === "timeCycle" ? body : undefined,
  });
}

/** A list property ("a, b c") as its items. */
export function splitList(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,;]+/).filter(Boolean);
}

/** ``P<n>WD`` (working days) or an ISO 8601 duration, as deploy accepts for ``dueIn``. */
export function isDueIn(value: string): boolean {
  return /^P\d+WD$/.test(value) || /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(value);
}

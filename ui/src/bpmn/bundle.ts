// A deployed version's files (BPMN, DMN, form schemas) and what the UI reads from them
// without loading bpmn-js: the start form, the process description, field labels.
// Deployed versions never change, so they are cached for the page's lifetime.
import { apiCalls } from "../api/endpoints";
import type { Definition, JsonSchema } from "../api/types";
import { isIsoDateTime } from "../i18n";

export type Bundle = Record<string, string>;

const BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const cache = new Map<string, Promise<Bundle>>();

export function loadBundle(definition: Pick<Definition, "process_id" | "version" | "file_names">): Promise<Bundle> {
  const key = `${definition.process_id}@${definition.version}`;
  let found = cache.get(key);
  if (!found) {
    found = Promise.all(
      definition.file_names.map(
        async (name) => [name, await apiCalls.definitionFile(definition.process_id, definition.version, name)] as const,
      ),
    ).then((entries) => Object.fromEntries(entries));
    found.catch(() => cache.delete(key)); // a failed load is retried next time
    cache.set(key, found);
  }
  return found;
}

export async function loadVersion(processId: string, version: number): Promise<{ definition: Definition; bundle: Bundle }> {
  const definition = await apiCalls.definition(processId, version);
  return { definition, bundle: await loadBundle(definition) };
}

export function parseXml(xml: string): Document {
  return new DOMParser().parseFromString(xml, "application/xml");
}

function executableProcess(doc: Document): Element | null {
  const processes = Array.from(doc.getElementsByTagNameNS(BPMN_NS, "process"));
  return processes.find((p) => p.getAttribute("isExecutable") === "true") ?? processes[0] ?? null;
}

/** The form schema file of the process's start event, if it has one. */
export function startFormName(bpmnXml: string): string | null {
  const process = executableProcess(parseXml(bpmnXml));
  if (!process) return null;
  for (const start of Array.from(process.getElementsByTagNameNS(BPMN_NS, "startEvent"))) {
    if (start.parentElement !== process) continue; // a sub-process's start is not the process's
    for (const property of Array.from(start.getElementsByTagNameNS("*", "property"))) {
      if (property.getAttribute("name") === "formJsonSchemaFilename") return property.getAttribute("value");
    }
  }
  return null;
}

/** The executable process's <documentation> text (shown in the catalogue). */
export function processDocumentation(bpmnXml: string): string {
  const process = executableProcess(parseXml(bpmnXml));
  const doc = process ? Array.from(process.children).find((c) => c.localName === "documentation") : undefined;
  return doc?.textContent?.trim() ?? "";
}

export function formSchemas(bundle: Bundle): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, text] of Object.entries(bundle)) {
    if (!name.endsWith(".json")) continue;
    try {
      schemas[name] = JSON.parse(text) as JsonSchema;
    } catch {
      /* the server refuses bad JSON at deployment; skip it here */
    }
  }
  return schemas;
}

/** Field name -> its title across all forms of a bundle, to label an instance's data. */
export function fieldLabels(bundle: Bundle): Record<string, { title: string; schema: JsonSchema }> {
  const labels: Record<string, { title: string; schema: JsonSchema }> = {};
  for (const schema of Object.values(formSchemas(bundle))) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const [field, property] of Object.entries(properties)) {
      if (!labels[field] && typeof property.title === "string") labels[field] = { title: property.title, schema: property };
    }
  }
  return labels;
}

/** Shape a value for reading: booleans as yes/no, choices by their title. */
export function displayValue(value: unknown, schema: JsonSchema | undefined, yesNo: [string, string],
  formatTime?: (iso: string) => string): string {
  if (typeof value === "boolean") return value ? yesNo[0] : yesNo[1];
  if (formatTime && isIsoDateTime(value)) return formatTime(value);
  const options = (schema?.oneOf ?? schema?.anyOf) as JsonSchema[] | undefined;
  const option = options?.find((o) => o.const === value);
  if (option && typeof option.title === "string") return option.title;
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

// Compare two versions of a BPMN or DMN file element by element (by id): what was added,
// removed or changed (attributes, conditions, scripts, cell texts, layout). Done on the XML
// itself so it covers DMN tables and needs no diagram library.

export type ChangeKind = "added" | "removed" | "changed";

export interface ElementChange {
  id: string;
  type: string;
  name: string;
  change: ChangeKind;
  /** What differs for a changed element: attribute names, child element names, "layout". */
  details: string[];
  /** For each changed attribute or text: the value before and after ("" when absent). */
  values?: Record<string, { before: string; after: string }>;
}

/** Attribute values the standards take when the attribute is left out: an editor that drops
 * `cancelActivity="true"` or `hitPolicy="UNIQUE"` has changed nothing. */
const DEFAULTS: Record<string, string> = {
  cancelActivity: "true", isInterrupting: "true", parallelMultiple: "false", isForCompensation: "false",
  startQuantity: "1", completionQuantity: "1", isClosed: "false", isImmediate: "false",
  hitPolicy: "UNIQUE", preferredOrientation: "Rule-as-Row", typeLanguage: "http://www.w3.org/2001/XMLSchema",
  expressionLanguage: "http://www.omg.org/spec/FEEL/20140401",
};

const DI_NAMESPACES = [
  "http://www.omg.org/spec/BPMN/20100524/DI",
  "http://www.omg.org/spec/DD/20100524/DC",
  "http://www.omg.org/spec/DD/20100524/DI",
  "https://www.omg.org/spec/DMN/20191111/DMNDI/",
  "http://www.omg.org/spec/DMN/20180521/DC/",
  "http://www.omg.org/spec/DMN/20180521/DI/",
];

interface Indexed {
  element: Element;
  attributes: Record<string, string>;
  parts: Record<string, string>;
  /** The readable text of each part (a condition's expression, a cell's text). */
  texts: Record<string, string>;
}

function isDi(element: Element): boolean {
  return DI_NAMESPACES.includes(element.namespaceURI ?? "");
}

/** Attributes except id, and each child without an id serialised (its own content). */
function describe(element: Element): Indexed {
  const attributes: Record<string, string> = {};
  for (const attribute of Array.from(element.attributes)) {
    if (attribute.name !== "id" && !attribute.name.startsWith("xmlns")) attributes[attribute.name] = attribute.value;
  }
  const parts: Record<string, string> = {};
  const texts: Record<string, string> = {};
  const text = Array.from(element.childNodes)
    .filter((node) => node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE)
    .map((node) => node.textContent ?? "")
    .join("")
    .trim();
  if (text) parts["#text"] = texts["#text"] = text;
  for (const child of Array.from(element.children)) {
    if (child.hasAttribute("id") || isDi(child)) continue;
    const key = child.localName;
    parts[key] = (parts[key] ? `${parts[key]}\n` : "") + canonical(child);
    const childText = (child.textContent ?? "").trim();
    if (childText) texts[key] = (texts[key] ? `${texts[key]}\n` : "") + childText;
  }
  return { element, attributes, parts, texts };
}

function canonical(element: Element): string {
  const attributes = Array.from(element.attributes)
    .filter((a) => !a.name.startsWith("xmlns"))
    .map((a) => `${a.name}=${a.value}`)
    .sort()
    .join(" ");
  const children = Array.from(element.childNodes)
    .map((node) => (node.nodeType === Node.ELEMENT_NODE ? canonical(node as Element) : (node.textContent ?? "").trim()))
    .filter(Boolean)
    .join("");
  return `<${element.localName} ${attributes}>${children}</${element.localName}>`;
}

function index(doc: Document): { elements: Map<string, Indexed>; layout: Map<string, string> } {
  const elements = new Map<string, Indexed>();
  const layout = new Map<string, string>();
  for (const element of Array.from(doc.querySelectorAll("[id]"))) {
    if (isDi(element)) {
      const target = element.getAttribute("bpmnElement") ?? element.getAttribute("dmnElementRef");
      if (target) layout.set(target, canonical(element));
      continue;
    }
    elements.set(element.getAttribute("id") ?? "", describe(element));
  }
  return { elements, layout };
}

function labelOf(element: Element): string {
  return element.getAttribute("name") ?? element.getAttribute("label") ?? "";
}

export function diffXml(oldXml: string, newXml: string): ElementChange[] {
  const parser = new DOMParser();
  const before = index(parser.parseFromString(oldXml, "application/xml"));
  const after = index(parser.parseFromString(newXml, "application/xml"));
  const changes: ElementChange[] = [];
  for (const [id, item] of after.elements) {
    const old = before.elements.get(id);
    if (!old) {
      changes.push({ id, type: item.element.localName, name: labelOf(item.element), change: "added", details: [] });
      continue;
    }
    const details = new Set<string>();
    const values: Record<string, { before: string; after: string }> = {};
    for (const key of new Set([...Object.keys(old.attributes), ...Object.keys(item.attributes)])) {
      const was = old.attributes[key] ?? DEFAULTS[key] ?? "";
      const now = item.attributes[key] ?? DEFAULTS[key] ?? "";
      if (was !== now) {
        details.add(key);
        values[key] = { before: was, after: now };
      }
    }
    for (const key of new Set([...Object.keys(old.parts), ...Object.keys(item.parts)])) {
      if (old.parts[key] === item.parts[key]) continue;
      const name = key === "#text" ? "text" : key;
      details.add(name);
      const was = old.texts[key] ?? "";
      const now = item.texts[key] ?? "";
      if (was !== now) values[name] = { before: was, after: now };
    }
    if (old.element.localName !== item.element.localName) details.add("type");
    if ((before.layout.get(id) ?? "") !== (after.layout.get(id) ?? "")) details.add("layout");
    if (details.size) {
      const change: ElementChange = { id, type: item.element.localName, name: labelOf(item.element) || labelOf(old.element), change: "changed", details: [...details].sort() };
      if (Object.keys(values).length) change.values = values;
      changes.push(change);
    }
  }
  for (const [id, item] of before.elements) {
    if (!after.elements.has(id)) changes.push({ id, type: item.element.localName, name: labelOf(item.element), change: "removed", details: [] });
  }
  return changes.sort((a, b) => a.change.localeCompare(b.change) || a.id.localeCompare(b.id));
}

export interface FileChange {
  file: string;
  change: ChangeKind;
}

/** Which files of two bundles were added, removed or changed (content compared as text). */
export function diffFiles(before: Record<string, string>, after: Record<string, string>): FileChange[] {
  const changes: FileChange[] = [];
  for (const file of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(file in before)) changes.push({ file, change: "added" });
    else if (!(file in after)) changes.push({ file, change: "removed" });
    else if (before[file] !== after[file]) changes.push({ file, change: "changed" });
  }
  return changes.sort((a, b) => a.file.localeCompare(b.file));
}

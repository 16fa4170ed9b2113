// bpmn-js and dmn-js say their own words (palette, context pad, table headings) through a
// `translate` service; this module feeds it the Chinese catalogue when zh-CN is chosen.
import diagramZh from "../i18n/diagram.zh-CN.json";
import type { Lang } from "../i18n";

const catalogues: Partial<Record<Lang, Record<string, string>>> = { "zh-CN": diagramZh };

export function translateModule(lang: Lang) {
  const messages = catalogues[lang] ?? {};
  const translate = (template: string, replacements: Record<string, string> = {}) =>
    (messages[template] ?? template).replace(/{([^}]+)}/g, (whole, key: string) => replacements[key] ?? whole);
  return { translate: ["value", translate] };
}

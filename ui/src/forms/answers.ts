// A filled-in form read back in words ("审核结论：通过", "是否参考：否"), for confirmations.
import type { JsonSchema } from "../api/types";
import { isIsoDateTime } from "../i18n";
import type { Translate } from "../i18n";

export interface Answer {
  name: string;
  label: string;
  value: string;
}

/** The answers in the order the form declares its fields; empty ones are left out. */
export function describeAnswers(schema: JsonSchema, data: Record<string, unknown>, t: Translate,
  formatTime: (iso: string) => string): Answer[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const answers: Answer[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const value = data[name];
    if (value === undefined || value === null || value === "") continue;
    answers.push({ name, label: typeof property.title === "string" ? property.title : name, value: isIsoDateTime(value) ? formatTime(value) : answerText(property, value, t) });
  }
  return answers;
}

function answerText(property: Record<string, unknown>, value: unknown, t: Translate): string {
  if (typeof value === "boolean") return t(value ? "rjsf.YesLabel" : "rjsf.NoLabel");
  const options = (property.oneOf ?? property.anyOf) as { const?: unknown; title?: string }[] | undefined;
  const option = options?.find((candidate) => candidate.const === value);
  if (option?.title) return option.title;
  if (Array.isArray(value)) return value.map((item) => String(item)).join("、");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// Validation messages a person can act on: each names the field by its title and says what to
// do ("请填写审批意见", "请选择是否同意"), instead of the validator's own words
// ("应当有必需属性…", "应当匹配模式 then"). Used for the browser's check and the server's 422.
import type { RJSFValidationError } from "@rjsf/utils";
import type { JsonSchema } from "../api/types";
import type { Translate } from "../i18n";
import { idNumberProblem } from "./idNumber";

type Node = Record<string, unknown>;

/** The schema of the field at a path ("teacher_comment", "items.0.name") and its title. */
export function fieldAt(schema: JsonSchema, path: string[]): { field: Node | undefined; title: string } {
  let node: Node | undefined = schema as Node;
  for (const segment of path) {
    if (!node) break;
    const properties = node.properties as Record<string, Node> | undefined;
    if (properties && segment in properties) node = properties[segment];
    else if (node.items && typeof node.items === "object") node = node.items as Node;
    else node = undefined;
  }
  const last = path[path.length - 1] ?? "";
  const title = node && typeof node.title === "string" ? node.title : last;
  return { field: node, title };
}

function isChoice(field: Node | undefined): boolean {
  return !!field && (field.type === "boolean" || Array.isArray(field.oneOf) || Array.isArray(field.enum));
}

/** "Fill in / choose <field>" and friends, from a rule name and its parameters. */
export function ruleMessage(rule: string, field: Node | undefined, title: string, params: Record<string, unknown>,
  value: unknown, t: Translate): string | null {
  const limit = String(params.limit ?? params.comparison ?? "");
  switch (rule) {
    case "required":
      return t(isChoice(field) ? "validation.choose" : "validation.fill", { field: title });
    case "minLength":
      return Number(params.limit ?? 1) <= 1 ? t("validation.fill", { field: title })
        : t("validation.minLengthN", { field: title, limit });
    case "pattern":
      return params.pattern === "\\S" ? t("validation.fill", { field: title }) : t("validation.patternOf", { field: title });
    case "maxLength":
      return t("validation.maxLengthN", { field: title, limit });
    case "minimum":
      return t("validation.minimumN", { field: title, limit });
    case "exclusiveMinimum":
      return t("validation.exclusiveMinimumN", { field: title, limit });
    case "maximum":
      return t("validation.maximumN", { field: title, limit });
    case "exclusiveMaximum":
      return t("validation.exclusiveMaximumN", { field: title, limit });
    case "multipleOf":
      return t("validation.multipleOfN", { field: title, limit: String(params.multipleOf ?? "") });
    case "type":
      return t("validation.typeOf", { field: title });
    case "enum":
    case "oneOf":
    case "const":
      return t("validation.choose", { field: title });
    case "format":
      if (params.format === "cn-resident-id" && typeof value === "string") {
        const problem = idNumberProblem(value);
        return problem ? t(problem.key, problem.params) : t("validation.formatOf", { field: title });
      }
      return t("validation.formatOf", { field: title });
    default:
      return null;
  }
}

function valueAt(data: unknown, path: string[]): unknown {
  let node = data;
  for (const segment of path) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** rjsf's transformErrors: plain messages naming the field; the `if` that only says "then
 * failed" and the per-option `const` errors of a choice are dropped. */
export function transformErrorsFor(schema: JsonSchema, t: Translate, data: () => unknown) {
  return (errors: RJSFValidationError[]): RJSFValidationError[] => {
    const seen = new Set<string>();
    const result: RJSFValidationError[] = [];
    for (const error of errors) {
      const rule = error.name ?? "";
      if (rule === "if" || rule === "then" || rule === "else" || rule === "allOf" || rule === "anyOf") continue;
      const path = (error.property ?? "").split(".").filter(Boolean);
      const { field, title } = fieldAt(schema, path);
      const message = ruleMessage(rule, field, title, (error.params ?? {}) as Record<string, unknown>,
        valueAt(data(), path), t) ?? error.message ?? "";
      const key = `${error.property}|${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push({ ...error, message, stack: message });
    }
    return result;
  };
}

/** True when a message from the server is already written in Chinese for the person. */
export function isChinese(text: string | undefined | null): boolean {
  return !!text && /[\u4e00-\u9fff]/.test(text) && !/[a-z]{2,}\s+[a-z]{2,}/i.test(text);
}

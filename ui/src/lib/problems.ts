// Turn API failures into what a teacher can read: a plain sentence for 403/409/404/...,
// and per-field messages for 422 problems that point into the submitted data.
import type { ErrorSchema } from "@rjsf/utils";
import { ApiError, NetworkError } from "../api/client";
import type { JsonSchema, ProblemDetail } from "../api/types";
import { fieldAt, isChinese, ruleMessage } from "../forms/messages";
import { maybeKey } from "../i18n";
import type { Translate } from "../i18n";

/** A group id as a name ("class_teacher" -> "班主任"), or the id when not catalogued. */
export function groupName(group: string | null | undefined, t: Translate): string {
  if (!group) return "";
  const key = maybeKey(`group.${group}`);
  return key ? t(key) : group;
}

/** A failure found in the browser whose message is already a sentence for the user. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** One sentence saying what went wrong, in the user's language. */
export function describeError(error: unknown, t: Translate): string {
  if (error instanceof UserError) return error.message;
  if (error instanceof NetworkError) return t("error.network");
  if (!(error instanceof ApiError)) {
    return t("error.unexpected", { detail: error instanceof Error ? error.message : String(error) });
  }
  const detail = error.problem?.detail ?? "";
  // the server's own Chinese sentence says more than a generic one
  if (isChinese(detail) && error.status !== 401 && error.status < 500) return detail;
  let match: RegExpMatchArray | null;
  switch (error.status) {
    case 401:
      return t("error.unauthenticated");
    case 403:
      if ((match = detail.match(/is claimed by (.+?); only they may (release|complete)/))) {
        return t(match[2] === "release" ? "error.claimedByOtherRelease" : "error.claimedByOtherComplete", {
          name: match[1],
        });
      }
      if ((match = detail.match(/only members of group '(.+?)'/))) {
        return t("error.notInGroup", { group: groupName(match[1], t) });
      }
      if (/needs the role admin/.test(detail)) return t("error.adminOnly");
      return t("error.forbidden", { detail });
    case 404:
      return t("error.notFound");
    case 409:
      if (error.problem?.claimed_by?.display_name) {
        return t("error.alreadyClaimed", { name: error.problem.claimed_by.display_name });
      }
      if ((match = detail.match(/already claimed by (.+)$/))) {
        return t("error.alreadyClaimed", { name: match[1] });
      }
      if (error.slug === "task-not-open") return t("error.taskNotOpen");
      if (error.slug === "instance-busy") return t("error.instanceBusy");
      if (error.slug === "instance-suspended") return t("error.instanceSuspended");
      if (/can be suspended$/.test(detail)) return t("error.cannotSuspend");
      if (/can be resumed$/.test(detail)) return t("error.cannotResume");
      if (/can be terminated$/.test(detail)) return t("error.cannotTerminate");
      if (/^incident \d+ is \w+, not open$/.test(detail)) return t("error.incidentNotOpen");
      if (/must be claimed before/.test(detail)) return t("error.claimFirst");
      if (/is not claimed/.test(detail)) return t("error.notClaimed");
      if (/assigned to one person/.test(detail)) return t("error.personalTask");
      return t("error.conflict", { detail });
    case 413:
      return t("error.tooLarge");
    case 422:
      return t("error.invalid", { count: error.problem?.errors?.length ?? 1 });
    case 429:
      return t("error.tooManyAttempts", { seconds: error.retryAfter ?? 60 });
    default:
      if (error.status >= 500) return t("error.server");
      return t("error.conflict", { detail: detail || String(error.status) });
  }
}

/** A problem's message for the person: the server's own Chinese sentence wins; otherwise one
 * naming the field (from the form's schema, when given) or the rule's generic wording. */
export function problemMessage(problem: ProblemDetail, t: Translate, schema?: JsonSchema, prefix = "/data"): string {
  if (isChinese(problem.message)) return problem.message;
  if (schema && problem.rule && problem.pointer?.startsWith(`${prefix}/`)) {
    const path = problem.pointer.slice(prefix.length + 1).split("/").map(unescapePointer);
    const { field, title } = fieldAt(schema, path);
    const named = ruleMessage(problem.rule, field, title, {}, undefined, t);
    if (named && problem.rule !== "format") return named;
  }
  const key = problem.rule ? maybeKey(`validation.${problem.rule}`) : undefined;
  return key ? t(key) : problem.message;
}

export interface FieldProblems {
  /** rjsf's extraErrors: { field: { __errors: [...] } }. */
  errorSchema: ErrorSchema;
  /** Problems that name a field outside the form, by pointer ("/business_key"). */
  outside: Record<string, string[]>;
  /** Problems with no usable pointer. */
  general: string[];
}

/** Sort a 422 problem's errors into form fields (pointers under `prefix`) and the rest. */
export function fieldProblems(error: unknown, t: Translate, prefix = "/data", schema?: JsonSchema): FieldProblems {
  const result: FieldProblems = { errorSchema: {}, outside: {}, general: [] };
  if (!(error instanceof ApiError) || error.status !== 422) return result;
  for (const problem of error.problem?.errors ?? []) {
    const message = problemMessage(problem, t, schema, prefix);
    const pointer = problem.pointer;
    if (pointer === prefix || pointer === undefined) {
      result.general.push(message);
    } else if (pointer.startsWith(`${prefix}/`)) {
      const path = pointer.slice(prefix.length + 1).split("/").map(unescapePointer);
      addAt(result.errorSchema as Record<string, unknown>, path, message);
    } else {
      (result.outside[pointer] ??= []).push(message);
    }
  }
  return result;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

function addAt(schema: Record<string, unknown>, path: string[], message: string): void {
  let node = schema;
  for (const segment of path) {
    node = (node[segment] ??= {}) as Record<string, unknown>;
  }
  const errors = ((node.__errors as string[] | undefined) ??= []);
  errors.push(message);
}

// Small pure helpers of the auditor's screens: day bounds for the search, how a data path
// reads in a diff, and where the replay slider may go.
import type { TimelineEntry } from "../../api/audit";

/** A yyyy-mm-dd day in the browser's zone as the ISO instant it starts at. */
export function dayStart(day: string | null | undefined): string | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = new Date(`${day}T00:00:00`);
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

/** The end of a day (exclusive: the start of the next one), so "to" includes the whole day. */
export function dayEnd(day: string | null | undefined): string | undefined {
  const start = dayStart(day);
  if (!start) return undefined;
  const next = new Date(start);
  next.setDate(next.getDate() + 1);
  return next.toISOString();
}

/**
 * "/teacher_comment" -> "审批意见 (teacher_comment)": the form's title when known, always with
 * the key itself, since two forms may use the same title (是否同意) for different keys.
 */
export function pathLabel(pointer: string, titles: Record<string, { title: string }>): string {
  const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const key = segments.join(".") || "/";
  const title = titles[segments[0] ?? ""]?.title;
  return title ? `${title} (${key})` : key;
}

/** Clamp a requested event number into 1..last. */
export function clampSeq(value: number, last: number): number {
  if (!Number.isFinite(value)) return last;
  return Math.min(Math.max(1, Math.round(value)), Math.max(1, last));
}

/** The seq of the previous/next event that someone or something fed in (not just observed). */
export function nextInput(events: Pick<TimelineEntry, "seq" | "kind">[], from: number, direction: 1 | -1): number | null {
  const inputs = events.filter((e) => INPUT_KINDS.has(e.kind)).map((e) => e.seq);
  const found = direction > 0 ? inputs.find((s) => s > from) : [...inputs].reverse().find((s) => s < from);
  return found ?? null;
}

/** Event kinds that change the instance (docs/audit.md §2): replay applies these. */
export const INPUT_KINDS = new Set(["instance_started", "task_completed", "timer_fired", "message_received", "service_task_completed"]);

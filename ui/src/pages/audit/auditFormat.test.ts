import { describe, expect, it } from "vitest";
import { clampSeq, dayEnd, dayStart, nextInput, pathLabel } from "./auditFormat";

describe("auditor screen helpers", () => {
  it("turns a day into a half-open range of instants", () => {
    const start = dayStart("2026-11-24");
    const end = dayEnd("2026-11-24");
    expect(start).toBeDefined();
    expect(Date.parse(end!) - Date.parse(start!)).toBe(24 * 3600 * 1000);
    expect(dayStart("")).toBeUndefined();
    expect(dayStart("24.11.2026")).toBeUndefined();
  });

  it("labels a data path by its form title", () => {
    const titles = { teacher_comment: { title: "审批意见" } };
    expect(pathLabel("/teacher_comment", titles)).toBe("审批意见 (teacher_comment)");
    expect(pathLabel("/teacher_comment/0", titles)).toBe("审批意见 (teacher_comment.0)");
    expect(pathLabel("/a~1b/c", {})).toBe("a/b.c");
  });

  it("keeps the slider inside the instance's events", () => {
    expect(clampSeq(0, 15)).toBe(1);
    expect(clampSeq(99, 15)).toBe(15);
    expect(clampSeq(Number.NaN, 15)).toBe(15);
    expect(clampSeq(7.4, 15)).toBe(7);
  });

  it("steps to the next or previous input event", () => {
    const events = [
      { seq: 1, kind: "instance_started" }, { seq: 2, kind: "decision_taken" }, { seq: 4, kind: "task_ready" },
      { seq: 6, kind: "task_completed" }, { seq: 10, kind: "task_completed" },
    ];
    expect(nextInput(events, 1, 1)).toBe(6);
    expect(nextInput(events, 6, 1)).toBe(10);
    expect(nextInput(events, 10, 1)).toBeNull();
    expect(nextInput(events, 10, -1)).toBe(6);
    expect(nextInput(events, 1, -1)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../api/client";
import { translator } from "../i18n";
import { describeError, fieldProblems } from "./problems";

const zh = translator("zh-CN");
const en = translator("en");

function problem(status: number, detail: string, slug: string, errors?: object[]) {
  return new ApiError(status, { type: `https://certflow.dev/problems/${slug}`, title: "x", status, detail, errors } as never, null);
}

describe("describeError", () => {
  it("says who holds a task claimed by someone else", () => {
    const error = problem(409, "task 5 is already claimed by 张老师", "task-already-claimed");
    expect(describeError(error, zh)).toBe("已被张老师认领");
    expect(describeError(error, en)).toContain("张老师");
  });

  it("prefers the structured holder of a claimed task over the sentence", () => {
    const error = new ApiError(409, {
      type: "https://certflow.dev/problems/task-already-claimed", title: "x", status: 409,
      detail: "task 5 is already claimed by someone else", claimed_by: { id: 3, display_name: "张老师" },
    }, null);
    expect(describeError(error, zh)).toBe("已被张老师认领");
  });

  it("says plainly why an administrator's action on an instance was refused", () => {
    expect(describeError(problem(409, "instance 4 is suspended by an administrator; its tasks cannot be claimed or completed until it is resumed", "instance-suspended"), zh))
      .toContain("已被管理员暂停");
    expect(describeError(problem(409, "instance 4 is cancelled, not suspended; only a suspended instance can be resumed", "conflict"), zh))
      .toBe("只有已暂停的实例可以恢复。");
  });

  it("names the holder when another person's task is released or completed", () => {
    const error = problem(403, "task 1 is claimed by 王老师; only they may release it", "not-allowed");
    expect(describeError(error, zh)).toContain("王老师");
  });

  it("names the group by its name", () => {
    const error = problem(403, "only members of group 'class_office' may claim this task", "not-allowed");
    expect(describeError(error, zh)).toContain("班级办公室");
  });

  it("reports network failures and server errors as sentences", () => {
    expect(describeError(new NetworkError(new TypeError("Failed to fetch")), zh)).toMatch(/网络/);
    expect(describeError(problem(500, "boom", "500"), en)).toMatch(/server/i);
  });
});

describe("fieldProblems", () => {
  it("puts /data pointers on form fields and keeps others apart", () => {
    const error = problem(422, "2 problems", "invalid-task-data", [
      { pointer: "/data/teacher_comment", message: "'teacher_comment' is a required property", rule: "required" },
      { pointer: "/data/days", message: "2.3 is not a multiple of 0.5", rule: "multipleOf" },
      { pointer: "/business_key", message: "Missing data for required field." },
      { message: "something general" },
    ]);
    const found = fieldProblems(error, zh);
    expect(found.errorSchema).toEqual({
      teacher_comment: { __errors: ["此项为必填项"] },
      days: { __errors: ["请按规定的单位填写"] },
    });
    expect(found.outside["/business_key"]).toEqual(["Missing data for required field."]);
    expect(found.general).toEqual(["something general"]);
  });

  it("handles nested pointers and ignores non-422 errors", () => {
    const error = problem(422, "1 problem", "invalid-task-data", [
      { pointer: "/data/scores/0/value", message: "too big", rule: "unknown_rule" },
    ]);
    expect(fieldProblems(error, en).errorSchema).toEqual({ scores: { 0: { value: { __errors: ["too big"] } } } });
    expect(fieldProblems(problem(409, "x", "conflict"), en).errorSchema).toEqual({});
  });
});

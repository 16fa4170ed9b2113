// @vitest-environment happy-dom
// The diff panel asks for the two chosen points, lists each changed key old → new (by form
// title and key), refuses a backwards range without asking, and says when the API is unreachable.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TimelineEntry } from "../../api/audit";
import { I18nProvider } from "../../i18n";
import { DiffPanel } from "./DiffPanel";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const event = (seq: number, kind: string, task: string | null = null): TimelineEntry => ({
  seq, kind, at: "2026-11-24T08:00:00Z", actor: null, task_name: task, task_title: task ? "班主任审批" : null,
  task_id: null, data: null, outcome: null, payload: {}, hash: "h",
});
const events = [event(1, "instance_started"), event(4, "task_ready", "approve_class_teacher"), event(6, "task_completed", "approve_class_teacher")];
const bundle = {
  "teacher.schema.json": JSON.stringify({ properties: { teacher_approved: { title: "是否同意", type: "boolean" }, teacher_comment: { title: "审批意见", type: "string" } } }),
};

let container: HTMLDivElement;
afterEach(() => {
  container?.remove();
  vi.unstubAllGlobals();
});

async function render() {
  container = document.createElement("div");
  document.body.appendChild(container);
  await act(async () => {
    createRoot(container).render(
      <I18nProvider>
        <DiffPanel instanceId={7} events={events} bundle={bundle} titles={{ approve_class_teacher: "班主任审批", approve_class_office: "班级办公室审批" }} />
      </I18nProvider>,
    );
  });
}

async function choose(id: string, value: string) {
  await act(async () => {
    const select = container.querySelector<HTMLSelectElement>(`#${id}`)!;
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

async function submit() {
  await act(async () => {
    container.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
}

describe("DiffPanel", () => {
  it("lists each changed key with its value before and after", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({
      instance_id: 7,
      from: { seq: 1, status: "running", open_tasks: ["approve_class_teacher"] },
      to: { seq: 6, status: "running", open_tasks: ["approve_class_office"] },
      changes: [
        { op: "added", path: "/teacher_approved", to: true },
        { op: "changed", path: "/route", from: "teacher", to: "teacher_office" },
      ],
      findings: [],
    }), { status: 200, headers: { "Content-Type": "application/json" } }));
    vi.stubGlobal("fetch", fetch);
    await render();
    await choose("diff-from", "1");
    await choose("diff-to", "6");
    await submit();
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe("/api/v1/audit/instances/7/diff?from=1&to=6");
    const rows = Array.from(container.querySelectorAll("tbody tr")).map((row) =>
      Array.from(row.querySelectorAll("td")).map((cell) => cell.textContent));
    expect(rows).toEqual([
      ["是否同意 (teacher_approved)", "新增", "（无）", "是"],
      ["route", "修改", "teacher", "teacher_office"],
    ]);
    expect(container.textContent).toContain("第 1 个事件时待办：班主任审批；第 6 个事件时待办：班级办公室审批");
  });

  it("refuses a range that runs backwards without asking the API", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    await render();
    await choose("diff-from", "6");
    await choose("diff-to", "4");
    await submit();
    expect(fetch).not.toHaveBeenCalled();
    expect(container.querySelector('[role="alert"]')?.textContent).toBe("起始事件不能晚于结束事件。");
  });

  it("says so when the server cannot be reached", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => { throw new TypeError("Failed to fetch"); }));
    await render();
    await submit();
    expect(container.querySelector('[role="alert"]')?.textContent).toContain("无法连接服务器");
  });
});

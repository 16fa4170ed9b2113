// An auditor finds a finished 2.5-day leave (class teacher → class office → return confirmed),
// replays it to the event right after the class teacher's approval and sees the class office's
// task open there, compares two points, checks the hash chain and downloads the signed export.
import { expect, test } from "@playwright/test";
import type { APIRequestContext } from "@playwright/test";
import { readFileSync } from "node:fs";
import { api, DESKTOP_CONTEXT, diagramReady, openAs, shoot, uniqueKey, leaveData, schoolToday } from "./helpers";

interface Instance {
  id: number;
  status: string;
  open_tasks: { id: number; task_name: string }[];
}

interface TimelineEvent {
  seq: number;
  kind: string;
  task_name: string | null;
}

async function finishedLeave(request: APIRequestContext, key: string): Promise<Instance> {
  let instance = await api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: "leave_approval", business_key: key,
    data: await leaveData(request, "xiaoming", 2.5, { reason: "参加技能大赛集训" }),
  });
  const steps: [string, string, Record<string, unknown>][] = [
    ["approve_class_teacher", "zhang", { teacher_approved: true, teacher_comment: "同意，注意安全。" }],
    ["approve_class_office", "li", { office_approved: true, office_comment: "同意" }],
    ["confirm_return", "xiaoming", { returned_on: schoolToday(), return_note: "已按时返校" }],
  ];
  for (const [name, user, data] of steps) {
    const task = instance.open_tasks.find((t) => t.task_name === name);
    expect(task, `${name} open`).toBeTruthy();
    if (name !== "confirm_return") await api(request, user, "POST", `/api/v1/tasks/${task!.id}/claim`);
    instance = await api<Instance>(request, user, "POST", `/api/v1/tasks/${task!.id}/complete`, { data });
  }
  expect(instance.status).toBe("completed");
  return instance;
}

test("auditor: find a finished leave, replay it to a midpoint, diff, verify, export", async ({ browser, request }) => {
  const key = uniqueKey("AUD");
  const leave = await finishedLeave(request, key);
  const timeline = await api<{ events: TimelineEvent[] }>(request, "auditor", "GET", `/api/v1/audit/instances/${leave.id}/timeline`);
  const events = timeline.events;
  const last = events[events.length - 1].seq;
  const completed = (name: string) => events.find((e) => e.kind === "task_completed" && e.task_name === name)!.seq;
  const afterTeacher = completed("approve_class_teacher");
  const afterOffice = completed("approve_class_office");

  const auditor = await openAs(browser, "auditor", DESKTOP_CONTEXT, [/net::ERR_FAILED/]);
  const p = auditor.page;
  // The auditor's home is the search.
  await expect(p).toHaveURL(/\/audit$/);
  await expect(p.getByRole("heading", { name: "审计：查找流程实例" })).toBeVisible();
  await p.getByLabel("申请人").fill("小明");
  await p.getByLabel("申报编号").fill(key);
  await p.getByRole("button", { name: "查找", exact: true }).click();
  await expect(p.getByTestId("audit-total")).toHaveText("共找到 1 个实例。");
  const row = p.getByTestId("audit-results").locator("tbody tr");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("小明");
  await expect(row).toContainText("已完成");
  // A prefix search finds it too.
  await p.getByLabel("申报编号").fill(`${key.slice(0, 6)}*`);
  await p.getByRole("button", { name: "查找", exact: true }).click();
  await expect(p.getByTestId("audit-results")).toContainText(key);
  await shoot(p, "30-audit-search");

  await p.getByRole("link", { name: key, exact: true }).click();
  await expect(p).toHaveURL(new RegExp(`/audit/instances/${leave.id}`));
  await expect(p.getByTestId("audit-key")).toHaveText(key);
  await diagramReady(p, "replay-diagram");
  // At the last event the replay matches the stored state and nothing is open.
  await expect(p.getByTestId("replay-state")).toHaveText(`已回放到第 ${last} 个事件。`);
  await expect(p.getByTestId("replay-integrity")).toHaveText("回放结果与存储状态一致。");
  await expect(p.getByTestId("replay-open-tasks")).toHaveText("无待办任务");
  const timelineList = p.getByTestId("audit-timeline");
  await expect(timelineList.locator(`li[data-seq="${afterTeacher}"]`)).toContainText("张老师");
  await expect(timelineList.locator(`li[data-seq="${afterTeacher}"]`)).toContainText("班主任审批");

  // Replay with the keyboard: Home goes to event 1, each arrow key one event further.
  const slider = p.getByRole("slider", { name: "回放到事件" });
  await slider.focus();
  await slider.press("Home");
  await expect(p.getByTestId("replay-position")).toContainText(`第 1 / ${last} 个事件`);
  for (let seq = 1; seq < afterTeacher; seq++) await slider.press("ArrowRight");
  await expect(slider).toHaveAttribute("aria-valuetext", new RegExp(`第 ${afterTeacher} / ${last} 个事件：完成任务 · 班主任审批`));
  await expect(p.getByTestId("replay-state")).toHaveText(`已回放到第 ${afterTeacher} 个事件。`);
  await expect(p).toHaveURL(new RegExp(`at=${afterTeacher}`));
  // Right after the class teacher's approval the class office's task is open ...
  await expect(p.getByTestId("replay-open-tasks")).toContainText("班级办公室审批");
  await expect(p.locator('.djs-element.cf-current[data-element-id="approve_class_office"]')).toHaveCount(1);
  // ... and the path so far is lit: start, tier decision, class teacher, her gateway; not the
  // gateway's direct branch to the office, nor anything after.
  for (const id of ["start_request", "decide_tier", "approve_class_teacher", "gw_after_teacher", "flow_teacher_approved_office"]) {
    await expect(p.locator(`.djs-element.cf-done[data-element-id="${id}"]`), id).toHaveCount(1);
  }
  for (const id of ["flow_route_office", "confirm_return", "gw_after_office", "approve_class_office"]) {
    await expect(p.locator(`.djs-element.cf-done[data-element-id="${id}"]`), id).toHaveCount(0);
  }
  const data = p.getByTestId("replay-data");
  await expect(data.locator('[data-field="teacher_comment"]')).toHaveText("同意，注意安全。");
  await expect(data.locator('[data-field="office_comment"]')).toHaveCount(0);
  await p.getByTestId("replay-position").scrollIntoViewIfNeeded();
  await p.evaluate(() => document.getElementById("replay-heading")?.scrollIntoView());
  await shoot(p, "31-audit-replay", () => diagramReady(p, "replay-diagram"), false);

  // One event back (button) is the class teacher's claim: her task was still open then.
  await p.getByRole("button", { name: "◀ 上一个事件" }).click();
  await expect(p.getByTestId("replay-state")).toHaveText(`已回放到第 ${afterTeacher - 1} 个事件。`);
  await expect(p.getByTestId("replay-open-tasks")).toContainText("班主任审批");
  await expect(p.locator('.djs-element.cf-current[data-element-id="approve_class_teacher"]')).toHaveCount(1);

  // Diff: from the start to the office's approval.
  await p.getByLabel("从事件", { exact: true }).selectOption(String(1));
  await p.getByLabel("到事件", { exact: true }).selectOption(String(afterOffice));
  await p.getByRole("button", { name: "比较", exact: true }).click();
  const diff = p.getByTestId("diff-result");
  await expect(diff).toContainText("第 1 个事件时待办：班主任审批");
  await expect(diff).toContainText(`第 ${afterOffice} 个事件时待办：销假`);
  await expect(diff.locator('tr[data-path="/teacher_comment"]')).toContainText("新增");
  await expect(diff.locator('tr[data-path="/teacher_comment"]')).toContainText("同意，注意安全。");
  await expect(diff.locator('tr[data-path="/office_approved"]')).toContainText("是");
  await expect(diff.locator('tr[data-path="/days"]')).toHaveCount(0);
  // Chain verification: this instance's chain, then the whole trail.
  await expect(p.getByTestId("chain-instance")).toContainText("完整");
  await p.getByRole("button", { name: "校验全部记录" }).click();
  await expect(p.getByTestId("chain-all")).toContainText("校验通过");
  await p.evaluate(() => document.getElementById("diff-heading")?.scrollIntoView());
  await shoot(p, "32-audit-diff-chain", () => diagramReady(p, "replay-diagram"), false);
  // The wrong order is refused in the page, before asking the API.
  await p.getByLabel("从事件", { exact: true }).selectOption(String(afterOffice));
  await p.getByLabel("到事件", { exact: true }).selectOption(String(1));
  await p.getByRole("button", { name: "比较", exact: true }).click();
  await expect(p.getByText("起始事件不能晚于结束事件。")).toBeVisible();
  await p.getByLabel("到事件", { exact: true }).selectOption(String(last));
  await p.getByRole("button", { name: "比较", exact: true }).click();
  await expect(diff.locator('tr[data-path="/return_note"]')).toContainText("已按时返校");


  // Export: a failed download is said, a working one saves the signed zip.
  await p.route("**/api/v1/audit/export**", (route) => route.abort());
  await p.getByTestId("export-button").click();
  await expect(p.getByRole("alert").filter({ hasText: "无法连接服务器" })).toBeVisible();
  await p.unroute("**/api/v1/audit/export**");
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId("export-button").click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^certflow-audit-instance-${leave.id}-.*\\.zip$`));
  const zip = readFileSync((await download.path())!);
  expect(zip.subarray(0, 2).toString("latin1")).toBe("PK");
  expect(zip.toString("latin1")).toContain("manifest.json");
  await expect(p.getByText(`已下载 ${download.suggestedFilename()}。`)).toBeVisible();

  auditor.assertCleanConsole();
  await auditor.close();
});

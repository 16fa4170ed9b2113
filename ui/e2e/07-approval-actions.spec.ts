// The approval-app conventions in the browser: 转交, 退回, 加签, 抄送 on a task page, 撤回 and 催办
// on the applicant's case page, comments, each then seen in the auditor's replay as one
// integral history (the replay matches the stored state).
import { expect, test } from "@playwright/test";
import type { APIRequestContext, Page } from "@playwright/test";
import { api, DESKTOP_CONTEXT, openAs, shoot, uniqueKey, leaveData } from "./helpers";

interface Instance {
  id: number;
  status: string;
  business_key: string;
  open_tasks: { id: number; task_name: string; assignee_id: number | null }[];
}

async function leave(request: APIRequestContext, days: number): Promise<Instance> {
  return api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: "leave_approval", business_key: uniqueKey("ACT"),
    data: await leaveData(request, "xiaoming", days, { reason: "参加技能大赛集训" }),
  });
}

async function claimInBrowser(p: Page, taskId: number): Promise<void> {
  await p.goto(`/inbox/${taskId}`);
  await p.getByRole("button", { name: "认领", exact: true }).click();
  await expect(p.getByTestId("approval-actions").getByRole("group", { name: "审批操作" })).toBeVisible();
}

async function replayMatches(p: Page, request: APIRequestContext, instanceId: number, kind: string, label: string): Promise<void> {
  const replay = await api<{ integrity: { matches: boolean } }>(request, "auditor", "GET", `/api/v1/instances/${instanceId}/replay`);
  expect(replay.integrity.matches).toBe(true);
  await p.goto(`/audit/instances/${instanceId}`);
  await expect(p.getByTestId("replay-integrity")).toHaveText("回放结果与存储状态一致。");
  await expect(p.getByTestId("audit-timeline").locator(`li[data-kind="${kind}"]`).first()).toContainText(label);
}

test("approval actions: transfer, send back, consult, copy, withdraw, remind, comment — then the auditor's replay", async ({ browser, request }) => {
  const zhang = await openAs(browser, "zhang", DESKTOP_CONTEXT);
  const z = zhang.page;

  // 转交: zhang claims the teacher's task and hands it to 王老师, who now holds it.
  const transferred = await leave(request, 1);
  await claimInBrowser(z, transferred.open_tasks[0].id);
  await z.getByRole("button", { name: "转交", exact: true }).click();
  await z.getByLabel("转交给").selectOption({ label: "王老师" });
  await z.getByLabel("转交说明（可不填）").fill("本周外出培训，请王老师处理");
  await shoot(z, "50-task-transfer");
  await z.getByRole("button", { name: "确认转交" }).click();
  await expect(z).toHaveURL(/\/inbox$/);
  const afterTransfer = await api<Instance>(request, "wang", "GET", `/api/v1/instances/${transferred.id}`);
  const wang = await api<{ id: number }>(request, "wang", "GET", "/api/v1/me");
  expect(afterTransfer.open_tasks[0].assignee_id).toBe(wang.id);

  // 加签 and 抄送 on one task: zhang asks 李主任's opinion and copies the case to 赵校长.
  const consulted = await leave(request, 1);
  const consultTask = consulted.open_tasks[0].id;
  await claimInBrowser(z, consultTask);
  await z.getByRole("button", { name: "加签（征求意见）" }).click();
  await z.getByLabel("向谁征求意见").selectOption({ label: "李主任" });
  await z.getByLabel("想请教的问题").fill("该生本月已请假两次，是否同意？");
  await z.getByRole("button", { name: "确认加签（征求意见）" }).click();
  await expect(z.getByTestId("task-opinions")).toContainText("等待答复");
  await z.getByRole("button", { name: "抄送", exact: true }).click();
  await z.getByLabel("抄送给").selectOption({ label: "赵校长" });
  await z.getByLabel("抄送说明（可不填）").fill("请知悉");
  await z.getByRole("button", { name: "确认抄送" }).click();
  await expect(z.getByText("已抄送：赵校长")).toBeVisible();
  // 赵校长 may read the case now (before, it was not his group's).
  expect((await api<Instance>(request, "zhao", "GET", `/api/v1/instances/${consulted.id}`)).id).toBe(consulted.id);

  // 李主任 answers on the case page; zhang sees the answer on the task before deciding.
  const li = await openAs(browser, "li", DESKTOP_CONTEXT);
  await li.page.goto(`/cases/${consulted.id}`);
  const ask = li.page.getByTestId("opinion-request");
  await expect(ask).toContainText("该生本月已请假两次");
  await ask.getByLabel("您的意见").fill("情况属实，可以同意");
  await shoot(li.page, "51-case-opinion-answer");
  await ask.getByRole("button", { name: "回复意见" }).click();
  await expect(li.page.getByTestId("opinion-request")).toHaveCount(0);
  await z.goto(`/inbox/${consultTask}`);
  await expect(z.getByTestId("opinion-answer")).toContainText("情况属实，可以同意");
  await z.getByTestId("approval-actions").scrollIntoViewIfNeeded();
  await shoot(z, "52-task-opinion-seen", undefined, false);

  // 退回: a 2.5-day leave reaches the class office; 李主任 sends it back to the class teacher.
  const sentBack = await leave(request, 2.5);
  await api(request, "zhang", "POST", `/api/v1/tasks/${sentBack.open_tasks[0].id}/claim`);
  const atOffice = await api<Instance>(request, "zhang", "POST", `/api/v1/tasks/${sentBack.open_tasks[0].id}/complete`,
    { data: { teacher_approved: true, teacher_comment: "同意" } });
  await claimInBrowser(li.page, atOffice.open_tasks[0].id);
  await li.page.getByRole("button", { name: "退回", exact: true }).click();
  await li.page.getByLabel("退回到").selectOption({ label: "班主任审批" });
  await li.page.getByLabel("退回理由").fill("请核实集训通知后再报");
  await li.page.getByRole("button", { name: "确认退回" }).click();
  await expect(li.page).toHaveURL(new RegExp(`/cases/${sentBack.id}$`));
  await expect(li.page.getByTestId("case-current")).toContainText("班主任审批");

  // 撤回, 催办 and comments: xiaoming on his own cases.
  const xiaoming = await openAs(browser, "xiaoming", DESKTOP_CONTEXT, [409]); // the second 催办 is refused
  const x = xiaoming.page;
  const withdrawn = await leave(request, 1);
  await x.goto(`/cases/${withdrawn.id}`);
  await x.getByRole("button", { name: "催办" }).click();
  await expect(x.getByText("已催办：班主任审批")).toBeVisible();
  await x.getByLabel("发表评论").fill("下周一的集训通知已上传");
  await x.getByRole("button", { name: "发表", exact: true }).click();
  await expect(x.getByTestId("case-comments")).toContainText("下周一的集训通知已上传");
  await shoot(x, "53-case-remind-comment", undefined, false);
  await x.getByRole("button", { name: "催办" }).click();
  await expect(x.getByTestId("case-action-error")).toContainText("每个工作日最多催办一次");
  x.once("dialog", (dialog) => dialog.accept());
  await x.getByRole("button", { name: "撤回申请" }).click();
  await expect(x.getByText("申请已撤回")).toBeVisible();
  await expect(x.getByRole("button", { name: "撤回申请" })).toHaveCount(0);
  const ended = await api<Instance>(request, "xiaoming", "GET", `/api/v1/instances/${withdrawn.id}`);
  expect(ended.status).toBe("withdrawn");

  // The auditor replays each case: the history holds every action and replays to what is stored.
  const auditor = await openAs(browser, "auditor", DESKTOP_CONTEXT);
  await replayMatches(auditor.page, request, transferred.id, "task_transferred", "转交");
  await replayMatches(auditor.page, request, consulted.id, "opinion_given", "回复意见");
  await replayMatches(auditor.page, request, consulted.id, "instance_copied", "抄送");
  await replayMatches(auditor.page, request, sentBack.id, "task_sent_back", "退回");
  await replayMatches(auditor.page, request, withdrawn.id, "instance_withdrawn", "申请人撤回");
  await replayMatches(auditor.page, request, withdrawn.id, "instance_reminded", "申请人催办");

  for (const user of [zhang, li, xiaoming, auditor]) user.assertCleanConsole();
  for (const user of [zhang, li, xiaoming, auditor]) await user.close();
});

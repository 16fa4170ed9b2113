// Decisions are never made for the approver: a yes/no starts unanswered, submitting without
// choosing is refused at the field in plain Chinese, and batch work shows every case with the
// decision it will get before anything runs; after a partial failure the counts stay true.
import { expect, test } from "@playwright/test";
import { api, diagramReady, DESKTOP_CONTEXT, openAs, PHONE_CONTEXT, shoot, uniqueKey, leaveData } from "./helpers";

interface Instance {
  id: number;
  business_key: string;
  open_tasks: { id: number; task_name: string }[];
}

async function leaveRequest(request: Parameters<typeof api>[0], prefix: string, reason = "参加技能比赛"): Promise<Instance> {
  return api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: "leave_approval", business_key: uniqueKey(prefix),
    data: await leaveData(request, "xiaoming", 1, { reason }),
  });
}

for (const [size, context] of [["desktop", DESKTOP_CONTEXT], ["phone", PHONE_CONTEXT]] as const) {
  test(`a decision submitted with nothing chosen is refused at the field (${size})`, async ({ browser, request }) => {
    const instance = await leaveRequest(request, `ND${size[0].toUpperCase()}`);
    const taskId = instance.open_tasks[0].id;
    const teacher = await openAs(browser, "zhang", context);
    const p = teacher.page;
    await p.goto(`/inbox/${taskId}`);
    await p.getByRole("button", { name: "认领" }).click();
    const yes = p.getByRole("radio", { name: "是" });
    const no = p.getByRole("radio", { name: "否" });
    await expect(yes).toBeEnabled();
    await expect(yes).not.toBeChecked();
    await expect(no).not.toBeChecked();
    await p.getByRole("button", { name: "提交" }).click();
    const field = p.locator("#task_teacher_approved__error"); // the message under the field itself
    await expect(field).toContainText("请选择是否同意");
    await expect(p.locator("body")).not.toContainText("应当");
    if (size === "desktop") await shoot(p, "15-decision-required");
    // nothing was completed: the task is still open and mine
    const task = await api<{ status: string }>(request, "zhang", "GET", `/api/v1/tasks/${taskId}`);
    expect(task.status).toBe("claimed");
    // 否 without a comment: the comment is asked for by name
    await no.check();
    await p.getByRole("button", { name: "提交" }).click();
    await expect(p.locator("#task_teacher_comment__error")).toContainText("请填写审批意见");
    // a colleague of the same group sees who holds it and is not offered 认领
    const colleague = await openAs(browser, "wang", context);
    await colleague.page.goto(`/inbox/${taskId}`);
    await expect(colleague.page.getByText("该任务已被他人认领。")).toBeVisible();
    await expect(colleague.page.getByRole("button", { name: "认领" })).toHaveCount(0);
    colleague.assertCleanConsole();
    await colleague.close();
    teacher.assertCleanConsole();
    await teacher.close();
  });

  test(`batch work lists each case and its decision before it runs (${size})`, async ({ browser, request }) => {
    const first = await leaveRequest(request, `BA${size[0].toUpperCase()}`);
    const second = await leaveRequest(request, `BB${size[0].toUpperCase()}`);
    const teacher = await openAs(browser, "zhang", context, [409]);
    const p = teacher.page;
    await p.goto("/inbox");
    for (const instance of [first, second]) {
      await p.getByRole("checkbox", { name: `选择 班主任审批（${instance.business_key}）` }).check();
    }
    await p.getByRole("button", { name: "批量办理所选" }).click();
    const panel = p.getByTestId("batch-panel");
    await expect(panel.getByRole("radio", { name: "是" })).not.toBeChecked();
    await expect(panel.getByRole("radio", { name: "否" })).not.toBeChecked();
    await panel.getByRole("radio", { name: "是" }).check();
    await panel.getByRole("button", { name: "核对后提交（2 项）" }).click();
    const rows = panel.getByTestId("batch-confirm-row");
    await expect(rows).toHaveCount(2);
    for (const [index, instance] of [first, second].entries()) {
      await expect(rows.nth(index)).toContainText(instance.business_key);
      await expect(rows.nth(index)).toContainText("是否同意：是");
    }
    if (size === "desktop") await shoot(p, "16-batch-confirm", undefined, false);
    // meanwhile a colleague takes the second case: it fails, the first goes through
    await api(request, "wang", "POST", `/api/v1/tasks/${second.open_tasks[0].id}/claim`);
    await panel.getByRole("button", { name: "确认提交（2 项）" }).click();
    await expect(panel.getByTestId("batch-counts")).toContainText("已办理 1 项，失败 1 项（共 2 项）");
    await expect(panel.getByTestId("batch-failures")).toContainText(second.business_key);
    await expect(panel.getByRole("heading", { level: 2 })).toContainText("（1 项）");
    await expect(panel.getByRole("button", { name: "核对后提交（1 项）" })).toBeVisible();
    teacher.assertCleanConsole();
    await teacher.close();
  });

  test(`the DMN editor's address opens and reloads (${size})`, async ({ browser }) => {
    const admin = await openAs(browser, "admin", context);
    const p = admin.page;
    const url = "/admin/definitions/certification_application/versions/1/dmn/cert_policy.dmn";
    await p.goto(url);
    await diagramReady(p, "dmn-editor");
    await p.reload();
    await diagramReady(p, "dmn-editor");
    await expect(p).toHaveURL(new RegExp(`${url.replace(/\./g, "\\.")}$`));
    admin.assertCleanConsole();
    await admin.close();
  });

  test(`notifications are one click away in the top bar (${size})`, async ({ browser }) => {
    const student = await openAs(browser, "xiaoming", context);
    const p = student.page;
    await p.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: /^通知/ }).click();
    await expect(p.getByRole("heading", { level: 1, name: "我的通知" })).toBeVisible();
    await expect(p.getByTestId("unread-count")).toHaveCount(0); // opening the list marks all seen
    student.assertCleanConsole();
    await student.close();
  });
}

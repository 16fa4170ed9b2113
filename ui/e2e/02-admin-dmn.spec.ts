// An administrator raises the DMN tier threshold in the decision-table editor and deploys
// version 2: a new request routes by the new rule while an instance started before keeps
// version 1. Also: comparing the two versions, and the instance list.
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { api, diagramReady, openAs, PHONE_CONTEXT, shoot, uniqueKey, leaveData, fillLeaveDates, PROOF } from "./helpers";

interface Instance {
  id: number;
  definition_version: number;
  data: Record<string, unknown>;
  open_tasks: { id: number; task_name: string }[];
}

async function editCell(page: Page, elementId: string, text: string): Promise<void> {
  const cell = page.locator(`.dmn-decision-table-container td[data-element-id="${elementId}"]`);
  await cell.click();
  const editable = cell.locator("[contenteditable]:visible").first();
  await editable.press("ControlOrMeta+a");
  await editable.pressSequentially(text);
  await page.locator(".dmn-decision-table-container h3, .decision-table-name").first().click().catch(() => undefined);
  await expect(cell).toHaveText(text);
}

test("raise the DMN threshold, deploy v2: new requests route by the new rule, old ones keep v1", async ({ browser, request }) => {
  // An instance started under version 1: 1.5 days goes to the class teacher, then the office.
  const oldKey = uniqueKey("OLD");
  const old = await api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: "leave_approval", business_key: oldKey,
    data: await leaveData(request, "xiaoming", 1.5),
  });
  expect(old.definition_version).toBe(1);
  expect(old.data.route).toBe("teacher_office");

  const admin = await openAs(browser, "admin");
  const p = admin.page;
  await expect(p).toHaveURL(/\/admin\/definitions$/);
  await expect(p.getByTestId("version-leave_approval-1")).toBeVisible();
  await shoot(p, "08-admin-definitions");

  // Edit the decision table: the class teacher alone now approves up to 2 days.
  await p.getByRole("link", { name: "编辑决策表 leave_tiers.dmn（版本 1）" }).click();
  await diagramReady(p, "dmn-editor");
  await editCell(p, "rule_teacher_days", "<= 2");
  await editCell(p, "rule_teacher_office_days", "2 < ? <= 3");
  await p.getByRole("button", { name: "验证" }).click();
  await expect(p.getByTestId("model-status")).toHaveText("验证通过，可以部署。");
  await shoot(p, "09-dmn-editor", () => diagramReady(p, "dmn-editor"));
  await p.getByRole("button", { name: "部署为新版本" }).click();
  await expect(p).toHaveURL(/\/admin\/definitions$/);
  await expect(p.getByRole("status").filter({ hasText: "已部署为版本 2。" })).toBeVisible();
  await expect(p.getByTestId("version-leave_approval-2")).toBeVisible();

  // Compare version 1 with version 2: the two edited cells are listed.
  const card = p.getByTestId("process-leave_approval");
  await card.getByLabel("比较版本").selectOption("1");
  await card.getByLabel("与版本").selectOption("2");
  await card.getByRole("link", { name: "比较" }).click();
  const dmnChanges = p.getByTestId("dmn-changes-leave_tiers.dmn");
  await expect(dmnChanges).toContainText("rule_teacher_days");
  await expect(dmnChanges).toContainText("rule_teacher_office_days");
  // each edited cell with its old and new text; nothing the editor merely re-wrote
  await expect(dmnChanges).toContainText("→ <= 2");
  await expect(dmnChanges).not.toContainText("hitPolicy");
  await expect(p.getByTestId("file-changes")).toContainText("leave_tiers.dmn");
  await diagramReady(p, "compare-new");
  await shoot(p, "10-compare-versions", () => diagramReady(p, "compare-new"));

  // A new 1.5-day request, filed in the browser, runs on version 2 and routes to the teacher only.
  const applicant = await openAs(browser, "xiaoming", PHONE_CONTEXT);
  const a = applicant.page;
  await a.getByRole("link", { name: "填写申请：请假审批" }).click();
  await a.getByLabel("请假类型").selectOption({ label: "事假" });
  await fillLeaveDates(a, 1.5);
  await a.getByLabel("请假事由").fill("参加亲属婚礼");
  await a.getByTestId("attachments-proof-input").setInputFiles(
    { name: "单位证明.pdf", mimeType: "application/pdf", buffer: PROOF });
  await expect(a.getByTestId("attachments-proof").getByRole("progressbar")).toHaveCount(0);
  await expect(a.getByTestId("attachments-proof").getByTestId("attachment-item")).toHaveCount(1);
  await a.getByRole("button", { name: "提交申请" }).click();
  await expect(a).toHaveURL(/\/cases\/\d+$/);
  await expect(a.getByTestId("case-version")).toHaveText("版本 2");
  const newId = Number(a.url().split("/").pop());

  const newKey = (await a.getByTestId("case-key").textContent()) ?? "";
  const fresh = await api<Instance>(request, "admin", "GET", `/api/v1/instances/${newId}`);
  expect(fresh.definition_version).toBe(2);
  expect(fresh.data.route).toBe("teacher");

  // The class teacher approves both at once with the inbox's batch form (POST /batch/complete);
  // the new one goes straight to 销假, the old one on to the class office (version 1's rule).
  const teacher = await openAs(browser, "zhang");
  const z = teacher.page;
  await z.getByRole("checkbox", { name: `选择 班主任审批（${oldKey}）` }).check();
  await z.getByRole("checkbox", { name: `选择 班主任审批（${newKey}）` }).check();
  await z.getByRole("button", { name: "批量办理所选" }).click();
  const panel = z.getByTestId("batch-panel");
  await panel.getByRole("radio", { name: "是" }).check();
  await shoot(z, "14-inbox-batch", undefined, false);
  await panel.getByRole("button", { name: "核对后提交（2 项）" }).click();
  await expect(panel.getByTestId("batch-confirm-row")).toHaveCount(2);
  await panel.getByRole("button", { name: "确认提交（2 项）" }).click();
  await expect(z.getByRole("status").filter({ hasText: "已办理 2 个任务。" })).toBeVisible();
  await expect(panel).toHaveCount(0);
  await expect(z.locator(".task-card", { hasText: oldKey })).toHaveCount(0);
  await a.reload();
  await expect(a.getByTestId("case-current")).toContainText("销假");
  await a.goto(`/cases/${old.id}`);
  await expect(a.getByTestId("case-version")).toHaveText("版本 1");
  await expect(a.getByTestId("case-current")).toContainText("班级办公室审批");

  // The administrators' instance list, filtered to running leave requests.
  await p.goto("/instances?process=leave_approval&status=running");
  await expect(p.getByTestId("instance-table")).toContainText(oldKey);
  await shoot(p, "11-admin-instances");

  for (const user of [admin, applicant, teacher]) user.assertCleanConsole();
  for (const user of [admin, applicant, teacher]) await user.close();
});

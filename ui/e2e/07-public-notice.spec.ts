// 成绩公示 on a phone, without signing in: from the sign-in screen to /notice, the plan's results
// under notice with masked names, the objection form's own checks, an objection with name and
// contact that reaches the quality-supervision group as a task, and a second one that joins it.
// The test server puts 赵敏's result under notice (scripts/ui_test_server.py, seed_notice).
import { expect, test } from "@playwright/test";
import { api, PHONE, PHONE_CONTEXT, shoot } from "./helpers";

interface Objection { objector: string; objector_contact: string | null; routing: string; business_key: string }
interface Inbox { items: { task_name: string; business_key: string }[] }

test("public notice and an objection on a phone, without sign-in", async ({ browser, request }) => {
  const context = await browser.newContext(PHONE_CONTEXT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 409/.test(message.text())) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));

  await page.goto("/signin");
  await page.getByRole("link", { name: "成绩公示与异议（无需登录）" }).click();
  await expect(page).toHaveURL(/\/notice$/);
  await expect(page.getByRole("heading", { name: "成绩公示" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveCount(0);

  const entry = page.getByTestId("notice-entry").filter({ hasText: "UI-GS-zhaomin" });
  await expect(entry).toBeVisible();
  await expect(entry).toContainText("赵*");
  await expect(entry).toContainText("电工");
  await expect(entry).toContainText("五级/初级工");
  await expect(entry).toContainText("合格");
  await expect(page.getByTestId("notice-list")).not.toContainText("赵敏");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await shoot(page, "36-public-notice", undefined, true);

  // The form's own checks come before the server is asked.
  await entry.getByRole("button", { name: "对此提出异议" }).click();
  await expect(page.getByLabel("申报编号")).toHaveValue("UI-GS-zhaomin");
  await page.getByLabel("异议事实与理由").fill("实操考核时有他人代为操作，现场多名考生可以作证");
  await page.getByRole("button", { name: "提交异议" }).click();
  await expect(page.getByText("请填写您的真实姓名。")).toBeVisible();
  await page.getByLabel("您的姓名").fill("张三");
  await page.getByLabel("联系电话或电子邮箱").fill("13800001234");
  await page.getByRole("button", { name: "提交异议" }).click();
  const receipt = page.getByTestId("objection-receipt");
  await expect(receipt).toContainText("异议已受理，已转质量监督小组调查处理");
  await expect(receipt).toContainText("异议受理编号");
  await expect(entry).toContainText("异议处理中");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await shoot(page, "37-objection-sent", undefined, false);

  // A second objection while the first is handled joins the open task.
  await page.getByLabel("异议事实与理由").fill("理论考试时该考生座位与准考证不符");
  await page.getByRole("button", { name: "提交异议" }).click();
  await expect(receipt).toContainText("已并入质量监督小组正在处理的异议");

  // The quality-supervision group has the task and sees who objected; the candidate does not.
  const inbox = await api<Inbox>(request, "han", "GET", "/api/v1/tasks?per_page=200");
  expect(inbox.items.filter((t) => t.business_key === "UI-GS-zhaomin").map((t) => t.task_name)).toEqual(["handle_objection"]);
  const objections = await api<Objection[]>(request, "han", "GET", "/api/v1/objections?business_key=UI-GS-zhaomin");
  expect(objections.map((o) => [o.objector, o.objector_contact, o.routing])).toEqual([
    ["张三", "13800001234", "joined"], ["张三", "13800001234", "new_task"]]);

  expect(errors).toEqual([]);
  await context.close();
});

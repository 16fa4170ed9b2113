// An administrator keeps the holiday calendar current without a release: opens a year the
// bundled file lacks (it says so), marks a day 放假, sees it in the month and in the year's
// revisions, then clears it again.
import { expect, test } from "@playwright/test";
import { checkAccessibility, openAs } from "./helpers";

test("an administrator marks a holiday in a year without data and sees the revisions", async ({ browser }) => {
  const year = 2090 + (Date.now() % 9); // a year no other test touches
  const admin = await openAs(browser, "admin");
  const page = admin.page;
  await page.goto(`/admin/calendar?year=${year}`);
  await expect(page.getByTestId("calendar-year")).toHaveText(`${year} 年`);
  await expect(page.getByTestId("calendar-source")).toContainText("本年尚无节假日和调休安排");
  await expect(page.getByText("本年没有修改记录")).toBeVisible();
  await checkAccessibility(page, "holiday calendar");

  const day = `${year}-10-09`;
  await page.locator(`button[data-day="${day}"]`).click();
  const form = page.getByTestId("calendar-day-form");
  await form.getByLabel("类型").selectOption("holiday");
  await form.getByLabel("名称").fill("校庆放假");
  await form.getByRole("button", { name: "保存" }).click();
  await expect(page.locator(`button[data-day="${day}"]`)).toHaveAttribute("data-kind", "holiday");
  await expect(page.getByLabel(`9（${day}）放假：校庆放假`)).toBeVisible();
  await expect(page.getByTestId("calendar-source")).toContainText("由管理员录入");
  const revisions = page.getByTestId("calendar-revisions");
  await expect(revisions).toContainText(`添加 ${day} 校庆放假`);
  await expect(revisions).toContainText("系统管理员");

  await page.locator(`button[data-day="${day}"]`).click();
  await page.getByTestId("calendar-day-form").getByRole("button", { name: "取消标记" }).click();
  await expect(page.locator(`button[data-day="${day}"]`)).not.toHaveAttribute("data-kind", "holiday");
  await expect(revisions.getByRole("listitem").first()).toContainText(`删除 ${day}`);
  await expect(revisions).toContainText(`${day} 取消（原为放假：校庆放假）`);
  admin.assertCleanConsole();
  await admin.close();
});

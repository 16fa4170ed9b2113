// A new learner's first sign-in on a phone: the administrator opens the account (API), the
// learner signs in with the handed-over password, must choose their own, and the policy's
// reasons appear at the field.
import { expect, test } from "@playwright/test";
import { PHONE_CONTEXT, api, checkAccessibility, uniqueKey } from "./helpers";

interface Unit { id: number; name: string; children: Unit[] }
interface Opened { accounts: { username: string; password: string }[] }

test("a handed-over password must be replaced at the first sign-in (phone)", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const code = uniqueKey("C");
  const unit = await api<Unit>(request, "admin", "POST", "/api/v1/admin/units",
    { kind: "class", code, name: `新生${code.slice(-6)}`, parent_id: root.id });
  const number = `S${Date.now().toString().slice(-8)}`;
  await api(request, "admin", "POST", "/api/v1/admin/people", { name: "林新生", number, class_id: unit.id });
  const opened = await api<Opened>(request, "admin", "POST", "/api/v1/admin/accounts", { unit_id: unit.id });
  const [account] = opened.accounts;
  expect(account.username).toBe(number);

  const context = await browser.newContext(PHONE_CONTEXT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/signin");
  await page.getByLabel("用户名").fill(account.username);
  await page.getByLabel("密码").fill(account.password);
  await page.getByRole("button", { name: "登录" }).click();

  await expect(page).toHaveURL(/\/password/);
  await expect(page.getByRole("heading", { name: "修改密码" })).toBeVisible();
  await expect(page.getByText("管理员发放的初始密码")).toBeVisible();
  await checkAccessibility(page, "first sign-in password change (phone)");
  await page.goto("/inbox"); // every other screen leads back here until the password is changed
  await expect(page).toHaveURL(/\/password\?next=%2Finbox/);

  await page.getByLabel("原密码").fill(account.password);
  await page.getByLabel("新密码", { exact: true }).fill("abcdefgh");
  await page.getByLabel("再次输入新密码").fill("abcdefgh");
  await page.getByRole("button", { name: "保存新密码" }).click();
  await expect(page.locator("#password-new-error")).toContainText("字母和数字");

  await page.getByLabel("新密码", { exact: true }).fill("Lin-2026-mine");
  await page.getByLabel("再次输入新密码").fill("Lin-2026-mine");
  await page.getByRole("button", { name: "保存新密码" }).click();
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.getByTestId("current-user")).toContainText("林新生");
  expect(errors).toEqual([]);
  await context.close();
});

// An activation code instead of a password: the administrator opens a new learner's account
// with a code on the people screen, and the learner activates it on a phone — a wrong code is
// refused in words, the right one with a password of their own signs them in.
import { expect, test } from "@playwright/test";
import { PHONE_CONTEXT, api, checkAccessibility, openAs, uniqueKey } from "./helpers";

interface Unit { id: number; name: string; children: Unit[] }

test("an administrator hands over an activation code and the learner activates on a phone", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const key = uniqueKey("A");
  const unit = await api<Unit>(request, "admin", "POST", "/api/v1/admin/units",
    { kind: "class", code: key, name: `激活${key.slice(-6)}`, parent_id: root.id });
  const number = `S${Date.now().toString().slice(-8)}`;
  await api(request, "admin", "POST", "/api/v1/admin/people", { name: "秦激活", number, class_id: unit.id });

  const admin = await openAs(browser, "admin");
  const page = admin.page;
  await page.goto("/admin/people");
  await page.getByLabel("姓名、学号/工号或身份证号后几位").fill(number);
  await page.getByRole("button", { name: "查找" }).click();
  const card = page.getByRole("listitem").filter({ hasText: "秦激活" });
  await card.getByRole("button", { name: "以激活码开通" }).click();
  const handed = card.getByTestId("handed-code");
  await expect(handed).toContainText("只显示这一次");
  const code = (await handed.locator("code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$/);
  await expect(card.getByText(`${number} 待激活`)).toBeVisible();
  admin.assertCleanConsole();
  await admin.close();

  // Before activation no password signs in, not even the code.
  const early = await request.post("/api/v1/auth/token", { data: { username: number, password: code } });
  expect(early.status()).toBe(401);

  const context = await browser.newContext(PHONE_CONTEXT);
  const phone = await context.newPage();
  const errors: string[] = [];
  phone.on("pageerror", (error) => errors.push(error.message));
  await phone.goto("/signin");
  await phone.getByRole("link", { name: "激活账号" }).click();
  await expect(phone).toHaveURL(/\/activate$/);
  await expect(phone.getByRole("heading", { name: "激活账号" })).toBeVisible();
  await checkAccessibility(phone, "activate account (phone)");
  await phone.getByLabel("语言").selectOption("en");
  await expect(phone.getByRole("heading", { name: "Activate your account" })).toBeVisible();
  await expect(phone.getByLabel("Activation code")).toBeVisible();
  await phone.getByLabel("Language").selectOption("zh-CN");

  await phone.getByLabel("用户名、学号或工号").fill(number);
  await phone.getByLabel("激活码").fill("ABCDE-FGHJK");
  await phone.getByLabel("新密码", { exact: true }).fill("Qin-2026-mine");
  await phone.getByLabel("再次输入新密码").fill("Qin-2026-mine");
  await phone.getByRole("button", { name: "激活并登录" }).click();
  await expect(phone.getByRole("alert")).toContainText("激活码");
  await expect(phone).toHaveURL(/\/activate$/);

  await phone.getByLabel("激活码").fill(code.toLowerCase().replace("-", ""));  // typed as it comes
  await phone.getByRole("button", { name: "激活并登录" }).click();
  await expect(phone.getByTestId("current-user")).toContainText("秦激活");
  await expect(phone).not.toHaveURL(/\/(activate|signin|password)/);
  expect(errors).toEqual([]);
  await context.close();

  const signIn = await request.post("/api/v1/auth/token", { data: { username: number, password: "Qin-2026-mine" } });
  expect(signIn.status()).toBe(200);
  expect((await signIn.json()).user.must_change_password).toBe(false);
});

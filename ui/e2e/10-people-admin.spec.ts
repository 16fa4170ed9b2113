// The administrator's quick jobs on a phone: find a person, reset their password (shown once;
// the holder must replace it), disable them (their sign-in stops at once).
import { expect, test } from "@playwright/test";
import { PHONE_CONTEXT, api, checkAccessibility, openAs } from "./helpers";

interface Unit { id: number; name: string; children: Unit[] }
interface Opened { accounts: { username: string; password: string }[] }

test("an administrator resets a password and disables a person on a phone", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const number = `S${Date.now().toString().slice(-8)}`;
  const person = await api<{ id: number }>(request, "admin", "POST", "/api/v1/admin/people", { name: "周手机", number });
  const opened = await api<Opened>(request, "admin", "POST", "/api/v1/admin/accounts", { person_ids: [person.id] });
  expect(opened.accounts[0].username).toBe(number);
  expect(root.id).toBeGreaterThan(0);

  const admin = await openAs(browser, "admin", PHONE_CONTEXT);
  const page = admin.page;
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto("/admin/people");
  await page.getByLabel("姓名、学号/工号或身份证号后几位").fill(number);
  await page.getByRole("button", { name: "查找" }).click();
  const card = page.getByRole("listitem").filter({ hasText: "周手机" });
  await expect(card).toBeVisible();
  await checkAccessibility(page, "people (phone)");
  await card.getByRole("button", { name: `重置 ${number} 的密码` }).click();
  const handed = card.getByTestId("handed-password");
  await expect(handed).toContainText("只显示这一次");
  const password = (await handed.locator("code").textContent())?.trim() ?? "";
  expect(password).toHaveLength(12);

  const signIn = await request.post("/api/v1/auth/token", { data: { username: number, password } });
  expect(signIn.status()).toBe(200);
  const body = await signIn.json();
  expect(body.user.must_change_password).toBe(true);

  await card.getByRole("button", { name: "停用" }).click();
  // Done once the list is read again: the button is gone and the status chip says 停用 (the
  // button's own label would match the word at once).
  await expect(card.getByRole("button", { name: "停用" })).toHaveCount(0);
  await expect(card.locator(".chip")).toHaveText("停用");
  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${body.access_token}` } });
  expect(me.status()).toBe(401);
  admin.assertCleanConsole();
  await admin.close();
});

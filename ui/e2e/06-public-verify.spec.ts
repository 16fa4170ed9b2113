// Anyone can check a certificate on a phone without signing in: from the sign-in screen to
// /verify, a valid certificate, a revoked one, and a number that matches nothing. The test
// server seeds 刘洋's valid and 陈静's revoked certificate (scripts/ui_test_server.py).
import { expect, test } from "@playwright/test";
import { api, PHONE, PHONE_CONTEXT, shoot } from "./helpers";

interface Register {
  items: { certificate_no: string; holder_name: string; status: string }[];
}

test("public certificate check on a phone: valid, revoked, not found", async ({ browser, request }) => {
  const register = await api<Register>(request, "auditor", "GET", "/api/v1/certificates?per_page=100");
  const valid = register.items.find((c) => c.holder_name === "刘洋" && c.status === "valid");
  const revoked = register.items.find((c) => c.holder_name === "陈静" && c.status === "revoked");
  expect(valid, "seeded valid certificate").toBeTruthy();
  expect(revoked, "seeded revoked certificate").toBeTruthy();
  const unknown = `${valid!.certificate_no.slice(0, 11)}999999`;

  const context = await browser.newContext(PHONE_CONTEXT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !/net::ERR_FAILED/.test(message.text())) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));

  await page.goto("/signin");
  await page.getByRole("link", { name: "查询证书真伪（无需登录）" }).click();
  await expect(page).toHaveURL(/\/verify$/);
  await expect(page.getByRole("heading", { name: "证书查询" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveCount(0);

  // A malformed number is caught at the field, before asking the server.
  const number = page.getByLabel("证书编号");
  const name = page.getByLabel("持证人姓名");
  await number.fill("CF3201-123");
  await name.fill("刘洋");
  await page.getByRole("button", { name: "查询", exact: true }).click();
  await expect(page.getByText("证书编号应为 17 位", { exact: false })).toBeVisible();
  await expect(number).toHaveAttribute("aria-invalid", "true");

  // Valid (typed in lower case with a space in the name: both are forgiven).
  await number.fill(valid!.certificate_no.toLowerCase());
  await name.fill("刘 洋");
  await page.getByRole("button", { name: "查询", exact: true }).click();
  const result = page.getByTestId("verify-result");
  await expect(result.locator("[data-verdict]")).toHaveAttribute("data-verdict", "valid");
  await expect(result).toContainText("证书有效");
  await expect(result).toContainText(valid!.certificate_no);
  await expect(result).toContainText("电工");
  await expect(result).toContainText("五级/初级工");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await shoot(page, "33-verify-valid", undefined, false);

  // Revoked.
  await number.fill(revoked!.certificate_no);
  await name.fill("陈静");
  await page.getByRole("button", { name: "查询", exact: true }).click();
  await expect(result.locator("[data-verdict]")).toHaveAttribute("data-verdict", "revoked");
  await expect(result).toContainText("证书已撤销");
  await shoot(page, "34-verify-revoked", undefined, false);

  // Not found: an unknown number, and a known number with the wrong name, answer the same.
  await number.fill(unknown);
  await name.fill("刘洋");
  await page.getByRole("button", { name: "查询", exact: true }).click();
  await expect(result.locator("[data-verdict]")).toHaveAttribute("data-verdict", "notFound");
  await expect(result).toContainText("未查到相符的证书");
  await shoot(page, "35-verify-not-found", undefined, false);
  await number.fill(valid!.certificate_no);
  await name.fill("刘阳");
  await page.getByRole("button", { name: "查询", exact: true }).click();
  await expect(result.locator("[data-verdict]")).toHaveAttribute("data-verdict", "notFound");
  await expect(result).not.toContainText("电工");

  // A network failure is said, not swallowed.
  await page.route("**/api/v1/certificates/verify**", (route) => route.abort());
  await page.getByRole("button", { name: "查询", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "无法连接服务器" })).toBeVisible();
  await page.unroute("**/api/v1/certificates/verify**");

  // The page also opens directly (a link on a printed certificate), in English if chosen.
  await page.goto("/verify");
  await page.getByLabel("语言").selectOption("en");
  await expect(page.getByRole("heading", { name: "Certificate check" })).toBeVisible();
  await page.getByLabel("Certificate number").fill(valid!.certificate_no);
  await page.getByLabel("Holder's name").fill("刘洋");
  await page.getByRole("button", { name: "Check", exact: true }).click();
  await expect(result).toContainText("The certificate is valid");
  await page.getByLabel("Language").selectOption("zh-CN");

  expect(errors).toEqual([]);
  await context.close();
});

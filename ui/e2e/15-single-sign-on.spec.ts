// Single sign-on (统一身份认证) in Chromium through a real OpenID Connect provider (oidc-provider,
// started by scripts/ui_test_server.py): the sign-in page's button, the provider's own login
// page, back in certflow as 林老师 (matched by 工号); sign-out there too; and someone the
// directory does not know is refused in Chinese.
import { expect, test } from "@playwright/test";
import { DESKTOP_CONTEXT, checkAccessibility, shoot } from "./helpers";

test.beforeEach(async ({ request }) => {
  // Without Node's oidc-provider the server offers passwords only (CI always has it:
  // CERTFLOW_IDP_REQUIRED=1 makes scripts/ui_test_server.py refuse to start without it).
  const offered = await request.get("/api/v1/auth/sso");
  const enabled = offered.ok() && (await offered.json()).enabled === true;
  test.skip(!enabled, "no campus sign-on configured (bash scripts/setup-idp.sh)");
});

test("a teacher signs in through the campus sign-on and signs out there too", async ({ browser }) => {
  const context = await browser.newContext(DESKTOP_CONTEXT);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/signin");
  const button = page.getByRole("link", { name: "统一身份认证" });
  await expect(button).toBeVisible();
  await checkAccessibility(page, "sign-in page with the campus sign-on");
  await shoot(page, "11-sign-in-sso");
  await button.click();

  // The provider's own page, on its own origin.
  await expect(page.getByRole("heading", { name: "统一身份认证" })).toBeVisible();
  expect(new URL(page.url()).origin).not.toBe(new URL(test.info().project.use.baseURL ?? "http://x").origin);
  await page.getByLabel("账号").fill("lin");
  await page.getByLabel("密码").fill("not-her-password");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert")).toContainText("账号或密码错误");
  await page.getByLabel("账号").fill("lin");
  await page.getByLabel("密码").fill("campus-lin-1");
  await page.getByRole("button", { name: "登录" }).click();

  await expect(page.getByTestId("current-user")).toContainText("林老师");
  expect(page.url()).not.toContain("access_token"); // the token left the address bar
  await page.getByRole("button", { name: "退出登录" }).click();
  // The provider asks to confirm its own sign-out, then comes back to certflow.
  await expect(page).toHaveURL(/\/session\/end/);
  expect(errors).toEqual([]);
  await context.close();
});

test("someone the directory does not know is refused with a Chinese page", async ({ browser }) => {
  const context = await browser.newContext(DESKTOP_CONTEXT);
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("link", { name: "统一身份认证" }).click();
  await page.getByLabel("账号").fill("visitor");
  await page.getByLabel("密码").fill("campus-visitor-1");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("heading", { name: "统一身份认证登录被拒绝" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("X26SSO9 不在本系统的人员名录中");
  await page.getByRole("link", { name: "返回登录页" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await context.close();
});

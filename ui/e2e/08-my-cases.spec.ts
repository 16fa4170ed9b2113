// 我的申请 on a laptop and a phone: an applicant sees, for every case, where it is and who holds
// it, or how and why it ended — an ineligible application with the rule's reason, a certified
// one with its certificate number and a link to the public check — and the exam notice. The
// test server plays 赵敏's two cases through (scripts/ui_test_server.py, seed_ended_cases).
import { expect, test } from "@playwright/test";
import { api, DESKTOP_CONTEXT, openAs, PHONE_CONTEXT, shoot } from "./helpers";

interface MyCase { id: number; business_key: string; outcome: { certificate_no: string | null } | null }

for (const [size, context] of [["laptop", DESKTOP_CONTEXT], ["phone", PHONE_CONTEXT]] as const) {
  test(`my cases on a ${size}: an ineligible case's reason and a certified case's number`, async ({ browser, request }) => {
    const zhaomin = await openAs(browser, "zhaomin", context);
    const p = zhaomin.page;
    await p.goto("/cases");
    await expect(p.getByRole("heading", { name: "我的申请" })).toBeVisible();
    const cases = await api<MyCase[]>(request, "zhaomin", "GET", "/api/v1/my-cases");
    const byKey = (key: string) => p.locator(".my-case").filter({ hasText: key });

    const ineligible = byKey("UI-MY-INELIGIBLE");
    await expect(ineligible.getByTestId("case-outcome")).toContainText("不符合申报条件");
    await expect(ineligible.getByTestId("case-outcome")).toContainText("须累计从事本职业或相关职业工作1年（含）以上");

    const certified = byKey("UI-MY-CERTIFIED");
    await expect(certified.getByTestId("case-outcome")).toContainText("已通过，证书已发放");
    const number = (await certified.getByTestId("certificate-no").textContent()) ?? "";
    expect(number).toMatch(/^[A-Z0-9]{6}\d{11}$/);
    expect(cases.some((c) => c.outcome?.certificate_no === number)).toBe(true);
    await expect(certified).toContainText("实训楼402"); // the exam notice, in the app
    if (size === "laptop") await shoot(p, "54-my-cases");

    await certified.getByRole("link", { name: "公开查验" }).click();
    await expect(p).toHaveURL(/\/verify\?certificate_no=/);
    await expect(p.getByLabel("证书编号")).toHaveValue(number);
    zhaomin.assertCleanConsole();
    await zhaomin.close();
  });
}

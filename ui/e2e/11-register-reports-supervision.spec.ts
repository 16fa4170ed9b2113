// The keepers' screens on a laptop and a phone, against the test server's seeded cases
// (scripts/ui_test_server.py): the 证书管理员 searches the register, opens a certificate,
// downloads its PDF and follows it to the public check; a 质量监督 member reads the report
// charts, downloads the workbook and a CSV, and lists every case of the centre with its step,
// holder and what is overdue.
import { expect, test } from "@playwright/test";
import type { Download, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { api, DESKTOP_CONTEXT, openAs, PHONE, PHONE_CONTEXT, shoot } from "./helpers";

interface RegisterPage { total: number; items: { certificate_no: string; holder_name: string; status: string }[] }
interface PassRate { occupation: string; level_name: string; scored: number; passed: number; pass_rate: number | null }
interface Step { step: string; cases: number }
interface Overdue { candidate_group: string; overdue: number }
interface SupervisedPage {
  total: number;
  items: { business_key: string; applicant: string | null; open_steps: { title: string; overdue: boolean }[] }[];
}

async function bytesOf(download: Download): Promise<Buffer> {
  const path = await download.path();
  expect(path, "the download was saved").toBeTruthy();
  return readFileSync(path as string);
}

/** The entries of a .xlsx (a zip whose local headers carry the sizes), by name. */
function unzip(data: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let at = 0;
  while (data.readUInt32LE(at) === 0x04034b50) {
    const method = data.readUInt16LE(at + 8);
    const size = data.readUInt32LE(at + 18);
    const nameLength = data.readUInt16LE(at + 26);
    const extraLength = data.readUInt16LE(at + 28);
    const name = data.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    const start = at + 30 + nameLength + extraLength;
    const body = data.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(body) : body).toString("utf8"));
    at = start + size;
  }
  return files;
}

async function fitsPhone(page: Page): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), "no sideways scrolling on a phone")
    .toBeLessThanOrEqual(PHONE.width);
}

test("the register: search, filter, a certificate's PDF and its public check", async ({ browser, request }) => {
  const cao = await openAs(browser, "cao", DESKTOP_CONTEXT);
  const p = cao.page;
  await p.getByRole("link", { name: "证书管理" }).click();
  await expect(p.getByRole("heading", { name: "证书管理" })).toBeVisible();
  const all = await api<RegisterPage>(request, "cao", "GET", "/api/v1/certificates?per_page=100");
  const table = p.getByTestId("register-table");
  await expect(table.locator("tbody tr")).toHaveCount(Math.min(all.total, 20));
  const liu = all.items.find((c) => c.holder_name === "刘洋" && c.status === "valid");
  const chen = all.items.find((c) => c.holder_name === "陈静");
  expect(liu && chen, "the seeded certificates of 刘洋 and 陈静").toBeTruthy();
  await shoot(p, "70-register", () => expect(table).toBeVisible());

  // Search by name: only 刘洋's certificates.
  await p.getByLabel("证书编号或姓名").fill("刘洋");
  await p.getByRole("button", { name: "查找" }).click();
  await expect(p).toHaveURL(/q=%E5%88%98%E6%B4%8B/);
  await expect(table.locator("tbody tr")).toHaveCount(all.items.filter((c) => c.holder_name === "刘洋").length);
  await expect(table).not.toContainText("陈静");

  // Filter by status: the revoked certificate, with its word.
  await p.getByLabel("证书编号或姓名").fill("");
  await p.getByRole("button", { name: "查找" }).click();
  await p.getByLabel("状态").selectOption({ label: "已撤销" });
  await expect(table.locator("tbody tr")).toHaveCount(all.items.filter((c) => c.status === "revoked").length);
  await expect(table).toContainText(chen!.certificate_no);
  await expect(table.locator("tbody tr").first()).toContainText("已撤销");

  // A revoked certificate offers no reissue or revocation, and says why it was revoked.
  await table.getByRole("link", { name: chen!.certificate_no }).click();
  await expect(p.getByTestId("register-entry")).toContainText("经查证明材料系伪造");
  await expect(p.getByRole("link", { name: "发起补发" })).toHaveCount(0);
  await expect(p.getByTestId("register-history")).toContainText("撤销");

  // 刘洋's certificate: detail, history, the PDF download and the public check.
  await p.goto(`/certificates/${liu!.certificate_no}`);
  const entry = p.getByTestId("register-entry");
  await expect(entry).toContainText("刘洋");
  await expect(entry).toContainText("电工");
  await expect(entry).toContainText("2026-11-S01");
  await expect(entry).toContainText("有效");
  await expect(entry.getByRole("link", { name: "UI-CERT-liuyang" })).toBeVisible();
  await expect(p.getByTestId("register-history")).toContainText("发证");
  // The holder files a reissue and the 质量监督小组 proposes a revocation: neither is offered
  // to the certificate officer.
  await expect(p.getByRole("link", { name: "发起补发" })).toHaveCount(0);
  await expect(p.getByRole("link", { name: "发起撤销" })).toHaveCount(0);
  const [pdf] = await Promise.all([p.waitForEvent("download"), p.getByTestId("download-pdf").click()]);
  expect(pdf.suggestedFilename()).toContain(liu!.certificate_no);
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
  const pdfBytes = await bytesOf(pdf);
  expect(pdfBytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdfBytes.length).toBeGreaterThan(2000);
  await expect(p.getByRole("status")).toContainText(pdf.suggestedFilename());
  await shoot(p, "71-register-entry", () => expect(entry).toBeVisible());
  await fitsPhone(p);

  await p.getByRole("link", { name: "打开公开查验" }).click();
  await expect(p).toHaveURL(/\/certificates\/verify\?certificate_no=/);
  await expect(p.getByTestId("verify-prefilled")).toBeVisible(); // checked on arrival, as from the QR code
  await expect(p.getByTestId("verify-result").locator("[data-verdict]")).toHaveAttribute("data-verdict", "valid");
  await expect(p.getByTestId("verify-result")).toContainText(liu!.certificate_no);
  cao.assertCleanConsole();
  await cao.close();
});

test("the reports: charts from the centre's cases, the workbook and a CSV", async ({ browser, request }) => {
  const han = await openAs(browser, "han", DESKTOP_CONTEXT);
  const p = han.page;
  await p.getByRole("link", { name: "统计报表" }).click();
  await expect(p.getByRole("heading", { name: "统计报表" })).toBeVisible();
  const [rates, steps, overdue] = await Promise.all([
    api<PassRate[]>(request, "han", "GET", "/api/v1/reports/certification/pass-rates"),
    api<Step[]>(request, "han", "GET", "/api/v1/reports/certification/steps"),
    api<Overdue[]>(request, "han", "GET", "/api/v1/reports/tasks/overdue"),
  ]);

  // Pass rate per occupation and level: the seeded 电工 session has one pass and one fail (52).
  const electrician = rates.find((r) => r.occupation === "电工" && r.level_name === "五级/初级工");
  expect(electrician && electrician.passed < electrician.scored, "a failed 电工 candidate is counted").toBeTruthy();
  const passChart = p.getByTestId("chart-pass-rates");
  await expect(passChart.locator(".bar-row")).toHaveCount(rates.length);
  for (const row of rates) {
    const bar = passChart.locator(".bar-row").filter({ hasText: `${row.occupation} · ${row.level_name}` });
    const rate = row.pass_rate === null ? "—" : `${Math.round(row.pass_rate * 1000) / 10}%`;
    await expect(bar.locator(".bar-value")).toHaveText(`${rate}（${row.passed}/${row.scored}）`);
    // The bar's length is the rate.
    const width = await bar.locator(".bar-fill").evaluate((e) => (e as HTMLElement).style.width);
    expect(parseFloat(width)).toBeCloseTo((row.pass_rate ?? 0) * 100, 1);
  }

  // Cases per step: at least 资格审核, 考试安排 and 评分（理论阅卷、实操评分） (王磊's seeded cases).
  const stepChart = p.getByTestId("chart-steps");
  await expect(stepChart.locator(".bar-row")).toHaveCount(steps.length);
  for (const name of ["资格审核", "考试安排", "评分（理论阅卷、实操评分）"]) {
    const row = steps.find((s) => s.step === name);
    expect(row, name).toBeTruthy();
    await expect(stepChart.locator(".bar-row").filter({ hasText: name }).locator(".bar-value")).toHaveText(`${row!.cases} 件`);
  }

  // Overdue per group: 考务人员 and 考评员 each hold a task past its due date.
  const overdueChart = p.getByTestId("chart-overdue");
  await expect(overdueChart.locator(".bar-row")).toHaveCount(overdue.length);
  for (const [group, label] of [["exam_admin", "考务人员"], ["examiner", "考评员"]] as const) {
    const row = overdue.find((o) => o.candidate_group === group);
    expect(row?.overdue ?? 0, group).toBeGreaterThanOrEqual(1);
    await expect(overdueChart.locator(".bar-row").filter({ hasText: label }).locator(".bar-value")).toHaveText(`${row!.overdue} 项`);
  }
  // The sessions table counts the absent candidate of 王磊's session.
  const session = p.locator("section[aria-labelledby=r-sessions] tbody tr")
    .filter({ has: p.locator("td:first-child", { hasText: /-S02$/ }) });
  await expect(session.locator("td").nth(1)).toHaveText("3");
  await expect(session.locator("td").nth(2)).toHaveText("1");
  await expect(session.locator("td").nth(3)).toHaveText("0 / 1");
  await shoot(p, "72-reports", () => expect(passChart).toBeVisible());

  // The workbook: a real .xlsx with one sheet per report.
  const [xlsx] = await Promise.all([p.waitForEvent("download"), p.getByTestId("download-xlsx").click()]);
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  const book = unzip(await bytesOf(xlsx));
  const workbook = book.get("xl/workbook.xml") ?? "";
  for (const sheet of ["案件统计", "考试批次", "当前环节", "超期任务"]) expect(workbook).toContain(`name="${sheet}"`);
  expect([...book.keys()].filter((name) => name.startsWith("xl/worksheets/sheet")).length).toBe(5);
  await expect(p.getByRole("status")).toContainText(xlsx.suggestedFilename());

  // The pass-rate CSV: Chinese headers and the same rows as the chart.
  const [csv] = await Promise.all([p.waitForEvent("download"),
    p.getByRole("button", { name: "各职业、等级合格率（CSV）" }).click()]);
  expect(csv.suggestedFilename()).toBe("pass-rates.csv");
  const lines = (await bytesOf(csv)).toString("utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  expect(lines[0]).toContain("职业（工种）");
  expect(lines[0]).toContain("合格率");
  expect(lines.length - 1).toBe(rates.length);
  expect(lines.some((line) => line.startsWith(`电工,5,五级/初级工,${electrician!.scored},${electrician!.passed},`))).toBe(true);
  await fitsPhone(p);
  han.assertCleanConsole();
  await han.close();
});

test("supervision: every case of the centre with its step, holder and overdue mark", async ({ browser, request }) => {
  const han = await openAs(browser, "han", PHONE_CONTEXT);
  const p = han.page;
  await p.goto("/supervision");
  await expect(p.getByRole("heading", { name: "质量监督：本机构全部案件" })).toBeVisible();
  const listed = await api<SupervisedPage>(request, "han", "GET", "/api/v1/supervision/cases?per_page=25");
  const table = p.getByTestId("supervision-table");
  await expect(p.getByText(`共 ${listed.total} 件`)).toBeVisible();
  await expect(table.locator("tbody tr")).toHaveCount(Math.min(listed.total, 25));
  // Cases of other people's inboxes are there too: 王磊's at 评分（理论阅卷、实操评分）, held by the 考评员 group, overdue.
  const scoring = table.locator("tbody tr").filter({ hasText: "UI-RPT-SCORING" });
  await expect(scoring).toContainText("王磊");
  await expect(scoring).toContainText("评分（理论阅卷、实操评分）");
  await expect(scoring).toContainText("考评员");
  await expect(scoring.locator(".badge-overdue")).toHaveText("已超期");
  // A case in 资格审核 since today is not overdue.
  await expect(table.locator("tbody tr").filter({ hasText: "UI-CERT-liuyang" }).locator(".badge-overdue")).toHaveCount(0);

  // A business-key prefix narrows the list to 王磊's four seeded cases.
  await p.getByLabel("申报编号（可用前缀，如 NC-RZ*）").fill("UI-RPT-*");
  await p.getByLabel("申报编号（可用前缀，如 NC-RZ*）").press("Enter");
  await expect(table.locator("tbody tr")).toHaveCount(4);
  await expect(p.getByText("共 4 件")).toBeVisible();
  // And the status filter to the finished ones (failed and absent).
  await p.getByLabel("状态").selectOption({ label: "已完成" });
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("UI-RPT-FAILED");
  await expect(table).toContainText("UI-RPT-ABSENT");
  await p.getByLabel("状态").selectOption({ label: "全部" });
  await expect(table.locator("tbody tr")).toHaveCount(4);
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await shoot(p, "73-supervision", () => expect(table).toBeVisible());

  // A case opens read only: its step is shown, with no 办理 button for the supervisor.
  await table.getByRole("link", { name: "UI-RPT-SCORING" }).click();
  await expect(p.getByTestId("case-key")).toHaveText("UI-RPT-SCORING");
  await expect(p.getByTestId("case-current")).toContainText("评分（理论阅卷、实操评分）");
  await expect(p.getByTestId("case-current").getByRole("link")).toHaveCount(0);
  han.assertCleanConsole();
  await han.close();

  // Someone outside the 质量监督小组 is told the page is not theirs.
  const zhang = await openAs(browser, "zhang", DESKTOP_CONTEXT);
  await zhang.page.goto("/supervision");
  await expect(zhang.page.getByTestId("supervision-table")).toHaveCount(0);
  await expect(zhang.page.getByRole("link", { name: "质量监督" })).toHaveCount(0);
  zhang.assertCleanConsole();
  await zhang.close();
});

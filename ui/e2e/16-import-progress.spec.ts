// Importing learners from a CSV in the browser: the preview names the bad row, confirming waits
// until it is fixed, and the fixed sheet is written in the background with a progress bar.
import { expect, test } from "@playwright/test";
import { DESKTOP_CONTEXT, api, openAs, shoot } from "./helpers";

interface Unit { id: number; name: string; kind: string; children: Unit[] }

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(first17: string): string {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * WEIGHTS[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

function sheet(rows: number, className: string, stamp: string, badRow?: number): string {
  const day = String(1 + (Number(stamp) % 28)).padStart(2, "0");
  const lines = ["姓名,性别,身份证号,学号,班级,专业,系部,手机号,入学年份"];
  for (let i = 0; i < rows; i += 1) {
    let id = idNumber(`11010120080${3}${day}${String(i).padStart(3, "0")}`);
    if (i + 2 === badRow) id = id.slice(0, 17) + (id[17] === "0" ? "1" : "0");
    lines.push(`导入生${i},${i % 2 ? "男" : "女"},${id},I${stamp}${String(i).padStart(3, "0")},${className},,,,2025`);
  }
  return lines.join("\n") + "\n";
}

test("a sheet is previewed, refused while a row is wrong, then imported with progress", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const classes: Unit[] = [];
  const walk = (unit: Unit) => { if (unit.kind === "class") classes.push(unit); unit.children.forEach(walk); };
  walk(root);
  expect(classes.length).toBeGreaterThan(0);
  const stamp = Date.now().toString().slice(-6);
  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT);
  const { page } = admin;
  await page.goto("/admin/import");
  await expect(page.getByRole("heading", { name: "批量导入人员" })).toBeVisible();

  await page.getByLabel("文件（.xlsx 或 .csv）").setInputFiles({
    name: "learners.csv", mimeType: "text/csv", buffer: Buffer.from(sheet(400, classes[0].name, stamp, 57)) });
  await page.getByRole("button", { name: "上传并预览" }).click();
  const preview = page.getByTestId("import-preview");
  await expect(preview).toContainText("共 400 行：新增 399");
  await expect(preview.getByRole("row").nth(1)).toContainText("57");
  await expect(preview.getByRole("row").nth(1)).toContainText("身份证号");
  await expect(page.getByRole("button", { name: "请先改正问题并重新上传" })).toBeDisabled();

  await page.getByLabel("文件（.xlsx 或 .csv）").setInputFiles({
    name: "learners.csv", mimeType: "text/csv", buffer: Buffer.from(sheet(400, classes[0].name, stamp)) });
  await page.getByRole("button", { name: "上传并预览" }).click();
  await expect(preview).toContainText("共 400 行：新增 400");
  await page.getByRole("button", { name: "确认导入" }).click();
  const progress = page.getByTestId("import-progress");
  await expect(progress.locator("progress")).toBeVisible();
  await expect(progress.getByRole("status")).toContainText("导入完成：新增 400 人", { timeout: 60_000 });
  await expect(progress.locator("progress")).toHaveAttribute("value", "100");
  await shoot(page, "12-import-progress");
  admin.assertCleanConsole();
  await admin.close();
});

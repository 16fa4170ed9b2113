// 张老师, 班主任 of 机电2301, imports the class's timetable from a sheet (a bad row is refused
// with its row number and nothing is added), deletes a session added by mistake with a reason
// that the change log keeps, and downloads the class's attendance report as Excel and CSV.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { api, openAs, shoot, token, uniqueKey } from "./helpers";

interface Unit { id: number; name: string; children: Unit[] }
interface Person { id: number; name: string }

function sheet(rows: string[]): { name: string; mimeType: string; buffer: Buffer } {
  const text = "\ufeff课程,日期,半天,节次,类型,学时\r\n" + rows.join("\r\n") + "\r\n";
  return { name: "课表.csv", mimeType: "text/csv", buffer: Buffer.from(text, "utf-8") };
}

test("a class teacher imports the timetable, deletes a session and downloads the reports", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const klass = root.children.find((u) => u.name === "机电2301")!;
  const [teacher] = await api<Person[]>(request, "admin", "GET", `/api/v1/directory/people?q=${encodeURIComponent("张老师")}`);
  const appointed = await request.post(`/api/v1/directory/units/${klass.id}/positions`, {
    headers: { Authorization: `Bearer ${await token(request, "admin")}` },
    data: { person_id: teacher.id, role: "class_teacher" } });
  expect([201, 409]).toContain(appointed.status());
  const name = uniqueKey("电工基础");
  await api(request, "zhang", "POST", `/api/v1/attendance/classes/${klass.id}/courses`,
    { name, term: "2026-2027-1", contact_hours: 40 });

  const zhang = await openAs(browser, "zhang", undefined, [422]);
  const p = zhang.page;
  await p.goto(`/attendance/classes/${klass.id}`);
  await expect(p.getByRole("heading", { name: "班级考勤" })).toBeVisible();

  // Reports: the class's attendance as Excel and as CSV with Chinese headers.
  const [xlsx] = await Promise.all([p.waitForEvent("download"),
    p.getByRole("button", { name: "下载本班考勤统计（Excel）" }).click()]);
  expect(xlsx.suggestedFilename()).toBe("考勤统计-机电2301.xlsx");
  expect(readFileSync((await xlsx.path())!).subarray(0, 2).toString()).toBe("PK");
  const [csv] = await Promise.all([p.waitForEvent("download"),
    p.getByRole("button", { name: "下载本班考勤统计（CSV）" }).click()]);
  expect(csv.suggestedFilename()).toBe("考勤统计-机电2301.csv");
  expect(readFileSync((await csv.path())!, "utf-8")).toContain("姓名");
  await expect(p.getByRole("status").filter({ hasText: "已下载" })).toBeVisible();

  // The timetable import screen: a bad row stops the sheet and is named.
  await p.getByRole("link", { name: "导入课表" }).click();
  await expect(p.getByRole("heading", { name: "课表导入" })).toBeVisible();
  const file = p.getByLabel("课表文件");
  await file.setInputFiles(sheet([`${name},2026-12-07,上午,1-2,面授课,2`, `高等数学,2026-12-07,下午,3-4,面授课,2`]));
  await p.getByRole("button", { name: "导入", exact: true }).click();
  await expect(p.getByRole("alert")).toContainText("第 3 行");
  const listed = p.getByTestId("timetable-sessions");
  await expect(listed).not.toContainText(name);
  await file.setInputFiles(sheet([`${name},2026-12-07,上午,1-2,面授课,2`, `${name},2026-12-08,下午,3-4,实验课,2`]));
  await p.getByRole("button", { name: "导入", exact: true }).click();
  await expect(p.getByTestId("timetable-result")).toHaveText("已导入 2 个课次");
  await expect(listed.locator("li").filter({ hasText: name })).toHaveCount(2);
  await shoot(p, "62-timetable-import");

  // Deleting a session asks why; the change log keeps who, what and why.
  const mistaken = listed.locator("li").filter({ hasText: name }).filter({ hasText: "实验课" });
  await mistaken.getByRole("button", { name: "删除" }).click();
  await mistaken.getByLabel("删除原因（将留档）").fill("误导入的实验课");
  await mistaken.getByRole("button", { name: "确认删除" }).click();
  await expect(p.getByTestId("timetable-result")).toHaveText("课次已删除");
  await expect(listed.locator("li").filter({ hasText: name })).toHaveCount(1);
  await expect(p.getByTestId("session-changes")).toContainText("误导入的实验课");
  await expect(p.getByTestId("session-changes")).toContainText("删除");
  zhang.assertCleanConsole();
  await zhang.close();
});

// Taking attendance on a phone (390×844): 张老师, 班主任 of 机电2301, opens the session, marks
// 刘洋 absent (everyone else stays present), saves, and sees it counted as 旷课 — no leave
// covers it; the class view then shows the week's absence and 刘洋's measure.
import { expect, test } from "@playwright/test";
import { api, openAs, PHONE_CONTEXT, shoot, uniqueKey } from "./helpers";

interface Unit { id: number; name: string; children: Unit[] }
interface Person { id: number; name: string }

test("a class teacher takes attendance for the class on a phone", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const klass = root.children.find((u) => u.name === "机电2301")!;
  const [teacher] = await api<Person[]>(request, "admin", "GET", `/api/v1/directory/people?q=${encodeURIComponent("张老师")}`);
  await api(request, "admin", "POST", `/api/v1/directory/units/${klass.id}/positions`,
    { person_id: teacher.id, role: "class_teacher" });
  const course = await api<{ id: number }>(request, "zhang", "POST", `/api/v1/attendance/classes/${klass.id}/courses`,
    { name: uniqueKey("机械制图"), term: "2026-2027-1", contact_hours: 60 });
  const created = await api<{ ids: number[] }>(request, "zhang", "POST", `/api/v1/attendance/classes/${klass.id}/sessions`,
    { sessions: [{ course_id: course.id, date: "2026-11-02", half: "am", period: "1-2", kind: "lecture", hours: 2 }] });
  const sessionId = created.ids[0];

  const zhang = await openAs(browser, "zhang", PHONE_CONTEXT);
  const p = zhang.page;
  await p.getByRole("navigation").getByRole("link", { name: "考勤" }).click();
  await p.getByRole("link", { name: "机电2301" }).click();
  await expect(p.getByRole("heading", { name: "班级考勤" })).toBeVisible();
  await p.locator(`a[href="/attendance/sessions/${sessionId}"]`).click();
  await expect(p.getByRole("heading", { name: "点名" })).toBeVisible();
  const row = p.locator(".roster-row").filter({ hasText: "刘洋" });
  await expect(row.getByRole("radio", { name: "出勤" })).toBeChecked(); // present by default
  await row.getByText("缺勤", { exact: true }).click();
  await expect(row.getByRole("radio", { name: "缺勤" })).toBeChecked();
  await shoot(p, "60-take-attendance");
  await p.getByRole("button", { name: "保存考勤" }).click();
  const result = p.getByTestId("attendance-result");
  await expect(result).toContainText("旷课 1 人");
  await expect(result).toContainText("纪律处分");
  await expect(row).toContainText("旷课");

  await p.getByRole("link", { name: "班级考勤概况" }).click();
  const overview = p.getByTestId("class-overview");
  await expect(overview.locator("tr").filter({ hasText: "刘洋" })).toContainText("纪律处分");
  await expect(p.getByRole("img", { name: "每周缺勤天数（请假与旷课）" })).toBeVisible();
  await shoot(p, "61-class-attendance");
  zhang.assertCleanConsole();
  await zhang.close();
});

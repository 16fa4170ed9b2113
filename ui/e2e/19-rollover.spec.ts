// The academic-year rollover in the browser: the administrator marks one class to move up a
// 年级 and another to graduate, reads the preview, is refused when the directory changed after
// it, previews again and confirms; the promoted class keeps its name in the next grade.
import { expect, test } from "@playwright/test";
import { DESKTOP_CONTEXT, api, checkAccessibility, openAs, shoot, token } from "./helpers";

interface Unit { id: number; name: string; kind: string; grade: number | null; active: boolean; children: Unit[] }

function units(root: Unit): Unit[] {
  const found: Unit[] = [];
  const walk = (unit: Unit) => { found.push(unit); unit.children.forEach(walk); };
  walk(root);
  return found;
}

test("classes graduate and move up a grade as one previewed, confirmed batch", async ({ browser, request }) => {
  const [root] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const parent = units(root).find((unit) => unit.children.some((child) => child.kind === "class"));
  expect(parent).toBeDefined();
  const stamp = Date.now().toString().slice(-6);
  const rising = await api<Unit>(request, "admin", "POST", "/api/v1/admin/units",
    { kind: "class", code: `RS${stamp}`, name: `升级${stamp}`, parent_id: parent!.id });
  const leaving = await api<Unit>(request, "admin", "POST", "/api/v1/admin/units",
    { kind: "class", code: `GR${stamp}`, name: `毕业${stamp}`, parent_id: parent!.id, grade: 3 });

  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT, [409]);
  const { page } = admin;
  await page.getByRole("link", { name: "学年结转" }).click();
  await expect(page.getByRole("heading", { name: "学年结转" })).toBeVisible();
  const classes = page.getByTestId("rollover-classes");
  // A class nobody gave a grade yet is given one here.
  const risingGrade = page.getByLabel(`${rising.name}的年级`);
  await expect(risingGrade).toHaveValue("");
  await risingGrade.selectOption("1");
  await expect(risingGrade).toHaveValue("1");
  await page.getByLabel(`${rising.name}本学年结束后`).selectOption("promote");
  await page.getByLabel(`${leaving.name}本学年结束后`).selectOption("graduate");
  await page.getByRole("button", { name: "预览" }).click();
  const preview = page.getByTestId("rollover-preview");
  await expect(preview).toContainText("毕业 1 个班级，升级 1 个班级");
  const promoted = preview.getByRole("table", { name: "升级的班级" });
  await expect(promoted.getByRole("row", { name: new RegExp(rising.name) })).toContainText("1年级 → 2年级");
  await expect(preview.getByRole("table", { name: "毕业的班级" })).toContainText(leaving.name);
  await shoot(page, "19-rollover");
  await checkAccessibility(page, "the rollover preview");

  // Someone sets the grade after the preview: the confirmation is refused and nothing written.
  const changed = await request.patch(`/api/v1/admin/units/${rising.id}`, {
    headers: { Authorization: `Bearer ${await token(request, "admin")}` }, data: { grade: 2 } });
  expect(changed.status()).toBe(200);
  await page.getByRole("button", { name: "确认结转" }).click();
  await expect(page.getByRole("alert")).toContainText("重新预览");

  await page.getByRole("button", { name: "预览" }).click();
  await expect(promoted.getByRole("row", { name: new RegExp(rising.name) })).toContainText("2年级 → 3年级");
  await page.getByRole("button", { name: "确认结转" }).click();
  await expect(page.getByRole("status")).toContainText("结转完成：毕业 1 个班级，升级 1 个班级");
  await expect(page.getByLabel(`${rising.name}的年级`)).toHaveValue("3");
  await expect(classes).not.toContainText(leaving.name);

  const [after] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units?include_inactive=true");
  const byId = new Map(units(after).map((unit) => [unit.id, unit]));
  expect(byId.get(rising.id)).toMatchObject({ name: rising.name, grade: 3, active: true });
  expect(byId.get(leaving.id)).toMatchObject({ active: false });

  // The same screen in English.
  await page.getByLabel("语言").selectOption("en");
  await expect(page.getByRole("heading", { name: "Academic-year rollover" })).toBeVisible();
  await expect(page.getByLabel(`Grade of ${rising.name}`)).toHaveValue("3");
  await page.getByLabel("Language").selectOption("zh-CN");
  admin.assertCleanConsole();
  await admin.close();
});

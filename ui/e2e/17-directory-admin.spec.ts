// The administrator keeps the directory in the web app: adds a class to the organisation tree,
// adds a teacher and a learner, makes the teacher the class's 班主任 from a date, moves the
// learner into the class, names a substitute for the teacher, and reads every step in the
// directory's history (with the history in English too). A class with a learner cannot be
// deactivated: the server's Chinese reason is shown; an empty office can, after a confirmation.
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { DESKTOP_CONTEXT, PHONE_CONTEXT, api, checkAccessibility, openAs, shoot } from "./helpers";

interface Unit { id: number; code: string; children: Unit[] }
interface Substitution { id: number; person: string; substitute: string; valid_from: string; valid_to: string }

const suffix = Date.now().toString().slice(-6);
const CLASS = `机电T${suffix}`;
const OFFICE = `临时办${suffix}`;
const DEPARTMENT = `机电工程系${suffix}`;
const TEACHER = `贺老师${suffix.slice(-3)}`;
const LEARNER = `钱同学${suffix.slice(-3)}`;

async function chooseUnit(page: Page, code: string): Promise<void> {
  await page.locator(`[data-unit="${code}"]`).click();
  await expect(page.getByTestId("unit-panel")).toContainText(code);
}

async function addUnder(page: Page, parentCode: string, kind: string, code: string, name: string): Promise<void> {
  await chooseUnit(page, parentCode);
  const form = page.getByTestId("unit-panel").locator("form").first();
  await form.getByLabel("类型").selectOption({ label: kind });
  await form.getByLabel("代码").fill(code);
  await form.getByLabel("名称").fill(name);
  await form.getByRole("button", { name: "新增" }).click();
  await expect(page.getByTestId("unit-tree").locator(`[data-unit="${code}"]`)).toBeVisible();
}

function find(units: Unit[], code: string): Unit | undefined {
  for (const unit of units) {
    const found = unit.code === code ? unit : find(unit.children, code);
    if (found) return found;
  }
  return undefined;
}

test("an administrator adds a class, its 班主任 from a date, moves a learner in and names a substitute", async ({ browser, request }) => {
  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT, [409]);
  const page = admin.page;
  page.on("dialog", (dialog) => void dialog.accept());

  // 1. The tree: a new class under the centre, moved under a new 系部; an office to deactivate.
  await page.goto("/admin/units");
  await expect(page.getByRole("heading", { name: "组织机构", level: 1 })).toBeVisible();
  await expect(page.locator('[data-unit="机电2301"]')).toBeVisible();
  const [centre] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  await addUnder(page, centre.code, "班级", `T${suffix}`, CLASS);
  await addUnder(page, centre.code, "系部", `D${suffix}`, DEPARTMENT);
  const [tree] = await api<Unit[]>(request, "admin", "GET", "/api/v1/directory/units");
  const classId = String(find([tree], `T${suffix}`)?.id);
  await chooseUnit(page, `T${suffix}`);
  await page.getByLabel("新的上级单元").selectOption(String(find([tree], `D${suffix}`)?.id));
  await page.getByRole("button", { name: "移动" }).click();
  await expect(page.locator(`[data-unit="D${suffix}"] + ul [data-unit="T${suffix}"]`)).toBeVisible();
  await addUnder(page, centre.code, "职能部门", `O${suffix}`, OFFICE);
  await chooseUnit(page, `O${suffix}`);
  await page.getByLabel("名称").last().fill(`${OFFICE}甲`);
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator(`[data-unit="O${suffix}"]`)).toContainText(`${OFFICE}甲`);
  await page.getByRole("button", { name: "停用此单元" }).click();
  await expect(page.locator(`[data-unit="O${suffix}"]`)).toHaveCount(0);
  await checkAccessibility(page, "organisation tree");

  // 2. A teacher and a learner, added through the people screen.
  await page.goto("/admin/people");
  await page.getByRole("button", { name: "新增人员" }).click();
  const form = page.getByTestId("new-person");
  await form.getByLabel("教职工").check();
  await form.getByLabel("姓名").fill(TEACHER);
  await form.getByLabel("工号").fill(`T${suffix}`);
  await form.getByRole("button", { name: "新增" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(TEACHER);
  // 班主任 of the new class from 2026-09-01.
  const give = page.getByRole("form", { name: "任命岗位" });
  await give.getByLabel("岗位").selectOption({ label: "班主任" });
  await give.getByLabel("组织单元").selectOption(classId);
  await give.getByLabel("开始日期").fill("2026-09-01");
  await give.getByRole("button", { name: "任命" }).click();
  const position = page.getByTestId("position").filter({ hasText: CLASS });
  await expect(position).toContainText("班主任");
  await expect(position).toContainText("自 2026年9月1日 起");
  await checkAccessibility(page, "person card");

  await page.goto("/admin/people");
  await page.getByRole("button", { name: "新增人员" }).click();
  await form.getByLabel("学员").check();
  await form.getByLabel("姓名").fill(LEARNER);
  await form.getByLabel("学号").fill(`S${suffix}`);
  await form.getByLabel("班级").selectOption({ label: "机电2301 (机电2301)" });
  await form.getByRole("button", { name: "新增" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(LEARNER);
  await expect(page.getByTestId("enrolment")).toContainText("机电2301");
  // Moved into the new class from tomorrow: 机电2301 ends today, the new class begins tomorrow.
  const tomorrow = new Date(Date.now() + (8 + 24) * 3600 * 1000).toISOString().slice(0, 10);
  const move = page.getByRole("form", { name: "调班" });
  await move.getByLabel("新班级").selectOption(classId);
  await move.getByLabel("开始日期").fill(tomorrow);
  await move.getByRole("button", { name: "调班" }).click();
  await expect(page.getByTestId("enrolment").filter({ hasText: CLASS })).toBeVisible();
  await expect(page.getByTestId("enrolment").filter({ hasText: "机电2301" })).toContainText("至");

  // 3. A class someone studies in is not deactivated: the server says why, in Chinese.
  await page.goto("/admin/units");
  await chooseUnit(page, `T${suffix}`);
  await page.getByRole("button", { name: "停用此单元" }).click();
  await expect(page.getByTestId("unit-panel").getByRole("alert")).toContainText("仍有");
  await expect(page.locator(`[data-unit="T${suffix}"]`)).toBeVisible();

  // 4. A substitute for the teacher, named by the administrator; then ended (withdrawn).
  await page.goto("/substitutes");
  const naming = page.getByTestId("name-substitute");
  await naming.getByLabel("被代理人（外出的人）").fill(TEACHER);
  await naming.getByRole("button", { name: "查找" }).first().click();
  await naming.getByRole("button", { name: `选择 ${TEACHER}` }).click();
  await naming.getByLabel("代理人", { exact: true }).fill("王老师");
  await naming.getByRole("button", { name: "查找" }).click();
  await naming.getByRole("button", { name: "选择 王老师" }).click();
  await naming.getByLabel("开始日期").fill("2030-03-02");
  await naming.getByLabel("结束日期").fill("2030-03-06");
  await naming.getByRole("button", { name: "指定", exact: true }).click();
  const row = page.getByTestId("substitution").filter({ hasText: `王老师 代 ${TEACHER}` });
  await expect(row).toContainText("2030年3月2日 至 2030年3月6日");
  await expect(row).toContainText("未开始");
  const listed = await api<Substitution[]>(request, "admin", "GET", "/api/v1/directory/substitutes");
  expect(listed.filter((s) => s.person === TEACHER).map((s) => [s.substitute, s.valid_from, s.valid_to]))
    .toEqual([["王老师", "2030-03-02", "2030-03-06"]]);
  await checkAccessibility(page, "substitutes");
  await row.getByRole("button", { name: "结束代理" }).click();
  await expect(row).toHaveCount(0);

  // 5. The history: who did each of these, when, and the values after.
  await page.goto("/directory/history");
  const history = page.getByTestId("directory-history");
  await expect(page.getByTestId("history-intact")).toContainText("校验链完整");
  for (const [kind, text] of [["unit_added", CLASS], ["unit_moved", DEPARTMENT], ["unit_changed", `${OFFICE}甲`], ["unit_deactivated", `${OFFICE}甲`], ["position_added", CLASS],
    ["enrolled", CLASS], ["substitute_named", TEACHER], ["substitute_ended", "已撤回"]] as const) {
    const entry = history.locator(`tr[data-kind="${kind}"]`).filter({ hasText: text }).first();
    await expect(entry, kind).toContainText("系统管理员");
  }
  // The appointment is about the teacher, and says the role by its name, from the date given.
  const appointed = history.locator('tr[data-kind="position_added"]').filter({ hasText: TEACHER }).first();
  await expect(appointed).toContainText(`岗位: 班主任；单元: ${CLASS}；开始: 2026-09-01；结束: —`);
  await shoot(page, "17-directory-history");
  await page.getByLabel("语言").selectOption("en");
  await expect(page.getByRole("heading", { name: "Directory history" })).toBeVisible();
  await expect(history.locator('tr[data-kind="substitute_named"]').first()).toContainText("Substitute named");
  await page.getByLabel("Language").selectOption("zh-CN");
  admin.assertCleanConsole();
  await admin.close();

  // The auditor reads the same history (and changes nothing: no naming form for them).
  const auditor = await openAs(browser, "auditor");
  await auditor.page.getByRole("link", { name: "名录变更" }).click();
  await expect(auditor.page.getByTestId("directory-history").locator('tr[data-kind="substitute_named"]')
    .filter({ hasText: TEACHER })).toContainText("系统管理员");
  auditor.assertCleanConsole();
  await auditor.close();

  // 6. On a phone, the teacher-to-be's colleague 张老师 sees the screen for naming their own
  // substitute (no one else's), and the tree fits the administrator's phone.
  const zhang = await openAs(browser, "zhang", PHONE_CONTEXT);
  await zhang.page.goto("/substitutes");
  await expect(zhang.page.getByTestId("name-substitute")).toBeVisible();
  await expect(zhang.page.getByLabel("被代理人（外出的人）")).toHaveCount(0);
  await checkAccessibility(zhang.page, "substitutes (phone)");
  zhang.assertCleanConsole();
  await zhang.close();
  const phone = await openAs(browser, "admin", PHONE_CONTEXT);
  await phone.page.goto("/admin/units");
  await chooseUnit(phone.page, `T${suffix}`);
  await shoot(phone.page, "17-organisation-tree");
  phone.assertCleanConsole();
  await phone.close();
});

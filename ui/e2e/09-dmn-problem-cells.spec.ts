// The decision-table editor marks what the API's validation refuses: the cells of a rule that
// overlaps another under hit policy UNIQUE, and the column of an input some values of which no
// rule covers; the problem list names the rule and the uncovered range, in Chinese.
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { DESKTOP_CONTEXT, diagramReady, openAs } from "./helpers";

const TABLE = ".dmn-decision-table-container";

async function editCell(page: Page, elementId: string, text: string): Promise<void> {
  const cell = page.locator(`${TABLE} td[data-element-id="${elementId}"]`);
  await cell.click();
  const editable = cell.locator("[contenteditable]:visible").first();
  await editable.press("ControlOrMeta+a");
  await editable.pressSequentially(text);
  await page.locator(`${TABLE} h3, .decision-table-name`).first().click().catch(() => undefined);
  await expect(cell).toHaveText(text);
}

async function outlined(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((element) => getComputedStyle(element).outlineStyle);
}

test("overlapping rules and uncovered ranges are marked in the decision table", async ({ browser }) => {
  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT, [422]);
  const p = admin.page;
  await p.goto("/admin/definitions/leave_approval/versions/1/dmn/leave_tiers.dmn");
  await diagramReady(p, "dmn-editor");

  // Rule 2 (1 < ? <= 3) now overlaps rule 1 (<= 2): rule 2's cell is outlined, its row tinted.
  await editCell(p, "rule_teacher_days", "<= 2");
  await p.getByRole("button", { name: "验证" }).click();
  await expect(p.getByTestId("model-status")).toContainText("验证发现");
  const problems = p.getByTestId("problem-list");
  await expect(problems).toContainText("第 2 条规则与第 1 条规则可能同时匹配");
  await expect(problems).toContainText("rule_teacher_office");
  expect(await outlined(p, `${TABLE} td[data-element-id="rule_teacher_office_days"]`)).toBe("solid");
  expect(await outlined(p, `${TABLE} td[data-element-id="rule_teacher_days"]`)).toBe("none");

  // Rule 1 as "< 1" leaves 1 day to no rule: the days column is marked, the range named.
  await editCell(p, "rule_teacher_days", "< 1");
  await p.getByRole("button", { name: "验证" }).click();
  await expect(problems).toContainText("1 无规则覆盖");
  await expect(problems).not.toContainText("同时匹配");
  expect(await outlined(p, `${TABLE} th[data-col-id="input_days"]`)).toBe("solid");
  expect(await outlined(p, `${TABLE} td[data-element-id="rule_teacher_office_days"]`)).toBe("none");
  // The problem's link takes the keyboard to the column.
  await problems.getByRole("button").first().click();
  await expect(p.locator(`${TABLE} th[data-col-id="input_days"]`)).toBeInViewport();

  // FEEL intervals read as the engine runs them: [1..3] after "< 1" covers every day again.
  await editCell(p, "rule_teacher_office_days", "[1..3]");
  await p.getByRole("button", { name: "验证" }).click();
  await expect(p.getByTestId("model-status")).toHaveText("验证通过，可以部署。");
  expect(await outlined(p, `${TABLE} th[data-col-id="input_days"]`)).toBe("none");
});

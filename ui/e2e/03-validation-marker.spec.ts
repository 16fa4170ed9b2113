// In the modeler, a broken gateway condition is refused by the API's validation and the
// problem is marked on the gateway in the canvas, with the message in the problem list.
import { expect, test } from "@playwright/test";
import { DESKTOP_CONTEXT, diagramReady, openAs, shoot } from "./helpers";

test("a validation error is shown as a marker on its element", async ({ browser }) => {
  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT, [422, /net::ERR_FAILED/]);
  const p = admin.page;
  await p.getByTestId("process-leave_approval").getByRole("link", { name: "打开建模器（版本 1）" }).click();
  await diagramReady(p, "modeler-canvas");
  await shoot(p, "12-modeler", () => diagramReady(p, "modeler-canvas"));

  // A network failure is said, not swallowed.
  await p.route("**/api/v1/definitions/validate", (route) => route.abort());
  await p.getByRole("button", { name: "验证" }).click();
  await expect(p.getByTestId("model-status")).toHaveText("无法连接服务器，请检查网络后重试。");
  await p.unroute("**/api/v1/definitions/validate");

  // Valid as loaded.
  await p.getByRole("button", { name: "验证" }).click();
  await expect(p.getByTestId("model-status")).toHaveText("验证通过，可以部署。");

  // Break the condition of the teacher's "approved (1 day)" flow through the element panel.
  await p.getByLabel("选择元素").selectOption("flow_teacher_approved_done");
  await expect(p.getByTestId("element-id")).toHaveText("flow_teacher_approved_done");
  await p.getByLabel("条件表达式").fill("teacher_approved ==");
  await p.getByRole("button", { name: "应用修改" }).click();
  await p.getByRole("button", { name: "验证" }).click();

  await expect(p.getByTestId("model-status")).toContainText("验证发现");
  await expect(p.getByTestId("problem-list")).toContainText("gw_after_teacher");
  const marked = p.locator('.djs-element.cf-problem[data-element-id="gw_after_teacher"]');
  await expect(marked).toHaveCount(1);
  await expect(p.locator('.cf-problem-badge[data-element="gw_after_teacher"]')).toBeVisible();
  // Clicking the problem selects the element in the panel.
  await p.getByTestId("problem-list").getByRole("button").first().click();
  await expect(p.getByTestId("element-id")).toHaveText("gw_after_teacher");
  await shoot(p, "13-modeler-validation-error", () => diagramReady(p, "modeler-canvas"), false);

  // Deploying the broken diagram is refused the same way; nothing new is stored.
  await p.getByRole("button", { name: "部署为新版本" }).click();
  await expect(p.getByTestId("model-status")).toContainText("未部署");
  admin.assertCleanConsole();
  await admin.close();
});

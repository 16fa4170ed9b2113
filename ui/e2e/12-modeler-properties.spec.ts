// The modeler's properties panel edits what certflow executes: a user task's performer (from the
// directory's roles), form (with a live preview of its JSON Schema), due time, separation of
// duties, approval actions and summary fields; script text checked while typing, with the
// problem marked on its element; a timer's expression; a service task's registry function and
// parameters. The downloaded BPMN carries each change. A new process started from the
// two-tier template is deployed from the browser, then runs end to end.
import { expect, test } from "@playwright/test";
import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { api, DESKTOP_CONTEXT, diagramReady, openAs, shoot } from "./helpers";

interface Instance { id: number; status: string; open_tasks: { id: number; task_name: string }[] }

async function pick(p: Page, id: string): Promise<void> {
  await p.getByLabel("选择元素").selectOption(id);
  await expect(p.getByTestId("element-id")).toHaveText(id);
}

async function downloadedBpmn(p: Page): Promise<string> {
  const [file] = await Promise.all([p.waitForEvent("download"), p.getByRole("button", { name: "下载 BPMN" }).click()]);
  return readFileSync((await file.path()) as string, "utf8");
}

function property(xml: string, task: string, name: string): string | null {
  const start = xml.indexOf(`id="${task}"`);
  const end = xml.indexOf("</bpmn:userTask>", start);
  const match = xml.slice(start, end).match(new RegExp(`name="${name}" value="([^"]*)"`));
  return match ? match[1] : null;
}

test("the properties panel edits a user task's certflow properties, its form, scripts, timers and services", async ({ browser }) => {
  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT, [422]);
  const p = admin.page;
  await p.getByTestId("process-leave_approval").getByRole("link", { name: "打开建模器（版本 1）" }).click();
  await diagramReady(p, "modeler-canvas");

  // The teacher's task as the diagram declares it.
  await pick(p, "approve_class_teacher");
  await expect(p.getByLabel("办理人角色")).toHaveValue("class_teacher");
  await expect(p.getByLabel("在何处查找该角色")).toHaveValue("applicant");
  await expect(p.getByLabel("表单", { exact: true })).toHaveValue("leave_approve_teacher.schema.json");
  await expect(p.getByLabel("办理期限")).toHaveValue("P2WD");
  const actions = p.getByTestId("action-fields");
  for (const [name, on] of [["转交", true], ["退回", false], ["加签", true], ["抄送", true], ["评论", true]] as const) {
    await expect(actions.getByLabel(name), name).toBeChecked({ checked: on });
  }
  await expect(p.getByLabel("摘要字段")).toHaveValue(/^@applicant, @class, period=请假时间/);

  // A due time deploy would refuse is refused at the field, and nothing is applied.
  await p.getByLabel("办理期限").fill("5天");
  await p.getByRole("button", { name: "应用修改" }).click();
  await expect(p.getByText("办理期限应为 P<n>WD（工作日）")).toBeVisible();
  await expect(p.locator(".badge", { hasText: "有未部署的修改" })).toHaveCount(0);

  // Performer from the directory's roles, due time, a duty rule, actions, summary fields.
  await p.getByLabel("办理期限").fill("P3WD");
  await p.getByLabel("办理人角色").selectOption("department_head");
  await p.getByLabel("在何处查找该角色").selectOption("centre");
  await p.getByTestId("duty-fields").getByLabel("不得由发起人办理").check();
  await actions.getByLabel("抄送").uncheck();
  await p.getByLabel("摘要字段").fill("@applicant, @class, days=请假天数, reason");
  await p.getByRole("button", { name: "应用修改" }).click();
  await expect(p.locator(".badge", { hasText: "有未部署的修改" })).toBeVisible();

  // The form: edited as JSON Schema beside a live preview of the rendered form.
  await p.getByRole("button", { name: "编辑表单" }).click();
  const json = p.getByLabel("表单 leave_approve_teacher.schema.json（JSON Schema）");
  const preview = p.getByTestId("form-preview");
  await expect(preview.getByText("审批意见", { exact: true })).toBeVisible();
  const original = await json.inputValue();
  await json.fill(original.replace('"title": "审批意见"', '"title": "审批意见（请写明理由）"'));
  await expect(preview.getByText("审批意见（请写明理由）")).toBeVisible();
  await json.fill(original.replace('"type": "object",', '"type": "object"'));
  await expect(p.getByText(/^不是有效的 JSON：/)).toBeVisible();
  await expect(preview.getByText("审批意见（请写明理由）")).toBeVisible(); // the last good schema stays
  await json.fill(original.replace('"title": "审批意见"', '"title": "审批意见（请写明理由）"'));
  await expect(p.getByText(/^不是有效的 JSON：/)).toHaveCount(0);
  await shoot(p, "74-modeler-properties", () => diagramReady(p, "modeler-canvas"));

  // A script with a syntax error is marked on its element while typing (no button pressed).
  await pick(p, "reject_class_teacher");
  const script = p.getByLabel("脚本");
  await expect(script).toHaveValue(/^outcome = "rejected"/);
  const good = await script.inputValue();
  await script.fill(`${good}\nrejection_reason = (`);
  const marked = p.locator('.djs-element.cf-problem[data-element-id="reject_class_teacher"]');
  await expect(marked).toHaveCount(1);
  await expect(p.getByTestId("problem-list")).toContainText("reject_class_teacher");
  await script.fill(good);
  await expect(marked).toHaveCount(0);

  // A timer's expression.
  await pick(p, "remind_class_teacher");
  await expect(p.getByLabel("定时方式")).toHaveValue("timeDuration");
  await expect(p.getByLabel("定时表达式")).toHaveValue('"P2WD"');
  await p.getByLabel("定时表达式").fill('"P1WD"');

  // A service task: the registry's functions, with the declared parameters.
  await pick(p, "send_reminder_class_teacher");
  const operator = p.getByLabel("服务函数（本服务器已注册）");
  await expect(operator).toHaveValue("certflow.remind_task");
  await expect(operator.locator("option[value='cert.issue_certificate']")).toHaveCount(1);
  await expect(p.getByLabel("参数 task（str，必填）")).toHaveValue('"approve_class_teacher"');
  await p.getByLabel(/^参数 subject/).fill('"请假审批提醒：请尽快处理"');
  await p.getByRole("button", { name: "应用修改" }).click();

  // Each change is in the diagram that would be deployed, and it validates.
  const xml = await downloadedBpmn(p);
  expect(property(xml, "approve_class_teacher", "performer")).toBe("department_head(centre)");
  expect(property(xml, "approve_class_teacher", "dueIn")).toBe("P3WD");
  expect(property(xml, "approve_class_teacher", "separationOfDuties")).toBe("not_initiator");
  expect(property(xml, "approve_class_teacher", "approvalActions")).toBe("transfer, consult, comment");
  expect(property(xml, "approve_class_teacher", "summaryFields")).toBe("@applicant, @class, days=请假天数, reason");
  expect(property(xml, "approve_class_teacher", "formJsonSchemaFilename")).toBe("leave_approve_teacher.schema.json");
  expect(xml).toContain('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P1WD"</bpmn:timeDuration>');
  expect(xml).toContain('<spiffworkflow:parameter id="subject" type="str" value="&#34;请假审批提醒：请尽快处理&#34;" />');
  expect(xml).toContain('<spiffworkflow:parameter id="task" type="str" value="&#34;approve_class_teacher&#34;" />');
  await p.getByRole("button", { name: "验证" }).click();
  await expect(p.getByTestId("model-status")).toHaveText("验证通过，可以部署。");
  admin.assertCleanConsole();
  await admin.close();
});

test("a new process from the two-tier template is deployed from the browser and runs", async ({ browser, request }) => {
  const admin = await openAs(browser, "admin", DESKTOP_CONTEXT);
  const p = admin.page;
  await p.goto("/admin/definitions");
  await p.getByRole("link", { name: "从模板新建流程" }).click();
  await p.getByLabel("流程标识").fill("1-room");
  await p.getByRole("button", { name: "打开建模器" }).click();
  await expect(p.getByText("请填写流程标识：")).toBeVisible();
  const processId = `room_${Date.now().toString(36)}`;
  await p.getByLabel("流程标识").fill(processId);
  await p.getByLabel("流程名称").fill("借用实训室审批");
  await p.getByRole("button", { name: "打开建模器" }).click();
  await diagramReady(p, "modeler-canvas");
  await expect(p.getByRole("heading", { name: "新建流程 借用实训室审批" })).toBeVisible();
  await shoot(p, "75-modeler-new-from-template", () => diagramReady(p, "modeler-canvas"));

  // The template's second step: another performer, four eyes, send back to the first.
  await pick(p, "approve_second");
  await expect(p.getByLabel("办理人角色")).toHaveValue("class_office");
  await expect(p.getByTestId("duty-fields").getByLabel("不得由办理过“第一级审批”的人办理")).toBeChecked();
  await expect(p.getByRole("group", { name: "可退回到" }).getByLabel("第一级审批")).toBeChecked();
  await p.getByLabel("办理期限").fill("P1WD");
  await p.getByRole("button", { name: "应用修改" }).click();
  await p.getByRole("button", { name: "部署为新版本" }).click();
  await expect(p).toHaveURL(/\/admin\/definitions$/);
  await expect(p.getByTestId(`process-${processId}`)).toContainText("借用实训室审批");

  // It runs: 小明 applies, his 班主任 and then the 班级办公室 approve.
  let instance = await api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: processId, business_key: `${processId.toUpperCase()}-1`, data: { subject: "借用实训楼301", reason: "技能大赛集训" },
  });
  for (const [name, user, data] of [["approve_first", "zhang", { first_approved: true }],
    ["approve_second", "li", { second_approved: true }]] as const) {
    const task = instance.open_tasks.find((t) => t.task_name === name);
    expect(task, `${name} open`).toBeTruthy();
    await api(request, user, "POST", `/api/v1/tasks/${task!.id}/claim`);
    instance = await api<Instance>(request, user, "POST", `/api/v1/tasks/${task!.id}/complete`, { data });
  }
  expect(instance.status).toBe("completed");
  admin.assertCleanConsole();
  await admin.close();
});

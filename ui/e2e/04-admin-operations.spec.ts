// An administrator suspends a leave request (its teacher cannot claim the task meanwhile),
// resumes it, terminates another with a reason (the dialog refuses an empty one), sees a stale
// action refused in a plain sentence, and retries a failed service task on the incidents screen.
import { expect, test } from "@playwright/test";
import type { APIRequestContext, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { api, openAs, shoot, token, uniqueKey, leaveData } from "./helpers";

interface Instance {
  id: number;
  status: string;
  open_tasks: { id: number; task_name: string }[];
}

const SERVICE_CALL = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "fixtures", "service_call.bpmn");

async function leave(request: APIRequestContext, key: string): Promise<Instance> {
  return api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: "leave_approval", business_key: key,
    data: await leaveData(request, "xiaoming", 1),
  });
}

/** A service task whose function the server does not know: an incident at once. */
async function incidentInstance(request: APIRequestContext, key: string): Promise<Instance> {
  const headers = { Authorization: `Bearer ${await token(request, "admin")}` };
  const deployed = await request.post("/api/v1/definitions", {
    headers,
    multipart: { files: { name: "service_call.bpmn", mimeType: "application/xml", buffer: readFileSync(SERVICE_CALL) } },
  });
  expect([200, 201], await deployed.text()).toContain(deployed.status());
  const instance = await api<Instance>(request, "xiaoming", "POST", "/api/v1/instances", {
    process_id: "service_call", business_key: key, data: { holder: "小明", level: 3 },
  });
  expect(instance.status).toBe("incident");
  return instance;
}

function row(page: Page, id: number) {
  return page.getByTestId("instance-table").getByRole("row").filter({ has: page.getByRole("link", { name: `#${id}`, exact: true }) });
}

test("admin operations: suspend, resume, terminate with a reason, retry an incident", async ({ browser, request }) => {
  const key = uniqueKey("OPS");
  const first = await leave(request, `${key}-A`);
  const second = await leave(request, `${key}-B`);
  const failing = await incidentInstance(request, `${key}-C`);

  const admin = await openAs(browser, "admin", undefined, [409]);
  const p = admin.page;

  // Suspend: the badge changes and the class teacher's claim is refused until resumed.
  await p.goto(`/instances?key=${key}-A`);
  await expect(row(p, first.id)).toContainText("进行中");
  await p.getByRole("button", { name: `暂停实例 #${first.id}` }).click();
  await expect(p.getByRole("status").filter({ hasText: `实例 #${first.id} 已暂停` })).toBeVisible();
  await expect(row(p, first.id)).toContainText("已暂停");
  const claim = await request.post(`/api/v1/tasks/${first.open_tasks[0].id}/claim`, {
    headers: { Authorization: `Bearer ${await token(request, "zhang")}` },
  });
  expect(claim.status()).toBe(409);
  expect((await claim.json()).detail).toContain("suspended");
  await shoot(p, "40-admin-instance-actions");

  await p.getByRole("button", { name: `恢复实例 #${first.id}` }).click();
  await expect(p.getByRole("status").filter({ hasText: `实例 #${first.id} 已恢复` })).toBeVisible();
  await expect(row(p, first.id)).toContainText("进行中");
  await api(request, "zhang", "POST", `/api/v1/tasks/${first.open_tasks[0].id}/claim`);

  // Terminate: a dialog asks for the reason; an empty one is refused before anything is sent.
  await p.goto(`/instances?key=${key}-B`);
  const terminate = p.getByRole("button", { name: `终止实例 #${second.id}` });
  await terminate.click();
  const dialog = p.getByRole("dialog", { name: `终止实例 #${second.id}` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("终止原因（必填）")).toBeFocused();
  await dialog.getByRole("button", { name: "确认终止" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("请填写终止原因。");
  await dialog.getByLabel("终止原因（必填）").fill("学生已撤回申请");
  await shoot(p, "41-admin-terminate-dialog", undefined, false);
  await dialog.getByRole("button", { name: "确认终止" }).click();
  await expect(dialog).toBeHidden();
  await expect(p.getByRole("status").filter({ hasText: `实例 #${second.id} 已终止` })).toBeVisible();
  await expect(row(p, second.id)).toContainText("已终止");
  await expect(row(p, second.id)).toContainText("无可用操作");
  const events = await api<{ kind: string; payload: Record<string, unknown> }[]>(
    request, "admin", "GET", `/api/v1/instances/${second.id}/events`);
  const ended = events.find((e) => e.kind === "instance_terminated");
  expect(ended?.payload.reason).toBe("学生已撤回申请");

  // A stale screen: the instance was suspended elsewhere; the refusal is a plain sentence.
  await p.goto(`/instances?key=${key}-A`);
  await expect(row(p, first.id)).toContainText("进行中");
  await api(request, "admin", "POST", `/api/v1/instances/${first.id}/suspend`, { reason: "另一位管理员" });
  await p.getByRole("button", { name: `暂停实例 #${first.id}` }).click();
  await expect(p.getByRole("alert").filter({ hasText: "只有办理中（或故障待处理）的案件可以暂停" })).toBeVisible();
  await expect(row(p, first.id)).toContainText("已暂停");
  await p.locator(".notice-error").getByRole("button", { name: "关闭提示" }).click();

  // Incidents: reachable from the menu; the error and stack summary are shown; retry refreshes.
  await p.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "故障处理" }).click();
  await expect(p).toHaveURL(/\/admin\/incidents$/);
  const incidents = await api<{ items: { id: number; instance_id: number }[] }>(
    request, "admin", "GET", `/api/v1/incidents?instance_id=${failing.id}&status=open`);
  const incidentId = incidents.items[0].id;
  const card = p.getByTestId(`incident-${incidentId}`);
  await expect(card).toContainText("tests.lookup_certificate");
  await expect(card).toContainText("待处理");
  await expect(card.locator("details")).toContainText("调用栈摘要");
  await shoot(p, "42-admin-incidents");
  await card.getByRole("button", { name: `重试故障 #${incidentId}` }).click();
  await expect(p.getByRole("status").filter({ hasText: `故障 #${incidentId} 已重新排队执行` })).toBeVisible();
  // Still failing (the function is unknown here): the retried incident leaves the open list and
  // a new one takes its place.
  await expect(card).toBeHidden();
  await p.getByLabel("故障状态").selectOption("");
  await expect(p.getByTestId(`incident-${incidentId}`)).toContainText("已重试");

  admin.assertCleanConsole();
  await admin.close();
});

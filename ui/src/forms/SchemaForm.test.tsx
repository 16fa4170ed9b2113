// @vitest-environment happy-dom
// The server's 422 field problems appear at their fields, and a 409 as one plain sentence.
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { I18nProvider } from "../i18n";
import SchemaForm from "./SchemaForm";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    teacher_approved: { title: "是否同意", type: "boolean" },
    teacher_comment: { title: "审批意见", type: "string", maxLength: 500 },
  },
  required: ["teacher_approved"],
};

let container: HTMLDivElement;
afterEach(() => container?.remove());

async function render(onSubmit: (data: Record<string, unknown>) => Promise<void>, formData: Record<string, unknown> | undefined = { teacher_approved: false }) {
  container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  await act(async () => {
    root.render(
      <I18nProvider>
        <SchemaForm schema={schema} formData={formData} submitLabel="submit" onSubmit={onSubmit} />
      </I18nProvider>,
    );
  });
  return root;
}

async function submit() {
  await act(async () => {
    container.querySelector("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
}

describe("SchemaForm", () => {
  it("shows the API's 422 problems at the fields they point to", async () => {
    await render(async () => {
      throw new ApiError(422, {
        type: "https://certflow.dev/problems/invalid-task-data", title: "Invalid task data", status: 422,
        detail: "1 problem(s)", errors: [{ pointer: "/data/teacher_comment", message: "'teacher_comment' is a required property", rule: "required" }],
      }, null);
    });
    await submit();
    const field = container.querySelector("#root_teacher_comment")!.closest(".form-group")!;
    expect(field.textContent).toContain("请填写审批意见");
    expect(container.querySelector('[data-testid="form-error"]')!.textContent).toContain("1 处问题");
  });

  it("preselects no decision and refuses a submission with nothing chosen, at the field", async () => {
    const sent: Record<string, unknown>[] = [];
    await render(async (data) => { sent.push(data); }, {});
    const radios = [...container.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios).toHaveLength(2);
    expect(radios.some((radio) => radio.checked)).toBe(false);
    await submit();
    expect(sent).toEqual([]);
    const field = container.querySelector("#root_teacher_approved")!.closest(".form-group")!;
    expect(field.textContent).toContain("请选择是否同意");
    expect(container.textContent).not.toContain("应当");
  });

  it("shows the server's own Chinese message rather than a generic one", async () => {
    await render(async () => {
      throw new ApiError(422, {
        type: "https://certflow.dev/problems/invalid-task-data", title: "Invalid task data", status: 422,
        detail: "1 problem(s)", errors: [{ pointer: "/data/teacher_comment", message: "身份证号校验码错误：按前17位计算应为 X", rule: "format" }],
      }, null);
    });
    await submit();
    const field = container.querySelector("#root_teacher_comment")!.closest(".form-group")!;
    expect(field.textContent).toContain("按前17位计算应为 X");
  });

  it("shows a 409 as one sentence naming who holds the task", async () => {
    await render(async () => {
      throw new ApiError(409, {
        type: "https://certflow.dev/problems/task-already-claimed", title: "Task already claimed", status: 409,
        detail: "task 3 is already claimed by 张老师",
      }, null);
    });
    await submit();
    expect(container.querySelector('[data-testid="form-error"]')!.textContent).toBe("已被张老师认领");
  });
});

describe("SchemaForm array buttons", () => {
  it("say what they do instead of drawing icons that are not loaded", async () => {
    container = document.createElement("div");
    document.body.appendChild(container);
    const root = createRoot(container);
    const listSchema = {
      $schema: "https://json-schema.org/draft/2020-12/schema", type: "object",
      properties: { documents: { title: "证明材料", type: "array", items: { type: "string" } } },
    };
    await act(async () => {
      root.render(
        <I18nProvider>
          <SchemaForm schema={listSchema} formData={{ documents: ["a"] }} submitLabel="submit" onSubmit={async () => undefined} />
        </I18nProvider>,
      );
    });
    const labels = [...container.querySelectorAll("button")].map((button) => button.textContent);
    expect(labels).toContain("添加一项");
    expect(labels).toContain("删除");
    expect(container.querySelectorAll("i.glyphicon")).toHaveLength(0);
  });
});

// A task's or start event's form, rendered from its JSON Schema with rjsf. The browser checks
// the schema first (same rules, localised messages); what the server still refuses (422) is
// shown at the fields its pointers name, anything else as one sentence above the buttons.
import { useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import Form from "@rjsf/core";
import type { IChangeEvent } from "@rjsf/core";
import { englishStringTranslator, TranslatableString } from "@rjsf/utils";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import { maybeKey, useI18n } from "../i18n";
import type { Translate } from "../i18n";
import { describeError, fieldProblems } from "../lib/problems";
import { validators } from "./validator";
import { transformErrorsFor } from "./messages";
import { textButtonTemplates } from "./buttons";
import AttachmentField from "../attachments/AttachmentField";
import type { JsonSchema } from "../api/types";

export interface SchemaFormProps {
  schema: JsonSchema;
  formData?: Record<string, unknown>;
  disabled?: boolean;
  submitLabel: string;
  /** Submit the data; throw the API's error to have it shown. */
  onSubmit: (data: Record<string, unknown>) => Promise<void>;
  /** Problems outside the form (e.g. "/business_key"): the caller shows them. */
  onOutsideProblems?: (outside: Record<string, string[]>) => void;
  /** Extra buttons beside submit (release, cancel...). */
  actions?: ReactNode;
  idPrefix?: string;
}

const TEMPLATES = { ButtonTemplates: textButtonTemplates };

/** No decision and no category is ever chosen for the person: a yes/no stays unanswered and a
 * choice shows "请选择" until someone picks; submitting without choosing is a field error. */
// No preselected decision, and no empty placeholder rows in a list with a minimum (a required
// attachment list starts empty: the widget adds each uploaded file itself).
const NO_PRESELECTION = {
  constAsDefaults: "never",
  requiredBooleanDefault: "skip",
  arrayMinItems: { populate: "never" },
} as const;

/** Widgets that suit approvals on a phone: yes/no as two radio buttons, long text as a text area. */
export function uiSchemaFor(schema: JsonSchema, t: Translate): UiSchema {
  const ui: UiSchema = { "ui:submitButtonOptions": { norender: true } };
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, property] of Object.entries(properties)) {
    const items = (property.type === "array" ? property.items : property) as Record<string, unknown> | undefined;
    if (items?.format === "attachment") {
      ui[name] = { "ui:field": "attachments" };
      continue;
    }
    if (property.type === "boolean") {
      ui[name] = { "ui:widget": "radio", "ui:options": { inline: true } };
    } else if (property.type === "string" && !property.format && !property.oneOf && !property.enum &&
      (typeof property.maxLength !== "number" || property.maxLength > 100)) {
      ui[name] = { "ui:widget": "textarea", "ui:options": { rows: 3 } };
    }
    if (property.type === "string" && property.oneOf && !property.default) {
      ui[name] = { ...(ui[name] as object), "ui:placeholder": t("form.choose") };
    }
  }
  return ui;
}

const FIELDS = { attachments: AttachmentField };

export function translateFor(t: Translate) {
  return (key: TranslatableString, params?: string[]) => {
    const name = Object.entries(TranslatableString).find(([, value]) => value === key)?.[0];
    const catalogued = name ? maybeKey(`rjsf.${name}`) : undefined;
    if (!catalogued) return englishStringTranslator(key, params);
    return t(catalogued).replace(/%(\d)/g, (_, index: string) => params?.[Number(index) - 1] ?? "");
  };
}

export default function SchemaForm(props: SchemaFormProps) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<Record<string, unknown>>(props.formData ?? {});
  const [busy, setBusy] = useState(false);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>();
  const [message, setMessage] = useState<string[]>([]);
  const uiSchema = useMemo(() => uiSchemaFor(props.schema, t), [props.schema, t]);
  const translateString = useMemo(() => translateFor(t), [t]);
  const dataRef = useRef(data);
  dataRef.current = data;
  const transformErrors = useMemo(() => transformErrorsFor(props.schema, t, () => dataRef.current), [props.schema, t]);

  const submit = async ({ formData }: IChangeEvent) => {
    setBusy(true);
    setMessage([]);
    setExtraErrors(undefined);
    try {
      await props.onSubmit((formData ?? {}) as Record<string, unknown>);
    } catch (error) {
      const found = fieldProblems(error, t, "/data", props.schema);
      setExtraErrors(Object.keys(found.errorSchema).length ? found.errorSchema : undefined);
      props.onOutsideProblems?.(found.outside);
      setMessage([describeError(error, t), ...found.general]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      schema={props.schema as RJSFSchema}
      uiSchema={uiSchema}
      fields={FIELDS}
      formData={data}
      validator={validators[lang]}
      transformErrors={transformErrors}
      templates={TEMPLATES}
      experimental_defaultFormStateBehavior={NO_PRESELECTION}
      onChange={(event) => setData((event.formData ?? {}) as Record<string, unknown>)}
      onSubmit={submit}
      onError={() => setMessage([])} /* shown at the fields and in the list above them */
      extraErrors={extraErrors}
      disabled={props.disabled || busy}
      noHtml5Validate
      showErrorList="top"
      focusOnFirstError
      translateString={translateString}
      idPrefix={props.idPrefix ?? "root"}
      className="schema-form"
    >
      {message.length > 0 && (
        <div className="error-box" role="alert" data-testid="form-error">
          {message.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={props.disabled || busy}>
          {busy ? t("form.submitting") : props.submitLabel}
        </button>
        {props.actions}
      </div>
    </Form>
  );
}

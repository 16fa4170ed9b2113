// A task form's JSON Schema, edited as text beside a live preview of the form it renders
// (the same SchemaForm the inbox uses). Text that is not JSON, or not an object schema, is
// said at the field and the preview keeps the last good schema.
import { useMemo } from "react";
import type { JsonSchema } from "../../api/types";
import SchemaForm from "../../forms/SchemaForm";
import { useI18n } from "../../i18n";

function parseSchema(text: string): { schema: JsonSchema | null; error: string | null } {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value) || (value as JsonSchema).type !== "object") {
      return { schema: null, error: "notObject" };
    }
    return { schema: value as JsonSchema, error: null };
  } catch (error) {
    return { schema: null, error: error instanceof Error ? error.message : String(error) };
  }
}

export function FormEditor({ name, text, onChange }: { name: string; text: string; onChange: (text: string) => void }) {
  const { t } = useI18n();
  const { schema, error } = useMemo(() => parseSchema(text), [text]);
  const lastGood = useMemo<{ current: JsonSchema | null }>(() => ({ current: null }), [name]);
  if (schema) lastGood.current = schema;
  const shown = schema ?? lastGood.current;
  return (
    <div className="form-editor" data-testid="form-editor">
      <div className="field">
        <label htmlFor="form-json">{t("model.formJson", { name })}</label>
        <textarea id="form-json" rows={12} value={text} spellCheck={false} aria-invalid={error ? true : undefined}
          aria-describedby={error ? "form-json-error" : undefined} onChange={(e) => onChange(e.target.value)} />
        {error && (
          <p id="form-json-error" className="field-error" role="alert">
            {error === "notObject" ? t("model.formNotObject") : t("model.formNotJson", { error })}
          </p>
        )}
      </div>
      <section className="form-preview" aria-label={t("model.formPreview")} data-testid="form-preview">
        <p className="small muted">{t("model.formPreview")}</p>
        {shown && (
          <SchemaForm key={JSON.stringify(shown)} schema={shown} submitLabel={t("model.formPreviewSubmit")} idPrefix="preview"
            onSubmit={async () => undefined} />
        )}
      </section>
    </div>
  );
}

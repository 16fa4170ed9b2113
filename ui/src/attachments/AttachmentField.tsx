// The form field of attachments (items with "format": "attachment"): pick files or take a
// photo, watch each upload's progress, see thumbnails and PDFs in place, remove or replace one.
// The field's value is the list of upload ids the server checks against the field's rules
// ("x-attachment": accept, maxBytes; minItems/maxItems).
import { useEffect, useRef, useState } from "react";
import type { FieldProps } from "@rjsf/utils";
import { useI18n } from "../i18n";
import { describeError } from "../lib/problems";
import { acceptFor, describeAttachment, fileSize, uploadAttachment } from "./api";
import type { AttachmentInfo } from "./api";
import AttachmentPreview from "./AttachmentPreview";
import "./attachments.css";

const ALL_TYPES = ["application/pdf", "image/jpeg", "image/png", "application/ofd"];
const LABELS: Record<string, string> = {
  "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "application/ofd": "OFD",
};

interface Item {
  key: string;
  id?: string;
  info?: AttachmentInfo;
  file?: File;
  progress?: number;
  error?: string;
}

interface Rules {
  accept: string[];
  maxBytes?: number;
  maxItems: number;
  single: boolean;
}

let counter = 0;
const nextKey = () => `att-${++counter}`;

export function rulesOf(schema: Record<string, unknown>): Rules {
  const rules = (schema["x-attachment"] ?? {}) as { accept?: string[]; maxBytes?: number };
  const single = schema.type !== "array";
  return {
    accept: rules.accept?.length ? rules.accept : ALL_TYPES,
    maxBytes: rules.maxBytes,
    maxItems: single ? 1 : typeof schema.maxItems === "number" ? schema.maxItems : 20,
    single,
  };
}

function megabytes(size: number): string {
  return String(Number((size / (1024 * 1024)).toFixed(1)));
}

export default function AttachmentField(props: FieldProps) {
  const { t } = useI18n();
  const schema = props.schema as Record<string, unknown>;
  const rules = rulesOf(schema);
  const fieldId = props.fieldPathId.$id;
  const title = (schema.title as string | undefined) ?? props.name;
  const description = schema.description as string | undefined;
  const locked = Boolean(props.disabled || props.readonly);
  const initial = (rules.single ? (props.formData ? [props.formData] : []) : (props.formData ?? [])) as string[];
  const [items, setItems] = useState<Item[]>(() => initial.map((id) => ({ key: nextKey(), id })));
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const fileInput = useRef<HTMLInputElement>(null);
  const cameraInput = useRef<HTMLInputElement>(null);
  const replacing = useRef<string | null>(null);

  const publish = (next: Item[]) => {
    itemsRef.current = next;
    setItems(next);
    const ids = next.filter((item) => item.id).map((item) => item.id as string);
    props.onChange(rules.single ? ids[0] : ids, props.fieldPathId.path);
  };
  const update = (key: string, change: Partial<Item>) => {
    publish(itemsRef.current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  };

  useEffect(() => {
    // Uploads cited before this form opened (a correction, a saved draft): show their names.
    for (const item of itemsRef.current) {
      if (item.id && !item.info) {
        describeAttachment(item.id).then((info) => update(item.key, { info }), () => undefined);
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const start = (file: File, key: string) => {
    if (rules.maxBytes && file.size > rules.maxBytes) {
      update(key, { file, error: t("attach.tooLarge", { size: megabytes(rules.maxBytes) }), progress: undefined });
      return;
    }
    uploadAttachment(file, (fraction) => update(key, { progress: fraction })).then(
      (info) => {
        if (!rules.accept.includes(info.media_type)) {
          update(key, { error: t("attach.wrongType", { types: rules.accept.map((type) => LABELS[type] ?? type).join(t("common.listSeparator")) }), progress: undefined });
          return;
        }
        update(key, { id: info.id, info, progress: undefined, error: undefined });
      },
      (error: unknown) => update(key, { error: describeError(error, t), progress: undefined }),
    );
  };

  const picked = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const chosen = Array.from(files);
    const target = replacing.current;
    replacing.current = null;
    if (target) {
      const file = chosen[0];
      publish(itemsRef.current.map((item) => (item.key === target
        ? { key: target, file, progress: 0 } : item)));
      start(file, target);
      return;
    }
    const room = rules.maxItems - itemsRef.current.length;
    const added = chosen.slice(0, Math.max(room, 0)).map((file) => ({ key: nextKey(), file, progress: 0 }));
    publish([...itemsRef.current, ...added]);
    for (const item of added) start(item.file, item.key);
  };

  const remove = (key: string) => publish(itemsRef.current.filter((item) => item.key !== key));
  const replace = (key: string) => {
    replacing.current = key;
    fileInput.current?.click();
  };
  const full = items.length >= rules.maxItems;
  const accept = acceptFor(rules.accept);
  const allowsPhotos = rules.accept.some((type) => type.startsWith("image/"));
  const hint = t("attach.hint", {
    types: rules.accept.map((type) => LABELS[type] ?? type).join(t("common.listSeparator")),
    size: megabytes(rules.maxBytes ?? 20 * 1024 * 1024), count: rules.maxItems,
  });

  return (
    <fieldset className="att-field" id={fieldId} data-testid={`attachments-${props.name}`}>
      <legend>{title}{props.required && <span className="required">*</span>}</legend>
      {description && <p className="field-description">{description}</p>}
      <p className="att-hint" id={`${fieldId}-hint`}>{hint}</p>
      {items.length > 0 && (
        <ul className="att-list">
          {items.map((item) => {
            const name = item.info?.filename ?? item.file?.name ?? t("attach.unnamed");
            const mediaType = item.info?.media_type ?? item.file?.type ?? "";
            return (
              <li key={item.key} className="att-item" data-testid="attachment-item">
                <div className="att-preview">
                  {item.error ? null : item.progress !== undefined ? (
                    <progress max={1} value={item.progress} aria-label={t("attach.uploading", { name })} />
                  ) : (
                    <AttachmentPreview id={item.id} file={item.file} filename={name} mediaType={mediaType}
                      testId="attachment-preview" />
                  )}
                </div>
                <div className="att-meta">
                  <span className="att-name">{name}</span>
                  {item.info && <span className="att-size">{t("attach.size", { size: fileSize(item.info.size) })}</span>}
                  {item.progress !== undefined && !item.error && (
                    <span className="att-progress" role="status">{t("attach.progress", { percent: Math.round(item.progress * 100) })}</span>
                  )}
                  {item.error && <span className="att-error" role="alert">{item.error}</span>}
                  {!locked && (
                    <span className="att-actions">
                      <button type="button" className="btn btn-quiet btn-small" onClick={() => replace(item.key)}
                        aria-label={t("attach.replaceNamed", { name })}>{t("attach.replace")}</button>
                      <button type="button" className="btn btn-quiet btn-small" onClick={() => remove(item.key)}
                        aria-label={t("attach.removeNamed", { name })}>{t("attach.remove")}</button>
                    </span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {!locked && (
        <div className="att-pickers">
          <label className={`btn btn-small${full ? " btn-disabled" : ""}`}>
            {t("attach.choose")}
            <input ref={fileInput} type="file" accept={accept} multiple={!rules.single} disabled={full && !replacing.current}
              aria-describedby={`${fieldId}-hint`} data-testid={`attachments-${props.name}-input`}
              onChange={(event) => { picked(event.currentTarget.files); event.currentTarget.value = ""; }} />
          </label>
          {allowsPhotos && (
            <label className={`btn btn-small${full ? " btn-disabled" : ""}`}>
              {t("attach.camera")}
              <input ref={cameraInput} type="file" accept="image/*" capture="environment" disabled={full}
                data-testid={`attachments-${props.name}-camera`}
                onChange={(event) => { picked(event.currentTarget.files); event.currentTarget.value = ""; }} />
            </label>
          )}
        </div>
      )}
      {props.rawErrors && props.rawErrors.length > 0 && (
        <ul className="error-detail">{props.rawErrors.map((error) => <li key={error} className="text-danger">{error}</li>)}</ul>
      )}
    </fieldset>
  );
}

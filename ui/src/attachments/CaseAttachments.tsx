// The documents attached to a case, each previewed in place (photos as thumbnails, PDFs in a
// frame) with a download link; shown to everyone who may see the case.
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { ErrorText } from "../components/Feedback";
import { attachmentBlob, caseAttachments, fileSize } from "./api";
import AttachmentPreview from "./AttachmentPreview";
import "./attachments.css";

async function download(id: string, filename: string): Promise<void> {
  const url = URL.createObjectURL(await attachmentBlob(id));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function CaseAttachments({ instanceId }: { instanceId: number }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad((signal) => caseAttachments(instanceId, signal), [instanceId]);
  if (error) return <ErrorText error={error} onRetry={reload} />;
  if (!data || data.length === 0) return null;
  return (
    <section className="card" aria-labelledby={`attachments-${instanceId}`} data-testid="case-attachments">
      <h2 id={`attachments-${instanceId}`}>{t("attach.caseHeading", { count: data.length })}</h2>
      <ul className="att-case">
        {data.map((item) => (
          <li key={item.id} className="att-item" data-testid="case-attachment">
            <div className="att-preview">
              <AttachmentPreview id={item.id} filename={item.filename} mediaType={item.media_type}
                testId="case-attachment-preview" />
            </div>
            <div className="att-meta">
              <span className="att-name">{item.filename}</span>
              <span className="att-size">{t("attach.size", { size: fileSize(item.size) })}</span>
              <span className="att-actions">
                <button type="button" className="btn btn-quiet btn-small" onClick={() => void download(item.id, item.filename)}>
                  {t("attach.download")}
                </button>
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

// One attachment shown in place: a thumbnail for a photo, the PDF itself in a frame, a named
// file otherwise; the bytes come from the local file just picked or, with the token, from the
// server, always as a blob: URL that lives as long as the preview.
import { useEffect, useState } from "react";
import { useI18n } from "../i18n";
import { attachmentBlob } from "./api";

interface PreviewProps {
  id?: string;
  file?: File;
  filename: string;
  mediaType: string;
  testId?: string;
}

export function isImage(mediaType: string): boolean {
  return mediaType === "image/jpeg" || mediaType === "image/png";
}

export default function AttachmentPreview({ id, file, filename, mediaType, testId }: PreviewProps) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const previewable = isImage(mediaType) || mediaType === "application/pdf";

  useEffect(() => {
    if (!previewable) return undefined;
    const controller = new AbortController();
    let made: string | null = null;
    const show = (blob: Blob) => {
      made = URL.createObjectURL(blob);
      setUrl(made);
    };
    if (file) show(file);
    else if (id) attachmentBlob(id, controller.signal).then(show, (error: unknown) => {
      if (!(error instanceof DOMException && error.name === "AbortError")) setFailed(true);
    });
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [id, file, previewable]);

  if (failed) return <p className="att-note" data-testid={testId}>{t("attach.previewFailed")}</p>;
  if (!previewable) return <p className="att-note" data-testid={testId}>{t("attach.noPreview")}</p>;
  if (!url) return <p className="att-note">{t("attach.loadingPreview")}</p>;
  if (isImage(mediaType)) {
    return <img className="att-thumb" src={url} alt={t("attach.thumbnailOf", { name: filename })} data-testid={testId} />;
  }
  return (
    <div className="att-pdf" data-testid={testId}>
      <iframe src={url} title={t("attach.pdfOf", { name: filename })} />
      <a href={url} target="_blank" rel="noreferrer">{t("attach.openPdf")}</a>
    </div>
  );
}

// Small shared pieces: loading and error states, status badges, empty states.
import { describeError } from "../lib/problems";
import { isAbort } from "../lib/hooks";
import { maybeKey, useI18n } from "../i18n";

export function ErrorText({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error || isAbort(error)) return null;
  return (
    <div className="error-box" role="alert">
      <span>{describeError(error, t)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t("action.retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t("common.loading")}
    </p>
  );
}

export function StatusBadge({ status, kind = "instance" }: { status: string; kind?: "instance" | "task" }) {
  const { t } = useI18n();
  const key = maybeKey(`status.${kind}.${status}`);
  return <span className={`badge badge-${status}`}>{key ? t(key) : status}</span>;
}

export function Empty({ text }: { text: string }) {
  return <p className="empty">{text}</p>;
}

// Incidents: service tasks that failed after every retry. The administrator reads the error and
// the stack summary, fixes the cause elsewhere, then retries; the list refreshes after.
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { apiCalls } from "../../api/endpoints";
import type { Incident } from "../../api/types";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { maybeKey, useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";

const PER_PAGE = 20;
const STATUSES = ["open", "retried", "cancelled"] as const;

export default function Incidents() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  // Open incidents are what needs doing, so they are the default; "" lists every status.
  const status = params.get("status") ?? "open";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const { data, error, loading, reload } = useLoad(
    (signal) => apiCalls.incidents({ status: status || undefined, page, per_page: PER_PAGE }, signal),
    [status, page],
  );
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    if (name !== "page") next.delete("page");
    setParams(next, { replace: true });
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("incidents.title")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <p className="muted">{t("incidents.intro")}</p>
      <form className="filter-grid" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="incident-status">{t("incidents.status")}</label>
          <select id="incident-status" value={status} onChange={(e) => set("status", e.target.value)}>
            <option value="">{t("common.any")}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.incident.${s}`)}</option>)}
          </select>
        </div>
      </form>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.items.length === 0 && <Empty text={t("incidents.empty")} />}
      {data && data.items.length > 0 && (
        <>
          <ul className="incident-list" data-testid="incident-list">
            {data.items.map((incident) => <IncidentCard key={incident.id} incident={incident} onChanged={reload} />)}
          </ul>
          <nav className="pager" aria-label={t("instances.pages")}>
            <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => set("page", String(page - 1))}>{t("instances.prev")}</button>
            <span>{t("instances.pageOf", { page, pages, total: data.total })}</span>
            <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => set("page", String(page + 1))}>{t("instances.next")}</button>
          </nav>
        </>
      )}
    </section>
  );
}

function IncidentCard({ incident, onChanged }: { incident: Incident; onChanged: () => void }) {
  const { t, formatDateTime } = useI18n();
  const { notify } = useNotices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const headingId = `incident-${incident.id}-title`;
  const statusKey = maybeKey(`status.incident.${incident.status}`);

  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      await apiCalls.retryIncident(incident.id);
      notify("success", t("incidents.retried", { id: incident.id }));
      onChanged();
    } catch (failure) {
      setError(failure);
      notify("error", describeError(failure, t));
      onChanged(); // e.g. someone else retried it meanwhile: show the state as it is now
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="card incident-card" aria-labelledby={headingId} data-testid={`incident-${incident.id}`}>
      <div className="page-head">
        <h2 id={headingId}>
          {t("incidents.heading", { id: incident.id, task: incident.task_name })}
          <span className={`badge badge-${incident.status}`}>{statusKey ? t(statusKey) : incident.status}</span>
        </h2>
        {incident.status === "open" && (
          <button type="button" className="btn btn-primary btn-small" disabled={busy} onClick={retry}
            aria-label={t("incidents.retryN", { id: incident.id })}>
            {t("incidents.retry")}
          </button>
        )}
      </div>
      <dl className="incident-facts">
        <dt>{t("incidents.instance")}</dt>
        <dd><Link to={`/cases/${incident.instance_id}`}>{t("instances.idN", { id: incident.instance_id })}</Link></dd>
        <dt>{t("incidents.operation")}</dt>
        <dd><code>{incident.operation}</code></dd>
        <dt>{t("incidents.error")}</dt>
        <dd className="incident-error"><code>{incident.error_type}</code>{t("incidents.errorSeparator")}{incident.message}</dd>
        <dt>{t("incidents.attempts")}</dt>
        <dd>{incident.attempts}</dd>
        <dt>{t("incidents.createdAt")}</dt>
        <dd>{formatDateTime(incident.created_at)}</dd>
        {incident.retried_at && (
          <>
            <dt>{t("incidents.retriedAt")}</dt>
            <dd>{formatDateTime(incident.retried_at)}</dd>
          </>
        )}
      </dl>
      <details className="incident-stack" open={incident.status === "open"}>
        <summary>{t("incidents.stack", { count: incident.stack.length })}</summary>
        {incident.stack.length === 0 ? <p className="muted">{t("incidents.noStack")}</p> : (
          <ol>
            {incident.stack.map((frame, index) => (
              <li key={index}><code>{t("incidents.frame", {
                file: frame.file ?? "?", line: frame.line ?? "?", function: frame.function ?? "?",
              })}</code></li>
            ))}
          </ol>
        )}
      </details>
      <ErrorText error={error} />
    </li>
  );
}

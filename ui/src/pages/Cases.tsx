// My cases: the instances I started, newest first, with their status.
import { Link, useSearchParams } from "react-router";
import { apiCalls } from "../api/endpoints";
import { useUser } from "../auth/AuthContext";
import { ErrorText, Empty, Loading, StatusBadge } from "../components/Feedback";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { nameOf, useDefinitions } from "../lib/processNames";

export const INSTANCE_STATUSES = ["running", "completed", "failed", "cancelled"] as const;

export default function Cases() {
  const { t, formatDateTime } = useI18n();
  const user = useUser();
  const { definitions, error: definitionsError } = useDefinitions();
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const { data, error, loading, reload } = useLoad(
    (signal) => apiCalls.instances({ status: status || undefined, per_page: 200 }, signal),
    [status],
  );
  const mine = data?.items.filter((item) => item.started_by === user.id) ?? [];
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("cases.title")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <div className="field inline-field">
        <label htmlFor="case-status">{t("cases.status")}</label>
        <select id="case-status" value={status} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {}, { replace: true })}>
          <option value="">{t("common.any")}</option>
          {INSTANCE_STATUSES.map((s) => (
            <option key={s} value={s}>{t(`status.instance.${s}`)}</option>
          ))}
        </select>
      </div>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      <ErrorText error={definitionsError} />
      {data && mine.length === 0 && <Empty text={t("cases.empty")} />}
      {mine.length > 0 && (
        <ul className="case-list">
          {mine.map((item) => (
            <li key={item.id} className="card case-card" data-testid={`case-${item.id}`}>
              <div>
                <Link to={`/cases/${item.id}`} className="case-title">{nameOf(definitions, item.process_id)}</Link>
                <div className="task-meta">
                  <span>{item.business_key}</span>
                  <span>{t("cases.startedAt", { time: formatDateTime(item.started_at) })}</span>
                  {item.ended_at && <span>{t("cases.endedAt", { time: formatDateTime(item.ended_at) })}</span>}
                </div>
              </div>
              <StatusBadge status={item.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

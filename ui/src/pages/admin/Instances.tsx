// All instances (administrators and auditors), filtered by process, status and business key.
import { Link, useSearchParams } from "react-router";
import { apiCalls } from "../../api/endpoints";
import { ErrorText, Empty, Loading, StatusBadge } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { nameOf, useDefinitions } from "../../lib/processNames";
import { INSTANCE_STATUSES } from "../Cases";
import { useAuth } from "../../auth/AuthContext";
import { InstanceActions } from "./InstanceActions";

const PER_PAGE = 25;
// Administrators and auditors also filter on the states only they act on.
const STATUSES = [...INSTANCE_STATUSES, "incident", "suspended"] as const;

export default function Instances() {
  const { t, formatDateTime } = useI18n();
  const { definitions, error: definitionsError } = useDefinitions();
  const isAdmin = useAuth().user?.role === "admin";
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const query = {
    process_id: params.get("process") || undefined,
    status: params.get("status") || undefined,
    business_key: params.get("key") || undefined,
    page,
    per_page: PER_PAGE,
  };
  const { data, error, loading, reload } = useLoad((signal) => apiCalls.instances(query, signal), [params.toString()]);
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setParams(next, { replace: true });
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("instances.title")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <form className="filter-grid" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="i-process">{t("inbox.process")}</label>
          <select id="i-process" value={params.get("process") ?? ""} onChange={(e) => set("process", e.target.value)}>
            <option value="">{t("common.any")}</option>
            {definitions.map((d) => <option key={d.process_id} value={d.process_id}>{d.name || d.process_id}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="i-status">{t("cases.status")}</label>
          <select id="i-status" value={params.get("status") ?? ""} onChange={(e) => set("status", e.target.value)}>
            <option value="">{t("common.any")}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.instance.${s}`)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="i-key">{t("inbox.businessKey")}</label>
          <input id="i-key" defaultValue={params.get("key") ?? ""} placeholder={t("inbox.businessKeyHint")}
            onKeyDown={(e) => { if (e.key === "Enter") set("key", (e.target as HTMLInputElement).value.trim()); }}
            onBlur={(e) => set("key", e.target.value.trim())} />
        </div>
      </form>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      <ErrorText error={definitionsError} />
      {data && data.items.length === 0 && <Empty text={t("instances.empty")} />}
      {data && data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table stack" data-testid="instance-table">
              <caption className="visually-hidden">{t("instances.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("instances.id")}</th>
                  <th scope="col">{t("inbox.process")}</th>
                  <th scope="col">{t("inbox.businessKey")}</th>
                  <th scope="col">{t("cases.status")}</th>
                  <th scope="col">{t("case.startedAt")}</th>
                  <th scope="col">{t("case.endedAt")}</th>
                  {isAdmin && <th scope="col">{t("instances.actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.id}>
                    <td data-label={t("instances.id")}><Link to={`/cases/${item.id}`}>{t("instances.idN", { id: item.id })}</Link></td>
                    <td data-label={t("inbox.process")}>{nameOf(definitions, item.process_id)}</td>
                    <td data-label={t("inbox.businessKey")}>{item.business_key}</td>
                    <td data-label={t("cases.status")}><StatusBadge status={item.status} /></td>
                    <td data-label={t("case.startedAt")}>{formatDateTime(item.started_at)}</td>
                    <td data-label={t("case.endedAt")}>{formatDateTime(item.ended_at)}</td>
                    {isAdmin && (
                      <td className="row-actions" data-label={t("instances.actions")}>
                        <InstanceActions instance={item} onChanged={reload} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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

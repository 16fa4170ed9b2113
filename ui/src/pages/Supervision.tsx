// 质量监督: the 质量监督小组 reads every case of its centre — who applied, where each case is
// and who holds it, what is overdue — and opens any of them read only.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { reportCalls } from "../api/reports";
import { Empty, ErrorText, Loading, StatusBadge } from "../components/Feedback";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { nameOf, useDefinitions } from "../lib/processNames";
import { groupName } from "../lib/problems";
import { INSTANCE_STATUSES } from "./Cases";

const PER_PAGE = 25;
const STATUSES = [...INSTANCE_STATUSES, "incident", "suspended"] as const;

export default function Supervision() {
  const { t, formatDateTime } = useI18n();
  const { definitions } = useDefinitions();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [typedKey, setTypedKey] = useState(params.get("key") ?? "");
  const { data, error, loading, reload } = useLoad((signal) => reportCalls.centreCases({
    process_id: params.get("process") || undefined,
    status: params.get("status") || undefined,
    business_key: params.get("key") || undefined,
    page, per_page: PER_PAGE,
  }, signal), [params.toString()]);
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setParams(next, { replace: true });
  };
  const searchKey = (event: FormEvent) => {
    event.preventDefault();
    set("key", typedKey.trim());
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("supervision.title")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <p className="muted">{t("supervision.intro")}</p>
      <form className="filter-grid" onSubmit={searchKey}>
        <div className="field">
          <label htmlFor="s-process">{t("inbox.process")}</label>
          <select id="s-process" value={params.get("process") ?? ""} onChange={(e) => set("process", e.target.value)}>
            <option value="">{t("common.any")}</option>
            {definitions.map((d) => <option key={d.process_id} value={d.process_id}>{d.name || d.process_id}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-status">{t("cases.status")}</label>
          <select id="s-status" value={params.get("status") ?? ""} onChange={(e) => set("status", e.target.value)}>
            <option value="">{t("common.any")}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.instance.${s}`)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="s-key">{t("supervision.key")}</label>
          <input id="s-key" type="search" value={typedKey} placeholder="NC-RZ*" onChange={(e) => setTypedKey(e.target.value)} />
        </div>
      </form>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.items.length === 0 && <Empty text={t("supervision.empty")} />}
      {data && data.items.length > 0 && (
        <>
          <p className="muted small">{t("supervision.count", { total: data.total })}</p>
          <div className="table-wrap">
            <table className="table stack" data-testid="supervision-table">
              <thead>
                <tr>
                  <th scope="col">{t("supervision.case")}</th>
                  <th scope="col">{t("supervision.applicant")}</th>
                  <th scope="col">{t("inbox.process")}</th>
                  <th scope="col">{t("cases.status")}</th>
                  <th scope="col">{t("supervision.where")}</th>
                  <th scope="col">{t("supervision.started")}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((row) => (
                  <tr key={row.id}>
                    <td data-label={t("supervision.case")}><Link to={`/cases/${row.id}`}>{row.business_key}</Link></td>
                    <td data-label={t("supervision.applicant")}>{row.applicant ?? "—"}</td>
                    <td data-label={t("inbox.process")}>{nameOf(definitions, row.process_id)}</td>
                    <td data-label={t("cases.status")}><StatusBadge status={row.status} /></td>
                    <td data-label={t("supervision.where")}>
                      {row.open_steps.length === 0 ? "—" : row.open_steps.map((step, index) => (
                        <div key={index}>
                          {step.title}
                          <span className="muted small"> · {step.held_by ?? groupName(step.group, t)}</span>
                          {step.overdue && <span className="badge badge-overdue">{t("supervision.overdue")}</span>}
                        </div>
                      ))}
                    </td>
                    <td data-label={t("supervision.started")}>{formatDateTime(row.started_at)}</td>
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

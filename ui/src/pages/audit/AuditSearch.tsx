// Auditors' home: find any instance by business key (exact or PREFIX*), applicant and start
// time, and open its timeline and replay. The query lives in the URL so a search can be shared.
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { auditCalls } from "../../api/audit";
import { ErrorText, Empty, Loading, StatusBadge } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { nameOf, useDefinitions } from "../../lib/processNames";
import { INSTANCE_STATUSES } from "../Cases";
import { dayEnd, dayStart } from "./auditFormat";
import "./audit.css";

const PER_PAGE = 25;
const FIELDS = ["key", "applicant", "from", "to", "process", "status"] as const;
type Field = (typeof FIELDS)[number];

export default function AuditSearch() {
  const { t, formatDateTime } = useI18n();
  const { definitions, error: definitionsError } = useDefinitions();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<Record<Field, string>>(() =>
    Object.fromEntries(FIELDS.map((name) => [name, params.get(name) ?? ""])) as Record<Field, string>);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const { data, error, loading, reload } = useLoad((signal) => auditCalls.instances({
    business_key: params.get("key") || undefined,
    applicant: params.get("applicant") || undefined,
    started_from: dayStart(params.get("from")),
    started_to: dayEnd(params.get("to")),
    process_id: params.get("process") || undefined,
    status: params.get("status") || undefined,
    page,
    per_page: PER_PAGE,
  }, signal), [params.toString()]);
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;

  const search = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FIELDS) if (draft[name].trim()) next.set(name, draft[name].trim());
    setParams(next, { replace: true });
  };
  const clear = () => {
    setDraft(Object.fromEntries(FIELDS.map((name) => [name, ""])) as Record<Field, string>);
    setParams(new URLSearchParams(), { replace: true });
  };
  const goTo = (target: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(target));
    setParams(next, { replace: true });
  };
  const input = (name: Field) => ({
    id: `a-${name}`,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });

  return (
    <section className="page audit-page">
      <div className="page-head">
        <h1>{t("audit.searchTitle")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <p className="muted">{t("audit.searchIntro")}</p>
      <form className="filter-grid audit-filters card" onSubmit={search} aria-label={t("audit.searchForm")}>
        <div className="field">
          <label htmlFor="a-key">{t("inbox.businessKey")}</label>
          <input {...input("key")} aria-describedby="a-key-help" />
          <span id="a-key-help" className="hint small muted">{t("audit.keyHelp")}</span>
        </div>
        <div className="field">
          <label htmlFor="a-applicant">{t("audit.applicant")}</label>
          <input {...input("applicant")} aria-describedby="a-applicant-help" />
          <span id="a-applicant-help" className="hint small muted">{t("audit.applicantHelp")}</span>
        </div>
        <div className="field">
          <label htmlFor="a-from">{t("audit.startedFrom")}</label>
          <input type="date" {...input("from")} />
        </div>
        <div className="field">
          <label htmlFor="a-to">{t("audit.startedTo")}</label>
          <input type="date" {...input("to")} />
        </div>
        <div className="field">
          <label htmlFor="a-process">{t("inbox.process")}</label>
          <select {...input("process")}>
            <option value="">{t("common.any")}</option>
            {definitions.map((d) => <option key={d.process_id} value={d.process_id}>{d.name || d.process_id}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-status">{t("cases.status")}</label>
          <select {...input("status")}>
            <option value="">{t("common.any")}</option>
            {INSTANCE_STATUSES.map((s) => <option key={s} value={s}>{t(`status.instance.${s}`)}</option>)}
          </select>
        </div>
        <div className="audit-filter-actions">
          <button type="submit" className="btn btn-primary">{t("audit.search")}</button>
          <button type="button" className="btn btn-quiet" onClick={clear}>{t("audit.clear")}</button>
        </div>
      </form>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      <ErrorText error={definitionsError} />
      {data && <p className="muted small" role="status" data-testid="audit-total">{t("audit.found", { total: data.total })}</p>}
      {data && data.items.length === 0 && <Empty text={t("instances.empty")} />}
      {data && data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table stack" data-testid="audit-results">
              <caption className="visually-hidden">{t("audit.results")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("inbox.businessKey")}</th>
                  <th scope="col">{t("instances.id")}</th>
                  <th scope="col">{t("inbox.process")}</th>
                  <th scope="col">{t("audit.applicant")}</th>
                  <th scope="col">{t("cases.status")}</th>
                  <th scope="col">{t("case.startedAt")}</th>
                  <th scope="col">{t("case.endedAt")}</th>
                  <th scope="col">{t("audit.events")}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.id}>
                    <td data-label={t("inbox.businessKey")}><Link to={`/audit/instances/${item.id}`}>{item.business_key}</Link></td>
                    <td data-label={t("instances.id")}>{t("instances.idN", { id: item.id })}</td>
                    <td data-label={t("inbox.process")}>{nameOf(definitions, item.process_id)}</td>
                    <td data-label={t("audit.applicant")}>{item.started_by?.display_name ?? ""}</td>
                    <td data-label={t("cases.status")}><StatusBadge status={item.status} /></td>
                    <td data-label={t("case.startedAt")}>{formatDateTime(item.started_at)}</td>
                    <td data-label={t("case.endedAt")}>{formatDateTime(item.ended_at)}</td>
                    <td data-label={t("audit.events")}>{item.last_event_seq}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t("instances.pages")}>
            <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => goTo(page - 1)}>{t("instances.prev")}</button>
            <span>{t("instances.pageOf", { page, pages, total: data.total })}</span>
            <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => goTo(page + 1)}>{t("instances.next")}</button>
          </nav>
        </>
      )}
    </section>
  );
}

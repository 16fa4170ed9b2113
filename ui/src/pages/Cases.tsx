// 我的申请: every case I started, told in words — the step it waits on and who holds it, or how
// and why it ended (with the certificate number and the public check), the notices about it
// (exam time and place), and what I may do now (open my step, ask for a score re-check).
import { Link, useSearchParams } from "react-router";
import type { ApplicantCase } from "../components/approval/myCases";
import { myCaseCalls } from "../components/approval/myCases";
import { ErrorText, Empty, Loading, StatusBadge } from "../components/Feedback";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { nameOf, useDefinitions } from "../lib/processNames";

export const INSTANCE_STATUSES = ["running", "completed", "failed", "cancelled", "withdrawn"] as const;

export default function Cases() {
  const { t } = useI18n();
  const { definitions, error: definitionsError } = useDefinitions();
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const { data, error, loading, reload } = useLoad((signal) => myCaseCalls.myCases(status || undefined, signal), [status]);
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
      {data && data.length === 0 && <Empty text={t("cases.empty")} />}
      {data && data.length > 0 && (
        <ul className="case-list">
          {data.map((item) => <CaseCard key={item.id} item={item} name={nameOf(definitions, item.process_id)} />)}
        </ul>
      )}
    </section>
  );
}

function CaseCard({ item, name }: { item: ApplicantCase; name: string }) {
  const { t, formatDateTime } = useI18n();
  const outcome = item.outcome;
  return (
    <li className="card case-card my-case" data-testid={`case-${item.id}`}>
      <div className="my-case-body">
        <div className="my-case-head">
          <Link to={`/cases/${item.id}`} className="case-title">{name}</Link>
          <StatusBadge status={item.status} />
        </div>
        <div className="task-meta">
          <span>{item.business_key}</span>
          <span>{t("cases.startedAt", { time: formatDateTime(item.started_at) })}</span>
          {item.ended_at && <span>{t("cases.endedAt", { time: formatDateTime(item.ended_at) })}</span>}
        </div>
        {item.current.length > 0 && (
          <ul className="my-case-steps" data-testid="case-now">
            {item.current.map((step) => (
              <li key={step.task_id}>
                <strong>{t("myCases.step", { title: step.title })}</strong>{t("common.listSeparator")}
                {step.mine ? t("myCases.waitingForYou") : t("myCases.heldBy", { holder: step.holder })}
                {step.due_at && <>{t("common.listSeparator")}{t("myCases.due", { time: formatDateTime(step.due_at) })}</>}
                {step.mine && <> <Link className="btn btn-small btn-primary" to={`/inbox/${step.task_id}`}>{t("myCases.goDo")}</Link></>}
              </li>
            ))}
          </ul>
        )}
        {item.current.length === 0 && !outcome && <p className="muted" data-testid="case-now">{item.status_words}</p>}
        {outcome && (
          <div className={outcome.code === "certified" || outcome.code === "approved" ? "success-box" : "info-box"} data-testid="case-outcome">
            <strong>{outcome.words}</strong>
            {outcome.failed_parts.length > 0 && <>{t("common.colon")}{t("myCases.failedParts", { parts: outcome.failed_parts.join(t("common.listSeparator")) })}</>}
            {outcome.reason && outcome.reason !== outcome.words && <div>{t("myCases.reason", { reason: outcome.reason })}</div>}
            {outcome.certificate_no && (
              <div>
                {t("myCases.certificateNo")}<span data-testid="certificate-no">{outcome.certificate_no}</span>{" "}
                <Link to={`/verify?certificate_no=${encodeURIComponent(outcome.certificate_no)}`}>{t("myCases.verify")}</Link>
              </div>
            )}
          </div>
        )}
        {item.notices.length > 0 && (
          <ul className="my-case-notices" aria-label={t("myCases.notices")}>
            {item.notices.map((notice, index) => (
              <li key={index}><strong>{notice.subject}</strong>{notice.body && <>{t("common.colon")}{notice.body}</>} <span className="muted small">{formatDateTime(notice.at)}</span></li>
            ))}
          </ul>
        )}
        {item.can_appeal && (
          <p><Link className="btn btn-small btn-quiet" to={`/apply/certification_appeal?certification_key=${encodeURIComponent(item.business_key)}`}>{t("myCases.appeal")}</Link></p>
        )}
      </div>
    </li>
  );
}

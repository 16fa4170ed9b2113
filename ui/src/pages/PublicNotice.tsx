// 成绩公示 (no sign-in, made for phones): a plan's results under public notice with masked names,
// and the objection form. Without sign-in the objector gives a name and a contact, which only
// the quality-supervision group sees; signed in, the objection is made in the user's name. The
// server's own message is shown when it refuses (after the notice, too many attempts...).
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiError } from "../api/client";
import { noticeCalls } from "../api/notices";
import type { ObjectionReceipt } from "../api/notices";
import { useAuth } from "../auth/AuthContext";
import { Empty, ErrorText, Loading } from "../components/Feedback";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import "./verify.css";

const CJK = /[\u4e00-\u9fff]/;

/** The server's Chinese sentence when it gives one (the rule it applied), else the usual text. */
function ServerError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status !== 429 && error.problem?.detail && CJK.test(error.problem.detail)) {
    return <div className="error-box" role="alert"><span>{error.problem.detail}</span></div>;
  }
  return <ErrorText error={error} />;
}

export default function PublicNotice() {
  const { t, formatDate, formatDateTime } = useI18n();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const plans = useLoad((signal) => noticeCalls.plans(signal), []);
  const code = params.get("plan") ?? plans.data?.items[0]?.code ?? "";
  const notice = useLoad((signal) => (code ? noticeCalls.notice(code, signal) : Promise.resolve(null)), [code]);
  const [target, setTarget] = useState("");
  const [reason, setReason] = useState("");
  const [name, setName] = useState("");
  const [contact, setContact] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [receipt, setReceipt] = useState<ObjectionReceipt | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    setReceipt(null);
    setError(null);
  }, [code]);

  const choose = (key: string) => {
    setTarget(key);
    setReceipt(null);
    setError(null);
    window.setTimeout(() => formRef.current?.scrollIntoView({ block: "start" }), 0);
    window.setTimeout(() => document.getElementById("objection-reason")?.focus(), 0);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setReceipt(null);
    setError(null);
    if (!target) return setMissing("target");
    if (reason.trim().length < 5) return setMissing("reason");
    if (!user && name.trim().length < 2) return setMissing("name");
    if (!user && contact.trim().length < 5) return setMissing("contact");
    setMissing(null);
    setBusy(true);
    try {
      const body = user ? { business_key: target, reason: reason.trim() }
        : { business_key: target, reason: reason.trim(), name: name.trim(), contact: contact.trim() };
      setReceipt(await noticeCalls.object(body, Boolean(user)));
      setReason("");
      notice.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const plan = notice.data?.plan ?? plans.data?.items.find((p) => p.code === code) ?? null;
  const items = notice.data?.items ?? [];
  return (
    <section className="page verify-page">
      <div className="card verify-card notice-card">
        <h1>{t("notice.title")}</h1>
        <p className="muted">{t("notice.intro")}</p>
        {plans.loading && !plans.data && <Loading />}
        <ErrorText error={plans.error} onRetry={plans.reload} />
        {plans.data && plans.data.items.length === 0 && <Empty text={t("notice.noPlans")} />}
        {plans.data && plans.data.items.length > 0 && (
          <div className="field">
            <label htmlFor="notice-plan">{t("notice.plan")}</label>
            <select id="notice-plan" value={code} onChange={(e) => setParams({ plan: e.target.value })}>
              {plans.data.items.map((p) => <option key={p.code} value={p.code}>{p.title}</option>)}
            </select>
          </div>
        )}
        {plan && (
          <dl className="verify-facts notice-plan">
            <div><dt>{t("notice.centre")}</dt><dd>{plan.centre || "—"}</dd></div>
            <div><dt>{t("notice.window")}</dt><dd>{t("notice.windowValue", { from: formatDate(plan.apply_from), until: formatDate(plan.apply_until) })}</dd></div>
            <div><dt>{t("notice.examMode")}</dt><dd>{plan.exam_mode_name}</dd></div>
          </dl>
        )}
        <ErrorText error={notice.error} onRetry={notice.reload} />
        {code && notice.data && items.length === 0 && <Empty text={t("notice.empty")} />}
        {items.length > 0 && (
          <ul className="notice-list" data-testid="notice-list">
            {items.map((entry) => (
              <li key={entry.business_key} className="notice-entry" data-testid="notice-entry">
                <dl className="verify-facts">
                  <div><dt>{t("notice.key")}</dt><dd>{entry.business_key}</dd></div>
                  <div><dt>{t("notice.name")}</dt><dd>{entry.masked_name}</dd></div>
                  <div><dt>{t("notice.occupation")}</dt><dd>{entry.occupation}</dd></div>
                  <div><dt>{t("notice.level")}</dt><dd>{entry.level_name}</dd></div>
                  <div><dt>{t("notice.result")}</dt><dd>{entry.result}</dd></div>
                  <div><dt>{t("notice.ends")}</dt><dd>{entry.under_review ? t("notice.underReview") : formatDateTime(entry.notice_ends_at)}</dd></div>
                </dl>
                <button type="button" className="btn btn-block" onClick={() => choose(entry.business_key)}>
                  {t("notice.objectTo")}
                </button>
              </li>
            ))}
          </ul>
        )}
        {items.length > 0 && (
          <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="objection-heading" className="objection-form">
            <h2 id="objection-heading">{t("notice.objectionTitle")}</h2>
            <p className="small muted">{user ? t("notice.asUser", { name: user.display_name }) : t("notice.privacy")}</p>
            <div className="field">
              <label htmlFor="objection-target">{t("notice.key")}</label>
              <select id="objection-target" value={target} onChange={(e) => setTarget(e.target.value)}
                aria-invalid={missing === "target" || undefined}>
                <option value="">{t("notice.chooseKey")}</option>
                {items.map((entry) => <option key={entry.business_key} value={entry.business_key}>{`${entry.business_key} ${entry.masked_name}`}</option>)}
              </select>
              {missing === "target" && <p className="field-error" role="alert">{t("notice.targetMissing")}</p>}
            </div>
            <div className="field">
              <label htmlFor="objection-reason">{t("notice.reason")}</label>
              <textarea id="objection-reason" rows={4} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)}
                aria-invalid={missing === "reason" || undefined} />
              {missing === "reason" && <p className="field-error" role="alert">{t("notice.reasonMissing")}</p>}
            </div>
            {!user && (
              <>
                <div className="field">
                  <label htmlFor="objection-name">{t("notice.objector")}</label>
                  <input id="objection-name" value={name} maxLength={64} autoComplete="name" onChange={(e) => setName(e.target.value)}
                    aria-invalid={missing === "name" || undefined} />
                  {missing === "name" && <p className="field-error" role="alert">{t("notice.nameMissing")}</p>}
                </div>
                <div className="field">
                  <label htmlFor="objection-contact">{t("notice.contact")}</label>
                  <input id="objection-contact" value={contact} maxLength={100} inputMode="tel" autoComplete="tel"
                    onChange={(e) => setContact(e.target.value)} aria-invalid={missing === "contact" || undefined} />
                  {missing === "contact" && <p className="field-error" role="alert">{t("notice.contactMissing")}</p>}
                </div>
              </>
            )}
            <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{busy ? t("notice.sending") : t("notice.send")}</button>
            <ServerError error={error} />
            {receipt && (
              <div className="success-box" role="status" data-testid="objection-receipt">
                <p>{receipt.message}</p>
                <p className="small">{t("notice.receiptNo", { number: String(receipt.objection_no) })}</p>
              </div>
            )}
          </form>
        )}
        <p className="small"><Link to="/verify">{t("notice.toVerify")}</Link> · <Link to="/signin">{t("verify.toSignIn")}</Link></p>
      </div>
    </section>
  );
}

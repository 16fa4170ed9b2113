// On a case: the applicant's 撤回 and 催办, requests for my opinion (加签) to answer, and the
// comments every participant of the case sees.
import { useState } from "react";
import type { FormEvent } from "react";
import type { Instance } from "../../api/types";
import { useUser } from "../../auth/AuthContext";
import { ErrorText } from "../Feedback";
import { useNotices } from "../Notices";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";
import { approvalCalls } from "./api";

export function CaseApprovalActions({ instance, onChanged }: { instance: Instance; onChanged: () => void }) {
  const { t, formatDateTime } = useI18n();
  const user = useUser();
  const { notify } = useNotices();
  const [comment, setComment] = useState("");
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { data, error: loadError, reload } = useLoad(async (signal) => {
    const [comments, opinions] = await Promise.all([
      approvalCalls.comments(instance.id, signal),
      user.role === "auditor" ? Promise.resolve([]) : approvalCalls.myOpinions(signal),
    ]);
    return { comments, opinions: opinions.filter((o) => o.instance_id === instance.id) };
  }, [instance.id, instance.status]);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      notify("success", await action());
      reload();
      onChanged();
    } catch (failure) {
      setError(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };
  const mineToWithdraw = instance.started_by === user.id && (instance.status === "running" || instance.status === "incident");
  const addComment = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => { await approvalCalls.comment(instance.id, comment); setComment(""); return t("approval.posted"); });
  };

  return (
    <section className="card case-actions" aria-labelledby="case-actions-heading" data-testid="case-actions">
      <h2 id="case-actions-heading">{t("approval.caseHeading")}</h2>
      {mineToWithdraw && (
        <div className="button-row">
          <button type="button" className="btn btn-quiet" disabled={busy}
            onClick={() => run(async () => { const r = await approvalCalls.remind(instance.id); return t("approval.reminded", { steps: r.reminded.join(t("common.listSeparator")) }); })}>
            {t("approval.remind")}
          </button>
          <button type="button" className="btn btn-danger" disabled={busy}
            onClick={() => { if (window.confirm(t("approval.withdrawConfirm"))) void run(async () => { await approvalCalls.withdraw(instance.id, ""); return t("approval.withdrawn"); }); }}>
            {t("approval.withdraw")}
          </button>
        </div>
      )}
      {error && <p className="error-box" role="alert" data-testid="case-action-error">{error}</p>}
      {loadError ? <ErrorText error={loadError} onRetry={reload} /> : null}
      {data && data.opinions.map((o) => (
        <form key={o.request_seq} className="approval-form" data-testid="opinion-request"
          onSubmit={(e) => { e.preventDefault(); void run(async () => { await approvalCalls.answerOpinion(o.instance_id, o.request_seq, answers[o.request_seq] ?? ""); return t("approval.answered"); }); }}>
          <p>{t("approval.askedYou", { who: o.asked_by, task: o.task_title, question: o.question })}</p>
          <label htmlFor={`answer-${o.request_seq}`}>{t("approval.yourOpinion")}</label>
          <textarea id={`answer-${o.request_seq}`} rows={2} value={answers[o.request_seq] ?? ""} maxLength={1000}
            onChange={(e) => setAnswers({ ...answers, [o.request_seq]: e.target.value })} />
          <button type="submit" className="btn btn-primary" disabled={busy}>{t("approval.answer")}</button>
        </form>
      ))}
      <h3>{t("approval.comments")}</h3>
      {data && data.comments.length === 0 && <p className="muted">{t("approval.noComments")}</p>}
      {data && data.comments.length > 0 && (
        <ol className="comment-list" data-testid="case-comments">
          {data.comments.map((c) => (
            <li key={c.seq}><strong>{c.author}</strong> <span className="muted small">{formatDateTime(c.at)}</span><br />{c.text}</li>
          ))}
        </ol>
      )}
      {user.role !== "auditor" && (
        <form className="approval-form" onSubmit={addComment} noValidate>
          <label htmlFor="case-comment">{t("approval.addComment")}</label>
          <textarea id="case-comment" rows={2} value={comment} maxLength={1000} onChange={(e) => setComment(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={busy || !comment.trim()}>{t("approval.post")}</button>
        </form>
      )}
    </section>
  );
}

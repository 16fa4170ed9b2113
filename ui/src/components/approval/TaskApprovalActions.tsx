// What the holder of a task may do besides deciding, as its diagram allows: 转交 to a colleague,
// 退回 to an earlier step, 加签 (ask someone's opinion, whose answer shows here), 抄送.
import { useState } from "react";
import type { FormEvent } from "react";
import { useNavigate } from "react-router";
import { ErrorText } from "../Feedback";
import { useNotices } from "../Notices";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";
import { approvalCalls } from "./api";

const ACTIONS = ["transfer", "send_back", "consult", "copy"] as const;
type Action = (typeof ACTIONS)[number];

export function TaskApprovalActions({ taskId, instanceId, mine }: { taskId: number; instanceId: number; mine: boolean }) {
  const { t, formatDateTime } = useI18n();
  const { notify } = useNotices();
  const navigate = useNavigate();
  const [panel, setPanel] = useState<Action | null>(null);
  const [target, setTarget] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { data, error: loadError, reload } = useLoad(async (signal) => {
    const [offer, opinions] = await Promise.all([approvalCalls.actions(taskId, signal), approvalCalls.taskOpinions(taskId, signal)]);
    const people = mine && (offer.actions.includes("consult") || offer.actions.includes("copy")) ? await approvalCalls.people(signal) : [];
    return { offer, opinions, people };
  }, [taskId, mine]);
  if (loadError) return <ErrorText error={loadError} onRetry={reload} />;
  if (!data) return null;
  const { offer, opinions, people } = data;
  const panels = ACTIONS.filter((a) => offer.actions.includes(a));
  const label = (action: Action) => t(`approval.${action}`);

  const open = (which: Action) => { setPanel(which); setTarget(""); setText(""); setError(null); };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!panel) return;
    setBusy(true);
    setError(null);
    try {
      if (panel === "transfer") {
        await approvalCalls.transfer(taskId, target, text);
        notify("success", t("approval.done.transfer"));
        navigate("/inbox");
        return;
      }
      if (panel === "send_back") {
        await approvalCalls.sendBack(taskId, target, text);
        notify("success", t("approval.done.send_back"));
        navigate(`/cases/${instanceId}`);
        return;
      }
      if (panel === "consult") {
        await approvalCalls.askOpinion(taskId, target, text);
        notify("success", t("approval.done.consult"));
      } else {
        const result = await approvalCalls.copy(instanceId, [target], text);
        notify("success", t("approval.done.copy", { names: result.copied_to.join(t("common.listSeparator")) }));
      }
      setPanel(null);
      reload();
    } catch (failure) {
      setError(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };

  const choices = panel === "transfer" ? offer.transfer_to.map((p) => ({ value: p.username, label: p.display_name }))
    : panel === "send_back" ? offer.send_back_to.map((s) => ({ value: s.step, label: s.title }))
    : people.map((p) => ({ value: p.username, label: p.display_name }));

  return (
    <section className="card approval-actions" aria-labelledby="approval-heading" data-testid="approval-actions">
      <h2 id="approval-heading">{t("approval.heading")}</h2>
      {opinions.length > 0 && (
        <>
          <h3>{t("approval.opinions")}</h3>
          <ul className="opinion-list" data-testid="task-opinions">
            {opinions.map((o) => (
              <li key={o.request_seq}>
                <strong>{o.to}</strong>{t("common.colon")}{o.question}
                <br />
                {o.answer ? <span data-testid="opinion-answer">{t("approval.opinionAnswer", { answer: o.answer, time: formatDateTime(o.answered_at ?? "") })}</span>
                  : <span className="muted">{t("approval.opinionPending")}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {mine && panels.length > 0 && (
        <div className="button-row" role="group" aria-label={t("approval.heading")}>
          {panels.map((which) => (
            <button key={which} type="button" className={`btn ${panel === which ? "btn-primary" : "btn-quiet"}`} onClick={() => open(which)}>
              {label(which)}
            </button>
          ))}
        </div>
      )}
      {!mine && panels.length > 0 && <p className="muted small">{t("approval.claimToAct", { actions: panels.map(label).join(t("common.listSeparator")) })}</p>}
      {mine && panel && (
        <form className="approval-form" onSubmit={submit} noValidate>
          <label htmlFor="approval-target">{t(`approval.target.${panel}`)}</label>
          <select id="approval-target" value={target} onChange={(e) => setTarget(e.target.value)} required>
            <option value="">{t("approval.choose")}</option>
            {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
          </select>
          <label htmlFor="approval-text">{t(`approval.text.${panel}`)}</label>
          <textarea id="approval-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={1000} />
          {error && <p className="error-box" role="alert" data-testid="approval-error">{error}</p>}
          <div className="button-row">
            <button type="submit" className="btn btn-primary" disabled={busy || !target}>{t("approval.confirm", { action: label(panel) })}</button>
            <button type="button" className="btn btn-quiet" onClick={() => setPanel(null)}>{t("approval.cancel")}</button>
          </div>
        </form>
      )}
    </section>
  );
}

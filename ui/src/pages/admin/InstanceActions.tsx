// An administrator's actions on one instance: suspend, resume, terminate. Terminating asks for
// a reason in a modal dialog (the confirm step); every failure is shown as a sentence.
import { useEffect, useId, useRef, useState } from "react";
import type { FormEvent } from "react";
import { apiCalls } from "../../api/endpoints";
import type { InstanceSummary } from "../../api/types";
import { ErrorText } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";
import { describeError } from "../../lib/problems";

const SUSPENDABLE = ["running", "incident"];
const TERMINABLE = ["running", "suspended", "incident", "failed"];

export function InstanceActions({ instance, onChanged }: { instance: InstanceSummary; onChanged: () => void }) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const [busy, setBusy] = useState(false);
  const [terminating, setTerminating] = useState(false);
  const terminateButton = useRef<HTMLButtonElement>(null);
  const id = instance.id;

  const run = async (call: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await call();
      notify("success", done);
    } catch (error) {
      notify("error", describeError(error, t));
    } finally {
      setBusy(false);
      onChanged(); // the list shows the state as it is now, whatever happened
    }
  };

  const canSuspend = SUSPENDABLE.includes(instance.status);
  const canResume = instance.status === "suspended";
  const canTerminate = TERMINABLE.includes(instance.status);
  if (!canSuspend && !canResume && !canTerminate) return <span className="muted">{t("instances.noActions")}</span>;
  return (
    <>
      {canSuspend && (
        <button type="button" className="btn btn-small" disabled={busy} aria-label={t("instances.suspendN", { id })}
          onClick={() => run(() => apiCalls.suspendInstance(id), t("instances.suspended", { id }))}>
          {t("instances.suspend")}
        </button>
      )}
      {canResume && (
        <button type="button" className="btn btn-small" disabled={busy} aria-label={t("instances.resumeN", { id })}
          onClick={() => run(() => apiCalls.resumeInstance(id), t("instances.resumed", { id }))}>
          {t("instances.resume")}
        </button>
      )}
      {canTerminate && (
        <button ref={terminateButton} type="button" className="btn btn-small btn-danger" disabled={busy}
          aria-label={t("instances.terminateN", { id })} aria-haspopup="dialog" onClick={() => setTerminating(true)}>
          {t("instances.terminate")}
        </button>
      )}
      {terminating && (
        <TerminateDialog instanceId={id} onClose={(ended) => {
          setTerminating(false);
          terminateButton.current?.focus();
          if (ended) {
            notify("success", t("instances.terminated", { id }));
            onChanged();
          }
        }} />
      )}
    </>
  );
}

function TerminateDialog({ instanceId, onClose }: { instanceId: number; onClose: (ended: boolean) => void }) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal(); // modal: focus stays inside, Esc closes
    return () => element?.close();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await apiCalls.terminateInstance(instanceId, reason.trim());
      onClose(true);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ids}-title`} aria-describedby={`${ids}-warning`}
      onCancel={(event) => { event.preventDefault(); if (!busy) onClose(false); }}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${ids}-title`}>{t("instances.terminateTitle", { id: instanceId })}</h2>
        <p id={`${ids}-warning`}>{t("instances.terminateWarning")}</p>
        <div className="field">
          <label htmlFor={`${ids}-reason`}>{t("instances.terminateReason")}</label>
          <textarea id={`${ids}-reason`} rows={3} maxLength={1000} required value={reason} autoFocus
            placeholder={t("instances.terminateReasonHint")} aria-invalid={missing || undefined}
            aria-describedby={missing ? `${ids}-missing` : undefined}
            onChange={(event) => { setReason(event.target.value); setMissing(false); }} />
          {missing && <p id={`${ids}-missing`} className="field-error" role="alert">{t("instances.reasonRequired")}</p>}
        </div>
        <ErrorText error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-quiet" disabled={busy} onClick={() => onClose(false)}>
            {t("instances.keepRunning")}
          </button>
          <button type="submit" className="btn btn-danger-solid" disabled={busy}>
            {t("instances.confirmTerminate")}
          </button>
        </div>
      </form>
    </dialog>
  );
}

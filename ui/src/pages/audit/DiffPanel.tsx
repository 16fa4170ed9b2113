// The data changes between two chosen events (both rebuilt by replay): each changed key with
// its value before and after, and the tasks open at either point.
import { useState } from "react";
import type { FormEvent } from "react";
import { auditCalls } from "../../api/audit";
import type { DataDiff, TimelineEntry } from "../../api/audit";
import { displayValue, fieldLabels } from "../../bpmn/bundle";
import type { Bundle } from "../../bpmn/bundle";
import { ErrorText } from "../../components/Feedback";
import { maybeKey, useI18n } from "../../i18n";
import { pathLabel } from "./auditFormat";

interface Props {
  instanceId: number;
  events: TimelineEntry[];
  bundle: Bundle;
  /** Open-task titles by task name, to say which task was open at each point. */
  titles: Record<string, string>;
}

export function DiffPanel({ instanceId, events, bundle, titles }: Props) {
  const { t, formatDateTime } = useI18n();
  const last = events.length ? events[events.length - 1].seq : 1;
  const [from, setFrom] = useState(1);
  const [to, setTo] = useState(last);
  const [result, setResult] = useState<DataDiff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [orderError, setOrderError] = useState(false);
  const labels = fieldLabels(bundle);
  /** A value as the forms show it (是/否, choice titles); nested values by their own shape. */
  const show = (pointer: string, value: unknown) => {
    if (value === undefined) return t("audit.absent");
    const segments = pointer.split("/").slice(1);
    const schema = segments.length === 1 ? labels[segments[0]]?.schema : undefined;
    return displayValue(value, schema, [t("common.yes"), t("common.no")], formatDateTime) || JSON.stringify(value);
  };
  const option = (event: TimelineEntry) => {
    const kind = maybeKey(`event.${event.kind}`);
    return `#${event.seq} ${kind ? t(kind) : event.kind}${event.task_title ? ` · ${event.task_title}` : ""}`;
  };
  const compare = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setError(null);
    setOrderError(from > to);
    if (from > to) return;
    setBusy(true);
    try {
      setResult(await auditCalls.diff(instanceId, from, to));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const open = (names: string[]) => names.length ? names.map((n) => titles[n] ?? n).join(t("common.listSeparator")) : t("audit.noneOpen");

  return (
    <section aria-labelledby="diff-heading" className="card">
      <h2 id="diff-heading">{t("audit.diff")}</h2>
      <form className="diff-form" onSubmit={compare}>
        <div className="field">
          <label htmlFor="diff-from">{t("audit.diffFrom")}</label>
          <select id="diff-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}
            aria-invalid={orderError || undefined} aria-describedby={orderError ? "diff-order" : undefined}>
            {events.map((e) => <option key={e.seq} value={e.seq}>{option(e)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="diff-to">{t("audit.diffTo")}</label>
          <select id="diff-to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
            {events.map((e) => <option key={e.seq} value={e.seq}>{option(e)}</option>)}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? t("audit.comparing") : t("audit.compare")}</button>
      </form>
      {orderError && <p id="diff-order" className="error-box" role="alert">{t("audit.diffOrder")}</p>}
      <ErrorText error={error} />
      {result && (
        <div data-testid="diff-result" role="status">
          <p className="small">{t("audit.diffOpen", { from: result.from.seq, fromTasks: open(result.from.open_tasks), to: result.to.seq, toTasks: open(result.to.open_tasks) })}</p>
          {result.changes.length === 0 ? <p className="muted">{t("audit.noChanges")}</p> : (
            <div className="table-wrap">
              <table className="table stack" data-testid="diff-table">
                <caption className="visually-hidden">{t("audit.diffCaption", { from: result.from.seq, to: result.to.seq })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("audit.field")}</th>
                    <th scope="col">{t("audit.change")}</th>
                    <th scope="col">{t("audit.before")}</th>
                    <th scope="col">{t("audit.after")}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.changes.map((change) => (
                    <tr key={change.path} data-path={change.path}>
                      <td data-label={t("audit.field")}>{pathLabel(change.path, labels)}</td>
                      <td data-label={t("audit.change")}>{t(`audit.op.${change.op}`)}</td>
                      <td data-label={t("audit.before")}><span className={change.from === undefined ? "diff-absent" : "diff-old"}>{show(change.path, change.from)}</span></td>
                      <td data-label={t("audit.after")}><span className={change.to === undefined ? "diff-absent" : "diff-new"}>{show(change.path, change.to)}</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

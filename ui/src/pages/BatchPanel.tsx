// Batch work: one form filled once for several tasks of the same step (POST /batch/complete).
// Before anything runs, a confirmation lists each case and the decision it will get. Each task
// succeeds or fails on its own; afterwards the panel keeps only the tasks that failed, with the
// reason per task, so its counts stay true.
import { lazy, Suspense, useState } from "react";
import { ApiError } from "../api/client";
import { apiCalls } from "../api/endpoints";
import type { Task } from "../api/types";
import { ErrorText, Loading } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { describeAnswers } from "../forms/answers";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { describeError } from "../lib/problems";
import { TaskSummary } from "../components/TaskSummary";

const SchemaForm = lazy(() => import("../forms/SchemaForm"));

interface Failure {
  task: Task;
  reason: string;
}

export function BatchPanel({ tasks, onClose, onDone }: { tasks: Task[]; onClose: () => void; onDone: () => void }) {
  const { t, formatDateTime } = useI18n();
  const { notify } = useNotices();
  const [remaining, setRemaining] = useState<Task[]>(tasks);
  const [completed, setCompleted] = useState(0);
  const [failures, setFailures] = useState<Failure[]>([]);
  const [pending, setPending] = useState<Record<string, unknown> | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<string | null>(null);
  const { data, error, loading, reload } = useLoad((signal) => apiCalls.task(tasks[0].id, signal), [tasks[0].id]);

  const run = async () => {
    if (!pending) return;
    setRunning(true);
    setRunError(null);
    try {
      const result = await apiCalls.batchComplete(remaining.map((task) => task.id), pending);
      const failed: Failure[] = result.results.filter((item) => !item.ok).flatMap((item) => {
        const task = remaining.find((candidate) => candidate.id === item.task_id);
        return task ? [{ task, reason: describeError(new ApiError(item.status, item.problem, null), t) }] : [];
      });
      setCompleted((count) => count + result.completed);
      setFailures(failed);
      setRemaining(failed.map((failure) => failure.task));
      setPending(null);
      if (result.completed) notify("success", t("batch.completedN", { count: result.completed }));
      onDone();
      if (!failed.length) onClose();
    } catch (failure) {
      setRunError(describeError(failure, t));
    } finally {
      setRunning(false);
    }
  };

  const answers = pending && data?.form_schema ? describeAnswers(data.form_schema, pending, t, formatDateTime) : [];

  return (
    <section className="card batch-panel" aria-labelledby="batch-heading" data-testid="batch-panel">
      <div className="page-head">
        <h2 id="batch-heading">{t("batch.title", { title: tasks[0].title, count: remaining.length })}</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={onClose}>{t("batch.close")}</button>
      </div>
      {(completed > 0 || failures.length > 0) && (
        <p className="info-box" role="status" data-testid="batch-counts">
          {t("batch.counts", { done: completed, failed: failures.length, total: tasks.length })}
        </p>
      )}
      {failures.length > 0 && (
        <div className="error-box" role="alert" data-testid="batch-failures">
          {failures.map(({ task, reason }) => (
            <p key={task.id}>{t("inbox.bulkFailure", { title: task.title, key: task.business_key, reason })}</p>
          ))}
        </div>
      )}
      {remaining.length > 0 && !pending && (
        <>
          <p className="muted small">{t("batch.help")}</p>
          <ul className="batch-keys">
            {remaining.map((task) => <li key={task.id}><code>{task.business_key}</code> <TaskSummary task={task} inline /></li>)}
          </ul>
        </>
      )}
      {pending && (
        <div className="batch-confirm" data-testid="batch-confirm">
          <h3>{t("batch.confirmTitle", { count: remaining.length })}</h3>
          <table className="table batch-confirm-table">
            <thead>
              <tr><th scope="col">{t("batch.case")}</th><th scope="col">{t("batch.decision")}</th></tr>
            </thead>
            <tbody>
              {remaining.map((task) => (
                <tr key={task.id} data-testid="batch-confirm-row">
                  <td><code>{task.business_key}</code> <TaskSummary task={task} inline /></td>
                  <td>{answers.map((answer) => <div key={answer.name}>{t("summary.item", { label: answer.label, value: answer.value })}</div>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {runError && <p className="error-box" role="alert">{runError}</p>}
          <div className="form-actions">
            <button type="button" className="btn btn-primary" disabled={running} onClick={run}>
              {running ? t("form.submitting") : t("batch.confirm", { count: remaining.length })}
            </button>
            <button type="button" className="btn btn-quiet" disabled={running} onClick={() => setPending(null)}>{t("batch.back")}</button>
          </div>
        </div>
      )}
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data?.form_schema && remaining.length > 0 && (
        <div hidden={!!pending}>
          <Suspense fallback={<Loading />}>
            <SchemaForm schema={data.form_schema} submitLabel={t("batch.review", { count: remaining.length })}
              onSubmit={async (formData) => setPending(formData)} idPrefix="batch" />
          </Suspense>
        </div>
      )}
    </section>
  );
}

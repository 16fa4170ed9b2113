// Batch work: one form filled once for several tasks of the same step (POST /batch/complete).
// Each task succeeds or fails on its own; failures are listed with the reason per task.
import { lazy, Suspense, useState } from "react";
import { ApiError } from "../api/client";
import { apiCalls } from "../api/endpoints";
import type { Task } from "../api/types";
import { ErrorText, Loading } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { describeError } from "../lib/problems";

const SchemaForm = lazy(() => import("../forms/SchemaForm"));

export function BatchPanel({ tasks, onClose, onDone }: { tasks: Task[]; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const [failures, setFailures] = useState<string[]>([]);
  const { data, error, loading, reload } = useLoad((signal) => apiCalls.task(tasks[0].id, signal), [tasks[0].id]);

  const submit = async (formData: Record<string, unknown>) => {
    setFailures([]);
    const result = await apiCalls.batchComplete(tasks.map((task) => task.id), formData);
    if (result.completed) notify("success", t("batch.completedN", { count: result.completed }));
    const failed = result.results.filter((item) => !item.ok).map((item) => {
      const task = tasks.find((candidate) => candidate.id === item.task_id);
      const reason = describeError(new ApiError(item.status, item.problem, null), t);
      return t("inbox.bulkFailure", { title: task?.title ?? String(item.task_id), key: task?.business_key ?? "", reason });
    });
    setFailures(failed);
    onDone();
    if (!failed.length) onClose();
  };

  return (
    <section className="card batch-panel" aria-labelledby="batch-heading" data-testid="batch-panel">
      <div className="page-head">
        <h2 id="batch-heading">{t("batch.title", { title: tasks[0].title, count: tasks.length })}</h2>
        <button type="button" className="btn btn-quiet btn-small" onClick={onClose}>{t("batch.close")}</button>
      </div>
      <p className="muted small">{t("batch.help")}</p>
      <ul className="batch-keys">
        {tasks.map((task) => <li key={task.id}><code>{task.business_key}</code></li>)}
      </ul>
      {failures.length > 0 && (
        <div className="error-box" role="alert" data-testid="batch-failures">
          {failures.map((line) => <p key={line}>{line}</p>)}
        </div>
      )}
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data?.form_schema && (
        <Suspense fallback={<Loading />}>
          <SchemaForm schema={data.form_schema} submitLabel={t("batch.submit", { count: tasks.length })} onSubmit={submit} idPrefix="batch" />
        </Suspense>
      )}
    </section>
  );
}

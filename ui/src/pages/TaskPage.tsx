// One task: what is being asked (the case's data), claim/release, and its form. An unclaimed
// task's form can be submitted at once (claimed and completed in one request); a task someone
// else holds stays disabled, so two reviewers never submit the same one.
import { lazy, Suspense, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { apiCalls } from "../api/endpoints";
import type { Instance, TaskDetail } from "../api/types";
import { useUser } from "../auth/AuthContext";
import { loadVersion } from "../bpmn/bundle";
import type { Bundle } from "../bpmn/bundle";
import CaseAttachments from "../attachments/CaseAttachments";
import type { TaskGuidance } from "../components/approval/myCases";
import { myCaseCalls } from "../components/approval/myCases";
import { TaskApprovalActions } from "../components/approval/TaskApprovalActions";
import { CaseData } from "../components/CaseData";
import { TaskSummary } from "../components/TaskSummary";
import { ErrorText, Loading, StatusBadge } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { describeError, groupName } from "../lib/problems";

const SchemaForm = lazy(() => import("../forms/SchemaForm"));

interface Loaded {
  task: TaskDetail;
  instance: Instance | null;
  instanceError: unknown;
  bundle: Bundle | undefined;
  guidance: TaskGuidance | null;
}

export default function TaskPage() {
  const { taskId } = useParams();
  const id = Number(taskId);
  const { t, formatDateTime } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const { notify } = useNotices();
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const { data, error, loading, reload } = useLoad<Loaded>(async (signal) => {
    const [task, guidance] = await Promise.all([apiCalls.task(id, signal), myCaseCalls.guidance(id, signal).catch(() => null)]);
    let instance: Instance | null = null;
    let instanceError: unknown = null;
    let bundle: Bundle | undefined;
    try {
      instance = await apiCalls.instance(task.instance_id, signal);
      bundle = (await loadVersion(instance.process_id, instance.definition_version)).bundle;
    } catch (failure) {
      instanceError = failure;
    }
    return { task, instance, instanceError, bundle, guidance };
  }, [id]);

  if (loading && !data) return <Loading />;
  if (!data) {
    return (
      <section className="page">
        <p><Link to="/inbox">{t("task.back")}</Link></p>
        <ErrorText error={error} onRetry={reload} />
      </section>
    );
  }
  const { task, instance, instanceError, bundle, guidance } = data;
  const mine = task.status === "claimed" && task.assignee_id === user.id;
  const open = task.status === "ready" || task.status === "claimed";

  const act = async (kind: "claim" | "release") => {
    setBusy(true);
    setActionError(null);
    try {
      await (kind === "claim" ? apiCalls.claim(task.id) : apiCalls.release(task.id));
      notify("success", t(kind === "claim" ? "task.claimed" : "task.released"));
      reload();
    } catch (failure) {
      setActionError(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };

  const complete = async (formData: Record<string, unknown>) => {
    // 办理 on an unclaimed task claims and completes it in one request (one transaction).
    await apiCalls.complete(task.id, formData, task.status === "ready");
    notify("success", t("task.completed", { title: task.title }));
    navigate("/inbox");
  };

  return (
    <section className="page task-page">
      <p className="back-link"><Link to="/inbox">{t("task.back")}</Link></p>
      <div className="page-head">
        <h1>{task.title}</h1>
        <StatusBadge status={task.status} kind="task" />
      </div>
      <dl className="facts">
        <div><dt>{t("task.businessKey")}</dt><dd>{task.business_key}</dd></div>
        {task.candidate_group && <div><dt>{t("task.group")}</dt><dd>{groupName(task.candidate_group, t)}</dd></div>}
        {task.due_at && (
          <div><dt>{t("task.due")}</dt><dd>{formatDateTime(task.due_at)}{task.overdue && <> <span className="badge badge-overdue">{t("inbox.overdue")}</span></>}</dd></div>
        )}
        <div><dt>{t("task.created")}</dt><dd>{formatDateTime(task.created_at)}</dd></div>
      </dl>

      <CaseAttachments instanceId={task.instance_id} />

      <div className="two-col">
        <section className="card" aria-labelledby="case-heading">
          <h2 id="case-heading">{t("task.request")}</h2>
          <TaskSummary task={task} />
          {instance ? <CaseData data={instance.data} bundle={bundle} testId="task-case-data" /> : <ErrorText error={instanceError} onRetry={reload} />}
          {instance && instance.completed_steps.length > 0 && (
            <>
              <h3>{t("task.history")}</h3>
              <ol className="steps">
                {instance.completed_steps.map((step) => (
                  <li key={step.task_id}>{step.completed_by_name
                    ? t("task.stepBy", { title: step.title, name: step.completed_by_name, time: formatDateTime(step.completed_at) })
                    : t("task.step", { title: step.title, time: formatDateTime(step.completed_at) })}</li>
                ))}
              </ol>
            </>
          )}
          <p><Link to={`/cases/${task.instance_id}`}>{t("task.viewCase")}</Link></p>
        </section>

        <section className="card" aria-labelledby="form-heading">
          <h2 id="form-heading">{t("task.form")}</h2>
          {!open && <p className="info-box" role="status">{t("task.notOpen")}</p>}
          {open && guidance && (guidance.reason || guidance.deadline) && (
            <div className="info-box" data-testid="task-guidance">
              {guidance.reason && <p><strong>{guidance.reason_label}</strong>{t("common.colon")}{guidance.reason}</p>}
              {guidance.deadline && <p>{t("task.guidanceDeadline", { time: formatDateTime(guidance.deadline) })}</p>}
            </div>
          )}
          {open && !mine && (
            <div className="claim-box">
              <p>{task.status === "ready" ? t("task.claimFirst") : t("task.claimedByOther")}</p>
              {task.status === "ready" && (
                <button type="button" className="btn btn-primary" disabled={busy} onClick={() => act("claim")}>{t("action.claim")}</button>
              )}
            </div>
          )}
          {actionError && <p className="error-box" role="alert" data-testid="task-action-error">{actionError}</p>}
          {open && task.form_schema && (
            <Suspense fallback={<Loading />}>
              <SchemaForm
                schema={task.form_schema}
                disabled={!mine && task.status !== "ready"}
                formData={guidance?.prefill}
                submitLabel={t("task.submit")}
                onSubmit={complete}
                idPrefix="task"
                actions={mine && task.candidate_group !== "applicant" ? (
                  <button type="button" className="btn btn-quiet" disabled={busy} onClick={() => act("release")}>{t("action.release")}</button>
                ) : null}
              />
            </Suspense>
          )}
          {open && !task.form_schema && (mine || task.status === "ready") && (
            <button type="button" className="btn btn-primary" onClick={() => complete({}).catch((e) => setActionError(describeError(e, t)))}>
              {t("task.submit")}
            </button>
          )}
        </section>
      </div>
      {open && <TaskApprovalActions taskId={task.id} instanceId={task.instance_id} mine={mine} />}
    </section>
  );
}

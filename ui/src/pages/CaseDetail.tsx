// One case: status, current step(s) highlighted on the diagram, the data, and its history.
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { apiCalls } from "../api/endpoints";
import { useUser } from "../auth/AuthContext";
import { loadVersion } from "../bpmn/bundle";
import { instancePath } from "../bpmn/path";
import CaseAttachments from "../attachments/CaseAttachments";
import { CaseApprovalActions } from "../components/approval/CaseApprovalActions";
import { CaseData } from "../components/CaseData";
import { DiagramViewer } from "../components/DiagramViewer";
import { ErrorText, Loading, StatusBadge } from "../components/Feedback";
import { maybeKey, useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { describeError, groupName } from "../lib/problems";
import { useNotices } from "../components/Notices";

export default function CaseDetail() {
  const { instanceId } = useParams();
  const id = Number(instanceId);
  const { t, formatDateTime } = useI18n();
  const user = useUser();
  const { data, error, loading, reload } = useLoad(async (signal) => {
    const [instance, events] = await Promise.all([apiCalls.instance(id, signal), apiCalls.events(id, signal)]);
    const { definition, bundle } = await loadVersion(instance.process_id, instance.definition_version);
    return { instance, events, definition, bundle };
  }, [id]);

  const markers = useMemo(() => {
    if (!data) return undefined;
    const path = instancePath(data.bundle[data.definition.bpmn_file] ?? "", data.instance, data.events);
    const result: Record<string, string[]> = {};
    for (const element of path.done) result[element] = ["cf-done"];
    for (const element of path.current) result[element] = ["cf-current"];
    return result;
  }, [data]);

  if (loading && !data) return <Loading />;
  if (!data) return <section className="page"><ErrorText error={error} onRetry={reload} /></section>;
  const { instance, events, definition, bundle } = data;
  const backTo = user.role === "admin" || user.role === "auditor" ? "/instances" : user.role === "applicant" ? "/cases" : "/inbox";
  const currentTitles = instance.open_tasks.map((task) => task.title).join(t("common.listSeparator"));
  const titles: Record<string, string> = {};
  for (const event of events) {
    if (event.task_name && typeof event.payload.title === "string") titles[event.task_name] = event.payload.title;
  }

  return (
    <section className="page case-page">
      <p className="back-link"><Link to={backTo}>{t("case.back")}</Link></p>
      <div className="page-head">
        <h1>{definition.name || instance.process_id}</h1>
        <StatusBadge status={instance.status} />
        <button type="button" className="btn btn-quiet btn-small" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <dl className="facts">
        <div><dt>{t("case.businessKey")}</dt><dd data-testid="case-key">{instance.business_key}</dd></div>
        <div><dt>{t("case.version")}</dt><dd data-testid="case-version">{t("case.versionN", { version: instance.definition_version })}</dd></div>
        <div><dt>{t("case.startedAt")}</dt><dd>{formatDateTime(instance.started_at)}</dd></div>
        {instance.ended_at && <div><dt>{t("case.endedAt")}</dt><dd>{formatDateTime(instance.ended_at)}</dd></div>}
      </dl>

      <section aria-labelledby="current-heading" className="card">
        <h2 id="current-heading">{t("case.current")}</h2>
        {instance.open_tasks.length === 0 ? (
          <p className="muted" data-testid="case-current">{t(instance.status === "completed" ? "case.finished" : "case.noOpenTasks")}</p>
        ) : (
          <ul className="current-list" data-testid="case-current">
            {instance.open_tasks.map((task) => (
              <li key={task.id}>
                <strong>{task.title}</strong>{" "}
                <span className="muted">
                  {task.assignee_id === user.id
                    ? t("case.waitingForMe")
                    : t("case.waitingFor", { group: groupName(task.candidate_group, t) })}
                </span>{" "}
                {(task.assignee_id === user.id || (user.role !== "applicant" && task.candidate_group && user.groups.includes(task.candidate_group))) && (
                  <Link to={`/inbox/${task.id}`} className="btn btn-small btn-primary">{t("action.open")}</Link>
                )}
              </li>
            ))}
          </ul>
        )}
        {instance.error && <p className="error-box" role="alert">{t("case.failed", { detail: String(instance.error.message ?? JSON.stringify(instance.error)) })}</p>}
      </section>

      {user.role === "admin" && instance.status === "running" && (
        <WaitingTimers instanceId={instance.id} xml={bundle[definition.bpmn_file] ?? ""} onFired={reload} />
      )}
      <CaseApprovalActions instance={instance} onChanged={reload} />

      <section aria-labelledby="diagram-heading" className="card">
        <h2 id="diagram-heading">{t("case.diagram")}</h2>
        <p className="legend small">
          <span className="legend-current">{t("case.legendCurrent")}</span>
          <span className="legend-done">{t("case.legendDone")}</span>
        </p>
        <DiagramViewer xml={bundle[definition.bpmn_file] ?? ""} markers={markers} testId="case-diagram"
          description={currentTitles ? t("case.diagramCurrent", { steps: currentTitles }) : t("case.diagramNoCurrent")} />
      </section>

      <CaseAttachments instanceId={instance.id} />

      <div className="two-col">
        <section aria-labelledby="data-heading" className="card">
          <h2 id="data-heading">{t("case.data")}</h2>
          <CaseData data={instance.data} bundle={bundle} testId="case-data" />
        </section>
        <section aria-labelledby="history-heading" className="card">
          <h2 id="history-heading">{t("case.history")}</h2>
          <ol className="timeline">
            {events.map((event) => {
              const kind = maybeKey(`event.${event.kind}`);
              return (
                <li key={event.id}>
                  <span className="timeline-time">{formatDateTime(event.at)}</span>
                  <span>{kind ? t(kind) : event.kind}</span>
                  {event.task_name && titles[event.task_name] && <span className="muted">{titles[event.task_name]}</span>}
                  <span className="timeline-actor" data-testid="history-actor">
                    {event.actor_name ? t("case.byPerson", { name: event.actor_name }) : t("case.bySystem")}
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      </div>
    </section>
  );
}

/** An administrator's view of what the case waits for; in the demo a timer can be fired now. */
function WaitingTimers({ instanceId, xml, onFired }: { instanceId: number; xml: string; onFired: () => void }) {
  const { t, formatDateTime } = useI18n();
  const { notify } = useNotices();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { data } = useLoad((signal) => apiCalls.timers(instanceId, signal), [instanceId]);
  const waiting = (data ?? []).filter((timer) => timer.status === "pending");
  if (!waiting.length) return null;
  const names = elementNames(xml);
  const fire = async (id: number) => {
    setBusy(true);
    setFailure(null);
    try {
      await apiCalls.fireTimerNow(id);
      notify("success", t("timers.fired"));
      onFired();
    } catch (error) {
      setFailure(describeError(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="timers-heading" className="card" data-testid="case-timers">
      <h2 id="timers-heading">{t("timers.heading")}</h2>
      <ul className="current-list">
        {waiting.map((timer) => (
          <li key={timer.id}>
            <strong>{names[timer.element_id] || t("timers.unnamed")}</strong>{" "}
            <span className="muted">{t("timers.dueAt", { time: formatDateTime(timer.due_at) })}</span>{" "}
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => fire(timer.id)}>{t("timers.fireNow")}</button>
          </li>
        ))}
      </ul>
      <p className="muted small">{t("timers.demoOnly")}</p>
      {failure && <p className="error-box" role="alert">{failure}</p>}
    </section>
  );
}

function elementNames(xml: string): Record<string, string> {
  const names: Record<string, string> = {};
  if (!xml) return names;
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  for (const element of Array.from(doc.querySelectorAll("[id][name]"))) {
    names[element.getAttribute("id") ?? ""] = element.getAttribute("name") ?? "";
  }
  return names;
}

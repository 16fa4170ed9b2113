// The inbox: tasks I claimed and unclaimed tasks of my groups, with counts per group, filters,
// sorting, claim/release (one or many), and a refresh every few seconds so a task someone else
// takes disappears by itself.
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { apiCalls } from "../api/endpoints";
import type { InboxQuery } from "../api/endpoints";
import type { Task } from "../api/types";
import { useUser } from "../auth/AuthContext";
import { ErrorText, Empty } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { useI18n } from "../i18n";
import { usePolling, isAbort } from "../lib/hooks";
import { nameOf, useDefinitions } from "../lib/processNames";
import { describeError, groupName } from "../lib/problems";
import { BatchPanel } from "./BatchPanel";
import { TaskSummary } from "../components/TaskSummary";

export const INBOX_REFRESH_MS = 3000;

interface Counts {
  groups: Record<string, number>;
  mine: number;
}

export default function Inbox() {
  const { t, formatDateTime } = useI18n();
  const user = useUser();
  const { notify } = useNotices();
  const { definitions, error: definitionsError } = useDefinitions();
  const [params, setParams] = useSearchParams();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [total, setTotal] = useState<{ n: number; exact: boolean }>({ n: 0, exact: true });
  const [counts, setCounts] = useState<Counts>({ groups: {}, mine: 0 });
  const [pollError, setPollError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const [batch, setBatch] = useState<Task[] | null>(null);

  const reviewGroups = user.role === "applicant" ? [] : user.groups;
  const query: InboxQuery = useMemo(
    () => ({
      process_id: params.get("process") || undefined,
      group: params.get("group") || undefined,
      status: (params.get("status") as InboxQuery["status"]) || undefined,
      business_key: params.get("key") || undefined,
      overdue: params.get("overdue") === "1" ? true : undefined,
      sort: params.get("sort") === "due" ? "due" : "id",
      per_page: 100,
    }),
    [params],
  );

  const poll = useCallback(
    async (signal: AbortSignal) => {
      try {
        const [page, mine, ...groupPages] = await Promise.all([
          apiCalls.inbox(query, signal),
          apiCalls.inbox({ status: "claimed", per_page: 1 }, signal),
          ...reviewGroups.map((group) => apiCalls.inbox({ group, status: "ready", per_page: 1 }, signal)),
        ]);
        setTasks(page.items);
        setTotal({ n: page.total, exact: page.total_is_exact });
        setCounts({
          mine: mine.total,
          groups: Object.fromEntries(reviewGroups.map((group, i) => [group, groupPages[i].total])),
        });
        setSelected((current) => new Set([...current].filter((id) => page.items.some((task) => task.id === id))));
        setPollError(null);
        setUpdatedAt(new Date());
      } catch (error) {
        if (!isAbort(error)) setPollError(error);
        throw error;
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [query, reviewGroups.join(",")],
  );
  const refresh = usePolling(poll, INBOX_REFRESH_MS, [poll]);
  // Fetch the form renderer while the reviewer reads the list, so opening a task is instant.
  useEffect(() => {
    const idle = window.setTimeout(() => void import("../forms/SchemaForm").catch(() => undefined), 1500);
    return () => window.clearTimeout(idle);
  }, []);

  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const act = async (kind: "claim" | "release", ids: number[]) => {
    setBusy(true);
    let done = 0;
    const failures: string[] = [];
    for (const id of ids) {
      try {
        await (kind === "claim" ? apiCalls.claim(id) : apiCalls.release(id));
        done += 1;
      } catch (error) {
        const task = tasks?.find((candidate) => candidate.id === id);
        failures.push(t("inbox.bulkFailure", { title: task?.title ?? String(id), key: task?.business_key ?? "", reason: describeError(error, t) }));
      }
    }
    setBusy(false);
    setSelected(new Set());
    if (done) notify("success", t(kind === "claim" ? "inbox.claimedN" : "inbox.releasedN", { count: done }));
    for (const failure of failures) notify("error", failure);
    refresh();
  };

  const claimable = (task: Task) => task.status === "ready";
  const releasable = (task: Task) => task.status === "claimed" && task.assignee_id === user.id && task.candidate_group !== "applicant";
  const selectedTasks = (tasks ?? []).filter((task) => selected.has(task.id));
  const allSelected = !!tasks?.length && tasks.every((task) => selected.has(task.id));
  // One form for all: only tasks of the same step of the same process, each open to me.
  const batchable = selectedTasks.length > 0 && selectedTasks.every((task) =>
    task.task_name === selectedTasks[0].task_name && task.process_id === selectedTasks[0].process_id &&
    (task.status === "ready" || task.assignee_id === user.id));
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const processOptions = definitions.map((d) => ({ id: d.process_id, name: d.name || d.process_id }));
  const status = params.get("status") ?? "";

  return (
    <section className="page inbox-page">
      <div className="page-head">
        <h1>{t("inbox.title")}</h1>
        <p className="muted small" aria-live="off" data-testid="inbox-updated">
          {updatedAt ? t("inbox.updatedAt", { time: updatedAt.toLocaleTimeString() }) : t("common.loading")}
        </p>
      </div>

      <div className="tabs" role="group" aria-label={t("inbox.show")}>
        <button type="button" className={status === "" ? "tab active" : "tab"} aria-pressed={status === ""} onClick={() => setFilter("status", null)}>
          {t("inbox.all")}
        </button>
        <button type="button" className={status === "claimed" ? "tab active" : "tab"} aria-pressed={status === "claimed"}
          onClick={() => setFilter("status", "claimed")} data-testid="count-mine">
          {t("inbox.mine")} <span className="count">{counts.mine}</span>
        </button>
        {reviewGroups.map((group) => (
          <button key={group} type="button" className={params.get("group") === group && status === "ready" ? "tab active" : "tab"}
            aria-pressed={params.get("group") === group && status === "ready"}
            onClick={() => {
              const next = new URLSearchParams(params);
              next.set("group", group);
              next.set("status", "ready");
              setParams(next, { replace: true });
            }}
            data-testid={`count-${group}`}>
            {groupName(group, t)} <span className="count">{counts.groups[group] ?? 0}</span>
          </button>
        ))}
      </div>

      <details className="filters" open={params.size > 0 && !(params.size === 1 && params.has("status"))}>
        <summary>{t("inbox.filters")}</summary>
        <form className="filter-grid" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor="f-process">{t("inbox.process")}</label>
            <select id="f-process" value={params.get("process") ?? ""} onChange={(e) => setFilter("process", e.target.value)}>
              <option value="">{t("common.any")}</option>
              {processOptions.map((p) => (
                <option key={p.id} value={p.id}>{p.name}</option>
              ))}
            </select>
          </div>
          {reviewGroups.length > 0 && (
            <div className="field">
              <label htmlFor="f-group">{t("inbox.group")}</label>
              <select id="f-group" value={params.get("group") ?? ""} onChange={(e) => setFilter("group", e.target.value)}>
                <option value="">{t("common.any")}</option>
                {reviewGroups.map((g) => (
                  <option key={g} value={g}>{groupName(g, t)}</option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="f-key">{t("inbox.businessKey")}</label>
            <input id="f-key" defaultValue={params.get("key") ?? ""} placeholder={t("inbox.businessKeyHint")}
              onKeyDown={(e) => { if (e.key === "Enter") setFilter("key", (e.target as HTMLInputElement).value.trim()); }}
              onBlur={(e) => setFilter("key", e.target.value.trim())} />
          </div>
          <div className="field">
            <label htmlFor="f-sort">{t("inbox.sort")}</label>
            <select id="f-sort" value={params.get("sort") ?? "id"} onChange={(e) => setFilter("sort", e.target.value === "due" ? "due" : null)}>
              <option value="id">{t("inbox.sortCreated")}</option>
              <option value="due">{t("inbox.sortDue")}</option>
            </select>
          </div>
          <div className="field field-check">
            <input id="f-overdue" type="checkbox" checked={params.get("overdue") === "1"} onChange={(e) => setFilter("overdue", e.target.checked ? "1" : null)} />
            <label htmlFor="f-overdue">{t("inbox.overdueOnly")}</label>
          </div>
        </form>
      </details>

      <ErrorText error={definitionsError} />
      {pollError ? (
        <div className="error-box" role="alert">
          {t("inbox.refreshFailed", { reason: describeError(pollError, t) })}
          <button type="button" className="btn btn-small" onClick={refresh}>{t("action.retry")}</button>
        </div>
      ) : null}

      {tasks && tasks.length > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label={t("inbox.bulk")}>
          <label className="field-check">
            <input type="checkbox" checked={allSelected}
              onChange={() => setSelected(allSelected ? new Set() : new Set(tasks.map((task) => task.id)))} />
            <span>{t("inbox.selectAll")}</span>
          </label>
          <span className="muted small">{t("inbox.selectedN", { count: selected.size })}</span>
          <button type="button" className="btn btn-small" disabled={busy || !selectedTasks.some(claimable)}
            onClick={() => act("claim", selectedTasks.filter(claimable).map((task) => task.id))}>
            {t("inbox.claimSelected")}
          </button>
          <button type="button" className="btn btn-small" disabled={busy || !selectedTasks.some(releasable)}
            onClick={() => act("release", selectedTasks.filter(releasable).map((task) => task.id))}>
            {t("inbox.releaseSelected")}
          </button>
          <button type="button" className="btn btn-small btn-primary" disabled={busy || !batchable}
            title={batchable ? undefined : t("batch.sameStepOnly")}
            onClick={() => setBatch(selectedTasks)}>
            {t("batch.open")}
          </button>
        </div>
      )}
      {batch && (
        <BatchPanel tasks={batch} onClose={() => setBatch(null)} onDone={() => { setSelected(new Set()); refresh(); }} />
      )}

      {tasks === null && !pollError && <p className="loading" role="status">{t("common.loading")}</p>}
      {tasks && tasks.length === 0 && <Empty text={t("inbox.empty")} />}
      {tasks && tasks.length > 0 && (
        <>
          <p className="muted small">{t(total.exact ? "inbox.total" : "inbox.totalCapped", { count: total.n })}</p>
          <ul className="task-list" aria-label={t("inbox.listLabel")}>
            {tasks.map((task) => (
              <li key={task.id} className={`task-card${task.overdue ? " overdue" : ""}`} data-testid={`task-${task.id}`}>
                <input type="checkbox" className="task-select" checked={selected.has(task.id)} onChange={() => toggle(task.id)}
                  aria-label={t("inbox.selectTask", { title: task.title, key: task.business_key })} />
                <div className="task-main">
                  <Link to={`/inbox/${task.id}`} className="task-title">{task.title}</Link>
                  <TaskSummary task={task} inline />
                  <div className="task-meta">
                    <span>{nameOf(definitions, task.process_id)}</span>
                    <span>{task.business_key}</span>
                    {task.candidate_group && <span className="chip">{groupName(task.candidate_group, t)}</span>}
                  </div>
                  <div className="task-meta">
                    {task.status === "claimed" ? (
                      <span className="badge badge-claimed">{t("inbox.claimedByMe")}</span>
                    ) : (
                      <span className="badge badge-ready">{t("inbox.unclaimed")}</span>
                    )}
                    {task.due_at && <span>{t("inbox.due", { time: formatDateTime(task.due_at) })}</span>}
                    {task.overdue && <span className="badge badge-overdue">{t("inbox.overdue")}</span>}
                  </div>
                </div>
                <div className="task-actions">
                  {claimable(task) && (
                    <button type="button" className="btn btn-small" disabled={busy} onClick={() => act("claim", [task.id])}
                      aria-label={t("inbox.claimTask", { title: task.title, key: task.business_key })}>
                      {t("action.claim")}
                    </button>
                  )}
                  {releasable(task) && (
                    <button type="button" className="btn btn-small btn-quiet" disabled={busy} onClick={() => act("release", [task.id])}
                      aria-label={t("inbox.releaseTask", { title: task.title, key: task.business_key })}>
                      {t("action.release")}
                    </button>
                  )}
                  <Link to={`/inbox/${task.id}`} className="btn btn-small btn-primary"
                    aria-label={t("inbox.openTask", { title: task.title, key: task.business_key })}>
                    {t("action.open")}
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

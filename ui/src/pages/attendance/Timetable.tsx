// 课表导入: the class teacher uploads a timetable sheet (all or nothing, a bad row named), and
// deletes a session that was added by mistake (with a reason kept in the change log).
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useParams } from "react-router";
import { attendanceCalls } from "../../api/attendance";
import type { SessionInfo } from "../../api/attendance";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { saveFile } from "../../lib/saveFile";
import "./attendance.css";

function describe(s: Pick<SessionInfo, "date" | "half_name" | "course" | "kind_name" | "hours">): string {
  return `${s.date} ${s.half_name} · ${s.course} · ${s.kind_name} · ${s.hours}`;
}

export default function Timetable() {
  const { unitId } = useParams();
  const id = Number(unitId);
  const { t, formatDate, formatDateTime } = useI18n();
  const sessions = useLoad((signal) => attendanceCalls.sessions(id, signal), [id]);
  const changes = useLoad((signal) => attendanceCalls.changes(id, signal), [id]);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const [reason, setReason] = useState("");

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setDone(null);
    setFailure(null);
    try {
      setDone(await work());
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const upload = (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setFailure(null);
      setDone(t("attendance.chooseFile"));
      return;
    }
    void run(async () => {
      const { ids } = await attendanceCalls.importSessions(id, file);
      sessions.reload();
      return t("attendance.imported", { count: ids.length });
    });
  };
  const template = () => run(async () => {
    const { blob, filename } = await attendanceCalls.template();
    saveFile(blob, filename);
    return t("reports.saved", { file: filename });
  });
  const remove = (event: FormEvent) => {
    event.preventDefault();
    if (deleting === null) return;
    void run(async () => {
      await attendanceCalls.deleteSession(deleting, reason.trim());
      setDeleting(null);
      setReason("");
      sessions.reload();
      changes.reload();
      return t("attendance.deleted");
    });
  };

  return (
    <section className="page attendance">
      <div className="page-head">
        <h1>{t("attendance.timetableTitle")}</h1>
        <Link to={`/attendance/classes/${id}`}>{t("attendance.back")}</Link>
      </div>
      <div className="card">
        <p className="small">{t("attendance.timetableHelp")}</p>
        <button type="button" className="btn btn-small" disabled={busy} onClick={template}>{t("attendance.templateDownload")}</button>
        <form onSubmit={upload} className="timetable-form">
          <label>
            {t("attendance.fileLabel")}
            <input type="file" accept=".xlsx,.csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t("attendance.importing") : t("attendance.importButton")}
          </button>
        </form>
        <ErrorText error={failure} />
        {done && <p className="small" role="status" data-testid="timetable-result">{done}</p>}
      </div>
      <div className="card">
        <h2>{t("attendance.sessions")}</h2>
        <ErrorText error={sessions.error} onRetry={sessions.reload} />
        {sessions.loading && !sessions.data && <Loading />}
        {sessions.data && sessions.data.length === 0 && <Empty text={t("attendance.noSessions")} />}
        <ul className="session-list" data-testid="timetable-sessions">
          {sessions.data?.map((s) => (
            <li key={s.id} className="session-row">
              <span>{formatDate(s.date)} {s.half_name} {s.period} · {s.course} · {s.kind_name} · {t("attendance.hours", { hours: s.hours })}</span>
              {deleting === s.id ? (
                <form onSubmit={remove} className="delete-form">
                  <label>
                    {t("attendance.deleteReason")}
                    <input type="text" required maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
                  </label>
                  <button type="submit" className="btn btn-small btn-danger" disabled={busy || !reason.trim()}>{t("attendance.confirmDelete")}</button>
                  <button type="button" className="btn btn-small btn-quiet" onClick={() => setDeleting(null)}>{t("attendance.cancel")}</button>
                </form>
              ) : (
                <button type="button" className="btn btn-small btn-quiet" onClick={() => { setDeleting(s.id); setReason(""); }}>{t("attendance.deleteSession")}</button>
              )}
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2>{t("attendance.changes")}</h2>
        <ErrorText error={changes.error} onRetry={changes.reload} />
        {changes.data && changes.data.length === 0 && <Empty text={t("attendance.noChanges")} />}
        <ul className="session-list" data-testid="session-changes">
          {changes.data?.map((c) => (
            <li key={c.id}>{t("attendance.changeLine", {
              at: formatDateTime(c.at), actor: c.actor, action: c.action_name, before: describe(c.before),
              after: c.after ? ` → ${describe(c.after)}` : "", reason: c.reason })}</li>
          ))}
        </ul>
      </div>
    </section>
  );
}

// A class's attendance: learners near a threshold highlighted, absences per week as a small
// SVG chart, and the sessions to take attendance for.
import { Link, useParams } from "react-router";
import { attendanceCalls } from "../../api/attendance";
import type { Week } from "../../api/attendance";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { useDownload } from "../../lib/useDownload";
import "./attendance.css";

function WeeklyChart({ weeks }: { weeks: Week[] }) {
  const { t } = useI18n();
  const max = Math.max(1, ...weeks.map((w) => w.leave_days + w.truancy_days));
  const width = 360;
  const height = 140;
  const bar = width / weeks.length;
  return (
    <figure className="weekly-chart">
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-label={t("attendance.chartLabel")}>
        {weeks.map((w, i) => {
          const truancy = (w.truancy_days / max) * height;
          const leave = (w.leave_days / max) * height;
          return (
            <g key={w.week_start}>
              <title>{t("attendance.chartBar", { week: w.week_start, leave: w.leave_days, truancy: w.truancy_days })}</title>
              <rect x={i * bar + 2} y={height - truancy} width={bar - 4} height={truancy} className="bar-truancy" />
              <rect x={i * bar + 2} y={height - truancy - leave} width={bar - 4} height={leave} className="bar-leave" />
              <text x={i * bar + bar / 2} y={height + 14} textAnchor="middle" className="bar-label">{w.week_start.slice(5)}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="small">
        <span className="legend legend-leave" /> {t("attendance.legendLeave")}
        <span className="legend legend-truancy" /> {t("attendance.legendTruancy")}
      </figcaption>
    </figure>
  );
}

export default function ClassAttendance() {
  const { unitId } = useParams();
  const id = Number(unitId);
  const { t, formatDate } = useI18n();
  const overview = useLoad((signal) => attendanceCalls.overview(id, signal), [id]);
  const weekly = useLoad((signal) => attendanceCalls.weekly(id, signal), [id]);
  const sessions = useLoad((signal) => attendanceCalls.sessions(id, signal), [id]);
  const { busy, saved, error: downloadError, download } = useDownload();
  const report = (fmt: "csv" | "xlsx") => download(() => attendanceCalls.classReport(id, fmt));
  return (
    <section className="page attendance">
      <div className="page-head">
        <h1>{t("attendance.classTitle")}</h1>
        <Link to="/attendance">{t("attendance.back")}</Link>
      </div>
      <ErrorText error={overview.error} onRetry={overview.reload} />
      {overview.loading && !overview.data && <Loading />}
      {overview.data && (
        <div className="card">
          <h2>{t("attendance.yearTotals", { year: overview.data.school_year })}</h2>
          <table className="totals-table" data-testid="class-overview">
            <thead>
              <tr>
                <th scope="col">{t("attendance.col.name")}</th>
                <th scope="col">{t("attendance.col.absence")}</th>
                <th scope="col">{t("attendance.col.truancy")}</th>
                <th scope="col">{t("attendance.col.measures")}</th>
              </tr>
            </thead>
            <tbody>
              {overview.data.learners.map((l) => (
                <tr key={l.person_id} className={l.near.length ? "near" : undefined}>
                  <td>{l.name}{l.near.length > 0 && <span className="badge badge-warn">{t("attendance.near")}</span>}</td>
                  <td>{l.absence_days}</td>
                  <td>{l.truancy_days}</td>
                  <td>{l.measures.map((m) => m.kind_name).join(t("attendance.separator"))}
                    {l.near.map((k) => <span key={k} className="chip">{t(`attendance.kind.${k}` as MessageKey)}</span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="card">
        <h2>{t("attendance.weekly")}</h2>
        <ErrorText error={weekly.error} onRetry={weekly.reload} />
        {weekly.data && <WeeklyChart weeks={weekly.data} />}
      </div>
      <div className="card">
        <h2>{t("attendance.reports")}</h2>
        <div className="button-row">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => report("xlsx")}>{t("attendance.reportXlsx")}</button>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => report("csv")}>{t("attendance.reportCsv")}</button>
        </div>
        <ErrorText error={downloadError} />
        {saved && <p className="muted small" role="status">{t("reports.saved", { file: saved })}</p>}
      </div>
      <div className="card">
        <h2>{t("attendance.sessions")}</h2>
        <Link to={`/attendance/classes/${id}/timetable`}>{t("attendance.timetable")}</Link>
        <ErrorText error={sessions.error} onRetry={sessions.reload} />
        {sessions.data && sessions.data.length === 0 && <Empty text={t("attendance.noSessions")} />}
        <ul className="session-list">
          {sessions.data?.map((s) => (
            <li key={s.id}>
              <Link to={`/attendance/sessions/${s.id}`}>
                {formatDate(s.date)} {s.half_name} · {s.course} · {s.kind_name}
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

// 考勤: a teacher's classes (to take attendance and see the class), or a learner's own record.
import { Link } from "react-router";
import { attendanceCalls } from "../../api/attendance";
import { useUser } from "../../auth/AuthContext";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import "./attendance.css";

function MyAttendance() {
  const { t, formatDate } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => attendanceCalls.mine(signal), []);
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorText error={error} onRetry={reload} />;
  return (
    <>
      <div className="card" data-testid="my-totals">
        <h2>{t("attendance.yearTotals", { year: data.school_year })}</h2>
        <p>{t("attendance.myTotals", { ...data.totals })}</p>
        {data.measures.map((m) => (
          <p key={m.id} className="measure"><strong>{m.kind_name}</strong>: {m.reason}</p>
        ))}
      </div>
      <div className="card">
        <h2>{t("attendance.courses")}</h2>
        <ul>
          {data.courses.map((c) => (
            <li key={c.course_id}>{t("attendance.courseHours", { course: c.course, absent: c.absent_hours, total: c.contact_hours })}</li>
          ))}
        </ul>
        <h2>{t("attendance.records")}</h2>
        {data.records.length === 0 && <Empty text={t("attendance.noRecords")} />}
        <ul>
          {data.records.filter((r) => r.counted !== "present").map((r) => (
            <li key={r.session_id}>{formatDate(r.date)} {r.half_name} · {r.course} · {r.counted_name}</li>
          ))}
        </ul>
      </div>
    </>
  );
}

function MyClasses() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => attendanceCalls.classes(signal), []);
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorText error={error} onRetry={reload} />;
  if (data.length === 0) return <Empty text={t("attendance.noClasses")} />;
  return (
    <ul className="class-list">
      {data.map((c) => (
        <li key={c.id} className="card">
          <Link to={`/attendance/classes/${c.id}`}><strong>{c.name}</strong></Link>
          <span className="chip">{c.role_name}</span>
        </li>
      ))}
    </ul>
  );
}

export default function AttendanceHome() {
  const user = useUser();
  const { t } = useI18n();
  const learner = user.role === "applicant";
  return (
    <section className="page attendance">
      <div className="page-head">
        <h1>{learner ? t("attendance.myTitle") : t("attendance.title")}</h1>
      </div>
      {learner ? <MyAttendance /> : <MyClasses />}
    </section>
  );
}

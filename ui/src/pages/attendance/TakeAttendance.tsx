// Taking attendance for one session, made for a phone: every learner is present until marked
// late, absent or on leave; one button stores the whole class.
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { attendanceCalls } from "../../api/attendance";
import type { MarkValue, Recorded } from "../../api/attendance";
import { ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";
import "./attendance.css";

const MARKS: MarkValue[] = ["present", "late", "absent", "leave"];

export default function TakeAttendance() {
  const { sessionId } = useParams();
  const id = Number(sessionId);
  const { t, formatDate } = useI18n();
  const { notify } = useNotices();
  const { data, error, loading, reload } = useLoad((signal) => attendanceCalls.roster(id, signal), [id]);
  const [marks, setMarks] = useState<Record<number, MarkValue>>({});
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<Recorded | null>(null);
  useEffect(() => {
    if (data) setMarks(Object.fromEntries(data.learners.map((l) => [l.person_id, l.mark])));
  }, [data]);
  const save = async () => {
    setSaving(true);
    try {
      const marked = Object.entries(marks)
        .filter(([, mark]) => mark !== "present")
        .map(([person, mark]) => ({ person_id: Number(person), mark }));
      const done = await attendanceCalls.record(id, marked);
      setResult(done);
      notify("success", t("attendance.saved"));
      reload();
    } catch (failure) {
      notify("error", describeError(failure, t));
    } finally {
      setSaving(false);
    }
  };
  if (loading && !data) return <Loading />;
  if (!data) return <section className="page"><ErrorText error={error} onRetry={reload} /></section>;
  const s = data.session;
  const absent = Object.values(marks).filter((m) => m !== "present").length;
  return (
    <section className="page attendance">
      <div className="page-head">
        <h1>{t("attendance.takeTitle")}</h1>
        <Link to={`/attendance/classes/${s.class_unit_id}`}>{t("attendance.classView")}</Link>
      </div>
      <p className="muted" data-testid="session-info">
        {s.course} · {s.kind_name} · {formatDate(s.date)} {s.half_name} {s.period} · {t("attendance.hours", { hours: s.hours })}
      </p>
      <p>{t("attendance.defaultPresent", { total: data.learners.length, marked: absent })}</p>
      <ul className="roster" aria-label={t("attendance.roster")}>
        {data.learners.map((learner) => (
          <li key={learner.person_id} className="card roster-row">
            <fieldset>
              <legend>
                <strong>{learner.name}</strong> <span className="muted small">{learner.number}</span>
                {learner.counted_name && <span className="chip">{learner.counted_name}</span>}
              </legend>
              <div className="mark-choices">
                {MARKS.map((mark) => (
                  <label key={mark} className={`mark-choice mark-${mark}${marks[learner.person_id] === mark ? " chosen" : ""}`}>
                    <input type="radio" name={`mark-${learner.person_id}`} value={mark}
                      checked={marks[learner.person_id] === mark}
                      onChange={() => setMarks((m) => ({ ...m, [learner.person_id]: mark }))} />
                    {t(`attendance.mark.${mark}` as MessageKey)}
                  </label>
                ))}
              </div>
            </fieldset>
          </li>
        ))}
      </ul>
      <div className="sticky-actions">
        <button type="button" className="btn btn-primary" disabled={saving} onClick={save}>
          {saving ? t("attendance.saving") : t("attendance.save")}
        </button>
      </div>
      {result && (
        <div className="card" data-testid="attendance-result" role="status">
          <p>{t("attendance.counts", {
            present: result.counts.present ?? 0, late: result.counts.late ?? 0,
            leave: result.counts.leave ?? 0, truancy: result.counts.truancy ?? 0,
          })}</p>
          {result.measures.map((m) => (
            <p key={m.id} className="measure">
              <strong>{m.name} · {m.kind_name}</strong>: {m.reason}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

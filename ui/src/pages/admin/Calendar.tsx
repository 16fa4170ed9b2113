// 节假日日历: an administrator views a year month by month, marks a day as 放假 or 调休上班
// (or clears it), and reads the year's revisions — who changed which days, when and why.
// Deadlines computed before a change keep the calendar they were computed with.
import { useState } from "react";
import type { FormEvent } from "react";
import { useSearchParams } from "react-router";
import { calendarCalls } from "../../api/calendar";
import type { CalendarYear } from "../../api/calendar";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

function iso(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export default function Calendar() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const year = Number(params.get("year")) || new Date().getFullYear();
  const [chosen, setChosen] = useState<string | null>(null);
  const { data, error, loading, reload } = useLoad((signal) => calendarCalls.year(year, signal), [year]);
  const revisions = useLoad((signal) => calendarCalls.revisions(year, signal), [year]);
  const refresh = () => {
    reload();
    revisions.reload();
  };
  const goTo = (next: number) => {
    setChosen(null);
    setParams({ year: String(next) }, { replace: true });
  };
  return (
    <section className="page">
      <h1>{t("calendar.title")}</h1>
      <p className="muted">{t("calendar.intro")}</p>
      <div className="actions" role="group" aria-label={t("calendar.year")}>
        <button type="button" className="btn" onClick={() => goTo(year - 1)}>{t("calendar.previous")}</button>
        <strong data-testid="calendar-year">{t("calendar.yearIs", { year: String(year) })}</strong>
        <button type="button" className="btn" onClick={() => goTo(year + 1)}>{t("calendar.next")}</button>
      </div>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && (
        <>
          <p className={data.source === "missing" ? "error-box" : "muted small"} data-testid="calendar-source">
            {t(`calendar.source.${data.source}`)}
          </p>
          {chosen && <DayForm day={chosen} year={data} onDone={() => { setChosen(null); refresh(); }} />}
          <div className="calendar-months">
            {MONTHS.map((month) => <Month key={month} year={data} month={month} chosen={chosen} onChoose={setChosen} />)}
          </div>
        </>
      )}
      <h2>{t("calendar.revisions")}</h2>
      <ErrorText error={revisions.error} onRetry={revisions.reload} />
      {revisions.data && revisions.data.items.length === 0 && <Empty text={t("calendar.noRevisions")} />}
      {revisions.data && revisions.data.items.length > 0 && <Revisions items={revisions.data.items} />}
    </section>
  );
}

function Month({ year, month, chosen, onChoose }: {
  year: CalendarYear; month: number; chosen: string | null; onChoose: (day: string) => void;
}) {
  const { t } = useI18n();
  const first = new Date(Date.UTC(year.year, month - 1, 1));
  const days = new Date(Date.UTC(year.year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const cells: (number | null)[] = [...Array(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  return (
    <table className="calendar-month">
      <caption>{t("calendar.month", { month: String(month) })}</caption>
      <thead><tr>{t("calendar.weekdays").split(",").map((w) => <th key={w} scope="col">{w}</th>)}</tr></thead>
      <tbody>
        {Array.from({ length: Math.ceil(cells.length / 7) }, (_, row) => (
          <tr key={row}>
            {cells.slice(row * 7, row * 7 + 7).map((day, col) => {
              if (day === null) return <td key={col} />;
              const key = iso(year.year, month, day);
              const holiday = year.holidays[key];
              const workday = year.workdays[key];
              const weekend = col >= 5;
              const kind = holiday ? "holiday" : workday ? "workday" : weekend ? "weekend" : "plain";
              const n = String(day);
              const label = holiday ? t("calendar.dayHoliday", { n, day: key, name: holiday })
                : workday ? t("calendar.dayWorkday", { n, day: key, name: workday })
                  : t("calendar.dayPlain", { n, day: key });
              return (
                <td key={col} className={`day day-${kind}${chosen === key ? " day-chosen" : ""}`}>
                  <button type="button" onClick={() => onChoose(key)} aria-label={label} title={holiday ?? workday ?? ""} data-day={key} data-kind={kind}>
                    {day}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DayForm({ day, year, onDone }: { day: string; year: CalendarYear; onDone: () => void }) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const current = year.holidays[day] ? "holiday" : year.workdays[day] ? "workday" : "";
  const [kind, setKind] = useState<"holiday" | "workday">(current === "workday" ? "workday" : "holiday");
  const [name, setName] = useState(year.holidays[day] ?? year.workdays[day] ?? "");
  const [busy, setBusy] = useState(false);
  const run = async (job: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await job();
      notify("success", done);
      onDone();
    } catch (failure) {
      notify("error", describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(() => calendarCalls.markDay(day, kind, name.trim()), t("calendar.saved", { day }));
  };
  return (
    <form className="card" onSubmit={save} data-testid="calendar-day-form">
      <h2>{t("calendar.dayTitle", { day })}</h2>
      <div className="field">
        <label htmlFor="calendar-kind">{t("calendar.kind")}</label>
        <select id="calendar-kind" value={kind} onChange={(e) => setKind(e.target.value as "holiday" | "workday")}>
          <option value="holiday">{t("calendar.kind.holiday")}</option>
          <option value="workday">{t("calendar.kind.workday")}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="calendar-name">{t("calendar.name")}</label>
        <input id="calendar-name" value={name} required maxLength={40} onChange={(e) => setName(e.target.value)} placeholder={t("calendar.nameHint")} />
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>{t("calendar.mark")}</button>
        {current && (
          <button type="button" className="btn btn-danger" disabled={busy}
            onClick={() => void run(() => calendarCalls.clearDay(day), t("calendar.cleared", { day }))}>
            {t("calendar.clear")}
          </button>
        )}
      </div>
    </form>
  );
}

function Revisions({ items }: { items: { revision: number; note: string; created_at: string; created_by_name: string | null; added: Record<string, string>; removed: Record<string, string> }[] }) {
  const { t, formatDateTime } = useI18n();
  return (
    <ol className="timeline" data-testid="calendar-revisions">
      {items.map((item) => (
        <li key={item.revision}>
          <strong>{t("calendar.revision", { n: String(item.revision) })}</strong>{" "}
          <span className="muted small">{formatDateTime(item.created_at)} · {item.created_by_name ?? "—"}</span>
          {item.note && <p>{item.note}</p>}
          <ul className="small">
            {Object.entries(item.added).map(([day, mark]) => <li key={`a${day}`}>{t("calendar.added", { day, mark })}</li>)}
            {Object.entries(item.removed).map(([day, mark]) => <li key={`r${day}`}>{t("calendar.removed", { day, mark })}</li>)}
          </ul>
        </li>
      ))}
    </ol>
  );
}

// The academic-year rollover: choose, class by class, who graduates and who moves up a 年级,
// and whether the class teachers' positions end; read the preview (classes, learners affected,
// positions ending); confirm it as one batch (refused when the directory changed since).
import { useEffect, useState } from "react";
import { rolloverCalls } from "../../api/people";
import type { RolloverDone, RolloverPlan, RolloverRequest, UnitNode } from "../../api/people";
import { useI18n } from "../../i18n";
import { describeError } from "../../lib/problems";

type Choice = "keep" | "promote" | "graduate";
const GRADES = [1, 2, 3, 4, 5, 6];

function classesOf(nodes: UnitNode[]): UnitNode[] {
  const found: UnitNode[] = [];
  const walk = (unit: UnitNode) => { if (unit.kind === "class" && unit.active) found.push(unit); unit.children.forEach(walk); };
  nodes.forEach(walk);
  return found.sort((a, b) => a.code.localeCompare(b.code));
}

function yearEnd(): string {
  const now = new Date();
  const year = now.getMonth() >= 8 ? now.getFullYear() + 1 : now.getFullYear();
  return `${year}-07-10`;
}

export default function Rollover() {
  const { t } = useI18n();
  const [classes, setClasses] = useState<UnitNode[]>([]);
  const [choices, setChoices] = useState<Record<number, Choice>>({});
  const [on, setOn] = useState(yearEnd());
  const [endTeachers, setEndTeachers] = useState(false);
  const [plan, setPlan] = useState<RolloverPlan | null>(null);
  const [done, setDone] = useState<RolloverDone | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => rolloverCalls.units().then((tree) => setClasses(classesOf(tree)), (failure: unknown) => setError(describeError(failure, t)));
  useEffect(() => { void load(); }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const request = (): RolloverRequest => ({
    on,
    graduate_class_ids: classes.filter((c) => choices[c.id] === "graduate").map((c) => c.id),
    promote_class_ids: classes.filter((c) => choices[c.id] === "promote").map((c) => c.id),
    end_roles: endTeachers ? ["class_teacher"] : [],
  });
  const choose = (id: number, choice: Choice) => { setChoices({ ...choices, [id]: choice }); setPlan(null); setDone(null); };
  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try { await step(); } catch (failure) { setError(describeError(failure, t)); } finally { setBusy(false); }
  };
  const onGrade = (id: number, grade: number) => run(async () => {
    await rolloverCalls.setGrade(id, grade);
    setPlan(null);
    await load();
  });
  const onPreview = () => run(async () => { setDone(null); setPlan(await rolloverCalls.preview(request())); });
  const onConfirm = () => run(async () => {
    if (!plan) return;
    setDone(await rolloverCalls.confirm(request(), plan.digest));
    setPlan(null);
    setChoices({});
    await load();
  });

  return (
    <section className="page">
      <h1>{t("rollover.title")}</h1>
      <p className="muted">{t("rollover.intro")}</p>
      <div className="filter-grid">
        <div className="field">
          <label htmlFor="rollover-on">{t("rollover.on")}</label>
          <input id="rollover-on" type="date" value={on} onChange={(e) => { setOn(e.target.value); setPlan(null); }} />
        </div>
        <div className="field">
          <label><input type="checkbox" checked={endTeachers} onChange={(e) => { setEndTeachers(e.target.checked); setPlan(null); }} /> {t("rollover.endTeachers")}</label>
        </div>
      </div>
      <table className="data-table" data-testid="rollover-classes">
        <caption>{t("rollover.classes")}</caption>
        <thead><tr><th scope="col">{t("rollover.class")}</th><th scope="col">{t("rollover.grade")}</th><th scope="col">{t("rollover.choice")}</th></tr></thead>
        <tbody>
          {classes.map((unit) => (
            <tr key={unit.id}>
              <td>{unit.name}</td>
              <td>
                <select aria-label={t("rollover.gradeFor", { name: unit.name })} value={unit.grade ?? ""}
                  onChange={(e) => onGrade(unit.id, Number(e.target.value))} disabled={busy}>
                  {unit.grade === null && <option value="">{t("rollover.gradeUnknown")}</option>}
                  {GRADES.map((grade) => <option key={grade} value={grade}>{t("rollover.gradeN", { grade })}</option>)}
                </select>
              </td>
              <td>
                <select aria-label={t("rollover.choiceFor", { name: unit.name })} value={choices[unit.id] ?? "keep"}
                  onChange={(e) => choose(unit.id, e.target.value as Choice)}>
                  <option value="keep">{t("rollover.keep")}</option>
                  <option value="promote">{t("rollover.promote")}</option>
                  <option value="graduate">{t("rollover.graduate")}</option>
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p><button type="button" className="btn" onClick={onPreview} disabled={busy}>{t("rollover.preview")}</button></p>
      {error && <p className="error-box" role="alert">{error}</p>}
      {done && <p className="card" role="status">{t("rollover.done", { classes: done.classes, promoted: done.promoted, learners: done.learners, positions: done.positions })}</p>}
      {plan && (
        <div className="card" data-testid="rollover-preview">
          <p>{t("rollover.summary", { classes: plan.classes.length, promoted: plan.promotions.length, learners: plan.learners.length, positions: plan.positions.length })}</p>
          {plan.promotions.length > 0 && (
            <table className="data-table">
              <caption>{t("rollover.promotions")}</caption>
              <thead><tr><th scope="col">{t("rollover.class")}</th><th scope="col">{t("rollover.gradeChange")}</th><th scope="col">{t("rollover.learners")}</th></tr></thead>
              <tbody>{plan.promotions.map((row) => (
                <tr key={row.id}><td>{row.name}</td>
                  <td>{t("rollover.gradeN", { grade: row.grade_before })} → {t("rollover.gradeN", { grade: row.grade_after })}{row.grade_derived ? ` (${t("rollover.derived")})` : ""}</td>
                  <td>{row.learners}</td></tr>))}</tbody>
            </table>
          )}
          {plan.classes.length > 0 && (
            <table className="data-table">
              <caption>{t("rollover.graduating")}</caption>
              <thead><tr><th scope="col">{t("rollover.class")}</th><th scope="col">{t("rollover.learners")}</th></tr></thead>
              <tbody>{plan.classes.map((row) => (
                <tr key={row.id}><td>{row.name}</td><td>{plan.learners.filter((l) => l.class === row.name).map((l) => l.name).join("、")}</td></tr>))}</tbody>
            </table>
          )}
          {plan.positions.length > 0 && (
            <table className="data-table">
              <caption>{t("rollover.positions")}</caption>
              <thead><tr><th scope="col">{t("rollover.person")}</th><th scope="col">{t("rollover.role")}</th><th scope="col">{t("rollover.unit")}</th></tr></thead>
              <tbody>{plan.positions.map((row) => (
                <tr key={row.position_id}><td>{row.name}</td><td>{row.role_name}</td><td>{row.unit}</td></tr>))}</tbody>
            </table>
          )}
          <button type="button" className="btn btn-primary" onClick={onConfirm} disabled={busy}>{t("rollover.confirm")}</button>
        </div>
      )}
    </section>
  );
}

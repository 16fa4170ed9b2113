// One person of the centre: their record (edited in place), their class and positions with
// dates, and the dated changes — move a learner to another class from a day, give a position
// for a period (张老师 班主任 of 机电2301 from 2026-09-01), end a position. Each change is a
// directory history entry; the person's own entries are listed at the bottom.
import { useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { Link, useParams } from "react-router";
import { directoryCalls, flatten } from "../../api/directory";
import type { UnitNode } from "../../api/directory";
import { peopleCalls } from "../../api/people";
import type { PersonCard, PersonFields } from "../../api/people";
import { ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError, groupName } from "../../lib/problems";
import { ChangeList } from "./DirectoryHistory";

/** Roles a position can have (models/directory.py PositionRole), 班主任 first. */
export const ROLES = ["class_teacher", "teacher", "class_office", "department_head", "leader", "examiner",
  "eligibility_reviewer", "exam_admin", "score_reviewer", "quality_supervisor", "certificate_officer",
  "leading_group", "auditor", "admin"];
const STATUSES = ["studying", "graduated", "employed", "left", "disabled"] as const;

export default function PersonPage() {
  const { t } = useI18n();
  const personId = Number(useParams().personId);
  const card = useLoad((signal) => peopleCalls.get(personId, signal), [personId]);
  const tree = useLoad((signal) => directoryCalls.tree(false, signal), []);
  const changes = useLoad((signal) => directoryCalls.history(personId, signal), [personId]);
  const refresh = () => {
    card.reload();
    changes.reload();
  };
  return (
    <section className="page">
      <p><Link to="/admin/people">{t("person.back")}</Link></p>
      {card.loading && !card.data && <Loading />}
      <ErrorText error={card.error} onRetry={card.reload} />
      {card.data && (
        <>
          <h1>{card.data.name} <span className="chip">{card.data.status_name}</span></h1>
          <p className="small muted">{[card.data.number, card.data.id_number, card.data.mobile, card.data.employer].filter(Boolean).join(" · ")}</p>
          <Placements card={card.data} onChanged={refresh} />
          {tree.data && <MoveLearner card={card.data} tree={tree.data} onChanged={refresh} />}
          {tree.data && <GivePosition card={card.data} tree={tree.data} onChanged={refresh} />}
          <EditPerson key={JSON.stringify(card.data)} card={card.data} onChanged={refresh} />
        </>
      )}
      <ErrorText error={tree.error} onRetry={tree.reload} />
      <h2>{t("person.history")}</h2>
      <ErrorText error={changes.error} onRetry={changes.reload} />
      {changes.data && <ChangeList changes={changes.data.changes} />}
    </section>
  );
}

function useRun(onChanged: () => void) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const run = async (job: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setFailure(null);
    try {
      await job();
      notify("success", done);
      onChanged();
    } catch (error) {
      setFailure(error);
      notify("error", describeError(error, t));
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, run };
}

function Placements({ card, onChanged }: { card: PersonCard; onChanged: () => void }) {
  const { t, formatDate } = useI18n();
  const { busy, failure, run } = useRun(onChanged);
  const period = (from: string | null, to: string | null) =>
    to ? t("person.period", { from: formatDate(from), to: formatDate(to) }) : t("person.since", { from: formatDate(from) });
  const end = (id: number, label: string) => {
    if (!window.confirm(t("person.endConfirm", { position: label }))) return;
    void run(() => peopleCalls.endPosition(id, null), t("person.ended", { position: label }));
  };
  return (
    <div className="card">
      <h2>{t("person.placements")}</h2>
      <ErrorText error={failure} />
      {card.enrolments.length === 0 && card.positions.length === 0 && <p className="muted">{t("person.noPlacements")}</p>}
      <ul className="plain-list" data-testid="placements">
        {card.enrolments.map((e) => (
          <li key={`e${e.id}`} data-testid="enrolment">
            {t("person.enrolledIn", { unit: e.class_name })} <span className="small muted">{period(e.valid_from, e.valid_to)}</span>
          </li>
        ))}
        {card.positions.map((p) => {
          const label = `${p.unit} ${groupName(p.role, t)}`;
          return (
            <li key={`p${p.id}`} data-testid="position">
              {label} <span className="small muted">{period(p.valid_from, p.valid_to)}</span>{" "}
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => end(p.id, label)}>{t("person.end")}</button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Section({ title, children, onSubmit }: { title: string; children: ReactNode; onSubmit: (event: FormEvent) => void }) {
  return (
    <form className="card" onSubmit={onSubmit} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </form>
  );
}

function UnitSelect({ id, units, value, onChange }: {
  id: string; units: { unit: UnitNode; depth: number }[]; value: number; onChange: (id: number) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {units.map(({ unit, depth }) => <option key={unit.id} value={unit.id}>{`${"\u3000".repeat(depth)}${unit.name} (${unit.code})`}</option>)}
    </select>
  );
}

function MoveLearner({ card, tree, onChanged }: { card: PersonCard; tree: UnitNode[]; onChanged: () => void }) {
  const { t } = useI18n();
  const { busy, failure, run } = useRun(onChanged);
  const classes = flatten(tree).filter(({ unit }) => unit.kind === "class");
  const [unitId, setUnitId] = useState(classes[0]?.unit.id ?? 0);
  const [from, setFrom] = useState("");
  if (card.status !== "studying" && card.enrolments.length === 0) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = classes.find(({ unit }) => unit.id === unitId)?.unit.name ?? "";
    void run(() => peopleCalls.moveLearner(card.id, unitId, from || null), t("person.moved", { name: card.name, unit: name }));
  };
  return (
    <Section title={t("person.move")} onSubmit={submit}>
      <div className="field">
        <label htmlFor="move-class">{t("person.newClass")}</label>
        <UnitSelect id="move-class" units={classes} value={unitId} onChange={setUnitId} />
      </div>
      <div className="field">
        <label htmlFor="move-from">{t("person.from")}</label>
        <input id="move-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </div>
      <ErrorText error={failure} />
      <button type="submit" className="btn btn-primary" disabled={busy}>{t("person.moveButton")}</button>
    </Section>
  );
}

function GivePosition({ card, tree, onChanged }: { card: PersonCard; tree: UnitNode[]; onChanged: () => void }) {
  const { t } = useI18n();
  const { busy, failure, run } = useRun(onChanged);
  const units = flatten(tree);
  const [role, setRole] = useState(ROLES[0]);
  const [unitId, setUnitId] = useState(units.find(({ unit }) => unit.kind === "class")?.unit.id ?? units[0]?.unit.id ?? 0);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const unit = units.find((u) => u.unit.id === unitId)?.unit.name ?? "";
    void run(() => peopleCalls.givePosition(card.id, { unit_id: unitId, role, valid_from: from || null, valid_to: to || null }),
      t("person.given", { name: card.name, position: `${unit} ${groupName(role, t)}` }));
  };
  return (
    <Section title={t("person.give")} onSubmit={submit}>
      <div className="field">
        <label htmlFor="give-role">{t("person.role")}</label>
        <select id="give-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => <option key={r} value={r}>{groupName(r, t)}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="give-unit">{t("person.unit")}</label>
        <UnitSelect id="give-unit" units={units} value={unitId} onChange={setUnitId} />
      </div>
      <div className="field">
        <label htmlFor="give-from">{t("person.from")}</label>
        <input id="give-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="give-to">{t("person.to")}</label>
        <input id="give-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <ErrorText error={failure} />
      <button type="submit" className="btn btn-primary" disabled={busy}>{t("person.giveButton")}</button>
    </Section>
  );
}

function EditPerson({ card, onChanged }: { card: PersonCard; onChanged: () => void }) {
  const { t } = useI18n();
  const { busy, failure, run } = useRun(onChanged);
  const [name, setName] = useState(card.name);
  const [number, setNumber] = useState(card.number ?? "");
  const [mobile, setMobile] = useState("");
  const [idNumber, setIdNumber] = useState("");
  const [employer, setEmployer] = useState(card.employer ?? "");
  const [status, setStatus] = useState(card.status);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields: PersonFields = {};
    if (name.trim() !== card.name) fields.name = name.trim();
    if (number.trim() !== (card.number ?? "")) fields.number = number.trim() || null;
    if (employer.trim() !== (card.employer ?? "")) fields.employer = employer.trim() || null;
    if (mobile.trim()) fields.mobile = mobile.trim(); // masked on the card: only a new one is sent
    if (idNumber.trim()) fields.id_number = idNumber.trim();
    if (status !== card.status) {
      if (status === "disabled" && !window.confirm(t("people.disableConfirm", { name: card.name }))) return;
      fields.status = status;
    }
    void run(() => peopleCalls.edit(card.id, fields), t("person.saved", { name: name.trim() }));
  };
  return (
    <Section title={t("person.edit")} onSubmit={submit}>
      <div className="field">
        <label htmlFor="edit-name">{t("person.name")}</label>
        <input id="edit-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
      </div>
      <div className="field">
        <label htmlFor="edit-number">{t("person.number")}</label>
        <input id="edit-number" value={number} onChange={(e) => setNumber(e.target.value)} maxLength={32} />
      </div>
      <div className="field">
        <label htmlFor="edit-id-number">{t("person.newIdNumber")}</label>
        <input id="edit-id-number" value={idNumber} onChange={(e) => setIdNumber(e.target.value)} maxLength={18} placeholder={card.id_number ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="edit-mobile">{t("person.newMobile")}</label>
        <input id="edit-mobile" value={mobile} onChange={(e) => setMobile(e.target.value)} maxLength={11} inputMode="tel" placeholder={card.mobile ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="edit-employer">{t("person.employer")}</label>
        <input id="edit-employer" value={employer} onChange={(e) => setEmployer(e.target.value)} maxLength={128} />
      </div>
      <div className="field">
        <label htmlFor="edit-status">{t("person.status")}</label>
        <select id="edit-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`person.status.${s}`)}</option>)}
        </select>
      </div>
      <ErrorText error={failure} />
      <button type="submit" className="btn btn-primary" disabled={busy}>{t("person.save")}</button>
    </Section>
  );
}

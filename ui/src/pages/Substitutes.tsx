// 代理: name a colleague who also receives and may complete my tasks while I am away (an
// administrator: for anyone of the centre), and see and end the substitutions not yet over.
// Ending makes yesterday the last day (one not begun is withdrawn). Works on a phone.
import { useState } from "react";
import type { FormEvent } from "react";
import { directoryCalls } from "../api/directory";
import type { DirectoryPerson } from "../api/directory";
import { useAuth } from "../auth/AuthContext";
import { Empty, ErrorText, Loading } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { describeError } from "../lib/problems";

export default function Substitutes() {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const { notify } = useNotices();
  const list = useLoad((signal) => directoryCalls.substitutes(signal), []);
  const [busy, setBusy] = useState(false);
  const isAdmin = user?.role === "admin";
  const end = async (id: number, label: string) => {
    if (!window.confirm(t("substitutes.endConfirm", { label }))) return;
    setBusy(true);
    try {
      await directoryCalls.endSubstitute(id);
      notify("success", t("substitutes.ended", { label }));
      list.reload();
    } catch (failure) {
      notify("error", describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="page">
      <h1>{t("substitutes.title")}</h1>
      <p className="muted">{t(isAdmin ? "substitutes.introAdmin" : "substitutes.intro")}</p>
      {user?.role !== "auditor" && <NameSubstitute forOthers={isAdmin} onNamed={list.reload} />}
      <h2>{t("substitutes.current")}</h2>
      {list.loading && !list.data && <Loading />}
      <ErrorText error={list.error} onRetry={list.reload} />
      {list.data && list.data.length === 0 && <Empty text={t("substitutes.none")} />}
      {list.data && list.data.length > 0 && (
        <ul className="incident-list" data-testid="substitutions">
          {list.data.map((s) => {
            const label = t("substitutes.label", { substitute: s.substitute, person: s.person });
            return (
              <li key={s.id} className="card incident-card" data-testid="substitution">
                <p>
                  <strong>{label}</strong> <span className="chip">{t(s.current ? "substitutes.active" : "substitutes.planned")}</span>
                </p>
                <p className="small muted">{t("substitutes.period", { from: formatDate(s.valid_from), to: formatDate(s.valid_to) })}</p>
                {s.may_end && (
                  <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void end(s.id, label)}>
                    {t("substitutes.end")}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** Search the centre's people by name or number and pick one (the directory search). */
function PersonPicker({ id, label, value, onPick }: {
  id: string; label: string; value: DirectoryPerson | null; onPick: (person: DirectoryPerson | null) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const found = useLoad((signal) => (q ? directoryCalls.people(q, signal) : Promise.resolve(null)), [q]);
  const search = () => setQ(text.trim());
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {value ? (
        <p>
          <strong data-testid={`${id}-chosen`}>{value.name}</strong> {value.number && <span className="small muted">{value.number}</span>}{" "}
          <button type="button" className="btn btn-small" onClick={() => onPick(null)}>{t("substitutes.change")}</button>
        </p>
      ) : (
        <>
          <div className="inline-field">
            <input id={id} value={text} onChange={(e) => setText(e.target.value)} placeholder={t("substitutes.searchHint")}
              onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); search(); } }} />
            <button type="button" className="btn btn-small" onClick={search}>{t("people.find")}</button>
          </div>
          <ErrorText error={found.error} />
          {found.data && found.data.length === 0 && <p className="muted small">{t("people.none")}</p>}
          {found.data && found.data.length > 0 && (
            <ul className="plain-list">
              {found.data.map((person) => (
                <li key={person.id}>
                  <button type="button" className="btn btn-small" onClick={() => onPick(person)}>
                    {t("substitutes.pick", { name: person.name })}
                  </button>{" "}
                  <span className="small muted">{[person.number, person.status_name].filter(Boolean).join(" · ")}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function NameSubstitute({ forOthers, onNamed }: { forOthers: boolean; onNamed: () => void }) {
  const { t } = useI18n();
  const { notify } = useNotices();
  const [absent, setAbsent] = useState<DirectoryPerson | null>(null);
  const [substitute, setSubstitute] = useState<DirectoryPerson | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!substitute) {
      setFailure(new Error(t("substitutes.pickFirst")));
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await directoryCalls.nameSubstitute({
        person_id: absent?.id, substitute_person_id: substitute.id, valid_from: from, valid_to: to,
      });
      notify("success", t("substitutes.named", { name: substitute.name }));
      setSubstitute(null);
      setAbsent(null);
      onNamed();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label={t("substitutes.name")} data-testid="name-substitute">
      <h2>{t("substitutes.name")}</h2>
      {forOthers && <PersonPicker id="sub-absent" label={t("substitutes.absent")} value={absent} onPick={setAbsent} />}
      <PersonPicker id="sub-substitute" label={t("substitutes.substitute")} value={substitute} onPick={setSubstitute} />
      <div className="field">
        <label htmlFor="sub-from">{t("person.from")}</label>
        <input id="sub-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="sub-to">{t("person.to")}</label>
        <input id="sub-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
      </div>
      <ErrorText error={failure} />
      <button type="submit" className="btn btn-primary" disabled={busy}>{t("substitutes.submit")}</button>
    </form>
  );
}

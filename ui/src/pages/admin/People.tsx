// People of the administrator's centre: find by 姓名, 学号/工号 or the last digits of the
// 身份证号, then the quick jobs of the first weeks — reset a password or hand over an
// activation code (shown once), open an account, disable a person who must stop now. Works on
// a phone. A person's name opens their card (PersonPage: class, positions with dates, edit);
// "新增人员" adds one.
import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { directoryCalls } from "../../api/directory";
import { peopleCalls } from "../../api/people";
import type { HandedOver, PersonCard } from "../../api/people";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { useNotices } from "../../components/Notices";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { describeError } from "../../lib/problems";
import { NewPerson } from "./PersonForm";

export default function People() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  const [adding, setAdding] = useState(false);
  const tree = useLoad((signal) => (adding ? directoryCalls.tree(false, signal) : Promise.resolve(null)), [adding]);
  const { data, error, loading, reload } = useLoad(
    (signal) => (q ? peopleCalls.find(q, signal) : Promise.resolve(null)), [q]);
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {}, { replace: true });
  };
  return (
    <section className="page">
      <h1>{t("people.title")}</h1>
      <p className="muted">{t("people.intro")} <Link to="/admin/import">{t("people.importLink")}</Link> · <Link to="/admin/units">{t("nav.units")}</Link></p>
      <div className="button-row">
        <button type="button" className="btn" aria-expanded={adding} onClick={() => setAdding(!adding)}>{t("person.new")}</button>
      </div>
      <ErrorText error={tree.error} onRetry={tree.reload} />
      {adding && tree.data && <NewPerson tree={tree.data} />}
      <form className="filter-grid" onSubmit={onSearch} role="search">
        <div className="field">
          <label htmlFor="people-q">{t("people.search")}</label>
          <input id="people-q" value={text} onChange={(e) => setText(e.target.value)} placeholder={t("people.searchHint")} />
        </div>
        <div className="field">
          <button type="submit" className="btn btn-primary">{t("people.find")}</button>
        </div>
      </form>
      {loading && q && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.length === 0 && <Empty text={t("people.none")} />}
      {data && data.length > 0 && (
        <ul className="incident-list" data-testid="people-list">
          {data.map((person) => <PersonItem key={person.id} person={person} onChanged={reload} />)}
        </ul>
      )}
    </section>
  );
}

function PersonItem({ person, onChanged }: { person: PersonCard; onChanged: () => void }) {
  const { t, formatDateTime } = useI18n();
  const { notify } = useNotices();
  const [busy, setBusy] = useState(false);
  const [handed, setHanded] = useState<Pick<HandedOver, "username" | "password" | "activation_code" | "expires_at"> | null>(null);
  const headingId = `person-${person.id}-name`;
  const run = async (job: () => Promise<void>) => {
    setBusy(true);
    try {
      await job();
    } catch (failure) {
      notify("error", describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };
  const reset = (userId: number, username: string) => run(async () => {
    if (!window.confirm(t("people.resetConfirm", { name: person.name }))) return;
    const { password } = await peopleCalls.resetPassword(userId);
    setHanded({ username, password, activation_code: null, expires_at: null });
  });
  const issueCode = (userId: number) => run(async () => {
    if (!window.confirm(t("people.issueCodeConfirm", { name: person.name }))) return;
    setHanded(await peopleCalls.issueCode(userId));
    onChanged();
  });
  const open = (mode: "password" | "activation_code") => run(async () => {
    const answer = await peopleCalls.openAccount(person.id, mode);
    const [account] = answer.accounts;
    if (account) setHanded(account);
    else notify("error", answer.skipped[0]?.reason ?? t("people.notOpened"));
    onChanged();
  });
  const disable = () => run(async () => {
    if (!window.confirm(t("people.disableConfirm", { name: person.name }))) return;
    await peopleCalls.disable(person.id);
    notify("success", t("people.disabled", { name: person.name }));
    onChanged();
  });
  const placed = [...person.enrolments.map((e) => e.class_name), ...person.positions.map((p) => `${p.unit}·${p.role_name}`)];
  return (
    <li className="card incident-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <Link to={`/admin/people/${person.id}`}>{person.name}</Link> <span className="chip">{person.status_name}</span>
      </h2>
      <p className="small muted">
        {[person.number, person.id_number, person.mobile].filter(Boolean).join(" · ")}
      </p>
      {placed.length > 0 && <p className="small">{placed.join(t("common.listSeparator"))}</p>}
      {person.accounts.filter((a) => a.active && a.awaiting_activation).map((a) => (
        <p key={a.id} className="small muted">{t("people.awaitingActivation", { username: a.username })}</p>
      ))}
      <div className="button-row">
        {person.accounts.map((account) => (
          <button key={account.id} type="button" className="btn btn-small" disabled={busy || !account.active}
            onClick={() => void reset(account.id, account.username)}>
            {t("people.reset", { username: account.username })}
          </button>
        ))}
        {person.accounts.filter((a) => a.active).map((account) => (
          <button key={`code-${account.id}`} type="button" className="btn btn-small" disabled={busy}
            onClick={() => void issueCode(account.id)}>
            {t("people.issueCode", { username: account.username })}
          </button>
        ))}
        {!person.accounts.some((a) => a.active) && person.status !== "disabled" && (
          <>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void open("password")}>{t("people.open")}</button>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void open("activation_code")}>{t("people.openWithCode")}</button>
          </>
        )}
        {person.status !== "disabled" && (
          <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void disable()}>{t("people.disable")}</button>
        )}
      </div>
      {handed?.password && (
        <p className="info-box" role="status" data-testid="handed-password">
          {t("people.handed", { username: handed.username })} <code>{handed.password}</code>
        </p>
      )}
      {handed?.activation_code && (
        <p className="info-box" role="status" data-testid="handed-code">
          {t("people.handedCode", { username: handed.username, until: formatDateTime(handed.expires_at) })} <code>{handed.activation_code}</code>
        </p>
      )}
    </li>
  );
}

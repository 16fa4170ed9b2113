// My notifications (reminders, escalations, notices), newest first; opening the list marks
// them seen, which clears the count in the top bar.
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { apiCalls } from "../api/endpoints";
import { useUser } from "../auth/AuthContext";
import { Empty, ErrorText, Loading } from "../components/Feedback";
import { maybeKey, useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { lastSeen, markSeen } from "../lib/notifications";

export default function Notifications() {
  const { t, formatDateTime } = useI18n();
  const user = useUser();
  const { data, error, loading, reload } = useLoad((signal) => apiCalls.notifications({ per_page: 50 }, signal), []);
  const seenBefore = data ? lastSeen(user.id) : null;
  useEffect(() => {
    if (data) markSeen(user.id, data.items);
  }, [data, user.id]);
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("notifications.title")}</h1>
        <button type="button" className="btn btn-quiet btn-small" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <EmailSetting />
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.items.length === 0 && <Empty text={t("notifications.empty")} />}
      {data && data.items.length > 0 && (
        <ul className="notification-list" data-testid="notification-list">
          {data.items.map((item) => {
            const kind = maybeKey(`notifications.kind.${item.kind}`);
            const fresh = !seenBefore || Date.parse(item.created_at) > Date.parse(seenBefore);
            return (
              <li key={item.id} className={`card notification${fresh ? " unread" : ""}`}>
                <div className="task-meta">
                  <span className="chip">{kind ? t(kind) : item.kind}</span>
                  <span className="muted small">{formatDateTime(item.created_at)}</span>
                  {fresh && <span className="badge badge-ready">{t("notifications.new")}</span>}
                </div>
                <p><strong>{item.subject}</strong></p>
                {item.body && <p>{item.body}</p>}
                {item.instance_id !== null && <Link to={`/cases/${item.instance_id}`}>{t("notifications.openCase")}</Link>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** Where my notifications are e-mailed, when the server sends e-mail. */
function EmailSetting() {
  const { t } = useI18n();
  const { data } = useLoad((signal) => apiCalls.notificationChannels(signal), []);
  const [email, setEmail] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!data) return null;
  if (!data.email_enabled) return <p className="muted small" data-testid="email-off">{t("notifications.email.off")}</p>;
  const value = email ?? data.email ?? "";
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const answer = await apiCalls.setNotificationEmail(value.trim() || null);
      setSaved(answer.email ? t("notifications.email.saved", { email: answer.email }) : t("notifications.email.removed"));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card email-setting" onSubmit={save} data-testid="email-setting">
      <h2>{t("notifications.email.title")}</h2>
      <p className="muted small">{t("notifications.email.help")}</p>
      <div className="field inline-field">
        <label htmlFor="notification-email">{t("notifications.email.label")}</label>
        <input id="notification-email" type="email" autoComplete="email" value={value}
          onChange={(event) => setEmail(event.target.value)} />
        <button type="submit" className="btn btn-small" disabled={busy}>{t("notifications.email.save")}</button>
      </div>
      {saved && <p role="status">{saved}</p>}
      <ErrorText error={error} />
    </form>
  );
}

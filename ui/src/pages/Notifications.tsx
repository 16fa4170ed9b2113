// My notifications (reminders, escalations, notices), newest first; opening the list marks
// them seen, which clears the count in the top bar.
import { useEffect } from "react";
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

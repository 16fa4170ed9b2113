// The top bar: where I can go (by role), who I am, my groups, language and sign-out.
import { useEffect, useRef, useState } from "react";
import { Link, NavLink, useLocation, useNavigate } from "react-router";
import { can, useAuth } from "../auth/AuthContext";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n";
import { describeError, groupName } from "../lib/problems";
import { useNotices } from "./Notices";
import type { Actor, AppNotification } from "../api/types";
import { apiCalls } from "../api/endpoints";
import { usePolling } from "../lib/hooks";
import { lastSeen, SEEN_EVENT, unreadCount } from "../lib/notifications";

interface NavItem {
  to: string;
  label: MessageKey;
  show: (user: Actor) => boolean;
}

// Screens still to come (audit timeline/replay, incidents, certificate verification) add a line here.
export const NAV: NavItem[] = [
  { to: "/inbox", label: "nav.inbox", show: can.review },
  { to: "/apply", label: "nav.apply", show: can.start },
  { to: "/cases", label: "nav.cases", show: can.start },
  { to: "/attendance", label: "nav.attendance", show: can.review },
  { to: "/admin/definitions", label: "nav.definitions", show: can.administer },
  { to: "/instances", label: "nav.instances", show: can.seeAllInstances },
  { to: "/admin/incidents", label: "nav.incidents", show: can.administer },
  { to: "/admin/people", label: "nav.people", show: can.administer },
  { to: "/admin/units", label: "nav.units", show: can.administer },
  { to: "/admin/rollover", label: "nav.rollover", show: can.administer },
  { to: "/substitutes", label: "nav.substitutes", show: can.administer },
  { to: "/directory/history", label: "nav.directoryHistory", show: can.seeAllInstances },
  { to: "/admin/calendar", label: "nav.calendar", show: can.administer },
  { to: "/audit", label: "nav.audit", show: can.seeAllInstances },
  { to: "/supervision", label: "nav.supervision", show: can.supervise },
  { to: "/certificates", label: "nav.register", show: can.readRegister },
  { to: "/reports", label: "nav.reports", show: can.readReports },
];

export function Header() {
  const { user, signOut } = useAuth();
  const { t, lang, setLang } = useI18n();
  const { notify } = useNotices();
  const navigate = useNavigate();
  const location = useLocation();
  const nav = useRef<HTMLElement>(null);
  // On a phone the menu scrolls sideways: keep the current screen's entry in view.
  useEffect(() => {
    nav.current?.querySelector<HTMLElement>("a.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [location.pathname]);
  const onSignOut = async () => {
    try {
      await signOut();
      notify("info", t("auth.signedOut"));
    } catch (error) {
      notify("error", t("auth.signOutFailed", { reason: describeError(error, t) }));
    }
    navigate("/signin");
  };
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">✓</span>
        <span>{t("app.name")}</span>
      </div>
      {user && (
        <nav aria-label={t("nav.label")} className="main-nav" ref={nav}>
          {NAV.filter((item) => item.show(user)).map((item) => (
            <NavLink key={item.to} to={item.to}>
              {t(item.label)}
            </NavLink>
          ))}
          <NotificationsLink userId={user.id} />
        </nav>
      )}
      <div className="header-tools">
        <label className="lang-switch">
          <span className="visually-hidden">{t("lang.label")}</span>
          <select value={lang} onChange={(event) => setLang(event.target.value as "zh-CN" | "en")}>
            <option value="zh-CN">{t("lang.zh")}</option>
            <option value="en">{t("lang.en")}</option>
          </select>
        </label>
        {user && (
          <div className="user-box" data-testid="current-user">
            <span className="user-name">{user.display_name}</span>
            <span className="user-groups" aria-label={t("auth.groups")}>
              {user.groups.map((group) => (
                <span key={group} className="chip">
                  {groupName(group, t)}
                </span>
              ))}
            </span>
            <Link className="btn btn-quiet" to="/password">{t("password.link")}</Link>
            <button type="button" className="btn btn-quiet" onClick={onSignOut}>
              {t("auth.signOut")}
            </button>
          </div>
        )}
      </div>
    </header>
  );
}

/** "通知" with the number that arrived since I last opened the list (polled every 30 s). */
function NotificationsLink({ userId }: { userId: number }) {
  const { t } = useI18n();
  const [items, setItems] = useState<AppNotification[]>([]);
  const [seen, setSeen] = useState(() => lastSeen(userId));
  usePolling(async (signal) => {
    setItems((await apiCalls.notifications({ per_page: 50 }, signal)).items);
  }, 30_000, [userId]);
  useEffect(() => {
    const update = () => setSeen(lastSeen(userId));
    window.addEventListener(SEEN_EVENT, update);
    return () => window.removeEventListener(SEEN_EVENT, update);
  }, [userId]);
  const count = unreadCount(items, seen);
  return (
    // Named by its content, not an aria-label, so the visible text stays part of the name.
    <NavLink to="/notifications">
      <span aria-hidden={count > 0 ? true : undefined}>{t("notifications.nav")}</span>
      {count > 0 && <span className="badge badge-overdue nav-count" data-testid="unread-count" aria-hidden="true">{count}</span>}
      {count > 0 && <span className="visually-hidden">{t("notifications.navUnread", { count })}</span>}
    </NavLink>
  );
}

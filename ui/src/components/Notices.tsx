// Messages for the user (success, failure) in one polite live region, so screen readers hear
// them too. Errors stay until dismissed; successes fade after a while.
import { createContext, useCallback, useContext, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { useI18n } from "../i18n";

export type NoticeKind = "success" | "error" | "info";
interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

interface Notices {
  notify: (kind: NoticeKind, text: string) => void;
  dismissAll: () => void;
}

const NoticeContext = createContext<Notices | null>(null);

export function NoticeProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (kind: NoticeKind, text: string) => {
      const id = next.current++;
      setNotices((all) => [...all.filter((n) => n.text !== text), { id, kind, text }].slice(-4));
      if (kind !== "error") window.setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const dismissAll = useCallback(() => setNotices([]), []);
  const value = useMemo(() => ({ notify, dismissAll }), [notify, dismissAll]);
  return (
    <NoticeContext.Provider value={value}>
      {children}
      <div className="notices" aria-live="polite" aria-relevant="additions">
        {notices.map((notice) => (
          <div key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
            <span>{notice.text}</span>
            <button type="button" className="notice-close" onClick={() => dismiss(notice.id)} aria-label={t("action.dismiss")}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

export function useNotices(): Notices {
  const value = useContext(NoticeContext);
  if (!value) throw new Error("useNotices outside NoticeProvider");
  return value;
}

// Page frame: skip link, header, and a main region that takes focus on navigation so
// keyboard and screen-reader users start at the new page's heading.
import { Suspense, useEffect, useRef } from "react";
import { Outlet, useLocation } from "react-router";
import { useI18n } from "../i18n";
import { ErrorBoundary } from "./ErrorBoundary";
import { Loading } from "./Feedback";
import { Header } from "./Header";

export function Layout() {
  const { t } = useI18n();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [location.pathname]);
  return (
    <>
      <a href="#main" className="skip-link">
        {t("app.skipToContent")}
      </a>
      <Header />
      <main id="main" ref={main} tabIndex={-1}>
        <ErrorBoundary key={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}

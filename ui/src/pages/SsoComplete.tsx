// Back from the campus sign-on (统一身份认证): the service put a token in the URL fragment
// (never sent to a server); keep it as after a password sign-in and go home.
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { homeFor } from "../auth/AuthContext";
import { session } from "../auth/session";
import { useI18n } from "../i18n";
import type { Actor } from "../api/types";

export function SsoComplete() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const token = fragment.get("access_token");
    const expiresAt = fragment.get("expires_at");
    window.history.replaceState(null, "", window.location.pathname); // the token leaves the URL
    if (!token || !expiresAt) {
      setError("access_token");
      return;
    }
    fetch("/api/v1/me", { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } })
      .then(async (answer) => {
        if (!answer.ok) throw new Error(String(answer.status));
        const user = (await answer.json()) as Actor;
        session.start(token, expiresAt, user, true);
        navigate(homeFor(user), { replace: true });
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  }, [navigate]);
  return (
    <section className="page signin-page">
      <div className="card signin-card">
        {error ? (
          <>
            <p className="error-box" role="alert">{t("auth.ssoFailed", { reason: error })}</p>
            <Link to="/signin">{t("auth.backToSignIn")}</Link>
          </>
        ) : (
          <p role="status">{t("auth.ssoFinishing")}</p>
        )}
      </div>
    </section>
  );
}

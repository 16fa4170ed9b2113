// Sign-in: user name and password; after it, back to where the user was going.
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { homeFor, useAuth } from "../auth/AuthContext";
import { useI18n } from "../i18n";
import { describeError } from "../lib/problems";
import { ApiError } from "../api/client";
import { apiCalls } from "../api/endpoints";

export function SignIn() {
  const { t } = useI18n();
  const { user, signIn, expired } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [campus, setCampus] = useState<{ label: string; start_url: string } | null>(null);
  useEffect(() => {
    // The campus sign-on's button, when one is configured (otherwise passwords only).
    apiCalls.singleSignOn().then(
      (sso) => setCampus(sso.enabled && sso.label && sso.start_url ? { label: sso.label, start_url: sso.start_url } : null),
      () => setCampus(null));
  }, []);
  const next = params.get("next");
  const safeNext = next && next.startsWith("/") && !next.startsWith("//") ? next : null;
  if (user && !busy) return <Navigate to={safeNext ?? homeFor(user)} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError(t("auth.missing"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const actor = await signIn(username.trim(), password);
      navigate(safeNext ?? homeFor(actor), { replace: true });
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? t("auth.badCredentials") : describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page signin-page">
      <div className="card signin-card">
        <h1>{t("auth.title")}</h1>
        <p className="muted">{t("auth.intro")}</p>
        {expired && !error && (
          <p className="info-box" role="status">
            {t("auth.expired")}
          </p>
        )}
        <form onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="username">{t("auth.username")}</label>
            <input id="username" name="username" autoComplete="username" value={username}
              onChange={(event) => setUsername(event.target.value)} required autoFocus
              aria-invalid={error ? true : undefined} aria-describedby={error ? "signin-error" : undefined} />
          </div>
          <div className="field">
            <label htmlFor="password">{t("auth.password")}</label>
            <input id="password" name="password" type="password" autoComplete="current-password" value={password}
              onChange={(event) => setPassword(event.target.value)} required
              aria-invalid={error ? true : undefined} aria-describedby={error ? "signin-error" : undefined} />
          </div>
          {error && (
            <p id="signin-error" className="error-box" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t("auth.signingIn") : t("auth.signIn")}
          </button>
        </form>
        {campus && (
          <>
            <p className="muted signin-or">{t("auth.or")}</p>
            <a className="btn btn-secondary btn-block" href={campus.start_url}>{campus.label}</a>
          </>
        )}
        <p className="small signin-verify"><Link to="/activate">{t("activate.link")}</Link></p>
        <p className="small signin-verify"><Link to="/verify">{t("auth.verifyLink")}</Link></p>
        <p className="small signin-verify"><Link to="/notice">{t("auth.noticeLink")}</Link></p>
      </div>
    </section>
  );
}

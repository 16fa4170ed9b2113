// Activate an account with the one-time code a class teacher or administrator handed over:
// sign-in name (user name, 学号 or 工号), the code and a password of one's own; then signed in.
// Public, and laid out for a phone: most people do this on theirs.
import { useState } from "react";
import type { FormEvent, InputHTMLAttributes } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { ApiError } from "../api/client";
import { homeFor, useAuth } from "../auth/AuthContext";
import { useNotices } from "../components/Notices";
import { TextField } from "../components/TextField";
import { useI18n } from "../i18n";
import { describeError } from "../lib/problems";

type Field = "username" | "code" | "new" | "repeat";

export default function Activate() {
  const { t } = useI18n();
  const { user, activate } = useAuth();
  const { notify } = useNotices();
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<Field, string>>({ username: "", code: "", new: "", repeat: "" });
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (user && !busy) return <Navigate to={homeFor(user)} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setGeneral(null);
    setErrors({});
    if (!values.username.trim() || !values.code.trim() || !values.new) {
      setGeneral(t("activate.missing"));
      return;
    }
    if (values.new !== values.repeat) {
      setErrors({ repeat: [t("password.mismatch")] });
      return;
    }
    setBusy(true);
    try {
      const actor = await activate(values.username.trim(), values.code.trim(), values.new);
      notify("success", t("activate.done"));
      navigate(homeFor(actor), { replace: true });
    } catch (failure) {
      const located = failure instanceof ApiError && failure.status === 422
        ? (failure.problem?.errors ?? []).filter((p) => p.pointer === "/new_password").map((p) => p.message)
        : [];
      if (located.length > 0) setErrors({ new: located });
      else if (failure instanceof ApiError && failure.slug === "activation-refused") setGeneral(failure.problem?.detail ?? t("activate.refused"));
      else setGeneral(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };

  const input = (field: Field, label: string, props: Omit<InputHTMLAttributes<HTMLInputElement>, "value">) => (
    <TextField {...props} id={`activate-${field}`} label={label} value={values[field]}
      onValue={(value) => setValues({ ...values, [field]: value })} problems={errors[field]} />
  );

  return (
    <section className="page signin-page">
      <div className="card signin-card">
        <h1>{t("activate.title")}</h1>
        <p className="muted">{t("activate.intro")}</p>
        <form onSubmit={onSubmit} noValidate>
          {input("username", t("activate.username"), { autoComplete: "username", autoFocus: true })}
          {input("code", t("activate.code"), {
            autoComplete: "one-time-code", autoCapitalize: "characters", autoCorrect: "off", spellCheck: false,
            placeholder: t("activate.codeHint"),
          })}
          <p className="muted small">{t("password.rules")}</p>
          {input("new", t("password.new"), { type: "password", autoComplete: "new-password" })}
          {input("repeat", t("password.repeat"), { type: "password", autoComplete: "new-password" })}
          {general && <p className="error-box" role="alert">{general}</p>}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t("activate.submitting") : t("activate.submit")}
          </button>
        </form>
        <p className="small signin-verify"><Link to="/signin">{t("activate.backToSignIn")}</Link></p>
      </div>
    </section>
  );
}

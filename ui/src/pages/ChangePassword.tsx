// Change one's own password; the only screen open after signing in with a password an
// administrator handed over (a new account, a reset), until the holder has chosen their own.
import { useState } from "react";
import type { FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/client";
import { homeFor, useAuth } from "../auth/AuthContext";
import { Loading } from "../components/Feedback";
import { useNotices } from "../components/Notices";
import { TextField } from "../components/TextField";
import { useI18n } from "../i18n";
import { describeError } from "../lib/problems";

type Field = "current" | "new" | "repeat";
const POINTERS: Record<string, Field> = { "/current_password": "current", "/new_password": "new" };

export default function ChangePassword() {
  const { t } = useI18n();
  const { user, restoring, changePassword } = useAuth();
  const { notify } = useNotices();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [values, setValues] = useState<Record<Field, string>>({ current: "", new: "", repeat: "" });
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!user && restoring) return <Loading />;
  if (!user) return <Navigate to="/signin?next=%2Fpassword" replace />;
  const next = params.get("next");
  const safeNext = next && next.startsWith("/") && !next.startsWith("//") && next !== "/password" ? next : null;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setGeneral(null);
    if (!values.current || !values.new) {
      setErrors({});
      setGeneral(t("password.missing"));
      return;
    }
    if (values.new !== values.repeat) {
      setErrors({ repeat: [t("password.mismatch")] });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const actor = await changePassword(values.current, values.new);
      notify("success", t("password.saved"));
      navigate(safeNext ?? homeFor(actor), { replace: true });
    } catch (failure) {
      const located: Partial<Record<Field, string[]>> = {};
      if (failure instanceof ApiError && failure.status === 422) {
        for (const problem of failure.problem?.errors ?? []) {
          const field = problem.pointer ? POINTERS[problem.pointer] : undefined;
          if (field) (located[field] ??= []).push(problem.message);
        }
      }
      setErrors(located);
      if (Object.keys(located).length === 0) setGeneral(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };

  const input = (field: Field, label: string, autoComplete: string) => (
    <TextField id={`password-${field}`} label={label} type="password" autoComplete={autoComplete}
      value={values[field]} onValue={(value) => setValues({ ...values, [field]: value })}
      problems={errors[field]} />
  );

  return (
    <section className="page signin-page">
      <div className="card signin-card">
        <h1>{t("password.title")}</h1>
        {user.must_change_password && <p className="info-box" role="status">{t("password.forced")}</p>}
        <p className="muted small">{t("password.rules")}</p>
        <form onSubmit={onSubmit} noValidate>
          {input("current", t("password.current"), "current-password")}
          {input("new", t("password.new"), "new-password")}
          {input("repeat", t("password.repeat"), "new-password")}
          {general && <p className="error-box" role="alert">{general}</p>}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t("password.saving") : t("password.save")}
          </button>
        </form>
      </div>
    </section>
  );
}

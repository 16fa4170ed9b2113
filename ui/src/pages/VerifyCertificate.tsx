// Public certificate check (no sign-in): a certificate number and the holder's name, answered
// as valid / revoked / reissued / not found. The API gives the same answer for an unknown
// number and a wrong name (docs/certificates.md), and so does this page.
import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { certificateCalls } from "../api/audit";
import type { CertificateCheck } from "../api/audit";
import { ErrorText } from "../components/Feedback";
import { useI18n } from "../i18n";
import "./verify.css";

const NUMBER = /^[A-Za-z0-9]{6}\d{4}[1-5]\d{6}$/;

export default function VerifyCertificate() {
  const { t, formatDate } = useI18n();
  // A link from 我的申请 names the number (?certificate_no=…); the holder's name is still typed.
  const [number, setNumber] = useState(() => new URLSearchParams(window.location.search).get("certificate_no") ?? "");
  // The QR code on a printed certificate opens /certificates/verify?certificate_no=…&holder_name=…:
  // both filled in, and answered at once.
  const [name, setName] = useState(() => new URLSearchParams(window.location.search).get("holder_name") ?? "");
  const fromCode = useRef(Boolean(number && name));
  const [problem, setProblem] = useState<"number" | "name" | null>(null);
  const [result, setResult] = useState<CertificateCheck | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const resultRef = useRef<HTMLDivElement>(null);

  const check = async (event?: FormEvent) => {
    event?.preventDefault();
    const cleanNumber = number.replace(/\s+/g, "").toUpperCase();
    setResult(null);
    setError(null);
    if (!NUMBER.test(cleanNumber)) return setProblem("number");
    if (!name.trim()) return setProblem("name");
    setProblem(null);
    setBusy(true);
    try {
      setResult(await certificateCalls.verify(cleanNumber, name.trim()));
      window.setTimeout(() => resultRef.current?.focus(), 0);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (fromCode.current) void check();
    // Once, on arrival from a QR code.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const verdict = !result ? null : !result.match ? "notFound" : result.status === "valid" ? "valid" : result.status === "revoked" ? "revoked" : "reissued";
  const box = verdict === "valid" ? "success-box" : verdict === "notFound" ? "info-box" : "error-box";

  return (
    <section className="page verify-page">
      <div className="card verify-card">
        <h1>{t("verify.title")}</h1>
        <p className="muted">{t("verify.intro")}</p>
        {fromCode.current && <p className="small muted" data-testid="verify-prefilled">{t("verify.prefilled")}</p>}
        <form onSubmit={check} noValidate>
          <div className="field">
            <label htmlFor="cert-no">{t("verify.number")}</label>
            <input id="cert-no" name="certificate_no" value={number} inputMode="text" autoCapitalize="characters"
              autoComplete="off" spellCheck={false} maxLength={40} onChange={(e) => setNumber(e.target.value)}
              aria-invalid={problem === "number" || undefined} aria-describedby={problem === "number" ? "cert-no-error cert-no-help" : "cert-no-help"} />
            <span id="cert-no-help" className="small muted">{t("verify.numberHelp")}</span>
            {problem === "number" && <p id="cert-no-error" className="field-error" role="alert">{t("verify.numberInvalid")}</p>}
          </div>
          <div className="field">
            <label htmlFor="cert-name">{t("verify.name")}</label>
            <input id="cert-name" name="holder_name" value={name} autoComplete="off" maxLength={64}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={problem === "name" || undefined} aria-describedby={problem === "name" ? "cert-name-error" : undefined} />
            {problem === "name" && <p id="cert-name-error" className="field-error" role="alert">{t("verify.nameMissing")}</p>}
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{busy ? t("verify.checking") : t("verify.check")}</button>
        </form>
        <ErrorText error={error} onRetry={() => void check()} />
        <div ref={resultRef} tabIndex={-1} aria-live="polite" data-testid="verify-result" className="verify-result">
          {result && verdict && (
            <div className={box} data-verdict={verdict}>
              <p className="verify-verdict"><strong>{t(`verify.${verdict}`)}</strong></p>
              {result.match && (
                <dl className="verify-facts">
                  <div><dt>{t("verify.number")}</dt><dd>{result.certificate_no}</dd></div>
                  <div><dt>{t("verify.name")}</dt><dd>{result.holder_name}</dd></div>
                  <div><dt>{t("verify.occupation")}</dt><dd>{result.occupation}</dd></div>
                  <div><dt>{t("verify.level")}</dt><dd>{result.level_name}</dd></div>
                  <div><dt>{t("verify.issuedOn")}</dt><dd>{formatDate(result.issued_on)}</dd></div>
                  {result.replaced_by && <div><dt>{t("verify.replacedBy")}</dt><dd>{result.replaced_by}</dd></div>}
                </dl>
              )}
              {!result.match && <p>{t("verify.notFoundHelp")}</p>}
            </div>
          )}
        </div>
        <p className="small"><Link to="/signin">{t("verify.toSignIn")}</Link></p>
      </div>
    </section>
  );
}

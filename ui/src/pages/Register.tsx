// 证书管理: the certificate register for its keepers (证书管理员, 质量监督小组, 领导小组,
// administrators, auditors): search by number or name, filter by status and level, open an
// entry with its history, download or print it as a PDF whose QR code opens the public check,
// and start a reissue (补发) or a revocation (撤销) of it.
import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { certificateCalls, type RegisterEntry } from "../api/audit";
import { useAuth } from "../auth/AuthContext";
import { Empty, ErrorText, Loading } from "../components/Feedback";
import { maybeKey, useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { useDownload } from "../lib/useDownload";

const PER_PAGE = 20;
const STATUSES = ["valid", "revoked", "reissued"] as const;

function CertificateStatus({ status }: { status: string }) {
  const { t } = useI18n();
  const key = maybeKey(`register.status.${status}`);
  return <span className={`badge badge-cert-${status}`}>{key ? t(key) : status}</span>;
}

export default function Register() {
  const { t, formatDate } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const status = params.get("status") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [typed, setTyped] = useState(q);
  const { data, error, loading, reload } = useLoad(
    (signal) => certificateCalls.register({ q: q || undefined, status: status || undefined, page, per_page: PER_PAGE }, signal),
    [q, status, page],
  );
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next, { replace: true });
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    set({ q: typed.trim() });
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PER_PAGE)) : 1;
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("register.title")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <p className="muted">{t("register.intro")}</p>
      <form className="filter-grid" role="search" onSubmit={search}>
        <div className="field">
          <label htmlFor="register-q">{t("register.search")}</label>
          <input id="register-q" type="search" value={typed} placeholder={t("register.searchHint")} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="register-status">{t("register.statusLabel")}</label>
          <select id="register-status" value={status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">{t("common.any")}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`register.status.${s}`)}</option>)}
          </select>
        </div>
        <div className="field field-actions">
          <button type="submit" className="btn btn-primary">{t("register.searchButton")}</button>
        </div>
      </form>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.items.length === 0 && <Empty text={t("register.empty")} />}
      {data && data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table stack" data-testid="register-table">
              <thead>
                <tr>
                  <th scope="col">{t("register.number")}</th>
                  <th scope="col">{t("register.holder")}</th>
                  <th scope="col">{t("register.occupation")}</th>
                  <th scope="col">{t("register.level")}</th>
                  <th scope="col">{t("register.issuedOn")}</th>
                  <th scope="col">{t("register.statusLabel")}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((entry: RegisterEntry) => (
                  <tr key={entry.certificate_no}>
                    <td data-label={t("register.number")}><Link to={`/certificates/${entry.certificate_no}`}>{entry.certificate_no}</Link></td>
                    <td data-label={t("register.holder")}>{entry.holder_name}</td>
                    <td data-label={t("register.occupation")}>{entry.occupation}</td>
                    <td data-label={t("register.level")}>{entry.level_name ?? entry.level}</td>
                    <td data-label={t("register.issuedOn")}>{formatDate(entry.issued_on)}</td>
                    <td data-label={t("register.statusLabel")}><CertificateStatus status={entry.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t("instances.pages")}>
            <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => set({ page: String(page - 1) })}>{t("instances.prev")}</button>
            <span>{t("instances.pageOf", { page, pages, total: data.total })}</span>
            <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => set({ page: String(page + 1) })}>{t("instances.next")}</button>
          </nav>
        </>
      )}
    </section>
  );
}

export function RegisterEntryPage() {
  const { certificateNo = "" } = useParams();
  const { t, formatDate, formatDateTime } = useI18n();
  const { user } = useAuth();
  const { data, error, loading, reload } = useLoad((signal) => certificateCalls.entry(certificateNo, signal), [certificateNo]);
  const { busy, saved, error: downloadError, run, download } = useDownload();
  const downloadPdf = () => download(() => certificateCalls.pdf(certificateNo));
  const printPdf = () =>
    run(async () => {
      const { blob } = await certificateCalls.pdf(certificateNo);
      const url = URL.createObjectURL(blob);
      window.open(url, "_blank", "noopener");
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return null;
    });
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorText error={error} onRetry={reload} />;
  const verifyLink = `/certificates/verify?${new URLSearchParams({ certificate_no: data.certificate_no, holder_name: data.holder_name })}`;
  const rows: [string, React.ReactNode][] = [
    [t("register.holder"), data.holder_name],
    [t("register.idNumber"), data.id_number],
    [t("register.occupation"), data.occupation],
    [t("register.level"), data.level_name ?? String(data.level)],
    [t("register.session"), data.exam_session ?? "—"],
    [t("register.issuedOn"), formatDate(data.issued_on)],
    [t("register.statusLabel"), <CertificateStatus key="s" status={data.status} />],
  ];
  if (data.replaces) rows.push([t("register.replaces"), <Link key="r" to={`/certificates/${data.replaces}`}>{data.replaces}</Link>]);
  if (data.replaced_by) rows.push([t("register.replacedBy"), <Link key="b" to={`/certificates/${data.replaced_by}`}>{data.replaced_by}</Link>]);
  if (data.revoked_reason) rows.push([t("register.revokedReason"), data.revoked_reason]);
  if (data.source_instance_id !== null) rows.push([t("register.case"), <Link key="c" to={`/cases/${data.source_instance_id}`}>{data.business_key ?? data.source_instance_id}</Link>]);
  return (
    <section className="page">
      <p className="back-link"><Link to="/certificates">{t("register.back")}</Link></p>
      <div className="page-head">
        <h1>{t("register.entryTitle", { number: data.certificate_no })}</h1>
      </div>
      <div className="card">
        <dl className="kv" data-testid="register-entry">
          {rows.map(([label, value]) => (
            <div key={label} className="kv-row"><dt>{label}</dt><dd>{value}</dd></div>
          ))}
        </dl>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={downloadPdf} disabled={busy} data-testid="download-pdf">{t("register.downloadPdf")}</button>
          <button type="button" className="btn" onClick={printPdf} disabled={busy}>{t("register.print")}</button>
          <Link className="btn btn-quiet" to={verifyLink}>{t("register.publicCheck")}</Link>
        </div>
        <ErrorText error={downloadError} />
        {saved && <p className="muted small" role="status">{t("register.saved", { file: saved })}</p>}
      </div>
      {data.status === "valid" && (
        <div className="card">
          <h2>{t("register.changeTitle")}</h2>
          <p className="muted small">{t("register.changeHelp")}</p>
          {/* Only the 质量监督小组 proposes a revocation; a reissue is filed by the holder. */}
          {user?.groups.includes("quality_supervisor") && (
            <div className="actions">
              <Link className="btn btn-danger" to={`/apply/certification_revocation?${new URLSearchParams({ certificate_no: data.certificate_no })}`}>{t("register.revoke")}</Link>
            </div>
          )}
        </div>
      )}
      <div className="card">
        <h2>{t("register.history")}</h2>
        <ol className="timeline" data-testid="register-history">
          {data.events.map((event, index) => {
            const key = maybeKey(`register.event.${event.kind}`);
            return <li key={index}><span className="muted small">{formatDateTime(event.at)}</span> {key ? t(key) : event.kind}</li>;
          })}
        </ol>
      </div>
    </section>
  );
}

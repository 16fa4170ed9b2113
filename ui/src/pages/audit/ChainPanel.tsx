// Is the record intact? This instance's own hash chain (from the timeline), the whole trail on
// demand (GET /audit/verify walks every chain and anchor; the API has no per-instance filter),
// and the signed export of this instance as a zip file.
import { useState } from "react";
import { auditCalls } from "../../api/audit";
import type { ChainState, VerifyReport } from "../../api/audit";
import { ErrorText } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useDownload } from "../../lib/useDownload";

export function ChainPanel({ chain }: { chain: ChainState }) {
  const { t, formatDateTime } = useI18n();
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await auditCalls.verify());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const broken = report?.first_broken;
  return (
    <section aria-labelledby="chain-heading" className="card">
      <h2 id="chain-heading">{t("audit.chain")}</h2>
      <h3>{t("audit.chainInstance")}</h3>
      {chain.intact ? (
        <p className="success-box" data-testid="chain-instance">{t("audit.chainIntact")}</p>
      ) : (
        <p className="error-box" data-testid="chain-instance">
          {chain.first_broken ? t("audit.chainBrokenAt", { seq: chain.first_broken.seq, problem: chain.first_broken.problem }) : t("audit.chainBroken")}
        </p>
      )}
      <h3>{t("audit.chainAll")}</h3>
      <p className="muted small">{t("audit.chainAllHelp")}</p>
      <button type="button" className="btn" onClick={verify} disabled={busy}>{busy ? t("audit.verifying") : t("audit.verify")}</button>
      <ErrorText error={error} onRetry={verify} />
      <div role="status" data-testid="chain-all">
        {report && report.ok && (
          <p className="success-box">{t("audit.verifyOk", { instances: report.instances_checked, events: report.events_checked, anchors: report.anchors_checked })}</p>
        )}
        {report && !report.ok && (
          <p className="error-box">
            {t("audit.verifyBroken", {
              scope: broken?.scope ?? "",
              instance: broken?.instance_id ?? "—",
              seq: broken?.seq ?? "—",
              problem: broken?.problem ?? "",
              count: report.findings.length,
            })}
          </p>
        )}
        {report?.latest_anchor && (
          <p className="muted small">{t("audit.latestAnchor", { id: report.latest_anchor.id, at: formatDateTime(report.latest_anchor.created_at), hash: report.latest_anchor.hash.slice(0, 16) })}</p>
        )}
      </div>
    </section>
  );
}

/** Download this instance's signed export (a zip) with the bearer token; errors are shown. */
export function ExportButton({ instanceId }: { instanceId: number }) {
  const { t } = useI18n();
  const { busy, saved, error, download } = useDownload();
  const run = () => download(() => auditCalls.exportInstance(instanceId));
  return (
    <div className="export-box">
      <button type="button" className="btn btn-primary" onClick={run} disabled={busy} data-testid="export-button">
        {busy ? t("audit.exporting") : t("audit.export")}
      </button>
      <ErrorText error={error} onRetry={run} />
      {saved && <p className="muted small" role="status">{t("audit.exported", { file: saved })}</p>}
    </div>
  );
}

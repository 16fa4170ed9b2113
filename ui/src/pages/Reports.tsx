// 统计报表: certification reports drawn as charts — pass rate per occupation and level, running
// cases per step, overdue tasks per group — with the case counts and session table, and the
// downloads (one .xlsx workbook, or each report as CSV with Chinese headers).
import { reportCalls } from "../api/reports";
import { BarChart } from "../components/BarChart";
import { Empty, ErrorText, Loading } from "../components/Feedback";
import { maybeKey, useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";
import { groupName } from "../lib/problems";
import { useDownload } from "../lib/useDownload";

const CSV = [
  ["certification/pass-rates", "reports.passRates"],
  ["certification/steps", "reports.steps"],
  ["tasks/overdue", "reports.overdue"],
  ["certification/cases", "reports.cases"],
  ["certification/sessions", "reports.sessions"],
] as const;

function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`;
}

export default function Reports() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad(async (signal) => {
    const [passRates, steps, overdue, cases, sessions] = await Promise.all([
      reportCalls.passRates(signal), reportCalls.steps(signal), reportCalls.overdue(signal),
      reportCalls.cases(signal), reportCalls.sessions(signal)]);
    return { passRates, steps, overdue, cases, sessions };
  }, []);
  const { busy, saved, error: downloadError, download: fetchFile } = useDownload();
  const statusWord = (status: string) => {
    const key = maybeKey(`reports.status.${status}`);
    return key ? t(key) : status;
  };
  return (
    <section className="page reports-page">
      <div className="page-head">
        <h1>{t("reports.title")}</h1>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      <div className="card">
        <h2>{t("reports.download")}</h2>
        <div className="button-row">
          <button type="button" className="btn btn-primary" disabled={busy} data-testid="download-xlsx" onClick={() => fetchFile(reportCalls.workbook)}>{t("reports.xlsx")}</button>
          {CSV.map(([name, label]) => (
            <button key={name} type="button" className="btn btn-small" disabled={busy} onClick={() => fetchFile(() => reportCalls.csv(name))}>{t("reports.csvOf", { report: t(label) })}</button>
          ))}
        </div>
        <ErrorText error={downloadError} />
        {saved && <p className="muted small" role="status">{t("reports.saved", { file: saved })}</p>}
      </div>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && (
        <div className="report-grid">
          <section className="card" aria-labelledby="r-pass">
            <h2 id="r-pass">{t("reports.passRates")}</h2>
            {data.passRates.length === 0 ? <Empty text={t("reports.none")} /> : (
              <BarChart label={t("reports.passRates")} testId="chart-pass-rates" max={1}
                bars={data.passRates.map((row) => ({
                  label: `${row.occupation} · ${row.level_name ?? row.level ?? ""}`,
                  value: row.pass_rate ?? 0,
                  text: t("reports.passText", { rate: percent(row.pass_rate), passed: row.passed, scored: row.scored }),
                  tone: (row.pass_rate ?? 0) >= 0.6 ? "ok" : "warn",
                }))} />
            )}
          </section>
          <section className="card" aria-labelledby="r-steps">
            <h2 id="r-steps">{t("reports.steps")}</h2>
            {data.steps.length === 0 ? <Empty text={t("reports.none")} /> : (
              <BarChart label={t("reports.steps")} testId="chart-steps"
                bars={data.steps.map((row) => ({ label: row.step, value: row.cases, text: t("reports.casesText", { count: row.cases }) }))} />
            )}
          </section>
          <section className="card" aria-labelledby="r-overdue">
            <h2 id="r-overdue">{t("reports.overdue")}</h2>
            {data.overdue.length === 0 ? <Empty text={t("reports.noOverdue")} /> : (
              <BarChart label={t("reports.overdue")} testId="chart-overdue"
                bars={data.overdue.map((row) => ({ label: row.candidate_group ? groupName(row.candidate_group, t) : "—", value: row.overdue, text: t("reports.tasksText", { count: row.overdue }), tone: "bad" }))} />
            )}
          </section>
          <section className="card" aria-labelledby="r-cases">
            <h2 id="r-cases">{t("reports.cases")}</h2>
            {data.cases.length === 0 ? <Empty text={t("reports.none")} /> : (
              <div className="table-wrap">
                <table className="table stack">
                  <thead><tr><th scope="col">{t("register.occupation")}</th><th scope="col">{t("register.level")}</th><th scope="col">{t("reports.statusLabel")}</th><th scope="col">{t("reports.count")}</th></tr></thead>
                  <tbody>
                    {data.cases.map((row, index) => (
                      <tr key={index}>
                        <td data-label={t("register.occupation")}>{row.occupation}</td>
                        <td data-label={t("register.level")}>{row.level_name ?? row.level}</td>
                        <td data-label={t("reports.statusLabel")}>{statusWord(row.status)}</td>
                        <td data-label={t("reports.count")}>{row.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card" aria-labelledby="r-sessions">
            <h2 id="r-sessions">{t("reports.sessions")}</h2>
            {data.sessions.length === 0 ? <Empty text={t("reports.none")} /> : (
              <div className="table-wrap">
                <table className="table stack">
                  <thead><tr><th scope="col">{t("reports.session")}</th><th scope="col">{t("reports.candidates")}</th><th scope="col">{t("reports.absent")}</th><th scope="col">{t("reports.passedOfScored")}</th><th scope="col">{t("reports.rate")}</th></tr></thead>
                  <tbody>
                    {data.sessions.map((row) => (
                      <tr key={row.exam_session}>
                        <td data-label={t("reports.session")}>{row.exam_session}</td>
                        <td data-label={t("reports.candidates")}>{row.candidates}</td>
                        <td data-label={t("reports.absent")}>{row.absent}</td>
                        <td data-label={t("reports.passedOfScored")}>{row.passed} / {row.scored}</td>
                        <td data-label={t("reports.rate")}>{percent(row.pass_rate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      )}
    </section>
  );
}

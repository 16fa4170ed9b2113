// Importing people from the school's sheets: upload, read the preview (rows to add, update,
// unchanged, and every problem with its row and column), then confirm; a large sheet is written
// in the background while a progress bar follows it (docs/onboarding.md).
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { peopleCalls } from "../../api/people";
import type { ImportJob, ImportPreview } from "../../api/people";
import { useI18n } from "../../i18n";
import { describeError } from "../../lib/problems";

const POLL_MS = 500;
const PHASES = {
  queued: "import.phase.queued", planning: "import.phase.planning", writing: "import.phase.writing",
  committing: "import.phase.committing", done: "import.phase.done",
} as const;

export default function ImportPeople() {
  const { t } = useI18n();
  const [kind, setKind] = useState("learners");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!preview || !job || job.state === "done" || job.state === "failed") return;
    const timer = window.setTimeout(() => {
      peopleCalls.confirmJob(preview.id).then(setJob, (failure: unknown) => setError(describeError(failure, t)));
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [job, preview, t]);

  const onPreview = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      setPreview(await peopleCalls.previewImport(kind, file));
    } catch (failure) {
      setPreview(null);
      setError(describeError(failure, t));
    } finally {
      setBusy(false);
    }
  };
  const onConfirm = async () => {
    if (!preview) return;
    setError(null);
    try {
      setJob(await peopleCalls.startConfirm(preview.id));
    } catch (failure) {
      setError(describeError(failure, t));
    }
  };
  const running = job !== null && (job.state === "queued" || job.state === "running");
  const summary = preview?.summary;
  return (
    <section className="page">
      <h1>{t("import.title")}</h1>
      <p className="muted">{t("import.intro")} <Link to="/admin/people">{t("people.title")}</Link></p>
      <form className="filter-grid" onSubmit={onPreview}>
        <div className="field">
          <label htmlFor="import-kind">{t("import.kind")}</label>
          <select id="import-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="learners">{t("import.learners")}</option>
            <option value="staff">{t("import.staff")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="import-file">{t("import.file")}</label>
          <input id="import-file" type="file" accept=".xlsx,.csv"
            onChange={(e) => { setFile(e.target.files?.[0] ?? null); setPreview(null); setJob(null); }} />
        </div>
        <div className="field">
          <button type="submit" className="btn btn-primary" disabled={!file || busy || running}>
            {busy ? t("import.reading") : t("import.preview")}
          </button>
        </div>
      </form>
      {error && <p className="error-box" role="alert">{error}</p>}
      {summary && (
        <div className="card" data-testid="import-preview">
          <p>{t("import.summary", { rows: summary.rows, add: summary.add, update: summary.update,
            unchanged: summary.unchanged, problems: summary.problems })}</p>
          {preview.problems.length > 0 && (
            <table className="data-table">
              <caption>{t("import.problems")}</caption>
              <thead><tr><th scope="col">{t("import.row")}</th><th scope="col">{t("import.column")}</th><th scope="col">{t("import.reason")}</th></tr></thead>
              <tbody>
                {preview.problems.slice(0, 100).map((problem) => (
                  <tr key={`${problem.row}-${problem.column}`}>
                    <td>{problem.row}</td><td>{problem.column}</td><td>{problem.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!job && (
            <button type="button" className="btn btn-primary" onClick={onConfirm} disabled={summary.problems > 0}>
              {summary.problems > 0 ? t("import.fixFirst") : t("import.confirm")}
            </button>
          )}
        </div>
      )}
      {job && (
        <div className="card" data-testid="import-progress">
          <label htmlFor="import-bar">{t(PHASES[job.phase as keyof typeof PHASES] ?? PHASES.queued)}</label>
          <progress id="import-bar" max={100} value={job.percent}>{job.percent}%</progress>
          <p role="status">{job.state === "done" && job.summary
            ? t("import.done", { add: job.summary.add, update: job.summary.update, changes: job.summary.changes ?? 0 })
            : t("import.rowsDone", { done: job.done, total: job.total, percent: job.percent })}</p>
          {job.state === "failed" && job.problem && <p className="error-box" role="alert">{job.problem.detail}</p>}
        </div>
      )}
    </section>
  );
}

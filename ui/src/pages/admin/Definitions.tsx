// Administrators' process catalogue: every process with all its versions, and the ways into
// the modeler, the DMN editor and the version comparison.
import { useState } from "react";
import { Link } from "react-router";
import { apiCalls } from "../../api/endpoints";
import type { Definition } from "../../api/types";
import { ErrorText, Empty, Loading } from "../../components/Feedback";
import { useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";

export function versionPath(d: Pick<Definition, "process_id" | "version">): string {
  return `/admin/definitions/${encodeURIComponent(d.process_id)}/versions/${d.version}`;
}

export default function Definitions() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad(async (signal) => {
    const latest = await apiCalls.definitions({}, signal);
    const all = await Promise.all(latest.map((d) => apiCalls.definitions({ process_id: d.process_id, all_versions: true }, signal)));
    return latest.map((d, i) => ({ latest: d, versions: all[i] }));
  }, []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("defs.title")}</h1>
        <Link className="btn btn-primary" to="/admin/definitions/new">{t("defs.newFromTemplate")}</Link>
        <button type="button" className="btn btn-quiet" onClick={reload}>{t("action.refresh")}</button>
      </div>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.length === 0 && <Empty text={t("defs.none")} />}
      {data?.map(({ latest, versions }) => <ProcessCard key={latest.process_id} latest={latest} versions={versions} />)}
    </section>
  );
}

function ProcessCard({ latest, versions }: { latest: Definition; versions: Definition[] }) {
  const { t, formatDateTime } = useI18n();
  const [a, setA] = useState(versions[1]?.version ?? latest.version);
  const [b, setB] = useState(latest.version);
  return (
    <section className="card process-card" aria-labelledby={`p-${latest.process_id}`} data-testid={`process-${latest.process_id}`}>
      <div className="page-head">
        <h2 id={`p-${latest.process_id}`}>{latest.name || latest.process_id}</h2>
        <span className="muted small">{latest.process_id}</span>
      </div>
      <div className="table-wrap">
        <table className="table stack">
          <caption className="visually-hidden">{t("defs.versionsOf", { name: latest.name || latest.process_id })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("defs.version")}</th>
              <th scope="col">{t("defs.deployedAt")}</th>
              <th scope="col">{t("defs.hash")}</th>
              <th scope="col">{t("defs.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((d) => (
              <tr key={d.version} data-testid={`version-${d.process_id}-${d.version}`}>
                <td data-label={t("defs.version")}>{t("case.versionN", { version: d.version })}{d.version === latest.version && <span className="badge badge-ready">{t("defs.latest")}</span>}</td>
                <td data-label={t("defs.deployedAt")}>{formatDateTime(d.deployed_at)}</td>
                <td data-label={t("defs.hash")}><code title={d.content_hash}>{d.content_hash.slice(0, 10)}</code></td>
                <td className="row-actions">
                  <Link className="btn btn-small" to={`${versionPath(d)}/model`}
                    aria-label={t("defs.openModelerFor", { version: d.version })}>{t("defs.openModeler")}</Link>
                  {d.file_names.filter((name) => name.endsWith(".dmn")).map((name) => (
                    <Link key={name} className="btn btn-small" to={`${versionPath(d)}/dmn/${encodeURIComponent(name)}`}
                      aria-label={t("defs.editDmnFor", { file: name, version: d.version })}>{t("defs.editDmn", { file: name })}</Link>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && (
        <form className="compare-form" onSubmit={(e) => e.preventDefault()}>
          <div className="field inline-field">
            <label htmlFor={`cmp-a-${latest.process_id}`}>{t("defs.compareFrom")}</label>
            <select id={`cmp-a-${latest.process_id}`} value={a} onChange={(e) => setA(Number(e.target.value))}>
              {versions.map((d) => <option key={d.version} value={d.version}>{t("case.versionN", { version: d.version })}</option>)}
            </select>
          </div>
          <div className="field inline-field">
            <label htmlFor={`cmp-b-${latest.process_id}`}>{t("defs.compareTo")}</label>
            <select id={`cmp-b-${latest.process_id}`} value={b} onChange={(e) => setB(Number(e.target.value))}>
              {versions.map((d) => <option key={d.version} value={d.version}>{t("case.versionN", { version: d.version })}</option>)}
            </select>
          </div>
          <Link className="btn btn-small" to={`/admin/definitions/${encodeURIComponent(latest.process_id)}/compare?a=${a}&b=${b}`}>
            {t("defs.compare")}
          </Link>
        </form>
      )}
    </section>
  );
}

// Compare two versions of a process: changed elements listed and highlighted on both
// diagrams (removed/changed on the older, added/changed on the newer), plus DMN and form changes.
import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { loadVersion } from "../../bpmn/bundle";
import { diffFiles, diffXml } from "../../bpmn/diff";
import type { ElementChange } from "../../bpmn/diff";
import { DiagramViewer } from "../../components/DiagramViewer";
import { ErrorText, Loading } from "../../components/Feedback";
import { maybeKey, useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";

export default function ComparePage() {
  const { processId = "" } = useParams();
  const [params] = useSearchParams();
  const { t } = useI18n();
  const a = Number(params.get("a"));
  const b = Number(params.get("b"));
  const { data, error, loading, reload } = useLoad(async () => {
    const [before, after] = await Promise.all([loadVersion(processId, a), loadVersion(processId, b)]);
    const files = diffFiles(before.bundle, after.bundle);
    const bpmn = diffXml(before.bundle[before.definition.bpmn_file] ?? "", after.bundle[after.definition.bpmn_file] ?? "");
    const dmn: Record<string, ElementChange[]> = {};
    for (const change of files) {
      if (change.file.endsWith(".dmn") && change.change === "changed") {
        dmn[change.file] = diffXml(before.bundle[change.file], after.bundle[change.file]);
      }
    }
    return { before, after, files, bpmn, dmn };
  }, [processId, a, b]);

  const markers = useMemo(() => {
    const older: Record<string, string[]> = {};
    const newer: Record<string, string[]> = {};
    for (const change of data?.bpmn ?? []) {
      if (change.change !== "added") older[change.id] = [`cf-${change.change}`];
      if (change.change !== "removed") newer[change.id] = [`cf-${change.change}`];
    }
    return { older, newer };
  }, [data]);

  const changeLabel = (change: string) => {
    const key = maybeKey(`compare.${change}`);
    return key ? t(key) : change;
  };
  const detailLabel = (detail: string) => {
    const key = maybeKey(`compare.detail.${detail}`);
    return key ? t(key) : detail;
  };

  return (
    <section className="page compare-page">
      <p className="back-link"><Link to="/admin/definitions">{t("defs.back")}</Link></p>
      <h1>{t("compare.title", { a, b })}</h1>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && (
        <>
          <section className="card" aria-labelledby="cmp-list">
            <h2 id="cmp-list">{t("compare.elements", { count: data.bpmn.length })}</h2>
            {data.bpmn.length === 0 ? <p className="muted">{t("compare.noElementChanges")}</p> : (
              <ChangeTable changes={data.bpmn} changeLabel={changeLabel} detailLabel={detailLabel} testId="bpmn-changes" />
            )}
            <p className="legend small">
              <span className="legend-added">{t("compare.added")}</span>
              <span className="legend-removed">{t("compare.removed")}</span>
              <span className="legend-changed">{t("compare.changed")}</span>
            </p>
          </section>
          <div className="two-col">
            <section className="card" aria-labelledby="cmp-a">
              <h2 id="cmp-a">{t("case.versionN", { version: a })}</h2>
              <DiagramViewer xml={data.before.bundle[data.before.definition.bpmn_file] ?? ""} markers={markers.older} height={360}
                description={t("compare.diagramOld", { version: a })} testId="compare-old" />
            </section>
            <section className="card" aria-labelledby="cmp-b">
              <h2 id="cmp-b">{t("case.versionN", { version: b })}</h2>
              <DiagramViewer xml={data.after.bundle[data.after.definition.bpmn_file] ?? ""} markers={markers.newer} height={360}
                description={t("compare.diagramNew", { version: b })} testId="compare-new" />
            </section>
          </div>
          <section className="card" aria-labelledby="cmp-files">
            <h2 id="cmp-files">{t("compare.files")}</h2>
            {data.files.length === 0 ? <p className="muted">{t("compare.noFileChanges")}</p> : (
              <ul data-testid="file-changes">
                {data.files.map((f) => <li key={f.file}><code>{f.file}</code> {changeLabel(f.change)}</li>)}
              </ul>
            )}
            {Object.entries(data.dmn).map(([file, changes]) => (
              <div key={file}>
                <h3>{file}</h3>
                <ChangeTable changes={changes} changeLabel={changeLabel} detailLabel={detailLabel} testId={`dmn-changes-${file}`} />
              </div>
            ))}
          </section>
        </>
      )}
    </section>
  );
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}…` : flat;
}

function ChangeTable({ changes, changeLabel, detailLabel, testId }: {
  changes: ElementChange[];
  changeLabel: (c: string) => string;
  detailLabel: (d: string) => string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table stack" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t("compare.element")}</th>
            <th scope="col">{t("compare.type")}</th>
            <th scope="col">{t("compare.change")}</th>
            <th scope="col">{t("compare.what")}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={`${c.change}-${c.id}`} className={`row-${c.change}`}>
              <td data-label={t("compare.element")}>{c.name ? <>{c.name} <code>{c.id}</code></> : <code>{c.id}</code>}</td>
              <td data-label={t("compare.type")}>{c.type}</td>
              <td data-label={t("compare.change")}>{changeLabel(c.change)}</td>
              <td data-label={t("compare.what")}>
                {c.details.map((detail) => {
                  const value = c.values?.[detail];
                  return (
                    <div key={detail} className="change-detail">
                      {value
                        ? t("compare.valueChange", { what: detailLabel(detail), before: shorten(value.before) || t("compare.empty"), after: shorten(value.after) || t("compare.empty") })
                        : detailLabel(detail)}
                    </div>
                  );
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

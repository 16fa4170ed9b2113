// Replay an instance to any event with a slider: the diagram shows the path taken up to that
// point and the task(s) open there, next to the process data as it was. The slider is a native
// range input (arrow keys, Page Up/Down, Home/End), with buttons for one event back or forward.
import { useEffect, useMemo, useState } from "react";
import { auditCalls } from "../../api/audit";
import type { TimelineEntry } from "../../api/audit";
import type { Bundle } from "../../bpmn/bundle";
import { gatewayChoices, replayMarkers, sequenceFlows } from "../../bpmn/replayPath";
import { DiagramViewer } from "../../components/DiagramViewer";
import { ErrorText, Loading, StatusBadge } from "../../components/Feedback";
import { maybeKey, useI18n } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { groupName } from "../../lib/problems";
import { AuditData } from "./AuditData";
import { clampSeq, nextInput } from "./auditFormat";

/** How long the slider must rest before the point is replayed (dragging fires many changes). */
const SETTLE_MS = 250;

interface Props {
  instanceId: number;
  events: TimelineEntry[];
  xml: string;
  bundle: Bundle;
  upto: number;
  onUpto: (seq: number) => void;
}

export function ReplayPanel({ instanceId, events, xml, bundle, upto, onUpto }: Props) {
  const { t, formatDateTime } = useI18n();
  const last = events.length ? events[events.length - 1].seq : 1;
  const [settled, setSettled] = useState(upto);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(upto), SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [upto]);
  const { data, error, loading, reload } = useLoad((signal) => auditCalls.replay(instanceId, settled, signal), [instanceId, settled]);
  const flows = useMemo(() => sequenceFlows(xml), [xml]);
  const markers = useMemo(() => data && replayMarkers(
    flows, data.path, data.open_tasks.map((task) => task.bpmn_id), gatewayChoices(events, data.upto)), [data, flows, events]);

  const event = events.find((e) => e.seq === upto);
  const describe = (entry: TimelineEntry | undefined) => {
    if (!entry) return "";
    const kind = maybeKey(`event.${entry.kind}`);
    return [kind ? t(kind) : entry.kind, entry.task_title ?? entry.task_name ?? ""].filter(Boolean).join(" · ");
  };
  const valueText = t("audit.sliderValue", { seq: upto, last, what: describe(event) });
  const set = (seq: number) => onUpto(clampSeq(seq, last));
  const prevInput = nextInput(events, upto, -1);
  const nextInputSeq = nextInput(events, upto, 1);
  const openTitles = data?.open_tasks.map((task) => task.title).join(t("common.listSeparator")) ?? "";
  const stale = loading || (data !== undefined && data.upto !== upto);

  return (
    <section aria-labelledby="replay-heading" className="card replay-card">
      <h2 id="replay-heading">{t("audit.replay")}</h2>
      <p className="muted small">{t("audit.replayHelp")}</p>
      <div className="replay-slider">
        <label htmlFor="replay-slider">{t("audit.sliderLabel")}</label>
        <input id="replay-slider" type="range" min={1} max={last} step={1} value={upto}
          aria-valuetext={valueText} onChange={(e) => set(Number(e.target.value))} data-testid="replay-slider" />
        <div className="replay-steps">
          <button type="button" className="btn btn-small" onClick={() => set(upto - 1)} disabled={upto <= 1}>{t("audit.prevEvent")}</button>
          <output htmlFor="replay-slider" className="replay-value" data-testid="replay-position">{valueText}</output>
          <button type="button" className="btn btn-small" onClick={() => set(upto + 1)} disabled={upto >= last}>{t("audit.nextEvent")}</button>
        </div>
        <div className="replay-steps">
          <button type="button" className="btn btn-small btn-quiet" disabled={prevInput === null}
            onClick={() => prevInput !== null && set(prevInput)}>{t("audit.prevInput")}</button>
          <button type="button" className="btn btn-small btn-quiet" disabled={nextInputSeq === null}
            onClick={() => nextInputSeq !== null && set(nextInputSeq)}>{t("audit.nextInput")}</button>
        </div>
        {event && <p className="muted small">{t("audit.eventAt", { time: formatDateTime(event.at), actor: event.actor?.display_name ?? t("audit.system") })}</p>}
      </div>
      <ErrorText error={error} onRetry={reload} />
      {!data && loading && <Loading />}
      {data && (
        <div aria-busy={stale} className={stale ? "replay-result stale" : "replay-result"}>
          <p role="status" className="small" data-testid="replay-state">
            {stale ? t("audit.replaying") : t("audit.replayedTo", { seq: data.upto })}
          </p>
          <dl className="facts">
            <div><dt>{t("cases.status")}</dt><dd><StatusBadge status={data.status} /></dd></div>
            <div>
              <dt>{t("audit.openAtPoint")}</dt>
              <dd data-testid="replay-open-tasks">
                {data.open_tasks.length === 0 ? t("audit.noneOpen") : data.open_tasks.map((task) => (
                  <span key={task.bpmn_id} className="open-task">
                    {task.title}{task.group && <span className="muted"> {t("audit.forGroup", { group: groupName(task.group, t) })}</span>}
                  </span>
                ))}
              </dd>
            </div>
          </dl>
          {data.error && <p className="error-box" role="alert">{t("case.failed", { detail: String(data.error.message ?? JSON.stringify(data.error)) })}</p>}
          {data.integrity.checked && data.integrity.matches === false && (
            <p className="error-box" role="alert" data-testid="replay-integrity">{t("audit.integrityMismatch", { count: data.integrity.differences.length })}</p>
          )}
          {data.integrity.checked && data.integrity.matches === true && (
            <p className="success-box" data-testid="replay-integrity">{t("audit.integrityOk")}</p>
          )}
          <div className="replay-layout">
            <div>
              <p className="legend small">
                <span className="legend-done">{t("audit.legendPath")}</span>
                <span className="legend-current">{t("audit.legendOpen")}</span>
              </p>
              <DiagramViewer xml={xml} markers={markers} testId="replay-diagram"
                description={openTitles ? t("audit.diagramAt", { seq: data.upto, steps: openTitles }) : t("audit.diagramAtNone", { seq: data.upto })} />
            </div>
            <div>
              <h3>{t("audit.dataAtPoint")}</h3>
              <AuditData data={data.data} bundle={bundle} testId="replay-data" />
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

// Every event of an instance in order: who, when, which task, what was submitted or decided.
// Each entry can be replayed to; the entry the slider stands on is marked as the current step.
import type { TimelineEntry } from "../../api/audit";
import type { Bundle } from "../../bpmn/bundle";
import { maybeKey, useI18n } from "../../i18n";
import { AuditData } from "./AuditData";

interface Props {
  events: TimelineEntry[];
  bundle: Bundle;
  upto: number;
  onUpto: (seq: number) => void;
}

export function TimelineList({ events, bundle, upto, onUpto }: Props) {
  const { t, formatDateTime } = useI18n();
  return (
    <section aria-labelledby="timeline-heading" className="card">
      <h2 id="timeline-heading">{t("audit.timeline")}</h2>
      <ol className="audit-timeline" data-testid="audit-timeline">
        {events.map((event) => {
          const kind = maybeKey(`event.${event.kind}`);
          const current = event.seq === upto;
          return (
            <li key={event.seq} className={current ? "current" : undefined} aria-current={current ? "step" : undefined}
              data-seq={event.seq} data-kind={event.kind}>
              <div className="audit-event-head">
                <span className="seq">#{event.seq}</span>
                <strong>{kind ? t(kind) : event.kind}</strong>
                {(event.task_title || event.task_name) && <span>{event.task_title ?? event.task_name}</span>}
                <span className="muted small">{formatDateTime(event.at)}</span>
                <span className="muted small">{event.actor ? event.actor.display_name : t("audit.system")}</span>
                <button type="button" className="btn btn-small btn-quiet" onClick={() => onUpto(event.seq)} aria-pressed={current}>
                  {t("audit.replayHere")}<span className="visually-hidden">{t("audit.replayToN", { seq: event.seq })}</span>
                </button>
              </div>
              {event.data && Object.keys(event.data).length > 0 && (
                <details>
                  <summary>{t("audit.submitted")}</summary>
                  <AuditData data={event.data} bundle={bundle} />
                </details>
              )}
              {event.outcome != null && (
                <p className="small audit-outcome">{t("audit.outcome")}: <code>{JSON.stringify(event.outcome)}</code></p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

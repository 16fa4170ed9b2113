// The facts a task declares as its summary (who asks and what: name, class, days, scores),
// shown on inbox cards, the task page and the batch panel.
import type { Task } from "../api/types";
import { useI18n } from "../i18n";

export function TaskSummary({ task, inline = false }: { task: Pick<Task, "summary">; inline?: boolean }) {
  const { t } = useI18n();
  const items = task.summary ?? [];
  if (!items.length) return null;
  if (inline) {
    return (
      <span className="task-summary-inline" data-testid="task-summary">
        {items.map((item) => <span key={item.label}>{t("summary.item", { label: item.label, value: item.value })}</span>)}
      </span>
    );
  }
  return (
    <dl className="task-summary" data-testid="task-summary">
      {items.map((item) => (
        <div key={item.label}><dt>{item.label}</dt><dd>{item.value}</dd></div>
      ))}
    </dl>
  );
}

// Process data for auditors: every key, not only the form fields (decisions and routes matter
// here), named by the form title where one exists. Masked values are shown as the API sent them.
import { displayValue, fieldLabels } from "../../bpmn/bundle";
import type { Bundle } from "../../bpmn/bundle";
import { useI18n } from "../../i18n";

export function AuditData({ data, bundle, testId }: { data: Record<string, unknown> | null | undefined; bundle: Bundle; testId?: string }) {
  const { t, formatDateTime } = useI18n();
  const labels = fieldLabels(bundle);
  const rows = Object.entries(data ?? {});
  if (!rows.length) return <p className="muted" data-testid={testId}>{t("case.noData")}</p>;
  return (
    <dl className="data-list audit-data" data-testid={testId}>
      {rows.map(([name, value]) => (
        <div key={name} className="data-row">
          <dt>{labels[name]?.title ?? name}{labels[name] && <span className="muted small"> ({name})</span>}</dt>
          <dd data-field={name}>{displayValue(value, labels[name]?.schema, [t("common.yes"), t("common.no")], formatDateTime)}</dd>
        </div>
      ))}
    </dl>
  );
}

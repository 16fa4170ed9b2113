// An instance's data as a labelled list: fields named by the process's forms, values as
// the forms show them (是/否, choice titles). Engine-internal variables are left out.
import { displayValue, fieldLabels } from "../bpmn/bundle";
import type { Bundle } from "../bpmn/bundle";
import { useI18n } from "../i18n";

export function CaseData({ data, bundle, testId }: { data: Record<string, unknown>; bundle: Bundle | undefined; testId?: string }) {
  const { t, formatDateTime } = useI18n();
  const labels = bundle ? fieldLabels(bundle) : {};
  const rows = Object.entries(data).filter(([name]) => labels[name]);
  if (!rows.length) return <p className="muted">{t("case.noData")}</p>;
  return (
    <dl className="data-list" data-testid={testId}>
      {rows.map(([name, value]) => (
        <div key={name} className="data-row">
          <dt>{labels[name].title}</dt>
          <dd data-field={name}>{displayValue(value, labels[name].schema, [t("common.yes"), t("common.no")], formatDateTime)}</dd>
        </div>
      ))}
    </dl>
  );
}

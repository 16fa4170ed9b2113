// 名录变更记录: the directory's history of the centre for administrators and auditors — who
// changed what, when, and the values before and after; a banner says whether the centre's hash
// chain still verifies.
import { directoryCalls } from "../../api/directory";
import type { DirectoryChange } from "../../api/directory";
import { Empty, ErrorText, Loading } from "../../components/Feedback";
import { maybeKey, useI18n } from "../../i18n";
import type { MessageKey, Translate } from "../../i18n";
import { useLoad } from "../../lib/hooks";
import { groupName } from "../../lib/problems";

export default function DirectoryHistory() {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => directoryCalls.history(null, signal), []);
  return (
    <section className="page">
      <h1>{t("history.title")}</h1>
      <p className="muted">{t("history.intro")}</p>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && (
        <p className={data.intact ? "info-box" : "error-box"} data-testid="history-intact">
          {data.intact ? t("history.intact", { total: String(data.total) })
            : t("history.broken", { seq: String(data.broken_at_seq ?? "") })}
        </p>
      )}
      {data && <ChangeList changes={data.changes} />}
    </section>
  );
}

/** One recorded value as a reader says it: a role or status by its name, yes/no, — for none. */
function shown(key: string, value: unknown, t: Translate): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return t(value ? "common.yes" : "common.no");
  if (key === "role") return groupName(String(value), t);
  const status = key === "status" ? maybeKey(`person.status.${String(value)}`) : undefined;
  if (status) return t(status);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** "姓名: 张三; 班级: 机电2301" — field names from the catalogue, internal ids left out. */
function values(value: Record<string, unknown> | null, t: Translate): string {
  if (!value) return "";
  return Object.entries(value).filter(([key]) => !key.endsWith("_id")).map(([key, v]) => {
    const label = maybeKey(`history.field.${key}`);
    return `${label ? t(label) : key}: ${shown(key, v, t)}`;
  }).join(t("history.separator"));
}

const kindOf = (kind: string) => maybeKey(`history.kind.${kind}`);

export function ChangeList({ changes }: { changes: DirectoryChange[] }) {
  const { t, formatDateTime } = useI18n();
  if (changes.length === 0) return <Empty text={t("history.none")} />;
  return (
    <div className="table-wrap">
      <table className="table stack" data-testid="directory-history">
        <thead>
          <tr>
            <th scope="col">{t("history.at")}</th>
            <th scope="col">{t("history.actor")}</th>
            <th scope="col">{t("history.kind")}</th>
            <th scope="col">{t("history.subject")}</th>
            <th scope="col">{t("history.before")}</th>
            <th scope="col">{t("history.after")}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.seq} data-kind={change.kind}>
              <td data-label={t("history.at")}>{formatDateTime(change.at)}</td>
              <td data-label={t("history.actor")}>{change.actor_name ?? (change.import_id ? t("history.import", { id: String(change.import_id) }) : "")}</td>
              <td data-label={t("history.kind")}>{kindOf(change.kind) ? t(kindOf(change.kind) as MessageKey) : change.kind_name}</td>
              <td data-label={t("history.subject")}>{change.subject_name ?? ""}</td>
              <td data-label={t("history.before")} className="small">{values(change.before, t)}</td>
              <td data-label={t("history.after")} className="small">{values(change.after, t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

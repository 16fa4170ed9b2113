// The problems a validation or deployment found: file, line, element and message; those on a
// diagram element can be clicked to select it.
import { useI18n } from "../i18n";
import type { ProblemDetail } from "../api/types";

export function ProblemList({ problems, onSelect, nameOf }: {
  problems: ProblemDetail[];
  onSelect?: (problem: ProblemDetail) => void;
  nameOf?: (elementId: string) => string | undefined;
}) {
  const { t } = useI18n();
  if (!problems.length) return null;
  return (
    <div className="problem-list" role="alert" data-testid="problem-list">
      <h3>{t("model.problemsN", { count: problems.length })}</h3>
      <ul>
        {problems.map((problem, index) => {
          const where = [
            problem.file,
            problem.line ? t("model.line", { line: problem.line }) : null,
            problem.element_id ? (nameOf?.(problem.element_id) ? `${nameOf(problem.element_id)} (${problem.element_id})` : problem.element_id) : null,
          ].filter(Boolean).join(t("common.listSeparator"));
          return (
            <li key={index}>
              {problem.element_id && onSelect ? (
                <button type="button" className="link-button" onClick={() => onSelect(problem)}>{where}</button>
              ) : (
                <span className="problem-where">{where}</span>
              )}
              <span className="problem-message">{problem.message}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

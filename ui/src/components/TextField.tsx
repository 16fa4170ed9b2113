// One labelled text input with its server-located problems under it, tied to the input for
// screen readers (aria-describedby): the shape every small form of the app shares.
import type { InputHTMLAttributes } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange"> & {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  problems?: string[];
};

export function TextField({ id, label, value, onValue, problems, ...props }: Props) {
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} {...props} onChange={(event) => onValue(event.target.value)}
        aria-invalid={problems ? true : undefined} aria-describedby={problems ? errorId : undefined} />
      {problems && <p id={errorId} className="field-error" role="alert">{problems.join("；")}</p>}
    </div>
  );
}

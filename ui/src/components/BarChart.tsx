// A horizontal bar chart in plain HTML (no chart library): one labelled bar per row, its value
// written beside it, so it reads on a phone and to a screen reader (a list of label and value).
export interface Bar {
  label: string;
  value: number;
  /** What is written beside the bar (defaults to the value). */
  text?: string;
  tone?: "ok" | "warn" | "bad";
}

export function BarChart({ bars, max, label, testId }: { bars: Bar[]; max?: number; label: string; testId?: string }) {
  const top = max ?? Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <ul className="bar-chart" aria-label={label} data-testid={testId}>
      {bars.map((bar) => (
        <li key={bar.label} className="bar-row">
          <span className="bar-label">{bar.label}</span>
          <span className="bar-track" aria-hidden="true">
            <span className={`bar-fill bar-${bar.tone ?? "ok"}`} style={{ width: `${Math.max(0, Math.min(100, (bar.value / top) * 100))}%` }} />
          </span>
          <span className="bar-value">{bar.text ?? String(bar.value)}</span>
        </li>
      ))}
    </ul>
  );
}

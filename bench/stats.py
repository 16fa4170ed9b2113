"""Small statistics helpers: percentiles of one run, and median/min/max across repeated runs.

Every published figure is the median of the per-run values with the min-max beside it, so a
single noisy run (the machine is shared) shows up as a wide range instead of a wrong number.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); NaN for an empty sample."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summarize(latencies_s: Sequence[float], *, ops: int | None = None,
              wall_s: float | None = None) -> dict[str, float]:
    """One run: latency percentiles in ms and, with a wall time, throughput in ops/s."""
    ms = [v * 1000 for v in latencies_s]
    out = {
        "n": float(len(ms)),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
    }
    if wall_s:
        out["ops_per_s"] = (ops if ops is not None else len(ms)) / wall_s
    return out


def across_runs(runs: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric: median, min and max over runs (the figure and its range)."""
    keys = [k for k in runs[0] if all(k in r for r in runs)] if runs else []
    return {k: spread([r[k] for r in runs]) for k in keys}


def spread(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": [round(v, 4) for v in values]}  # type: ignore[dict-item]


def repeat(times: int, measure: Callable[[int], dict[str, float]]) -> dict[str, Any]:
    """Run ``measure(run_index)`` ``times`` times and fold the results."""
    return across_runs([measure(i) for i in range(times)])


def curve_median(curves: Sequence[Sequence[float]]) -> list[float]:
    """Point-wise median of equally long curves (one per run)."""
    length = min(len(c) for c in curves)
    return [statistics.median(c[i] for c in curves) for i in range(length)]


def window_median(curve: Sequence[float], k: int, half_width: int = 2) -> float:
    """Median of the curve around 1-based index ``k``: steadier than one point."""
    lo = max(0, k - 1 - half_width)
    hi = min(len(curve), k + half_width)
    return statistics.median(curve[lo:hi])

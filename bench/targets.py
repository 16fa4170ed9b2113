"""The issue's targets, checked against one result file (PostgreSQL figures)."""

from __future__ import annotations

from typing import Any

from bench.stats import window_median


def _median(spread: dict[str, Any] | None, key: str) -> float | None:
    return spread[key]["median"] if spread and key in spread else None


def check(db: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(target: str, value: float | None, limit: float, *, at_most: bool,
            text: str) -> None:
        if value is not None:
            met = value <= limit if at_most else value >= limit
            out.append({"target": target, "value": round(value, 3), "limit": limit,
                        "met": met, "measured": text})

    items, comp = db["items"], db["floor_ops"]
    complete = _median(items["complete"].get("c1"), "complete_p50_ms")
    if complete is not None:
        add("complete p50 <= 2x floor (1 client)", complete / comp["complete"], 2.0,
            at_most=True, text=f"{complete:.2f} ms = x{complete / comp['complete']:.1f} "
            f"of {comp['complete']:.2f} ms")
    rate = _median(items["complete"].get("c4"), "completions_per_s")
    add(">= 400 completions/s (4 clients)", rate, 400, at_most=False, text=f"{rate or 0:.0f}/s")
    whole = _median(items["whole"].get("c4"), "ops_per_s")
    add(">= 60 whole instances/s (4 clients)", whole, 60, at_most=False,
        text=f"{whole or 0:.1f}/s")
    curves = db.get("curves", {})
    if "chain" in curves:
        c = curves["chain"]["complete"]
        ratio = window_median(c, len(c)) / window_median(c, 2)
        add(f"review task {len(c)} <= 1.2x task 2", ratio, 1.2, at_most=True,
            text=f"x{ratio:.2f} (window medians)")
    if "rework" in curves:
        c = curves["rework"]["round"]
        ratio = window_median(c, len(c)) / window_median(c, 10)
        add(f"rework round {len(c)} <= 2x round 10", ratio, 2.0, at_most=True,
            text=f"x{ratio:.2f} (window medians)")
    inbox = {k: v for k, v in db.get("inbox", {}).items() if k.isdigit()}
    if inbox:
        level = max(inbox, key=int)
        p95 = _median(inbox[level].get("c1"), "p95_ms")
        add(f"inbox p95 <= 5 ms at {int(level):,} open", p95, 5.0, at_most=True,
            text=f"{p95 or 0:.2f} ms (target is at 1,000,000)")
    rss = db.get("rss_mb", {})
    if rss:
        label, values = list(rss.items())[-1]
        peak = max(values) if values else None
        add(f"API worker RSS < 200 MB ({label})", peak, 200, at_most=True,
            text=f"{peak or 0:.0f} MB")
    return out

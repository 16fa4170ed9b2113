"""The issue's targets, checked against one result file (PostgreSQL figures)."""

from __future__ import annotations

from typing import Any

from bench.stats import window_median


def _median(spread: dict[str, Any] | None, key: str) -> float | None:
    return spread[key]["median"] if spread and key in spread else None


def check(db: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the performance issue (round 2) with the floor measured in the same run:
    latencies against the composite floor, rates against the rate the same gunicorn reaches
    with a trivial request (two requests per claim + complete, six per whole leave), CPU
    against the floor's CPU."""
    out: list[dict[str, Any]] = []

    def add(target: str, value: float | None, limit: float, *, at_most: bool,
            text: str, floor: float | None = None) -> None:
        if value is not None:
            met = value <= limit if at_most else value >= limit
            out.append({"target": target, "value": round(value, 3), "limit": limit,
                        "met": met, "measured": text,
                        **({"floor": round(floor, 3)} if floor is not None else {})})

    items, comp = db["items"], db["floor_ops"]
    for kind, item, key in (("start", "start", "p50_ms"),
                            ("complete", "complete", "complete_p50_ms")):
        value = _median(items.get(item, {}).get("c1"), key)
        if value is not None:
            add(f"{kind} p50 <= 2x floor (1 client)", value / comp[kind], 2.0, at_most=True,
                text=f"{value:.2f} ms = x{value / comp[kind]:.1f} of {comp[kind]:.2f} ms",
                floor=comp[kind])
    trivial = _median(db.get("floor", {}).get("request_4c"), "ops_per_s")
    rate = _median(items.get("complete", {}).get("c4"), "completions_per_s")
    add(">= 200 claim+complete/s (4 clients)", rate, 200, at_most=False,
        text=f"{rate or 0:.0f}/s; floor {(trivial or 0) / 2:.0f}/s",
        floor=trivial / 2 if trivial else None)
    handled = _median(items.get("complete", {}).get("c4"), "handled_per_s")
    add(">= 200 claim+complete/s as 办理, one request each (4 clients)", handled, 200,
        at_most=False, text=f"{handled or 0:.0f}/s; floor {trivial or 0:.0f}/s",
        floor=trivial)
    whole = _median(items.get("whole", {}).get("c4"), "ops_per_s")
    add(">= 50 whole leaves/s (4 clients)", whole, 50, at_most=False,
        text=f"{whole or 0:.1f}/s; floor {(trivial or 0) / 6:.0f}/s",
        floor=trivial / 6 if trivial else None)
    single = items.get("complete", {}).get("c1")
    api_cpu = _median(single, "cpu_worker_ms_per_op")
    db_cpu = _median(single, "cpu_database_ms_per_op")
    if api_cpu is not None:
        floor_cpu = db.get("floor_cpu", {}).get("claim_complete")
        cpu = api_cpu + (db_cpu or 0.0)
        add("server CPU per claim+complete <= 4 ms (API + database, 1 client)", cpu, 4.0,
            at_most=True, text=f"{api_cpu:.1f} + {db_cpu or 0:.1f} ms"
            + (f" = x{cpu / floor_cpu:.1f} of the floor's {floor_cpu:.2f} ms" if floor_cpu else ""),
            floor=floor_cpu)
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

"""The printed table, the target check and the JSON file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.stats import window_median

RESULTS = Path(__file__).resolve().parent / "results"


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 \
        else f"{value:.1f}"


def fig(spread: dict[str, Any] | None, key: str) -> str:
    """``median (min-max)`` of one metric across runs."""
    if not spread or key not in spread:
        return "-"
    s = spread[key]
    return f"{_num(s['median'])} ({_num(s['min'])}–{_num(s['max'])})"


def times(value: float | None, floor: float | None) -> str:
    if not value or not floor:
        return ""
    return f"×{value / floor:.1f}"


def _med(spread: dict[str, Any] | None, key: str) -> float | None:
    return spread[key]["median"] if spread and key in spread else None


def database_rows(db: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, 1 client, 4 clients, vs floor) rows for one database."""
    floor, comp, items = db["floor"], db["floor_ops"], db["items"]
    rows = [
        ("floor: engine step / start / whole (ms)",
         f"{_num(floor['step_ms'])} / {_num(floor['start_ms'])} / {_num(floor['whole_ms'])}",
         f"via Run {_num(floor['facade_complete_ms'])} / {_num(floor['facade_start_ms'])}",
         ""),
        ("floor: serialize / deserialize (ms, state KB)",
         f"{_num(floor['serialize_ms'])} / {_num(floor['deserialize_ms'])}",
         f"{_num(floor['state_kb'])} KB", ""),
        ("floor: commit / trivial request (ms)",
         f"{_num(floor['commit_ms'])} / {_num(floor['request_ms'])}",
         f"{_num(floor['request_4c_per_s'])} req/s", ""),
        ("floor: complete / start / whole (ms)",
         f"{_num(comp['complete'])} / {_num(comp['start'])} / {_num(comp['whole'])}", "", ""),
    ]
    start1, start4 = items["start"].get("c1"), items["start"].get("c4")
    rows.append(("1 start → first task p50 ms", fig(start1, "p50_ms"), fig(start4, "p50_ms"),
                 times(_med(start1, "p50_ms"), comp["start"])))
    rows.append(("1 starts/s", fig(start1, "ops_per_s"), fig(start4, "ops_per_s"), ""))
    comp1, comp4 = items["complete"].get("c1"), items["complete"].get("c4")
    rows.append(("2 complete p50 ms", fig(comp1, "complete_p50_ms"),
                 fig(comp4, "complete_p50_ms"),
                 times(_med(comp1, "complete_p50_ms"), comp["complete"])))
    rows.append(("2 claim p50 ms", fig(comp1, "claim_p50_ms"), fig(comp4, "claim_p50_ms"),
                 times(_med(comp1, "claim_p50_ms"), comp["claim"])))
    rows.append(("2 claim+complete p50 / p95 ms", fig(comp1, "pair_p50_ms"),
                 fig(comp4, "pair_p50_ms"),
                 times(_med(comp1, "pair_p50_ms"), comp["claim_complete"])))
    rows.append(("2 completions/s (claim+complete)", fig(comp1, "completions_per_s"),
                 fig(comp4, "completions_per_s"), ""))
    if _med(comp1, "handled_per_s") is not None:
        rows.append(("2 办理 in one request p50 / per second",
                     f"{fig(comp1, 'handle_p50_ms')} / {fig(comp1, 'handled_per_s')}",
                     f"{fig(comp4, 'handle_p50_ms')} / {fig(comp4, 'handled_per_s')}",
                     times(_med(comp1, "handle_p50_ms"), comp["complete"])))
        rows.append(("2 办理: server CPU ms (worker + db)",
                     f"{fig(comp1, 'handle_cpu_worker_ms_per_op')} + "
                     f"{fig(comp1, 'handle_cpu_database_ms_per_op')}",
                     f"{fig(comp4, 'handle_cpu_worker_ms_per_op')} + "
                     f"{fig(comp4, 'handle_cpu_database_ms_per_op')}", ""))
    whole1, whole4 = items["whole"].get("c1"), items["whole"].get("c4")
    rows.append(("3 whole leave p50 ms (6 requests)", fig(whole1, "p50_ms"),
                 fig(whole4, "p50_ms"), times(_med(whole1, "p50_ms"), comp["whole"])))
    rows.append(("3 whole leave instances/s", fig(whole1, "ops_per_s"),
                 fig(whole4, "ops_per_s"), ""))
    rows.extend(_cpu_rows(db))
    rows.extend(_curve_rows(db))
    for level, entry in db.get("inbox", {}).items():
        if not isinstance(entry, dict) or "explain" not in entry:
            continue
        c1, c4 = entry.get("c1"), entry.get("c4")
        rows.append((f"5 inbox {int(level):,} open p50 / p95 ms",
                     f"{fig(c1, 'p50_ms')} / {fig(c1, 'p95_ms')}",
                     f"{fig(c4, 'p50_ms')} / {fig(c4, 'p95_ms')}",
                     times(_med(c1, "p50_ms"), comp["inbox"])))
        rows.append(("5   server CPU ms (worker + db)",
                     f"{fig(c1, 'cpu_worker_ms_per_op')} + {fig(c1, 'cpu_database_ms_per_op')}",
                     "", ""))
        explain = entry.get("explain", {})
        rows.append(("5   SQL ms: union+count / OR variant", _num(explain.get("total_sql_ms")),
                     _num(explain.get("or_variant", {}).get("median_ms")),
                     f"{fig(c4, 'ops_per_s')} req/s"))
    trips = db.get("round_trips", {})
    if trips:
        rows.append(("SQL statements / round trips: start, claim, complete, inbox",
                     ", ".join(f"{t['statements']}/{t['round_trips']}" for t in trips.values()),
                     "in-process trace", ""))
    storage = db.get("storage", {})
    if storage:
        rows.append(("storage per finished leave KB: rows / on disk / state",
                     f"{_num(storage['row_kb'])} / {_num(storage['on_disk_kb'])}",
                     f"{_num(storage['state_kb'])}", ""))
    for label, rss in db.get("rss_mb", {}).items():
        rows.append((f"RSS MB {label}", _num(max(rss) if rss else float("nan")), "", ""))
    return rows


def _cpu_rows(db: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Server CPU per operation (gunicorn worker + database backends): steady under load."""
    floor, items, rows = db.get("floor_cpu", {}), db["items"], []
    for item, label, floor_key in (("start", "1 start", "start"),
                                   ("complete", "2 claim+complete", "claim_complete"),
                                   ("whole", "3 whole leave", "whole")):
        c1, c4 = items[item].get("c1"), items[item].get("c4")
        if not c1:
            continue
        rows.append((f"{label}: server CPU ms (worker + db)",
                     f"{fig(c1, 'cpu_worker_ms_per_op')} + {fig(c1, 'cpu_database_ms_per_op')}",
                     f"{fig(c4, 'cpu_worker_ms_per_op')} + {fig(c4, 'cpu_database_ms_per_op')}",
                     times(_med(c1, "cpu_worker_ms_per_op"), floor.get(floor_key))))
    if floor:
        rows.append(("floor CPU: trivial request / complete / whole (ms)",
                     f"{_num(db['floor']['request_cpu_ms'])} / {_num(floor['complete'])} / "
                     f"{_num(floor['whole'])}", "", ""))
    return rows


def _curve_rows(db: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    curves = db.get("curves", {})
    rows = []
    rework, chain = curves.get("rework"), curves.get("chain")
    if rework:
        c, n = rework["round"], len(rework["round"])
        rows.append((f"4 rework round 1 / 10 / {n} ms", f"{_num(c[0])} / {_num(c[9])} / "
                     f"{_num(c[-1])}", f"engine {_num(db['engine_curves']['rework'][9])} / "
                     f"{_num(db['engine_curves']['rework'][-1])}",
                     f"{n}/10: ×{window_median(c, n) / window_median(c, 10):.2f}"))
    if chain:
        c, n = chain["complete"], len(chain["complete"])
        p = chain["pair"]
        rows.append((f"4 review task 2 / {n} complete (pair) ms",
                     f"{_num(c[1])} / {_num(c[-1])} ({_num(p[1])} / {_num(p[-1])})",
                     f"engine {_num(db['engine_curves']['chain'][1])} / "
                     f"{_num(db['engine_curves']['chain'][-1])}",
                     f"{n}/2: ×{window_median(c, n) / window_median(c, 2):.2f}"))
    return rows


def render(results: dict[str, Any]) -> str:
    lines = []
    for name, db in results["dbs"].items():
        rows = database_rows(db)
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        header = ("figure", "1 client", "4 clients", "vs floor")
        widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
        lines.append(f"\n== {name} ({results['meta']['mode']} mode; median of runs, min–max) ==")
        for row in [header, *rows]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    lines.extend(["", "targets (PostgreSQL):"])
    for check in results.get("targets", []):
        lines.append(f"  [{'ok' if check['met'] else '--'}] {check['target']}: "
                     f"{check['measured']}")
    return "\n".join(lines)


def write(results: dict[str, Any], name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str),
                    encoding="utf-8")
    return path

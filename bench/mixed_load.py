"""Mixed load on PostgreSQL via gunicorn, and the scale-out comparison.

    python -m bench.mixed_load                          # 8 clients, 5 min, mixed operations
    python -m bench.mixed_load --duration 30            # quick
    python -m bench.mixed_load --scale-out --duration 60
        # whole leaves: 1 gunicorn process, embedded jobs  vs  2 gunicorn processes +
        # 2 celery workers + beat on Redis; throughput side by side

Clients are separate processes (``bench/mixed_clients.py``). At the end the books of every
client are held against the database: instances started, completions acknowledged, tasks
left open, no input applied twice, audit chain verifies, every instance replays to its stored
state. Zero 5xx is required. Prints a table; JSON in ``bench/results/mixed-<name>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.crash import CRASH_PG_URL, RESULTS
from bench.crash_checks import scalar_rows, verify_all
from bench.crash_procs import DEFAULT_BROKER, Stack
from bench.load import ClientPool, fetch_tokens, wall_s
from bench.mixed_clients import leaves, mixed
from bench.server import prepare_database
from bench.stats import percentile


def run_load(*, url: str, log_dir: Path, workload: str, clients: int, duration_s: float,
             api_workers: int, broker_url: str | None = None, workers: int = 0
             ) -> dict[str, Any]:
    """One deployment, one workload, then the books against the database."""
    prepare_database(url)
    stack = Stack(database_url=url, log_dir=log_dir, broker_url=broker_url,
                  api_workers=api_workers)
    try:
        stack.start_api()
        if broker_url:
            for _ in range(workers):
                stack.start_worker()
            stack.start_beat()
            stack.wait_workers(workers)
        tokens = fetch_tokens(stack.base_url)
        fn = mixed if workload == "mixed" else leaves
        jobs = [{"base_url": stack.base_url, "tokens": tokens, "key": f"MIX-{i}", "seed": i,
                 "duration_s": duration_s} for i in range(clients)]
        with ClientPool(clients) as pool:
            cpu_before = cpu_times()
            results = pool.run(fn, jobs, lead_s=1.0)
            cpu_after = cpu_times()
    finally:
        stack.stop()
    busy, total = (cpu_after[0] - cpu_before[0]), (cpu_after[1] - cpu_before[1])
    return summarize(url, results, setup={
        "workload": workload, "clients": clients, "duration_s": duration_s,
        "api_workers": api_workers, "broker": bool(broker_url), "celery_workers": workers,
        "machine_busy_pct": round(100 * busy / total, 1) if total else None})


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine: a scale-out figure means nothing when
    every core is already busy (the machine is shared), so the JSON keeps how busy it was."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def summarize(url: str, results: list[dict[str, Any]], setup: dict[str, Any]
              ) -> dict[str, Any]:
    from models import HumanTask, ProcessEvent, ProcessInstance

    seconds = wall_s(results)
    ops: dict[str, dict[str, Any]] = {}
    for op in sorted({op for r in results for op in (*r["lat"], *r["codes"])}):
        lat = [x for r in results for x in r["lat"].get(op, [])]
        codes: dict[str, int] = {}
        for r in results:
            for code, count in r["codes"].get(op, {}).items():
                codes[code] = codes.get(code, 0) + count
        ops[op] = {"n": len(lat), "per_s": round(len(lat) / seconds, 1), **codes,
                   **{f"p{q}_ms": round(1000 * percentile(lat, q), 1) if lat else None
                      for q in (50, 95, 99)}}
    acked = [t for r in results for t in r["acked"]]
    started = [i for r in results for i in r["started"]]
    expected_open = sorted(t for r in results for t in r["open_tasks"])

    def count(kind: str) -> int:
        return scalar_rows(url, sa.select(sa.func.count()).select_from(ProcessEvent)
                           .where(ProcessEvent.kind == kind))[0][0]

    actual_open = sorted(row[0] for row in scalar_rows(url, sa.select(HumanTask.id).where(
        HumanTask.status.in_(("ready", "claimed")))))
    books = {
        "instances": {"expected": len(started), "actual": scalar_rows(url, sa.select(
            sa.func.count()).select_from(ProcessInstance))[0][0]},
        "instance_started_events": {"expected": len(started), "actual": count(
            "instance_started")},
        "completions": {"expected": len(acked), "actual": count("task_completed")},
        "open_tasks": {"expected": len(expected_open), "actual": len(actual_open),
                       "same_ids": expected_open == actual_open},
    }
    if setup["workload"] == "leaves":
        finished = sum(r.get("finished", 0) for r in results)
        books["completed_leaves"] = {"expected": finished, "actual": scalar_rows(
            url, sa.select(sa.func.count()).select_from(ProcessInstance)
            .where(ProcessInstance.status == "completed"))[0][0]}
    five_xx = sum(o.get("5xx", 0) for o in ops.values())
    failed = sum(r["error_count"] for r in results)
    checks = verify_all(url, acked)
    balanced = all(b["expected"] == b["actual"] for b in books.values()) and books[
        "open_tasks"]["same_ids"]
    return {"setup": setup, "seconds": round(seconds, 1), "ops": ops, "books": books,
            "five_xx": five_xx, "failed_requests": failed,
            "errors": [e for r in results for e in r["errors"]][:20],
            "throughput": {"requests_per_s": round(sum(o["n"] for o in ops.values())
                                                   / seconds, 1),
                           "completions_per_s": round(len(acked) / seconds, 1),
                           "instances_per_s": round(len(started) / seconds, 2)},
            "checks": checks,
            "ok": five_xx == 0 and failed == 0 and balanced and checks["ok"]}


def table(result: dict[str, Any]) -> str:
    lines = [f"{'operation':<10} {'n':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} "
             f"{'p99 ms':>8} {'2xx':>7} {'4xx':>5} {'5xx':>5} {'cut':>5}"]
    for op, s in result["ops"].items():
        lines.append(f"{op:<10} {s['n']:>7} {s['per_s']:>7} {s['p50_ms']!s:>8} "
                     f"{s['p95_ms']!s:>8} {s['p99_ms']!s:>8} {s.get('2xx', 0):>7} "
                     f"{s.get('4xx', 0):>5} {s.get('5xx', 0):>5} {s.get('cut', 0):>5}")
    for name, book in result["books"].items():
        lines.append(f"{name:<24} expected {book['expected']:>6}  actual {book['actual']:>6}")
    checks = result["checks"]
    lines.append(f"lost {checks['lost_count']}, applied twice {checks['duplicate_count']}, "
                 f"audit {'ok' if checks['audit']['ok'] else 'BROKEN'}, replay mismatches "
                 f"{checks['replay']['mismatches']}/{checks['replay']['instances']}, "
                 f"5xx {result['five_xx']}, failed requests {result['failed_requests']}")
    lines.append(f"throughput: {result['throughput']}, machine busy "
                 f"{result['setup']['machine_busy_pct']}%  ->  "
                 f"{'PASS' if result['ok'] else 'FAIL'}")
    return "\n".join(lines)


def scale_out(*, url: str, broker_url: str, clients: int, duration_s: float) -> dict[str, Any]:
    """The whole-leave workload on one process, then on 2 API processes + 2 workers."""
    runs = {}
    for name, api_workers, broker in (("single", 1, None), ("scaled", 2, broker_url)):
        log_dir = Path(tempfile.mkdtemp(prefix=f"certflow-scale-{name}-"))
        runs[name] = run_load(url=url, log_dir=log_dir, workload="leaves", clients=clients,
                              duration_s=duration_s, api_workers=api_workers,
                              broker_url=broker, workers=2 if broker else 0)
        print(f"--- {name}\n{table(runs[name])}\n", flush=True)
    single, scaled = runs["single"]["throughput"], runs["scaled"]["throughput"]
    ratio = {k: round(scaled[k] / single[k], 2) if single[k] else None for k in single}
    return {"runs": runs, "ratio": ratio, "ok": all(r["ok"] for r in runs.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, help="seconds (default 300; 60 scale-out)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--scale-out", action="store_true")
    parser.add_argument("--broker", default=DEFAULT_BROKER)
    parser.add_argument("--db", default=CRASH_PG_URL)
    parser.add_argument("--name", default=datetime.now(UTC).strftime("%Y%m%dT%H%M%S"))
    args = parser.parse_args(argv)
    began, load_before = time.monotonic(), os.getloadavg()
    if args.scale_out:
        result = scale_out(url=args.db, broker_url=args.broker, clients=args.clients,
                           duration_s=args.duration or 60)
        print("scaled / single:", result["ratio"], "->", "PASS" if result["ok"] else "FAIL")
        path = RESULTS / f"scale-out-{args.name}.json"
    else:
        result = run_load(url=args.db, log_dir=Path(tempfile.mkdtemp(prefix="certflow-mixed-")),
                          workload="mixed", clients=args.clients,
                          duration_s=args.duration or 300, api_workers=args.api_workers)
        print(table(result))
        path = RESULTS / f"mixed-{args.name}.json"
    result["total_seconds"] = round(time.monotonic() - began, 1)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    print(f"load average before/after: {result['load_average']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    print(f"JSON: {path}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

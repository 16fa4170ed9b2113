"""The benchmark: ``.venv/bin/python -m bench.run [--short|--full] [--db sqlite|postgres|both]``.

Per database: a fresh database, gunicorn on a loopback port, clients in other processes;
items 1-6 of the "Performance and scale" issue; a table on stdout and
``bench/results/<name>.json``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import client, footprint, inbox, report, scenarios, sqltrace, targets
from bench.floor import Specs, commit_floor, composite, engine_curve, engine_floor
from bench.load import ClientPool, fetch_tokens, merged, user_ids, wall_s
from bench.modes import MODES, Mode
from bench.server import ROOT, CpuMeter, Gunicorn, database_url, prepare_database
from bench.stats import across_runs, summarize

ITEMS = ("start", "complete", "whole", "curves", "inbox", "memory")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--short", action="store_const", const="short", dest="mode")
    size.add_argument("--full", action="store_const", const="full", dest="mode")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--name", help="result file name (default: <mode>-<timestamp>)")
    parser.add_argument("--memory-instances", type=int,
                        help="override the instance count of the memory phase")
    parser.add_argument("--inbox-levels", help="override, e.g. 1000,100000,1000000")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(ITEMS)} "
                        "(the floor is always measured), to rerun key figures")
    args = parser.parse_args(argv)
    only = frozenset(args.only.split(",") if args.only else ITEMS)
    if not only <= set(ITEMS):
        parser.error(f"--only takes {', '.join(ITEMS)}")
    mode = MODES[args.mode or "short"]
    if args.memory_instances is not None:
        mode = replace(mode, memory_instances=args.memory_instances)
    if args.inbox_levels:
        levels = tuple(int(x) for x in args.inbox_levels.split(","))
        mode = replace(mode, inbox_levels={"sqlite": levels, "postgres": levels})
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    name = args.name or f"{mode.name}-{datetime.now(UTC):%Y%m%dT%H%M%S}"
    began = time.monotonic()
    results: dict[str, Any] = {"meta": {**_meta(mode), "only": sorted(only)}, "dbs": {}}
    specs = Specs()
    with tempfile.TemporaryDirectory(prefix="certflow-bench-") as tmp, ClientPool(4) as pool:
        for db in dbs:
            print(f"--> {db}", flush=True)
            results["dbs"][db] = bench_database(db, mode, pool, specs, Path(tmp), only)
    if "postgres" in results["dbs"]:
        results["targets"] = targets.check(results["dbs"]["postgres"])
    results["meta"]["seconds"] = round(time.monotonic() - began, 1)
    results["meta"]["load_after"] = os.getloadavg()
    path = report.write(results, name)
    print(report.render(results))
    print(f"\n{results['meta']['seconds']} s; results: {path.relative_to(ROOT)}")
    failed = {db: out["errors"] for db, out in results["dbs"].items() if out.get("errors")}
    if failed:
        # CI runs the short mode: requests that failed are a regression, slow ones are not.
        print(f"FAILED: requests answered with errors: {failed}", file=sys.stderr)
        sys.exit(1)


def bench_database(db: str, mode: Mode, pool: ClientPool, specs: Specs, tmp: Path,
                   only: frozenset[str] = frozenset(ITEMS)) -> dict[str, Any]:
    url = database_url(db, tmp)
    prepare_database(url)
    engine = sa.create_engine(url, connect_args={"timeout": 30} if db == "sqlite" else {})
    out: dict[str, Any] = {"items": {"start": {}, "complete": {}, "whole": {}}, "rss_mb": {}}
    try:
        with Gunicorn("api.wsgi:app", database_url=url, log_dir=tmp) as api, \
                Gunicorn("bench.trivial_app:app", database_url=url, log_dir=tmp) as trivial:
            tokens = fetch_tokens(api.base_url)
            ids = user_ids(api.base_url, tokens)
            ctx = scenarios.Context(db, api.base_url, tokens, pool, mode,
                                    cpu=CpuMeter(api, engine))
            _step("floor")
            out["floor"] = _floor(ctx, specs, url, trivial, engine)
            out["floor_ops"] = composite(out["floor"])
            out["floor_cpu"] = composite({**out["floor"], "commit_ms": 0.0,
                                          "request_ms": out["floor"]["request_cpu_ms"]})
            scenarios.warm_up(ctx)
            out["rss_mb"]["after warm-up"] = api.worker_rss_mb()
            for clients in (1, 4):
                for item, measure in (("start", scenarios.measure_start),
                                      ("complete", scenarios.measure_complete),
                                      ("whole", scenarios.measure_whole)):
                    if item in only:
                        _step(f"item {item}, {clients} client(s)")
                        out["items"][item][f"c{clients}"] = measure(ctx, clients)
            if "curves" in only:
                _step("item 4 curves")
                out["curves"] = scenarios.measure_curves(ctx)
                out["engine_curves"] = _engine_curves(specs, mode)
            out["storage"] = footprint.storage_per_instance(engine, ctx.finished_leave_ids)
            out["round_trips"] = sqltrace.summary(sqltrace.collect(url))
            out["rss_mb"]["after items 1-4"] = api.worker_rss_mb()
            if "inbox" in only:
                out["inbox"] = _inbox(ctx, engine, ids, url, mode.inbox_levels[db])
                out["rss_mb"]["after inbox"] = api.worker_rss_mb()
            if mode.memory_instances and "memory" in only:
                out["memory"] = _memory(ctx, api, engine, mode)
                out["rss_mb"][f"after {mode.memory_instances:,} instances"] = \
                    api.worker_rss_mb()
            out["errors"] = ctx.error_samples
    finally:
        engine.dispose()
    return out


def _step(text: str) -> None:
    print(f"    {time.strftime('%H:%M:%S')} {text}", flush=True)


def _floor(ctx: scenarios.Context, specs: Specs, url: str, trivial: Gunicorn,
           engine: sa.Engine) -> dict[str, Any]:
    floor = engine_floor(specs, ctx.mode.floor_iterations)
    floor["commit_ms"] = commit_floor(url, ctx.mode.floor_iterations)
    trivial_url = trivial.base_url
    body = {"data": client.APPROVE["approve_class_teacher"][1]}
    runs, runs4 = [], []
    meter = CpuMeter(trivial, engine)
    for _ in range(ctx.mode.runs):
        job = {"base_url": trivial_url, "tokens": ctx.tokens, "method": "POST", "path": "/ping",
               "body": body, "user": "zhang", "n": ctx.mode.floor_iterations}
        before = meter.snapshot()
        runs.append(summarize(merged(ctx.pool.run(client.get_many, [dict(job)]), "lat")))
        runs[-1]["cpu_worker_ms_per_op"] = (meter.used_ms(before, meter.snapshot())["worker"]
                                            / ctx.mode.floor_iterations)
        results = ctx.pool.run(client.get_many, [dict(job) for _ in range(4)])
        runs4.append(summarize(merged(results, "lat"), wall_s=wall_s(results)))
    floor["request"] = across_runs(runs)
    floor["request_4c"] = across_runs(runs4)
    floor["request_ms"] = floor["request"]["p50_ms"]["median"]
    floor["request_4c_per_s"] = floor["request_4c"]["ops_per_s"]["median"]
    floor["request_cpu_ms"] = floor["request"]["cpu_worker_ms_per_op"]["median"]
    return floor


def _engine_curves(specs: Specs, mode: Mode) -> dict[str, list[float]]:
    """Item 4's floor: the same long instances in-process (ms per round / per completion)."""
    rounds = mode.rework_rounds
    per_completion = engine_curve(
        specs, "bench_rework_loop", 2 * rounds,
        lambda k: {"note": "x"} if k % 2 else {"approved": k == 2 * rounds, "comment": "x"})
    rework = [round(per_completion[2 * i] + per_completion[2 * i + 1], 3) for i in range(rounds)]
    chain = engine_curve(specs, "bench_review_chain", mode.review_tasks,
                         lambda _k: {"approved": True, "comment": "x"})
    return {"rework": rework, "chain": [round(v, 3) for v in chain]}


def _inbox(ctx: scenarios.Context, engine: sa.Engine, ids: dict[str, int], url: str,
           levels: tuple[int, ...]) -> dict[str, Any]:
    from api import create_app
    from bench.server import KEYS
    from config import Settings

    app = create_app(Settings(database_url=url, **KEYS))
    out: dict[str, Any] = {"leftover_open_tasks_cancelled": inbox.cancel_leftovers(engine)}
    for level in levels:
        _step(f"item 5 inbox at {level:,} open tasks")
        entry: dict[str, Any] = {"fill": inbox.fill_open_tasks(engine, level, ids)}
        entry["explain"] = inbox.explain(app, ids[inbox.READER])
        for clients in (1, 4):
            entry[f"c{clients}"] = inbox.measure(ctx, clients)
        out[str(level)] = entry
    return out


def _memory(ctx: scenarios.Context, api: Gunicorn, engine: sa.Engine,
            mode: Mode) -> dict[str, Any]:
    """Start instances with 4 clients until the database holds ``memory_instances``."""
    samples = []
    batch = max(4, mode.rss_every) // 4
    while True:
        with engine.connect() as connection:
            count = int(connection.scalar(sa.text("SELECT count(*) FROM process_instance")))
        samples.append({"instances": count, "rss_mb": api.worker_rss_mb()})
        _step(f"memory phase: {count:,} instances, RSS {api.worker_rss_mb()} MB")
        if count >= mode.memory_instances:
            break
        n = min(batch, (mode.memory_instances - count) // 4 + 1)
        results = ctx.pool.run(client.start_many, [
            ctx.job(process_id="leave_approval", data=client.LEAVE_3_DAYS, n=n)
            for _ in range(4)])
        samples[-1]["starts_per_s"] = 4 * n / wall_s(results)
        ctx.note_errors(results)
    return {"samples": samples}


def _meta(mode: Mode) -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "workflows", "models", "api"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"mode": mode.name, "mode_settings": mode.__dict__, "started": datetime.now(UTC),
            "git": commit, "tree_dirty": bool(dirty), "cpus": os.cpu_count(),
            "load_before": os.getloadavg(), "python": platform.python_version(),
            "gunicorn": f"{Gunicorn.default_count()} workers x 4 threads (certflow serve "
                        "defaults and hooks), no access log"}


if __name__ == "__main__":
    main()

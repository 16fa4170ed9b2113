"""Items 1-4 of the benchmark over HTTP: each figure is the median of ``mode.runs`` runs."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import client
from bench.load import ClientPool, errors, merged, wall_s
from bench.modes import Mode
from bench.stats import across_runs, curve_median, summarize

_keys = itertools.count(1)


@dataclass
class Context:
    """What every measurement of one database needs."""

    db: str
    base_url: str
    tokens: dict[str, str]
    pool: ClientPool
    mode: Mode
    error_samples: list[str] = field(default_factory=list)
    finished_leave_ids: list[int] = field(default_factory=list)
    cpu: Any = None  # bench.server.CpuMeter: server-side CPU per operation

    def timed(self, fn: Callable[[dict[str, Any]], dict[str, Any]],
              jobs: list[dict[str, Any]], ops: Callable[[list[dict[str, Any]]], int]
              ) -> tuple[list[dict[str, Any]], dict[str, float]]:
        """Run the clients; also the worker's and the database's CPU ms per operation."""
        before = self.cpu.snapshot() if self.cpu else None
        results = self.pool.run(fn, jobs)
        if before is None:
            return results, {}
        used = self.cpu.used_ms(before, self.cpu.snapshot())
        count = max(1, ops(results))
        return results, {f"cpu_{side}_ms_per_op": ms / count for side, ms in used.items()}

    def job(self, **fields: Any) -> dict[str, Any]:
        return {"base_url": self.base_url, "tokens": self.tokens,
                "key": f"{self.db[:2].upper()}-{next(_keys):07d}", **fields}

    def note_errors(self, results: list[dict[str, Any]]) -> int:
        found = errors(results)
        self.error_samples.extend(found[: max(0, 5 - len(self.error_samples))])
        return len(found)


def warm_up(ctx: Context) -> None:
    """Fill the spec cache, the connection pools and the sandbox before anything is timed."""
    ctx.pool.run(client.whole_leave, [ctx.job(n=3)])
    ctx.pool.run(client.start_many, [ctx.job(process_id="bench_rework_loop", data={}, n=2),
                                     ctx.job(process_id="bench_review_chain", data={}, n=2)])


def _start_jobs(ctx: Context, clients: int, n: int) -> list[dict[str, Any]]:
    return [ctx.job(process_id="leave_approval", data=client.LEAVE_3_DAYS, n=n)
            for _ in range(clients)]


def measure_start(ctx: Context, clients: int) -> dict[str, Any]:
    """Item 1: POST /instances, each running to its first user task."""
    runs = []
    for _ in range(ctx.mode.runs):
        results, cpu = ctx.timed(client.start_many,
                                 _start_jobs(ctx, clients, ctx.mode.starts_per_client),
                                 lambda r: len(merged(r, "lat")))
        summary = summarize(merged(results, "lat"), wall_s=wall_s(results))
        summary.update(cpu)
        summary["errors"] = ctx.note_errors(results)
        runs.append(summary)
    return across_runs(runs)


def measure_complete(ctx: Context, clients: int) -> dict[str, Any]:
    """Item 2: claim + complete the first (班主任) task of prepared instances."""
    runs = []
    user, data = client.APPROVE["approve_class_teacher"]
    for _ in range(ctx.mode.runs):
        prepared = ctx.pool.run(client.start_many,
                                _start_jobs(ctx, clients, ctx.mode.completions_per_client))
        ctx.note_errors(prepared)
        jobs = [ctx.job(user=user, data=data, task_ids=[t for t in r["task_ids"] if t])
                for r in prepared]
        results, cpu = ctx.timed(client.complete_many, jobs, lambda r: len(merged(r, "pair")))
        wall = wall_s(results)
        pair = summarize(merged(results, "pair"), wall_s=wall)
        summary = {f"complete_{k}": v for k, v in summarize(merged(results, "complete")).items()}
        summary.update({f"claim_{k}": v for k, v in summarize(merged(results, "claim")).items()})
        summary.update({"pair_p50_ms": pair["p50_ms"], "pair_p95_ms": pair["p95_ms"],
                        "completions_per_s": pair["ops_per_s"],
                        "requests_per_s": 2 * pair["ops_per_s"],
                        "errors": ctx.note_errors(results), **cpu})
        summary.update(_handle_in_one_request(ctx, clients, user, data))
        runs.append(summary)
    return across_runs(runs)


def _handle_in_one_request(ctx: Context, clients: int, user: str,
                           data: dict[str, Any]) -> dict[str, Any]:
    """The same work as the web app's 办理 sends it: one request per task (``handle_*``)."""
    prepared = ctx.pool.run(client.start_many,
                            _start_jobs(ctx, clients, ctx.mode.completions_per_client))
    ctx.note_errors(prepared)
    jobs = [ctx.job(user=user, data=data, one_request=True,
                    task_ids=[t for t in r["task_ids"] if t]) for r in prepared]
    results, cpu = ctx.timed(client.complete_many, jobs, lambda r: len(merged(r, "pair")))
    ctx.note_errors(results)
    handled = summarize(merged(results, "pair"), wall_s=wall_s(results))
    return {"handle_p50_ms": handled["p50_ms"], "handle_p95_ms": handled["p95_ms"],
            "handled_per_s": handled["ops_per_s"],
            **{f"handle_{key}": value for key, value in cpu.items()}}


def measure_whole(ctx: Context, clients: int) -> dict[str, Any]:
    """Item 3: whole 3-day leave instances end to end (6 requests each)."""
    runs = []
    for _ in range(ctx.mode.runs):
        results, cpu = ctx.timed(client.whole_leave, [ctx.job(n=ctx.mode.whole_per_client)
                                                      for _ in range(clients)],
                                 lambda r: len(merged(r, "lat")))
        summary = summarize(merged(results, "lat"), wall_s=wall_s(results))
        summary.update(cpu)
        summary["errors"] = ctx.note_errors(results)
        ctx.finished_leave_ids.extend(merged(results, "instance_ids"))
        runs.append(summary)
    return across_runs(runs)


def measure_curves(ctx: Context) -> dict[str, Any]:
    """Item 4: the k-th completion of one long-running instance (single client)."""
    out: dict[str, Any] = {}
    for name, fn, extra in (
            ("rework", client.rework_loop, {"rounds": ctx.mode.rework_rounds}),
            ("chain", client.review_chain, {})):
        runs = [ctx.pool.run(fn, [ctx.job(**extra)])[0] for _ in range(ctx.mode.curve_runs)]
        out[name] = {metric: [round(v * 1000, 3) if metric != "response_kb" else round(v, 2)
                              for v in curve_median([r["curves"][metric] for r in runs])]
                     for metric in runs[0]["curves"]}
        out[name]["runs"] = len(runs)
    return out

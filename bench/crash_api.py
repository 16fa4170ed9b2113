"""Kill the API in the middle of task completions, ``kills`` times.

Client processes push whole leaves through (start, claim/complete at both tiers, 销假) and
count the completions in flight in shared memory; each kill waits until one is in flight, so
it lands inside a completion request (somewhere between parsing and commit) rather than in an
idle gap. Most kills take one gunicorn worker (the master forks a new one); every fifth takes
the master and its workers together and the bench restarts gunicorn, as systemd would.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from typing import Any

from bench.crash_clients import drive_leaves
from bench.crash_procs import Stack, kill

MASTER_EVERY = 5


def run_api_kills(stack: Stack, tokens: dict[str, str], *, kills: int, clients: int,
                  seed: int = 1) -> dict[str, Any]:
    """Kill loop with ``clients`` leave drivers running; returns kills and client tallies."""
    rng = random.Random(seed)
    ctx = multiprocessing.get_context("spawn")
    inflight, stop, out = ctx.Value("i", 0), ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=drive_leaves, args=(
        {"base_url": stack.base_url, "tokens": tokens, "key": f"CRASH-API-{i}"},
        inflight, stop, out)) for i in range(clients)]
    for process in processes:
        process.start()
    records: list[dict[str, Any]] = []
    began = time.monotonic()
    try:
        time.sleep(2.0)  # clients spawn and warm up
        for k in range(kills):
            time.sleep(rng.uniform(0.2, 0.8))  # some undisturbed load between kills
            waited = _wait_inflight(inflight, timeout_s=10)
            time.sleep(rng.uniform(0, 0.004))  # anywhere inside the request (~10-40 ms long)
            record: dict[str, Any] = {"kill": k + 1, "inflight": inflight.value,
                                      "waited_s": round(waited, 3)}
            if (k + 1) % MASTER_EVERY == 0:
                record["target"] = "master+workers"
                stack.kill_api_master()
                restart = time.monotonic()
                stack.start_api()
                record["down_s"] = round(time.monotonic() - restart, 2)
            else:
                pids = stack.api_worker_pids()
                record["target"] = "worker"
                record["pid"] = rng.choice(pids) if pids else None
                if record["pid"] is not None:
                    kill(record["pid"])
                time.sleep(0.2)  # let the master notice before asking whether it is back
                record["down_s"] = round(stack.wait_api() + 0.2, 2)
            records.append(record)
    finally:
        stop.set()
        results = [out.get(timeout=300) for _ in processes]
        for process in processes:
            process.join(timeout=30)
    return _summary(records, results, time.monotonic() - began)


def _wait_inflight(inflight: Any, *, timeout_s: float) -> float:
    begin = time.monotonic()
    while inflight.value <= 0 and time.monotonic() - begin < timeout_s:
        time.sleep(0.001)
    return time.monotonic() - begin


def _summary(records: list[dict[str, Any]], results: list[dict[str, Any]],
             seconds: float) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for result in results:
        for key, count in result["statuses"].items():
            statuses[key] = statuses.get(key, 0) + count
    downs = sorted(r["down_s"] for r in records)
    return {
        "kills": len(records),
        "worker_kills": sum(r["target"] == "worker" for r in records),
        "master_kills": sum(r["target"] != "worker" for r in records),
        "kills_with_completion_in_flight": sum(r["inflight"] > 0 for r in records),
        "cut_requests": sum(r["cut"] for r in results),
        "acked": [task for r in results for task in r["acked"]],
        "refused": [x for r in results for x in r["refused"]][:20],
        "instances": [i for r in results for i in r["instances"]],
        "unfinished": [i for r in results for i in r["unfinished"]],
        "client_errors": [r["error"] for r in results if r.get("error")],
        "statuses": statuses,
        "down_s_median": downs[len(downs) // 2] if downs else None,
        "down_s_max": downs[-1] if downs else None,
        "seconds": round(seconds, 1),
        "records": records,
    }

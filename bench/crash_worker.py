"""Kill Celery workers in the middle of service calls and timer firings, ``kills`` times.

Instances of ``bench/diagrams/crash_flow.bpmn`` (service call → 1 s timer → service call →
user task) are started at a steady rate. Kills alternate between the two kinds of work, and
each one targets the exact process doing it: a service call announces itself with a marker
file (``bench/crash_services.py``), a timer claim carries the claiming pid in ``claimed_by``.
Two of three kills take the pool process (the worker's main process notices and forks a new
one; Celery requeues the message: acks_late + reject_on_worker_lost); every third takes the
whole worker (main + pool, the message stays unacked in Redis) and a new worker is started.

Whatever the dead process held (the service job, its claimed timers) is an *orphan*; a
monitor thread measures how long each takes to be finished by someone else.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from typing import Any, ClassVar

import sqlalchemy as sa

from bench.crash_checks import scalar_rows
from bench.crash_clients import start_flows
from bench.crash_procs import Stack, kill

HOST_EVERY = 3


def run_worker_kills(stack: Stack, tokens: dict[str, str], *, url: str, kills: int,
                     workers: int, bound_s: float, interval_s: float = 0.5) -> dict[str, Any]:
    """Kill loop with a steady stream of new instances; ``bound_s``: longest allowed wait
    for an orphan (the lease plus a sweep period plus slack)."""
    ctx = multiprocessing.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    starter = ctx.Process(target=start_flows, args=(
        {"base_url": stack.base_url, "tokens": tokens, "key": "CRASH-W",
         "interval_s": interval_s}, stop, out))
    starter.start()
    monitor = Monitor(url, bound_s=bound_s)
    monitor.start()
    records: list[dict[str, Any]] = []
    stalled: list[dict[str, Any]] = []
    began = time.monotonic()
    try:
        hits, attempts = 0, 0
        while hits < kills and attempts < 3 * kills:
            attempts += 1
            k = hits
            stalled += _replace_stalled(stack, workers)
            kind = "service" if k % 2 == 0 else "timer"
            target = _find_target(stack, url, kind, timeout_s=60)
            if target is None:
                records.append({"kill": k + 1, "kind": kind, "skipped": "no work in flight"})
                continue
            pid, main = target["pid"], stack.pool_pids().get(target["pid"])
            scope = "host" if (k + 1) % HOST_EVERY == 0 and main is not None else "pool"
            killed_at = time.time()
            if scope == "host" and main is not None:  # main + pool: the host went away
                os.killpg(main, signal.SIGKILL)
            else:
                kill(pid)
            for mark in stack.mark_dir.glob(f"{pid}-*"):  # it cannot clean up after itself
                mark.unlink(missing_ok=True)
            orphans = _orphans(url, kind, target)
            if orphans:
                hits += 1
                monitor.watch(orphans, killed_at, scope)
                records.append({"kill": k + 1, "kind": kind, "scope": scope, "pid": pid,
                                "orphans": orphans})
            else:  # the work finished between finding it and the signal: kill again
                records.append({"kill": k + 1, "kind": kind, "scope": scope, "pid": pid,
                                "skipped": "work finished just before the kill"})
            if scope == "host":
                stack.start_worker()
            stack.wait_workers(workers)
    finally:
        stop.set()
        started = out.get(timeout=120)
        starter.join(timeout=30)
    drain = _drain(url, started["instances"], timeout_s=monitor.bound_s)
    monitor.finish(timeout_s=bound_s)
    return {"kills": sum("skipped" not in r for r in records),
            "missed_kills": sum("skipped" in r for r in records),
            "service_kills": sum(r.get("kind") == "service" and "skipped" not in r
                                 for r in records),
            "timer_kills": sum(r.get("kind") == "timer" and "skipped" not in r
                               for r in records),
            "host_kills": sum(r.get("scope") == "host" for r in records),
            "stalled_workers": stalled,
            "instances": len(started["instances"]), "start_statuses": started["statuses"],
            **monitor.summary(), **drain, "seconds": round(time.monotonic() - began, 1),
            "records": records}


def _replace_stalled(stack: Stack, workers: int, idle_s: float = 20.0
                     ) -> list[dict[str, Any]]:
    """A worker that stopped taking work is dumped (py-spy), killed and replaced, as a
    liveness probe would; each one is reported."""
    found = []
    for worker in stack.stalled_workers(idle_s):
        dump = stack.dump_stacks(f"stalled-{worker.pid}")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        stack.start_worker()
        found.append({"pid": worker.pid, "at": time.time(), "stacks": str(dump)})
    if found:
        stack.wait_workers(workers)
    return found


def _find_target(stack: Stack, url: str, kind: str, *, timeout_s: float
                 ) -> dict[str, Any] | None:
    """The pool process that is, right now, inside a service call or holding timer claims."""
    from models import Timer

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pools = stack.pool_pids()
        if kind == "service":
            for mark in stack.mark_dir.iterdir():
                pid, instance_id, task_name = mark.name.split("-", 2)
                if int(pid) in pools:
                    return {"pid": int(pid), "instance_id": int(instance_id),
                            "task_name": task_name}
        else:
            rows = scalar_rows(url, sa.select(Timer.claimed_by).where(Timer.status == "claimed"))
            for (claimed_by,) in rows:
                pid = int(claimed_by.split(":")[-2])
                if pid in pools:
                    return {"pid": pid, "token": claimed_by}
        time.sleep(0.005)
    return None


def _orphans(url: str, kind: str, target: dict[str, Any]) -> list[str]:
    """What the killed process left half done: ``job:<id>`` / ``timer:<id>``."""
    from models import ServiceJob, Timer

    if kind == "service":
        rows = scalar_rows(url, sa.select(ServiceJob.id).where(
            ServiceJob.instance_id == target["instance_id"],
            ServiceJob.task_name == target["task_name"]))
        return [f"job:{row[0]}" for row in rows]
    rows = scalar_rows(url, sa.select(Timer.id).where(Timer.claimed_by == target["token"]))
    return [f"timer:{row[0]}" for row in rows]


class Monitor(threading.Thread):
    """Polls orphans until each is finished (job completed / timer fired or cancelled)."""

    DONE: ClassVar[dict[str, tuple[str, ...]]] = {"job": ("completed", "cancelled"),
                                                  "timer": ("fired", "cancelled")}

    def __init__(self, url: str, *, bound_s: float = 120.0) -> None:
        super().__init__(daemon=True)
        self.url, self.bound_s = url, bound_s
        self.pending: dict[str, float] = {}
        self.recovered: dict[str, float] = {}
        self.scopes: dict[str, str] = {}
        self.rekilled = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def watch(self, orphans: list[str], killed_at: float, scope: str) -> None:
        with self.lock:
            for orphan in orphans:
                # Orphaned again (a released claim taken by a process the next kill hit):
                # recovery is timed from the latest kill.
                self.rekilled += orphan in self.pending
                self.pending[orphan], self.scopes[orphan] = killed_at, scope

    def run(self) -> None:
        from models import ServiceJob, Timer

        while not self.stopping.is_set():
            with self.lock:
                pending = dict(self.pending)
            jobs = [int(o[4:]) for o in pending if o.startswith("job:")]
            timers = [int(o[6:]) for o in pending if o.startswith("timer:")]
            done = {f"job:{i}" for i, s in scalar_rows(self.url, sa.select(
                ServiceJob.id, ServiceJob.status).where(ServiceJob.id.in_(jobs)))
                if s in self.DONE["job"]} if jobs else set()
            done |= {f"timer:{i}" for i, s in scalar_rows(self.url, sa.select(
                Timer.id, Timer.status).where(Timer.id.in_(timers)))
                if s in self.DONE["timer"]} if timers else set()
            now = time.time()
            with self.lock:
                for orphan in done:
                    self.recovered[orphan] = now - self.pending.pop(orphan)
            time.sleep(0.25)

    def finish(self, *, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.25)
        self.stopping.set()
        self.join(timeout=5)

    def summary(self) -> dict[str, Any]:
        times = sorted(self.recovered.values())
        groups = {f"{kind}_{scope}": sorted(
            t for o, t in self.recovered.items()
            if o.startswith(kind) and self.scopes[o] == scope)
            for kind in ("job", "timer") for scope in ("pool", "host")}
        return {"orphans": len(times) + len(self.pending),
                "orphans_recovered": len(times), "orphans_stuck": sorted(self.pending),
                "orphaned_again": self.rekilled,
                "recovery_s_median": _at(times, 0.5), "recovery_s_max": _at(times, 1.0),
                "recovery_s_by_kind": {name: {"n": len(ts), "median": _at(ts, 0.5),
                                              "max": _at(ts, 1.0)}
                                       for name, ts in groups.items()}}


def _at(values: list[float], q: float) -> float | None:
    return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else None


def _drain(url: str, instance_ids: list[int], *, timeout_s: float) -> dict[str, Any]:
    """Wait until every started instance reached its user task; what is left is stuck."""
    from models import HumanTask, ServiceJob, Timer

    began = time.monotonic()
    while True:
        ready = {row[0] for row in scalar_rows(url, sa.select(HumanTask.instance_id).where(
            HumanTask.task_name == "review", HumanTask.instance_id.in_(instance_ids)))}
        stuck = sorted(set(instance_ids) - ready)
        if not stuck or time.monotonic() - began > timeout_s:
            break
        time.sleep(0.5)
    left = {"jobs": dict(scalar_rows(url, sa.select(ServiceJob.status, sa.func.count())
                                     .group_by(ServiceJob.status))),
            "timers": dict(scalar_rows(url, sa.select(Timer.status, sa.func.count())
                                       .group_by(Timer.status)))}
    return {"stuck_instances": stuck[:20], "stuck_count": len(stuck),
            "drain_s": round(time.monotonic() - began, 1), "work_states": left}

"""The floor: what one operation could cost if the service added nothing.

* engine: SpiffWorkflow alone, in-process, no storage: the same diagrams, parsed once, driven
  with the same data (default script engine; the sandboxed one is measured beside it);
* serialize/deserialize: ``workflows.engine.serialization.dump_state``/``load_state``;
* commit: one small-row INSERT + COMMIT on the same database (raw driver);
* request: a trivial Flask view under the same gunicorn/``requests`` stack (see
  ``bench/trivial_app.py``), measured by the client pool.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from bench.client import APPROVE, leave_3_days_counted
from bench.server import DIAGRAMS
from workflows.definitions.bundles import collect_bundle
from workflows.engine.parsing import parse_bundle
from workflows.engine.serialization import dump_state, load_state

LEAVE_PATH = ["approve_class_teacher", "approve_class_office", "confirm_return"]


class Specs:
    """Each bench diagram parsed once, as the service's spec cache does."""

    def __init__(self) -> None:
        self.by_process = {}
        for path in DIAGRAMS:
            bundle = parse_bundle(collect_bundle(path))
            self.by_process[bundle.process_id] = (bundle.spec, bundle.subprocess_specs)


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _start(specs: Specs, process_id: str, data: dict[str, Any]) -> BpmnWorkflow:
    spec, subs = specs.by_process[process_id]
    _install_deferred(spec, subs)
    workflow = BpmnWorkflow(spec, subs)
    workflow.task_tree.data.update(data)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    workflow.do_engine_steps()
    return workflow


def _install_deferred(spec: Any, subs: dict[str, Any]) -> None:
    """certflow's timer/service-task classes (needed for ``P<n>WD`` timers), if present."""
    try:
        from workflows.engine import deferred
    except ImportError:
        return
    deferred.install(spec, subs)


def _step(workflow: BpmnWorkflow, data: dict[str, Any]) -> str:
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()
    return task.task_spec.name


def engine_floor(specs: Specs, iterations: int) -> dict[str, float]:
    """Leave approval, 3-day path, in-process: start, one step, (de)serialize, whole path.

    Plain keys: SpiffWorkflow alone (default script engine). ``facade_*``: the same through
    certflow's ``Run`` (sandboxed scripts, decision/gateway records, data snapshot).
    """
    out: dict[str, float] = {}
    spec, subs = specs.by_process["leave_approval"]
    starts, steps, sers, desers, wholes = [], [], [], [], []
    leave = leave_3_days_counted()
    for _ in range(iterations):
        t0 = time.perf_counter()
        workflow = _start(specs, "leave_approval", dict(leave))
        starts.append(time.perf_counter() - t0)
        whole = starts[-1]
        for name in LEAVE_PATH:
            a = time.perf_counter()
            state = dump_state(workflow)
            b = time.perf_counter()
            workflow = load_state(state, spec, subs)
            c = time.perf_counter()
            if _step(workflow, APPROVE[name][1]) != name:
                raise RuntimeError(f"leave path changed: expected {name}")
            d = time.perf_counter()
            sers.append(b - a)
            desers.append(c - b)
            steps.append(d - c)
            whole += d - c
        wholes.append(whole)
        out["state_kb"] = len(state) / 1024
    out.update({"start_ms": _ms(starts), "step_ms": _ms(steps), "serialize_ms": _ms(sers),
                "deserialize_ms": _ms(desers), "whole_ms": _ms(wholes)})
    out.update(_facade_floor(specs, iterations))
    return out


def _facade_floor(specs: Specs, iterations: int) -> dict[str, float]:
    """One completion through certflow's engine facade: resume, complete, advance, dump."""
    from workflows.engine import Run

    spec, subs = specs.by_process["leave_approval"]
    starts, steps = [], []
    leave = leave_3_days_counted()
    for _ in range(iterations):
        t0 = time.perf_counter()
        run = Run.start(spec, subs, dict(leave))
        run.advance()
        state = run.dump()
        run.data()
        starts.append(time.perf_counter() - t0)
        for name in LEAVE_PATH:
            a = time.perf_counter()
            run = Run.resume(state, spec, subs)
            [task] = run.ready_user_tasks()
            run.complete(task.spiff_task_id, dict(APPROVE[name][1]))
            run.advance()
            run.ready_user_tasks()
            state = run.dump()
            run.data()
            steps.append(time.perf_counter() - a)
            if task.task_name != name:
                raise RuntimeError(f"leave path changed: expected {name}")
    return {"facade_start_ms": _ms(starts), "facade_complete_ms": _ms(steps)}


def engine_curve(specs: Specs, process_id: str, completions: int, data: Callable[[int], Any],
                 repeats: int = 3) -> list[float]:
    """Per completion k: deserialize + complete + advance + serialize (ms), median of repeats.

    ``data(k)`` gives the form data of the k-th completion (1-based).
    """
    spec, subs = specs.by_process[process_id]
    curves = []
    for _ in range(repeats):
        workflow = _start(specs, process_id, {"title": "floor"})
        state = dump_state(workflow)
        curve = []
        for k in range(1, completions + 1):
            t0 = time.perf_counter()
            workflow = load_state(state, spec, subs)
            _step(workflow, data(k))
            state = dump_state(workflow)
            curve.append((time.perf_counter() - t0) * 1000)
        curves.append(curve)
    return [statistics.median(c[i] for c in curves) for i in range(completions)]


def commit_floor(database_url: str, iterations: int) -> float:
    """One INSERT of a small row + COMMIT (ms, median), on the database under test."""
    if database_url.startswith("sqlite"):
        return _sqlite_commit(Path(database_url.removeprefix("sqlite:///")), iterations)
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS bench_commit_floor "
                           "(id bigserial PRIMARY KEY, v integer, at timestamptz)")
        connection.commit()
        samples = []
        for i in range(iterations):
            t0 = time.perf_counter()
            connection.execute("INSERT INTO bench_commit_floor (v, at) VALUES (%s, now())", (i,))
            connection.commit()
            samples.append(time.perf_counter() - t0)
    return _ms(samples)


def _sqlite_commit(path: Path, iterations: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("CREATE TABLE IF NOT EXISTS bench_commit_floor "
                       "(id INTEGER PRIMARY KEY, v INTEGER, at TEXT)")
    samples = []
    for i in range(iterations):
        t0 = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO bench_commit_floor (v, at) VALUES (?, datetime('now'))",
                           (i,))
        connection.execute("COMMIT")
        samples.append(time.perf_counter() - t0)
    connection.close()
    return _ms(samples)


def composite(floor: dict[str, float]) -> dict[str, float]:
    """Floors of each service operation, from the measured parts (all ms)."""
    io = floor["commit_ms"] + floor["request_ms"]
    step = floor["deserialize_ms"] + floor["step_ms"] + floor["serialize_ms"]
    start = floor["start_ms"] + floor["serialize_ms"]
    return {
        "start": start + io,
        "claim": io,
        "complete": step + io,
        "claim_complete": step + 2 * io,
        # start + 2 x (claim + complete) + complete of 销假 = 6 requests, 6 commits.
        "whole": floor["whole_ms"] + 3 * floor["deserialize_ms"] + 4 * floor["serialize_ms"]
        + 6 * io,
        "inbox": floor["request_ms"],
    }

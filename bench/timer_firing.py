"""Timer firing throughput: ``python -m bench.timer_firing [--timers 1000] [--firers 1 2]``.

Creates N waiting timers in bulk (one instance started through the use case, then its rows —
instance, open human task, timers — copied N-1 times with executemany), moves the clock past
their due time and runs the firing job (``workflows.automation.timers.fire_due_timers``, what beat
runs every few seconds), alone and as two concurrent firers (threads, each its own session). Every
fire is a full step: lock the instance, load the engine state, fire, advance, store progress,
record history, commit.

Scenarios:
- ``intermediate``: an intermediate timer then a user task (the minimal step);
- ``leave_escalation``: the bundled leave approval with both boundary timers due (a reminder,
  whose notification service task then runs in-process, and the interrupting escalation to the
  next tier).

SQLite in a temp dir by default; ``DATABASE_URL`` selects another database (its tables are
dropped and recreated). Prints a table and writes ``bench/results/timers.json`` (merging the
rows of other databases already in it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from workflows.core.unit_of_work import units_of

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "timers.json"
LEAVE = ROOT / "bpmn" / "leave_approval.bpmn"
START = datetime(2026, 11, 2, 1, tzinfo=UTC)  # Monday 09:00 in Beijing
INTERMEDIATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://bench">
  <bpmn:process id="bench_timer" name="bench timer" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="class_teacher">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>check</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
      <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P1WD"</bpmn:timeDuration>
    </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="check" />
    <bpmn:userTask id="check" name="check" />
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""
SCENARIOS: dict[str, dict[str, Any]] = {
    "intermediate": {"process": "bench_timer", "data": {}, "timers_per_instance": 1,
                     "advance": timedelta(days=2)},
    "leave_escalation": {"process": "leave_approval", "timers_per_instance": 2,
                         "data": {"leave_type": "personal", "reason": "家中有事",
                                  "start_date": "2026-11-03", "start_half": "am",
                                  "end_date": "2026-11-03", "end_half": "pm"},
                         "advance": timedelta(days=4)},
}


def make_app(database_url: str) -> Any:
    from api import create_app
    from bench.server import KEYS
    from config import Settings
    from models import Base, db

    app = create_app(Settings(database_url=database_url, **KEYS, password_time_cost=1,
                              password_memory_cost_kib=1024))
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
    return app


def build(app: Any, scenario: str, instances: int) -> int:
    """One real instance, then ``instances - 1`` copies of its rows; returns timers waiting."""
    import sqlalchemy as sa

    from api.context import unit_of_work
    from models import Base, HumanTask, ProcessInstance, Timer, User, db
    from workflows.core.clock import FrozenClock
    from workflows.core.runtime import runtime_of
    from workflows.definitions import spec_cache
    from workflows.definitions.bundles import collect_bundle
    from workflows.definitions.deploy import deploy_definition
    from workflows.identity.users import load_actor, seed_users
    from workflows.instances.lifecycle import start_instance

    case = SCENARIOS[scenario]
    with app.app_context():
        for table in reversed(Base.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        spec_cache.clear()
        runtime_of(app).clock = FrozenClock(START)
        seed_users(runtime_of(app).settings.seed_file, uow=unit_of_work())
        files = (collect_bundle(LEAVE) if scenario == "leave_escalation"
                 else {"bench_timer.bpmn": INTERMEDIATE.encode()})
        deploy_definition(files, actor=None, uow=unit_of_work())
        user = db.session.scalar(sa.select(User).where(User.username == "xiaoming"))
        actor = load_actor(db.session, user.id)
        data = dict(case["data"])
        if case["process"] == "leave_approval":
            from bench.client import proof_upload

            data["proof"] = [proof_upload(runtime_of(app), actor, unit_of_work())]
        view = start_instance(case["process"], business_key="BENCH-0", data=data,
                              actor=actor, uow=unit_of_work())
        template = view.instance
        columns = [c.key for c in ProcessInstance.__table__.columns if c.key != "id"]
        base = {c: getattr(template, c) for c in columns}
        timer_rows = db.session.scalars(sa.select(Timer)).all()
        task_rows = db.session.scalars(sa.select(HumanTask)).all()
        first = template.id
        copies = [{**base, "business_key": f"BENCH-{i}"} for i in range(1, instances)]
        for chunk in range(0, len(copies), 1000):
            db.session.execute(sa.insert(ProcessInstance), copies[chunk:chunk + 1000])
        ids = db.session.scalars(sa.select(ProcessInstance.id).where(
            ProcessInstance.id != first).order_by(ProcessInstance.id)).all()
        for model, rows in ((Timer, timer_rows), (HumanTask, task_rows)):
            cols = [c.key for c in model.__table__.columns if c.key != "id"]
            values = [{**{c: getattr(row, c) for c in cols}, "instance_id": instance_id}
                      for instance_id in ids for row in rows]
            for chunk in range(0, len(values), 1000):
                db.session.execute(sa.insert(model), values[chunk:chunk + 1000])
        db.session.commit()
        waiting = db.session.scalar(sa.select(sa.func.count(Timer.id)).where(
            Timer.status == "pending")) or 0
        db.session.remove()
    return waiting


def fire(app: Any, firers: int, batch_size: int) -> tuple[float, float, int, int]:
    from models import db
    from workflows.automation import timers
    from workflows.core.runtime import runtime_of

    reports: list[Any] = []
    barrier = threading.Barrier(firers)

    def job() -> None:
        with app.app_context():
            barrier.wait()
            reports.append(timers.fire_due_timers(uows=units_of(runtime_of(app)),
                                                  batch_size=batch_size))
            db.session.remove()

    threads = [threading.Thread(target=job) for _ in range(firers)]
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, sum(r.fired for r in reports), sum(r.errors for r in reports)


def run(database_url: str, label: str, timers_wanted: int, firers_list: list[int],
        batch_size: int) -> list[dict[str, Any]]:
    from workflows.core.clock import FrozenClock, system_clock
    from workflows.core.runtime import runtime_of

    app = make_app(database_url)
    rows = []
    for scenario, case in SCENARIOS.items():
        for firers in firers_list:
            instances = max(1, timers_wanted // case["timers_per_instance"])
            waiting = build(app, scenario, instances)
            runtime_of(app).clock = FrozenClock(START + case["advance"])
            elapsed, cpu, fired, errors = fire(app, firers, batch_size)
            runtime_of(app).clock = system_clock
            assert fired == waiting and errors == 0, (fired, waiting, errors)
            rows.append({"database": label, "scenario": scenario, "firers": firers,
                         "timers": fired, "seconds": round(elapsed, 2),
                         "timers_per_s": round(fired / elapsed, 1),
                         "ms_per_timer": round(elapsed * 1000 / fired, 2),
                         # This process' CPU only (not PostgreSQL's): robust to a busy machine.
                         "cpu_ms_per_timer": round(cpu * 1000 / fired, 2),
                         "load_avg_1m": round(os.getloadavg()[0], 1)})
            print_row(rows[-1])
    return rows


def print_row(row: dict[str, Any]) -> None:
    print(f"{row['database']:<11} {row['scenario']:<17} {row['firers']:>6} {row['timers']:>7} "
          f"{row['seconds']:>8.2f} {row['timers_per_s']:>9.1f} {row['ms_per_timer']:>8.2f} "
          f"{row['cpu_ms_per_timer']:>8.2f} {row['load_avg_1m']:>5.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--timers", type=int, default=1000)
    parser.add_argument("--firers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'timers.sqlite3'}"
        label = "postgresql" if url.startswith("postgresql") else "sqlite"
        print(f"{'database':<11} {'scenario':<17} {'firers':>6} {'timers':>7} {'seconds':>8} "
              f"{'timers/s':>9} {'ms/timer':>8} {'cpu ms':>8} {'load':>5}")
        rows = run(url, label, args.timers, args.firers, args.batch_size)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    kept = [r for r in previous.get("rows", []) if r["database"] != label]
    RESULTS.write_text(json.dumps({
        "what": ("timers fired per second by workflows.automation.timers.fire_due_timers"
                 " (full step each)"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "batch_size": args.batch_size, "rows": kept + rows,
    }, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Replay speed: ``python -m bench.replay [--rounds 50] [--repeat 20]``.

Builds one instance of ``tests/fixtures/review_loop.bpmn`` whose history has 202 events (40
rounds of: claim, complete, two gateway passes, next task ready), then times:

- ``engine``: the pure replay (``workflows.audit.replayer.replay``) of all events,
  history in memory;
- ``to seq N``: the same, stopping at intermediate points;
- ``with integrity``: ``replay_instance`` as the API runs it (load the events, replay, compare
  data/tasks/decisions with the stored state, deserialize the stored engine state);
- ``HTTP``: ``GET /api/v1/instances/<id>/replay`` as the auditor (adds auth and the access-log
  write).

Also replays a finished leave approval (DMN decision, 3 tiers) for comparison. SQLite in a temp
dir by default; ``DATABASE_URL`` selects another database (its tables are dropped and recreated).
Prints a table and writes ``bench/results/replay.json`` (``replay-postgresql.json`` on PG).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOOP = ROOT / "tests" / "fixtures" / "review_loop.bpmn"
LEAVE = ROOT / "bpmn" / "leave_approval.bpmn"


def timed(action: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and process-CPU seconds per run (CPU is steadier on a shared machine)."""
    action()  # warm-up (spec cache, imports)
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def row(name: str, events: int, samples: tuple[list[float], list[float]]) -> dict[str, Any]:
    wall, cpu = samples
    median, median_cpu = statistics.median(wall), statistics.median(cpu)
    return {"case": name, "events": events, "median_ms": round(median * 1000, 2),
            "p90_ms": round(sorted(wall)[int(len(wall) * 0.9) - 1] * 1000, 2),
            "cpu_ms": round(median_cpu * 1000, 2),
            "events_per_s": round(events / median),
            "events_per_cpu_s": round(events / median_cpu) if median_cpu else None}


def _today(app: Any) -> str:
    from workflows.core.runtime import runtime_of

    runtime = runtime_of(app)
    return runtime.now().astimezone(runtime.calendar.zone).date().isoformat()


def build(app: Any, rounds: int) -> tuple[int, int]:
    """The loop instance (``rounds`` rounds) and a finished 3-tier leave approval."""
    from api.context import unit_of_work
    from workflows.core.runtime import runtime_of
    from workflows.definitions.bundles import collect_bundle
    from workflows.definitions.deploy import deploy_definition
    from workflows.identity.users import load_actor, seed_users
    from workflows.instances.lifecycle import start_instance
    from workflows.tasks.actions import claim_task, complete_task

    with app.app_context():
        settings = runtime_of(app).settings
        seed_users(settings.seed_file, uow=unit_of_work())
        from models import User, db

        actors = {u.username: load_actor(db.session, u.id)
                  for u in db.session.query(User).all()}
        deploy_definition({LOOP.name: LOOP.read_bytes()}, actor=None, uow=unit_of_work())
        deploy_definition(collect_bundle(LEAVE), actor=None, uow=unit_of_work())
        loop = start_instance("review_loop", business_key="BENCH-LOOP", data={"target": rounds},
                              actor=actors["zhang"], uow=unit_of_work())
        for number in range(rounds):
            task = loop.open_tasks[0]
            claim_task(task.id, actor=actors["zhang"], uow=unit_of_work())
            loop = complete_task(task.id, data={"note": f"round {number + 1}"},
                                 actor=actors["zhang"], uow=unit_of_work())
        from bench.client import LEAVE_3_DAYS, proof_upload

        proof = proof_upload(runtime_of(app), actors["xiaoming"], unit_of_work())
        four_days = {**LEAVE_3_DAYS, "end_date": (date.fromisoformat(LEAVE_3_DAYS["start_date"])
                                                  + timedelta(days=3)).isoformat()}
        leave = start_instance("leave_approval", business_key="BENCH-LEAVE", data={
            **four_days, "reason": "家中有事需要处理", "proof": [proof]},
            actor=actors["xiaoming"], uow=unit_of_work())
        for user, data in (("li", {"office_approved": True, "office_comment": "同意"}),
                           ("zhao", {"leader_approved": True, "leader_comment": "同意"}),
                           ("xiaoming", {"returned_on": _today(app),
                                         "return_note": "已返校"})):
            task = leave.open_tasks[0]
            if task.status != "claimed":
                claim_task(task.id, actor=actors[user], uow=unit_of_work())
            leave = complete_task(task.id, data=data, actor=actors[user], uow=unit_of_work())
        return loop.instance.id, leave.instance.id


def measure(app: Any, instance_id: int, label: str, repeat: int,
            points: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    from models import ProcessDefinition, ProcessInstance, db
    from workflows.audit.replay import load_events, replay_instance
    from workflows.audit.replayer import replay
    from workflows.definitions import spec_cache

    rows = []
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        definition = spec_cache.get(db.session.get(ProcessDefinition, instance.definition_id))
        events = load_events(db.session, instance_id)
        count = len(events)
        check = replay_instance(db.session, instance_id)
        assert check.integrity["matches"], check.integrity
        rows.append(row(f"{label}: engine, all events", count,
                        timed(lambda: replay(definition, events), repeat)))
        for point in points:
            rows.append(row(f"{label}: engine, to seq {point}", point,
                            timed(lambda p=point: replay(definition, events, upto=p), repeat)))

        def full() -> None:
            db.session.rollback()
            replay_instance(db.session, instance_id)

        rows.append(row(f"{label}: with DB load + integrity check", count, timed(full, repeat)))
        db.session.remove()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={
        "username": "auditor", "password": "auditor123"}).get_json()["access_token"]

    def http() -> None:
        response = client.get(f"/api/v1/instances/{instance_id}/replay",
                              headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200 and response.get_json()["integrity"]["matches"]

    rows.append(row(f"{label}: GET /instances/<id>/replay", count, timed(http, repeat)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40,
                        help="loop rounds (5 events each; 40 rounds = 202 events)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    from api import create_app
    from bench.server import KEYS
    from config import Settings
    from models import Base, db

    url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='certflow-bench-replay-')}/bench.sqlite3")
    app = create_app(Settings(database_url=url, **KEYS, password_time_cost=1,
                              password_memory_cost_kib=1024))
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        dialect = db.engine.dialect.name
    loop_id, leave_id = build(app, args.rounds)
    rows = measure(app, loop_id, "loop", args.repeat, points=(50, 100, 150))
    rows += measure(app, leave_id, "leave", args.repeat)
    print(f"{'case':<46} {'events':>6} {'median ms':>9} {'p90 ms':>7} {'cpu ms':>7} "
          f"{'events/s':>8} {'ev/cpu-s':>8}")
    for r in rows:
        print(f"{r['case']:<46} {r['events']:>6} {r['median_ms']:>9} {r['p90_ms']:>7} "
              f"{r['cpu_ms']:>7} {r['events_per_s']:>8} {r['events_per_cpu_s']:>8}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": "replay", "database": dialect, "rounds": args.rounds,
              "repeat": args.repeat, "python": platform.python_version(),
              "machine": platform.machine(), "cpus": os.cpu_count(),
              "load_average": Path("/proc/loadavg").read_text().split()[:3]
              if Path("/proc/loadavg").exists() else None, "rows": rows}
    out = RESULTS / ("replay.json" if dialect == "sqlite" else f"replay-{dialect}.json")
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()

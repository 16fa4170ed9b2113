"""CPU and SQL statements per whole leave, in-process: ``python -m bench.leave_cpu``.

One process, Flask test client (no socket, no gunicorn), a fresh bench database: after a
warm-up, ``--n`` whole 3-day leaves (start, claim + complete 班主任, claim + complete 班级办公室,
complete 销假: 6 requests), timed by the process's CPU clock, statements counted as in
``tests/e2e/test_statement_budget.py``. It runs unchanged against another checkout (``cd`` there
and pass this file's path), so ``farm-bench`` can time two versions of certflow pair by pair.
Prints one JSON line. ``--handshake PATH`` (used by ``bench.instructions``) writes
``PATH.ready`` after the warm-up, waits for ``PATH`` before the timed leaves and ends the
process right after them, so a profiler switched on in between sees those leaves only.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.client import APPROVE, LEAVE_3_DAYS
from bench.profile import InProcess
from bench.server import database_url, prepare_database


def whole_leave(app: InProcess, key: str) -> None:
    instance = app.start("leave_approval", key, LEAVE_3_DAYS)
    while instance.get("open_tasks"):
        task = instance["open_tasks"][0]
        user, data = APPROVE[task["task_name"]]
        instance = app.call("POST", f"/api/v1/tasks/{task['id']}/complete?claim=true", user,
                            {"data": data})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.leave_cpu", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--handshake", type=Path)
    args = parser.parse_args(argv)
    from models import db

    with tempfile.TemporaryDirectory(prefix="certflow-leave-cpu-") as tmp:
        url = database_url(args.db, Path(tmp))
        prepare_database(url)
        app = InProcess(url)
        with app.app.app_context():
            engine = db.engine
        seen: list[str] = []

        def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
                seen.append(statement)

        for i in range(5):
            whole_leave(app, f"WARM-{i}")
        if args.handshake is not None:
            args.handshake.with_suffix(".ready").write_text(str(os.getpid()))
            while not args.handshake.exists():
                time.sleep(0.05)
        sa.event.listen(engine, "before_cursor_execute", count)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(args.n):
            whole_leave(app, f"CPU-{i}")
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        if args.handshake is not None:
            os._exit(0)  # nothing after the leaves is counted
        sa.event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
    print(json.dumps({"db": args.db, "n": args.n, "cpu_ms_per_leave": 1000 * cpu / args.n,
                      "wall_ms_per_leave": 1000 * wall / args.n,
                      "statements_per_leave": len(seen) / args.n}))


if __name__ == "__main__":
    main()

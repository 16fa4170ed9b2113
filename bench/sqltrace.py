"""Every database round trip of one request, with the certflow line that caused it.

``python -m bench.sqltrace [--db postgres]`` prints, for one start, claim, complete and inbox
request, each statement (and each pool PING / reset ROLLBACK, which are round trips too) with
the innermost frame in ``api/`` or ``workflows/`` on the stack. That is the list to shorten.
"""

from __future__ import annotations

import argparse
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.client import APPROVE, LEAVE_3_DAYS
from bench.server import ROOT, database_url, prepare_database

OURS = (str(ROOT / "api"), str(ROOT / "workflows"))


def _origin() -> str:
    for frame in reversed(traceback.extract_stack()[:-2]):
        if frame.filename.startswith(OURS):
            return f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno} {frame.name}"
    return "(sqlalchemy/flask internals)"


def trace(engine: sa.Engine, call: Callable[[], Any]) -> list[str]:
    lines: list[str] = []

    def before(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        lines.append(f"{' '.join(statement.split())[:70]:72} <- {_origin()}")

    sa.event.listen(engine, "before_cursor_execute", before)
    originals = {}
    for method, label in (("do_commit", "COMMIT"), ("do_rollback", "ROLLBACK"),
                          ("do_ping", "PING (pool_pre_ping)")):
        original = getattr(engine.dialect, method)
        originals[method] = original

        def wrapper(*args: Any, _o: Any = original, _l: str = label, **kwargs: Any) -> Any:
            lines.append(f"{_l:72} <- {_origin()}")
            return _o(*args, **kwargs)

        setattr(engine.dialect, method, wrapper)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        for method in originals:
            delattr(engine.dialect, method)
    return lines


def collect(url: str) -> dict[str, list[str]]:
    """Round trips of one start, claim, complete and inbox request on an existing bench DB."""
    from bench.profile import InProcess, make_profilable
    from models import db

    make_profilable()
    app = InProcess(url)
    with app.app.app_context():
        engine = db.engine
    app.start("leave_approval", "TRACE-0", LEAVE_3_DAYS)  # warm-up
    started: list[Any] = []
    user, data = APPROVE["approve_class_teacher"]

    def task_url(action: str) -> str:
        return f"/api/v1/tasks/{started[0]['open_tasks'][0]['id']}/{action}"

    calls: list[tuple[str, Callable[[], Any]]] = [
        ("start", lambda: started.append(app.start("leave_approval", "TRACE-1",
                                                   LEAVE_3_DAYS))),
        ("claim", lambda: app.call("POST", task_url("claim"), user)),
        ("complete", lambda: app.call("POST", task_url("complete"), user, {"data": data})),
        ("inbox", lambda: app.call("GET", "/api/v1/tasks", "chen")),
    ]
    out = {name: trace(engine, call) for name, call in calls}
    engine.dispose()
    return out


def summary(traces: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Statements and possible round trips (incl. PING/ROLLBACK/COMMIT) per request kind."""
    extra = ("PING", "ROLLBACK", "COMMIT")
    return {name: {"statements": sum(not line.startswith(extra) for line in lines),
                   "round_trips": len(lines)} for name, lines in traces.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sqltrace", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="certflow-trace-") as tmp:
        url = database_url(args.db, Path(tmp))
        prepare_database(url)
        for name, lines in collect(url).items():
            print(f"\n== {name}: {len(lines)} round trips "
                  "(PING/ROLLBACK may be skipped by the driver when idle) ==")
            for i, line in enumerate(lines, 1):
                print(f"{i:3} {line}")


if __name__ == "__main__":
    main()

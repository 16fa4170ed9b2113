"""The JSON work of one completion, standard library against orjson, in one run.

``python -m bench.serialization [--repeat 15]``: a 3-day leave is started and its first task
completed in-process (SQLite), then each JSON step of a completion is timed both ways on that
real data, the two ways alternating repeat by repeat so a busy machine slows both alike:
writing and reading the engine state (``workflows.engine.serialization``: what
``BpmnWorkflowSerializer.serialize_json`` and ``json.loads`` did, against ``dump_state`` and
``load_state``'s parse), the task data copy (``to_plain``) and the answer of the completion
(``api.safe_json.encode_json``). Prints a table (CPU µs per call, median of the repeats, and the
median of the per-repeat ratios) and writes ``bench/results/serialization.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.client import APPROVE, LEAVE_3_DAYS
from bench.profile import InProcess
from bench.report import RESULTS
from bench.server import database_url, prepare_database


def sample() -> tuple[Any, Any, Any]:
    """A leave after its first decision: its restored workflow, its data, the answer."""
    import sqlalchemy as sa

    from models import ProcessInstance, db
    from workflows.definitions import spec_cache
    from workflows.engine.serialization import load_state

    with tempfile.TemporaryDirectory(prefix="certflow-serialization-") as tmp:
        url = database_url("sqlite", Path(tmp))
        prepare_database(url)
        app = InProcess(url)
        started = app.start("leave_approval", "SER-1", LEAVE_3_DAYS)
        task = started["open_tasks"][0]
        user, data = APPROVE[task["task_name"]]
        answer = app.call("POST", f"/api/v1/tasks/{task['id']}/complete?claim=true", user,
                          {"data": data})
        with app.app.app_context():
            row = db.session.scalars(sa.select(ProcessInstance)).one()
            definition = spec_cache.get_by_id(db.session, row.definition_id)
            instance_data = dict(row.data)
            workflow = load_state(row.state, definition.spec, definition.subprocess_specs)
            db.engine.dispose()
    return workflow, instance_data, answer


def per_call(call: Callable[[], Any], number: int) -> float:
    start = time.thread_time()  # CPU time: a busy machine delays the call, not its work
    for _ in range(number):
        call()
    return (time.thread_time() - start) / number * 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serialization", description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args(argv)
    from api.safe_json import encode_json
    from workflows.core import fast_json
    from workflows.engine import serialization
    from workflows.engine.pruning import prune_finished_history

    workflow, data, answer = sample()
    ours = serialization._SERIALIZER  # what dump_state wraps
    registry = ours.registry
    new_state = serialization.dump_state(workflow)  # also prunes, as every stored run does
    old_state = ours.serialize_json(workflow)

    def old_dump() -> str:  # dump_state before orjson
        prune_finished_history(workflow)
        return ours.serialize_json(workflow)  # type: ignore[no-any-return]

    def old_plain() -> Any:
        return json.loads(json.dumps(data, ensure_ascii=False))

    def old_answer() -> bytes:
        return json.dumps(answer, ensure_ascii=False, allow_nan=False).encode()

    steps: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "write engine state": (old_dump, lambda: serialization.dump_state(workflow)),
        "read engine state (parse)": (lambda: json.loads(old_state),
                                      lambda: fast_json.loads_written(new_state)),
        "copy task data (to_plain)": (old_plain, lambda: serialization.to_plain(data)),
        "encode the answer": (old_answer, lambda: encode_json(answer)),
    }
    assert fast_json.compact(new_state) and json.loads(new_state) == json.loads(old_state)
    assert registry._encoder_mode is False
    rows = {}
    for name, (old, new) in steps.items():
        olds, news = [], []
        for _ in range(args.repeat):
            olds.append(per_call(old, args.number))
            news.append(per_call(new, args.number))
        ratios = [o / n for o, n in zip(olds, news, strict=True)]
        rows[name] = {"json_us": statistics.median(olds), "orjson_us": statistics.median(news),
                      "ratio": statistics.median(ratios), "ratio_min": min(ratios),
                      "ratio_max": max(ratios)}
    print(f"state {len(new_state)} B (orjson) / {len(old_state)} B (json), "
          f"answer {len(encode_json(answer))} B")
    print(f"{'step':28} {'json µs':>9} {'orjson µs':>10} {'×':>6} {'(min–max)':>12}")
    for name, row in rows.items():
        print(f"{name:28} {row['json_us']:9.1f} {row['orjson_us']:10.1f} {row['ratio']:6.2f} "
              f"({row['ratio_min']:.2f}–{row['ratio_max']:.2f})")
    total_old = sum(row["json_us"] for row in rows.values())
    total_new = sum(row["orjson_us"] for row in rows.values())
    print(f"{'one completion (sum)':28} {total_old:9.1f} {total_new:10.1f} "
          f"{total_old / total_new:6.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "serialization.json"
    out.write_text(json.dumps({"repeat": args.repeat, "number": args.number,
                               "state_bytes": len(new_state), "steps": rows}, indent=2))
    print(f"written: {out}")


if __name__ == "__main__":
    main()

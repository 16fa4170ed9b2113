"""Sample the real gunicorn worker with py-spy while clients claim and complete tasks.

``python -m bench.spy [--db postgres] [--clients 1] [--seconds 20]``: fresh database, the
service under gunicorn, instances prepared, then py-spy records the worker (``--nonblocking``,
so it does not pause it) during the claim+complete load. Writes a flame graph
(``bench/results/spy-<db>.svg``) and prints where the worker's CPU samples fall, grouped by
area (innermost matching frame wins). Idle time (waiting on the socket or the database) is not
sampled, so this is the CPU picture; ``bench.profile`` has the wall-clock one.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import client
from bench.load import ClientPool, fetch_tokens
from bench.report import RESULTS
from bench.server import Gunicorn, database_url, prepare_database

# (substring of a frame, area): checked from the innermost frame outwards.
AREAS = [
    ("serialization.py", "serialize/deserialize state"),
    ("SpiffWorkflow/bpmn/serializer", "serialize/deserialize state"),
    ("sandbox/", "sandbox (scripts, conditions)"),
    ("script_env.py", "sandbox (scripts, conditions)"),
    ("SpiffWorkflow", "engine (SpiffWorkflow)"),
    ("psycopg", "database driver (psycopg)"),
    ("sqlite3", "database driver (sqlite3)"),
    ("sqlalchemy/orm", "SQLAlchemy ORM"),
    ("sqlalchemy", "SQLAlchemy core/pool"),
    ("jsonschema", "form validation (jsonschema)"),
    ("marshmallow", "marshmallow / webargs"),
    ("webargs", "marshmallow / webargs"),
    ("jwt/", "JWT"),
    ("hashlib", "history hash chain"),
    ("json/", "json encode/decode"),
    ("workflows/", "certflow use cases (own code)"),
    ("api/", "certflow API layer (own code)"),
    ("werkzeug", "Flask / werkzeug"),
    ("flask", "Flask / werkzeug"),
    ("gunicorn", "gunicorn (socket, HTTP parsing)"),
]


def areas(raw: str) -> Counter[str]:
    """Samples per area from py-spy's ``raw`` (collapsed stacks) output."""
    counts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = stack.split(";")
        area = next((label for frame in reversed(frames) for key, label in AREAS
                     if key in frame), "other (interpreter, stdlib)")
        counts[area] += int(n)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.spy", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--per-client", type=int, default=150, help="claim+complete pairs")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="certflow-spy-") as tmp, ClientPool(4) as pool:
        url = database_url(args.db, Path(tmp))
        prepare_database(url)
        with Gunicorn("api.wsgi:app", database_url=url, log_dir=Path(tmp)) as api:
            tokens = fetch_tokens(api.base_url)
            base = {"base_url": api.base_url, "tokens": tokens}
            prepared = pool.run(client.start_many, [
                {**base, "process_id": "leave_approval", "data": client.LEAVE_3_DAYS,
                 "n": args.per_client, "key": f"SPY{i}"} for i in range(args.clients)])
            user, data = client.APPROVE["approve_class_teacher"]
            raw_path = Path(tmp) / "spy.txt"
            svg_path = RESULTS / f"spy-{args.db}.svg"
            worker = api.worker_pids()[0]
            recorders = [subprocess.Popen(
                [spy, "record", "--pid", str(worker), "--rate", "250", "--nonblocking",
                 "--format", fmt, "-o", str(path)], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) for fmt, path in (("raw", raw_path),
                                                             ("flamegraph", svg_path))]
            time.sleep(1.0)
            began = time.time()
            results = pool.run(client.complete_many, [
                {**base, "user": user, "data": data, "task_ids": r["task_ids"]}
                for r in prepared])
            elapsed = time.time() - began
            for recorder in recorders:
                recorder.send_signal(2)  # SIGINT: py-spy writes its output and exits
                recorder.wait(timeout=30)
            pairs = sum(len(r["pair"]) for r in results)
            counts = areas(raw_path.read_text())
    total = sum(counts.values()) or 1
    print(f"{args.db}: {pairs} claim+complete pairs in {elapsed:.1f} s "
          f"({pairs / elapsed:.1f}/s, {args.clients} client(s)); {total} CPU samples")
    for area, n in counts.most_common():
        print(f"  {100 * n / total:5.1f}%  {area}")
    print(f"flame graph: {svg_path}")


if __name__ == "__main__":
    main()

"""Where the time of one request goes: ``python -m bench.profile [--db postgres] [--n 200]``.

In-process (Flask test client, no socket) on a fresh bench database: per request kind (start,
claim, complete, inbox, and the late rounds of a long rework loop) the exclusive time per code
area (``bench/timers.py``) and the SQL statements issued, then a pyinstrument profile of the
completions (text + HTML in bench/results/). Use ``--py-spy`` of ``bench.spy`` for the real
gunicorn worker.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.client import APPROVE, LEAVE_3_DAYS
from bench.load import USERS
from bench.report import RESULTS
from bench.server import KEYS, database_url, prepare_database
from bench.timers import Buckets

ROOT_BUCKET = "Flask, werkzeug, routing, other"


class InProcess:
    """The app with a test client, signed-in tokens and helpers that return JSON."""

    def __init__(self, url: str) -> None:
        from api import create_app
        from config import Settings

        self.app = create_app(Settings(database_url=url, **KEYS))
        self.client = self.app.test_client()
        self.headers = {}
        for user, password in USERS.items():
            body = self.call("POST", "/api/v1/auth/token", None,
                             {"username": user, "password": password})
            self.headers[user] = {"Authorization": f"Bearer {body['access_token']}"}

    def call(self, method: str, path: str, user: str | None, body: Any = None) -> Any:
        response = self.client.open(path, method=method, json=body,
                                    headers=self.headers.get(user or "", {}))
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.get_json()}")
        return response.get_json()

    def start(self, process_id: str, key: str, data: dict[str, Any]) -> Any:
        if process_id == "leave_approval" and "proof" not in data:
            from bench.client import PROOF

            uploaded = self.client.post("/api/v1/attachments", data={
                "file": (io.BytesIO(PROOF), "证明.pdf")}, content_type="multipart/form-data",
                headers=self.headers.get("xiaoming", {}))
            data = {**data, "proof": [uploaded.get_json()["id"]]}
        return self.call("POST", "/api/v1/instances", "xiaoming",
                         {"process_id": process_id, "business_key": key, "data": data})


def measure(buckets: Buckets, calls: list[Callable[[], Any]]) -> dict[str, Any]:
    """Run the calls under the buckets; per-request exclusive ms and statement counts."""
    buckets.reset()
    t0, cpu0 = time.perf_counter(), time.thread_time()
    for call in calls:
        with buckets.bucket(ROOT_BUCKET):
            call()
    total = (time.perf_counter() - t0) * 1000 / len(calls)
    cpu = (time.thread_time() - cpu0) * 1000 / len(calls)
    per = {k: round(v * 1000 / len(calls), 3) for k, v in
           sorted(buckets.exclusive.items(), key=lambda kv: -kv[1])}
    per_cpu = {k: round(v * 1000 / len(calls), 3) for k, v in
               sorted(buckets.exclusive_cpu.items(), key=lambda kv: -kv[1])}
    sql = {k: f"{v / len(calls):g} x {buckets.sql_ms[k] / v:.2f} ms"
           for k, v in buckets.sql.most_common()}
    statements = sum(v for k, v in buckets.sql.items()
                     if k not in ("COMMIT", "ROLLBACK", "PING (pool_pre_ping)")) / len(calls)
    return {"ms_per_request": round(total, 3), "cpu_ms_per_request": round(cpu, 3),
            "exclusive_ms": per, "exclusive_cpu_ms": per_cpu, "sql_per_request": sql,
            "statements_per_request": round(statements, 2)}


def make_profilable() -> None:
    """Let a profiler hook run in this process (bench only; the service is not changed).

    The sandbox's watchdog withdraws a possibly pending async exception after every script by
    calling ``PyThreadState_SetAsyncExc(tid, NULL)``. On CPython 3.11 that leaves the eval
    breaker signalled for good (it is only cleared when an exception is actually delivered),
    and with any ``sys.setprofile``/``settrace`` hook installed the interpreter then spins
    forever at the next function entry. Here the withdrawal is only made when a post was
    made, which is what it is for.
    """
    from workflows.engine.sandbox import watchdog

    if getattr(watchdog, "_bench_patched", False):
        return
    posted: set[int] = set()
    real_post, real_withdraw = watchdog._post, watchdog._withdraw

    def post(thread_id: int, exc: Any) -> int:
        posted.add(thread_id)
        return real_post(thread_id, exc)

    def withdraw(thread_id: int, exc: Any) -> int:
        if thread_id in posted:
            posted.discard(thread_id)
            return real_withdraw(thread_id, exc)
        return 0

    watchdog._post, watchdog._withdraw = post, withdraw
    watchdog._bench_patched = True


def profile(db: str, n: int, rounds: int, out_dir: Path) -> dict[str, Any]:
    from models import db as database

    make_profilable()
    with tempfile.TemporaryDirectory(prefix="certflow-profile-") as tmp:
        url = database_url(db, Path(tmp))
        prepare_database(url)
        app = InProcess(url)
        with app.app.app_context():
            engine = database.engine
        for i in range(5):  # warm-up: spec cache, pools, sandbox
            app.start("leave_approval", f"W-{i}", LEAVE_3_DAYS)
        buckets = Buckets()
        buckets.install(engine)
        results: dict[str, Any] = {"missing_patches": buckets.missing}
        keys = iter(range(10**9))
        results["start"] = measure(buckets, [
            lambda: app.start("leave_approval", f"S-{next(keys)}", LEAVE_3_DAYS)] * n)
        tasks = [t["open_tasks"][0]["id"] for t in
                 (app.start("leave_approval", f"P-{i}", LEAVE_3_DAYS) for i in range(2 * n))]
        user, data = APPROVE["approve_class_teacher"]
        first, second = iter(tasks[:n]), iter(tasks[n:])
        results["claim"] = measure(buckets, [
            lambda: app.call("POST", f"/api/v1/tasks/{next(first)}/claim", user)] * n)
        done = iter(tasks[:n])
        results["complete"] = measure(buckets, [
            lambda: app.call("POST", f"/api/v1/tasks/{next(done)}/complete", user,
                             {"data": data})] * n)
        results["inbox"] = measure(buckets, [
            lambda: app.call("GET", "/api/v1/tasks", "chen")] * n)
        results["rework"] = _rework(app, buckets, rounds)
        buckets.uninstall()
        results["pyinstrument"] = _pyinstrument(app, list(second), user, data, db, out_dir)
        engine.dispose()
    return results


def _rework(app: InProcess, buckets: Buckets, rounds: int) -> dict[str, Any]:
    """Completions of the review task in the first and in the last 10 rounds of one instance."""
    instance = app.start("bench_rework_loop", "R-1", {"title": "x"})
    out = {}
    for k in range(1, rounds + 1):
        submit = instance["open_tasks"][0]["id"]
        instance = app.call("POST", f"/api/v1/tasks/{submit}/complete", "xiaoming",
                            {"data": {"note": str(k)}})
        review = instance["open_tasks"][0]["id"]
        app.call("POST", f"/api/v1/tasks/{review}/claim", "zhang")
        call = (lambda r=review, last=k == rounds: app.call(  # noqa: E731
            "POST", f"/api/v1/tasks/{r}/complete", "zhang",
            {"data": {"approved": last, "comment": "x"}}))
        if k <= 10 or k > rounds - 10:
            holder: list[Any] = []
            result = measure(buckets, [lambda c=call, h=holder: h.append(c())])
            instance = holder[0]
            label = "first_10" if k <= 10 else f"last_10 (to round {rounds})"
            out.setdefault(label, []).append(result)
        else:
            instance = call()
    return {label: _mean(samples) for label, samples in out.items()}


def _mean(samples: list[dict[str, Any]]) -> dict[str, Any]:
    keys = {k for s in samples for k in s["exclusive_ms"]}
    cpu = {k: round(sum(s["exclusive_cpu_ms"].get(k, 0) for s in samples) / len(samples), 3)
           for k in keys}
    return {"ms_per_request": round(sum(s["ms_per_request"] for s in samples) / len(samples), 3),
            "cpu_ms_per_request": round(sum(s["cpu_ms_per_request"] for s in samples)
                                        / len(samples), 3),
            "exclusive_ms": dict(sorted(
                ((k, round(sum(s["exclusive_ms"].get(k, 0) for s in samples) / len(samples),
                           3)) for k in keys), key=lambda kv: -kv[1])),
            "exclusive_cpu_ms": cpu,
            "statements_per_request": samples[-1]["statements_per_request"],
            "sql_per_request": samples[-1]["sql_per_request"]}


def _pyinstrument(app: InProcess, tasks: list[int], user: str, data: dict[str, Any], db: str,
                  out_dir: Path) -> dict[str, str]:
    from pyinstrument import Profiler

    for task in tasks:
        app.call("POST", f"/api/v1/tasks/{task}/claim", user)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for task in tasks:
        app.call("POST", f"/api/v1/tasks/{task}/complete", user, {"data": data})
    profiler.stop()
    out_dir.mkdir(parents=True, exist_ok=True)
    text = out_dir / f"profile-{db}-complete.txt"
    html = out_dir / f"profile-{db}-complete.html"
    text.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    html.write_text(profiler.output_html(), encoding="utf-8")
    return {"text": str(text), "html": str(html)}


def render(db: str, results: dict[str, Any]) -> str:
    lines = [f"\n== {db}: exclusive wall ms per request (in-process, test client) =="]
    kinds = ["start", "claim", "complete", "inbox"]
    kinds += [f"rework {k}" for k in results["rework"]]
    table = {k: results[k] for k in kinds[:4]}
    table.update({f"rework {k}": v for k, v in results["rework"].items()})
    buckets = sorted({b for r in table.values() for b in r["exclusive_ms"]},
                     key=lambda b: -table["complete"]["exclusive_ms"].get(b, 0))
    width = max(len(b) for b in buckets) + 2
    lines.append("".ljust(width) + "".join(k[:18].rjust(20) for k in kinds))
    for bucket in buckets:
        lines.append(bucket.ljust(width) + "".join(
            f"{table[k]['exclusive_ms'].get(bucket, 0):20.3f}" for k in kinds))
    lines.append("  (CPU ms of this thread per area, steadier on a busy machine:)")
    for bucket in buckets:
        lines.append(f"  {bucket}".ljust(width) + "".join(
            f"{table[k]['exclusive_cpu_ms'].get(bucket, 0):20.3f}" for k in kinds))
    lines.append("total ms".ljust(width) + "".join(
        f"{table[k]['ms_per_request']:20.3f}" for k in kinds))
    lines.append("CPU ms (this thread)".ljust(width) + "".join(
        f"{table[k]['cpu_ms_per_request']:20.3f}" for k in kinds))
    lines.append("SQL statements".ljust(width) + "".join(
        f"{table[k]['statements_per_request']:20.1f}" for k in kinds))
    for kind in kinds:
        lines.append(f"  {kind}: {json.dumps(table[kind]['sql_per_request'], ensure_ascii=False)}")
    if results.get("missing_patches"):
        lines.append(f"  (not instrumented, gone from the code: {results['missing_patches']})")
    lines.append(f"  pyinstrument: {results['pyinstrument']['text']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=100, help="requests per kind")
    parser.add_argument("--rounds", type=int, default=100, help="rework loop rounds")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {}
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        out[db] = profile(db, args.n, args.rounds, RESULTS)
        print(render(db, out[db]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "profile.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

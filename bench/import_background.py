"""Importing a school's 10,000 learners while the service keeps answering:
``python -m bench.import_background [--db postgres] [--rows 10000]``.

In-process, on a fresh bench database with the demo users (``BENCH_PG_URL`` for PostgreSQL): a
generated ``.xlsx`` of learners over the demo classes is uploaded (the preview, one request),
then confirmed as background work (``POST …/confirm-job``, 202) whose progress is polled
(``GET …/confirm-job``) until it is done. All the while a second client asks for 张老师's inbox
(``GET /api/v1/tasks``) every 50 ms, timing each answer; the same is measured before the import
as the baseline. Prints a table and writes ``bench/results/import-background-<db>-<rows>.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.directory_import import CLASSES
from bench.report import RESULTS
from bench.server import KEYS, database_url, prepare_database


def _spread(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


class InboxProbe(threading.Thread):
    """Asks for the inbox every 50 ms until stopped; every answer must be 200."""

    def __init__(self, client: Any, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.client, self.headers = client, headers
        self.samples: list[float] = []
        self.errors: list[int] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            status = self.client.get("/api/v1/tasks", headers=self.headers).status_code
            self.samples.append(time.perf_counter() - started)
            if status != 200:
                self.errors.append(status)
            self.stop.wait(0.05)


def run(db: str, rows: int) -> dict[str, Any]:
    from api import create_app
    from config import Settings
    from tests.sheet_files import learner_rows, xlsx

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(db, Path(tmp))
        prepare_database(url)
        app = create_app(Settings(database_url=url, **KEYS, password_time_cost=1,
                                  password_memory_cost_kib=1024))
        client, probe_client = app.test_client(), app.test_client()

        def bearer(username: str, password: str) -> dict[str, str]:
            token = client.post("/api/v1/auth/token", json={
                "username": username, "password": password}).get_json()["access_token"]
            return {"Authorization": f"Bearer {token}"}

        admin, teacher = bearer("admin", "admin123"), bearer("zhang", "zhang123")
        started = time.perf_counter()
        sheet = xlsx(learner_rows(rows, classes=CLASSES))
        generate_s = time.perf_counter() - started

        baseline = InboxProbe(probe_client, teacher)
        baseline.start()
        time.sleep(3)
        baseline.stop.set()
        baseline.join()

        probe = InboxProbe(probe_client, teacher)
        probe.start()
        started = time.perf_counter()
        preview = client.post("/api/v1/directory/imports?kind=learners", headers=admin,
                              data={"file": (io.BytesIO(sheet), "learners.xlsx")},
                              content_type="multipart/form-data")
        preview_s = time.perf_counter() - started
        if preview.status_code != 201:
            raise RuntimeError(f"preview: {preview.status_code} {preview.get_json()}")
        import_id = preview.get_json()["id"]
        confirm_started = time.perf_counter()
        job = client.post(f"/api/v1/directory/imports/{import_id}/confirm-job", headers=admin)
        if job.status_code != 202:
            raise RuntimeError(f"confirm-job: {job.status_code} {job.get_json()}")
        progress: list[dict[str, Any]] = []
        while True:
            state = client.get(f"/api/v1/directory/imports/{import_id}/confirm-job",
                               headers=admin).get_json()
            at = round(time.perf_counter() - confirm_started, 2)
            if not progress or (state["phase"], state["done"]) != (
                    progress[-1]["phase"], progress[-1]["done"]):
                progress.append({"t_s": at, "phase": state["phase"], "done": state["done"],
                                 "percent": state["percent"]})
            if state["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
        confirm_s = time.perf_counter() - confirm_started
        probe.stop.set()
        probe.join()
        if state["state"] != "done":
            raise RuntimeError(f"the background confirmation failed: {state['problem']}")
        return {
            "db": db, "rows": rows, "file_bytes": len(sheet),
            "seconds": {"generate .xlsx": round(generate_s, 2),
                        "preview (upload, read, plan)": round(preview_s, 2),
                        "confirm in the background (until done)": round(confirm_s, 2),
                        "preview + confirm": round(preview_s + confirm_s, 2)},
            "summary": state["summary"], "progress": progress,
            "inbox_before": _spread(baseline.samples),
            "inbox_during": _spread(probe.samples),
            "inbox_errors_during": probe.errors,
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args(argv)
    result = run(args.db, args.rows)
    print(f"import of {result['rows']} learners ({result['file_bytes']} bytes of .xlsx) on "
          f"{result['db']}, confirmed in the background:")
    print(f"  {'step':<42} {'seconds':>8}")
    for name, seconds in result["seconds"].items():
        print(f"  {name:<42} {seconds:8.2f}")
    for label, key in (("inbox before the import", "inbox_before"),
                       ("inbox during the import", "inbox_during")):
        spread = result[key]
        print(f"  {label:<42} p50 {spread.get('p50_ms')} ms, p95 {spread.get('p95_ms')} ms, "
              f"max {spread.get('max_ms')} ms ({spread['n']} requests)")
    print(f"  progress seen: {len(result['progress'])} distinct answers; inbox errors: "
          f"{len(result['inbox_errors_during'])}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"import-background-{args.db}-{args.rows}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"  written to {out.relative_to(RESULTS.parent.parent)}")
    if result["inbox_errors_during"]:
        raise SystemExit("the inbox failed during the import")


if __name__ == "__main__":
    main()

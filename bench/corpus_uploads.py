"""Upload every BPMN MIWG corpus file and each hostile input; time and memory of each refusal.

Run: ``.venv/bin/python -m bench.corpus_uploads`` (SQLite in a temp dir; ``DATABASE_URL`` to
use PostgreSQL). Prints a table and writes ``bench/results/corpus.json``: accepted/refused
counts, the slowest upload (target: under 2 s each), and peak memory — Python allocations
(tracemalloc) and the process' resident high-water mark (``VmHWM``, reset before each upload,
so it includes lxml's C allocations).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api import create_app  # noqa: E402
from api.context import unit_of_work  # noqa: E402
from bench.server import KEYS  # noqa: E402
from config import Settings  # noqa: E402
from models import Base, db  # noqa: E402
from tests.api_client import ApiClient  # noqa: E402
from tests.e2e.test_hostile_uploads import (  # noqa: E402
    billion_laughs,
    post_large,
    xxe_variants,
)
from workflows.identity.users import seed_users  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "bpmn-miwg"
RESULTS = ROOT / "bench" / "results" / "corpus.json"
TARGET_S = 2.0
MB = 1024 * 1024


def _reset_rss_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux, or not allowed: the peak stays cumulative
        Path("/proc/self/clear_refs").write_text("5")


def _rss_peak_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def measure(action: Callable[[], Any]) -> tuple[Any, dict[str, float | None]]:
    _reset_rss_peak()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
        elapsed = time.perf_counter() - started
        python_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, {"seconds": round(elapsed, 4), "python_peak_mb": round(python_peak / MB, 2),
                    "rss_peak_mb": _rss_peak_mb()}


def build_api(tmp: Path) -> tuple[Any, ApiClient]:
    settings = Settings(database_url=os.environ.get("DATABASE_URL")
                        or f"sqlite:///{tmp / 'bench.sqlite3'}",
                        **KEYS, password_time_cost=1, password_memory_cost_kib=1024)
    app = create_app(settings)
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        seed_users(settings.seed_file, uow=unit_of_work())
        db.session.remove()
    api = ApiClient(app.test_client())
    api.token("admin")
    return app, api


def outcome(response: Any) -> tuple[int, str]:
    body = response.get_json(silent=True) or {}
    if response.status_code < 300:
        return response.status_code, f"deployed {body.get('process_id')}"
    errors = body.get("errors") or [{}]
    first = errors[0]
    where = first.get("element_id") or first.get("pointer") or ""
    return response.status_code, f"{where}: {first.get('message', body.get('detail', ''))}"


def hostile_inputs(api: ApiClient, secret: Path) -> dict[str, Callable[[], Any]]:
    deep = 100_000
    nested = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
              + b"<a>" * deep + b"</a>" * deep + b"</bpmn:definitions>")
    big_text = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
                b"<bpmn:documentation>" + b"x" * (4 * MB) + b"</bpmn:documentation>"
                b"</bpmn:definitions>")
    cases: dict[str, Callable[[], Any]] = {
        f"xxe/{name}": (lambda c=content, n=name: api.deploy_files({n: c}))
        for name, content in xxe_variants(secret).items()
    }
    cases.update({
        "billion-laughs.bpmn": lambda: api.deploy_files({"lolz.bpmn": billion_laughs()}),
        "deep-nesting.bpmn": lambda: api.deploy_files({"deep.bpmn": nested}),
        "4mb-text.bpmn": lambda: api.deploy_files({"big.bpmn": big_text}),
        "latin1.bpmn": lambda: api.deploy_files({"latin1.bpmn": "<a>é</a>".encode("latin-1")}),
        "zip-as.bpmn": lambda: api.deploy_files({"z.bpmn": b"PK\x03\x04" + b"\0" * 100}),
        "50mb (Content-Length)": lambda: post_large(api, 50 * MB)[0],
        "50mb (chunked)": lambda: post_large(api, 50 * MB, with_length=False)[0],
    })
    return cases


def main() -> int:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".bpmn", ".xml"))
    if not files:
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        _, api = build_api(Path(tmp))
        secret = Path(tmp) / "secret.txt"
        secret.write_text("CERTFLOW-SECRET-MARKER", encoding="utf-8")
        for path in files:
            response, figures = measure(
                lambda p=path: api.deploy_files({p.name: p.read_bytes()}))
            status, reason = outcome(response)
            rows.append({"kind": "corpus", "file": path.relative_to(CORPUS).as_posix(),
                         "status": status, "reason": reason, **figures})
        for name, action in hostile_inputs(api, secret).items():
            response, figures = measure(action)
            status, reason = outcome(response)
            leaked = "CERTFLOW-SECRET-MARKER" in response.get_data(as_text=True)
            rows.append({"kind": "hostile", "file": name, "status": status,
                         "reason": reason, "leaked_local_file": leaked, **figures})
    report = summarize(rows)
    print_table(rows, report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"summary": report, "uploads": rows}, ensure_ascii=False,
                                  indent=1), encoding="utf-8")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")
    return 0 if report["ok"] else 1


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    corpus = [r for r in rows if r["kind"] == "corpus"]
    hostile = [r for r in rows if r["kind"] == "hostile"]
    slowest = max(rows, key=lambda r: r["seconds"])
    rss = [r["rss_peak_mb"] for r in rows if r["rss_peak_mb"] is not None]
    return {
        "corpus_files": len(corpus),
        "accepted": sum(r["status"] < 300 for r in corpus),
        "refused_4xx": sum(400 <= r["status"] < 500 for r in corpus),
        "server_errors": sum(r["status"] >= 500 for r in rows),
        "hostile_inputs": len(hostile),
        "hostile_refused_4xx": sum(400 <= r["status"] < 500 for r in hostile),
        "local_file_leaks": sum(bool(r.get("leaked_local_file")) for r in hostile),
        "max_seconds": slowest["seconds"], "slowest": slowest["file"], "target_s": TARGET_S,
        "max_python_peak_mb": max(r["python_peak_mb"] for r in rows),
        "max_rss_peak_mb": max(rss) if rss else None,
        "ok": (all(r["status"] < 500 and r["seconds"] < TARGET_S for r in rows)
               and all(400 <= r["status"] < 500 and not r["leaked_local_file"]
                       for r in hostile)),
    }


def print_table(rows: list[dict[str, Any]], report: dict[str, Any]) -> None:
    print(f"{'file':<34} {'status':>6} {'ms':>8} {'py MB':>7} {'RSS MB':>7}  reason")
    for r in rows:
        rss = f"{r['rss_peak_mb']:.0f}" if r["rss_peak_mb"] is not None else "-"
        print(f"{r['file'][:34]:<34} {r['status']:>6} {r['seconds'] * 1000:>8.1f} "
              f"{r['python_peak_mb']:>7.2f} {rss:>7}  {r['reason'][:70]}")
    print(f"\ncorpus: {report['corpus_files']} files, {report['accepted']} accepted, "
          f"{report['refused_4xx']} refused (4xx), {report['server_errors']} server errors")
    print(f"hostile: {report['hostile_refused_4xx']}/{report['hostile_inputs']} refused (4xx), "
          f"{report['local_file_leaks']} local-file leaks")
    print(f"slowest: {report['slowest']} {report['max_seconds'] * 1000:.0f} ms "
          f"(target < {TARGET_S:.0f} s); peak Python {report['max_python_peak_mb']} MB, "
          f"peak RSS {report['max_rss_peak_mb']} MB")


if __name__ == "__main__":
    raise SystemExit(main())

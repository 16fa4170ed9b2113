"""Attachments: upload and download throughput of a 10 MB file on each store, and the API
process's peak RSS while 4 clients upload 20 MB files at once (target: it grows by < 50 MB).

    python -m bench.attachments                     # SQLite, both stores
    python -m bench.attachments --db postgres       # PostgreSQL (BENCH_PG_URL), both stores

The service runs under gunicorn (1 worker × 4 threads, as ``certflow serve``) on a fresh
database; clients are separate processes. Each file is new random bytes behind a PDF header,
so the content-addressed store really writes it. Throughput is the median of 3 transfers;
RSS is sampled every 20 ms from /proc, from just before the uploads start until all finished.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import requests

from bench.server import ROOT, Gunicorn, database_url, prepare_database

MB = 1024 * 1024
PASSWORD = "xiaoming123"


def _token(base_url: str) -> str:
    answer = requests.post(f"{base_url}/api/v1/auth/token", timeout=60,
                           json={"username": "xiaoming", "password": PASSWORD})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _content(size: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(size - 9)


def _upload(base_url: str, token: str, size: int) -> tuple[float, str]:
    """One upload of ``size`` new bytes: (seconds, id)."""
    content = _content(size)
    started = time.perf_counter()
    answer = requests.post(f"{base_url}/api/v1/attachments", timeout=300,
                           headers={"Authorization": f"Bearer {token}"},
                           files={"file": ("bench.pdf", content, "application/pdf")})
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    return elapsed, str(answer.json()["id"])


def _download(base_url: str, token: str, attachment_id: str) -> float:
    started = time.perf_counter()
    with requests.get(f"{base_url}/api/v1/attachments/{attachment_id}/content", timeout=300,
                      headers={"Authorization": f"Bearer {token}"}, stream=True) as answer:
        answer.raise_for_status()
        for _ in answer.iter_content(MB):
            pass
    return time.perf_counter() - started


class PeakRss:
    """The highest RSS (MB) of the server's worker(s) while it runs."""

    def __init__(self, server: Gunicorn) -> None:
        self.server, self.peak, self._stop = server, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self.server.worker_rss_mb()))
            time.sleep(0.02)


def measure(db: str, store: str, tmp: Path) -> dict[str, Any]:
    url = database_url(db, tmp)
    prepare_database(url)
    server = Gunicorn("api.wsgi:app", database_url=url, log_dir=tmp)
    server.env.update(CERTFLOW_ATTACHMENT_STORE=store,
                      CERTFLOW_ATTACHMENT_DIR=str(tmp / f"files-{store}"))
    with server:
        token = _token(server.base_url)
        _upload(server.base_url, token, MB)  # warm-up: imports, pools, first spool
        uploads = [_upload(server.base_url, token, 10 * MB) for _ in range(3)]
        downloads = [_download(server.base_url, token, attachment_id)
                     for _, attachment_id in uploads]
        size = 20 * MB - 64 * 1024  # the largest accepted file, framing included
        baseline = sum(server.worker_rss_mb())
        with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
            list(pool.map(_token, [server.base_url] * 4))  # clients started and warm
            with PeakRss(server) as rss:
                seconds = list(pool.map(_upload, [server.base_url] * 4, [token] * 4,
                                        [size] * 4))
        return {
            "db": db, "store": store,
            "upload_10mb_mb_per_s": round(10 / statistics.median(t for t, _ in uploads), 1),
            "download_10mb_mb_per_s": round(10 / statistics.median(downloads), 1),
            "rss_baseline_mb": round(baseline, 1), "rss_peak_mb": round(rss.peak, 1),
            "rss_growth_mb": round(rss.peak - baseline, 1),
            "four_uploads_of_20mb_s": round(max(t for t, _ in seconds), 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--store", choices=("local", "database", "both"), default="both")
    args = parser.parse_args()
    stores = ("local", "database") if args.store == "both" else (args.store,)
    results = []
    for store in stores:
        with tempfile.TemporaryDirectory(prefix="certflow-bench-att-") as tmp:
            results.append(measure(args.db, store, Path(tmp)))
    print(f"{'db':<9}{'store':<10}{'up MB/s':>9}{'down MB/s':>11}{'RSS base':>10}"
          f"{'peak':>8}{'growth':>8}  (4 × 20 MB uploads; target growth < 50 MB)")
    for r in results:
        print(f"{r['db']:<9}{r['store']:<10}{r['upload_10mb_mb_per_s']:>9}"
              f"{r['download_10mb_mb_per_s']:>11}{r['rss_baseline_mb']:>10}"
              f"{r['rss_peak_mb']:>8}{r['rss_growth_mb']:>8}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"attachments-{args.db}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

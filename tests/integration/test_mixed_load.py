"""CI-sized ``python -m bench.mixed_load``: 8 client processes, 30 s of mixed operations on
gunicorn + PostgreSQL, then the clients' books against the database; and a short scale-out
run (2 API processes + 2 Celery workers on Redis vs one process) with no error and no lost
work in either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.mixed_load import run_load, scale_out
from tests.integration.crash_support import (
    BROKER_URL,
    own_database,
    requirements,
)

pytestmark = requirements()


def assert_books_balance(result: dict[str, Any]) -> None:
    assert result["five_xx"] == 0, result["errors"]
    assert result["failed_requests"] == 0, result["errors"]
    for name, book in result["books"].items():
        assert book["expected"] == book["actual"], (name, book)
    assert result["books"]["open_tasks"]["same_ids"]
    checks = result["checks"]
    assert checks["lost_count"] == 0 and checks["duplicate_count"] == 0, checks
    assert checks["audit"]["ok"], checks["audit"]
    assert checks["replay"]["mismatches"] == 0, checks["replay"]["examples"]


def test_eight_clients_of_mixed_load_lose_nothing(tmp_path: Path) -> None:
    result = run_load(url=own_database("mixed"), log_dir=tmp_path, workload="mixed",
                      clients=8, duration_s=30, api_workers=2)
    assert set(result["ops"]) == {"start", "claim", "complete", "inbox", "events", "view"}
    assert result["books"]["completions"]["expected"] > 50
    assert_books_balance(result)


def test_scaled_out_deployment_loses_nothing(tmp_path: Path) -> None:
    result = scale_out(url=own_database("mixed"), broker_url=BROKER_URL, clients=4,
                       duration_s=10)
    for run in result["runs"].values():
        assert run["books"]["completed_leaves"]["expected"] > 0
        assert_books_balance(run)

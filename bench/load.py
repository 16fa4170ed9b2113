"""Client processes: a spawned pool, reused for every measurement of one database.

Spawned (not forked) so the clients share nothing with the parent's SQLAlchemy engines and
SpiffWorkflow objects; they import only ``bench.client`` and ``requests``.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import requests

from bench.client import Api

USERS = {"admin": "admin123", "zhang": "zhang123", "wang": "wang123", "li": "li123",
         "zhao": "zhao123", "chen": "chen123", "xiaoming": "xiaoming123"}


def fetch_tokens(base_url: str) -> dict[str, str]:
    """Sign every bench user in once; clients reuse the tokens (sign-in is not measured)."""
    tokens = {}
    for user, password in USERS.items():
        response = requests.post(f"{base_url}/api/v1/auth/token",
                                 json={"username": user, "password": password}, timeout=30)
        response.raise_for_status()
        tokens[user] = response.json()["access_token"]
    return tokens


def user_ids(base_url: str, tokens: dict[str, str]) -> dict[str, int]:
    api = Api(base_url, tokens)
    return {user: api.call("GET", "/api/v1/me", user)["id"] for user in tokens}


class ClientPool:
    """``run(fn, jobs)``: one job per process, all starting at the same instant."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._pool = multiprocessing.get_context("spawn").Pool(size)

    def __enter__(self) -> ClientPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._pool.terminate()
        self._pool.join()

    def run(self, fn: Callable[[dict[str, Any]], dict[str, Any]], jobs: list[dict[str, Any]],
            lead_s: float = 0.3) -> list[dict[str, Any]]:
        if len(jobs) > self.size:
            raise ValueError(f"{len(jobs)} jobs for {self.size} client processes")
        start_at = time.time() + lead_s
        for job in jobs:
            job["start_at"] = start_at
        results = self._pool.map(fn, jobs, chunksize=1)
        for result in results:
            result["start_at"] = start_at
        return results


def wall_s(results: list[dict[str, Any]]) -> float:
    """From the common start to the last client's end."""
    return max(r["t1"] for r in results) - min(r["start_at"] for r in results)


def merged(results: list[dict[str, Any]], key: str) -> list[Any]:
    return [value for r in results for value in r.get(key, [])]


def errors(results: list[dict[str, Any]]) -> list[str]:
    return merged(results, "errors")

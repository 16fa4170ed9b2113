"""The request floor: a trivial Flask view under the same gunicorn and client stack.

``POST /ping`` parses a small JSON body and answers a small JSON object, like a task completion
minus everything certflow does; ``GET /api/v1/health`` exists only for the readiness probe.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask("bench_trivial")


@app.get("/api/v1/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/ping")
def ping() -> dict[str, Any]:
    body = request.get_json(silent=True) or {}
    return {"ok": True, "keys": sorted(body.get("data", {}))}

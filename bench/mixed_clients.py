"""Load clients for ``bench.mixed_load``: separate processes, ``requests`` only.

Each client owns the leaves it starts (so its claims never race another client's and every
refusal is a finding, not noise) and shares the reads: everybody's inbox, history and
instance views. It keeps exact books of what the server acknowledged — instances started,
tasks completed, tasks still open — for the end-of-run comparison with the database.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from typing import Any

from bench.client import APPROVE, LEAVE_3_DAYS
from bench.crash_clients import Client, Cut

WEIGHTS = {"start": 15, "claim": 20, "complete": 25, "inbox": 15, "events": 10, "view": 15}
INBOX_USERS = ("zhang", "li", "chen", "zhao")
MAX_OPEN = 12  # a client with this many unfinished leaves stops starting new ones


class Books:
    """Latencies and answers per operation, and what the server acknowledged."""

    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = defaultdict(list)
        self.codes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []
        self.started: list[int] = []
        self.acked: list[int] = []

    def timed(self, client: Client, op: str, method: str, path: str, user: str,
              body: Any = None, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        begin = time.perf_counter()
        try:
            status, payload = client.call(method, path, user, body, params)
        except Cut as error:
            self.codes[op]["cut"] += 1
            self.errors.append(f"{op} {path}: {error}"[:300])
            return 0, None
        self.lat[op].append(time.perf_counter() - begin)
        self.codes[op][f"{status // 100}xx"] += 1
        if status >= 400:
            self.errors.append(f"{op} {method} {path} -> {status}: {str(payload)[:200]}")
        return status, payload

    def result(self, t0: float, **fields: Any) -> dict[str, Any]:
        return {"t0": t0, "t1": time.time(), "lat": dict(self.lat),
                "codes": {op: dict(c) for op, c in self.codes.items()},
                "errors": self.errors[:50], "error_count": len(self.errors),
                "started": self.started, "acked": self.acked, **fields}


def _leave(client: Client, books: Books) -> dict[str, Any]:
    """A leave's form with its proof uploaded first (not timed: the upload is not the start).
    A refused or cut upload leaves the form without proof, which the start then refuses."""
    try:
        leave = client.leave_with_proof()
    except Cut as error:
        books.errors.append(f"proof upload: {error}"[:300])
        leave = None
    return leave if leave is not None else dict(LEAVE_3_DAYS)


def _wait(job: dict[str, Any]) -> float:
    delay = job.get("start_at", 0) - time.time()
    if delay > 0:
        time.sleep(delay)
    return time.time()


def mixed(job: dict[str, Any]) -> dict[str, Any]:
    """Weighted random operations until ``duration_s`` is over."""
    client, books = Client(job["base_url"], job["tokens"]), Books()
    rng = random.Random(job["seed"])
    work: dict[int, dict[str, Any]] = {}  # instance id -> its one open task
    ops, weights = list(WEIGHTS), list(WEIGHTS.values())
    t0 = _wait(job)
    end, n = t0 + job["duration_s"], 0
    while time.time() < end:
        op = rng.choices(ops, weights)[0]
        ready = [i for i, t in work.items() if t["status"] == "ready"]
        claimed = [i for i, t in work.items() if t["status"] == "claimed"]
        if (op == "claim" and not ready) or (op == "complete" and not claimed):
            op = "claim" if ready else "complete" if claimed else "start"
        if op == "start" and len(work) >= MAX_OPEN:
            op = "complete" if claimed else "claim"
        if op == "start":
            leave = _leave(client, books)
            status, body = books.timed(client, op, "POST", "/api/v1/instances", "xiaoming", {
                "process_id": "leave_approval", "business_key": f"{job['key']}-{n}",
                "data": leave})
            n += 1
            if status == 201:
                books.started.append(body["id"])
                work[body["id"]] = body["open_tasks"][0]
        elif op == "claim":
            instance_id = rng.choice(ready)
            task = work[instance_id]
            status, _ = books.timed(client, op, "POST", f"/api/v1/tasks/{task['id']}/claim",
                                    APPROVE[task["task_name"]][0])
            if status == 200:
                task["status"] = "claimed"
        elif op == "complete":
            instance_id = rng.choice(claimed)
            task = work[instance_id]
            user, data = APPROVE[task["task_name"]]
            status, body = books.timed(client, op, "POST",
                                       f"/api/v1/tasks/{task['id']}/complete", user,
                                       {"data": data})
            if status == 200:
                books.acked.append(task["id"])
                del work[instance_id]
                if body["status"] == "running":
                    work[instance_id] = body["open_tasks"][0]
        elif op == "inbox":
            books.timed(client, op, "GET", "/api/v1/tasks", rng.choice(INBOX_USERS))
        elif books.started:
            instance_id = rng.choice(books.started)
            suffix = "/events" if op == "events" else ""
            books.timed(client, op, "GET", f"/api/v1/instances/{instance_id}{suffix}",
                        "xiaoming")
    return books.result(t0, open_tasks=[t["id"] for t in work.values()])


def leaves(job: dict[str, Any]) -> dict[str, Any]:
    """Whole leaves back to back (start, claim + complete per tier, 销假) for ``duration_s``."""
    client, books = Client(job["base_url"], job["tokens"]), Books()
    t0 = _wait(job)
    end, n, finished = t0 + job["duration_s"], 0, 0
    while time.time() < end:
        status, instance = books.timed(client, "start", "POST", "/api/v1/instances",
                                       "xiaoming", {"process_id": "leave_approval",
                                                    "business_key": f"{job['key']}-{n}",
                                                    "data": _leave(client, books)})
        n += 1
        if status != 201:
            continue
        books.started.append(instance["id"])
        while instance is not None and instance["status"] == "running":
            task = instance["open_tasks"][0]
            user, data = APPROVE[task["task_name"]]
            if task["status"] == "ready":
                status, _ = books.timed(client, "claim", "POST",
                                        f"/api/v1/tasks/{task['id']}/claim", user)
                if status != 200:
                    break
            status, instance = books.timed(client, "complete", "POST",
                                           f"/api/v1/tasks/{task['id']}/complete", user,
                                           {"data": data})
            if status != 200:
                break
            books.acked.append(task["id"])
        finished += instance is not None and instance["status"] == "completed"
    return books.result(t0, finished=finished, open_tasks=[])

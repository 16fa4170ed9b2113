"""Client processes that keep working while the server under them is SIGKILLed.

A request cut off by a kill has an unknown outcome (the commit may or may not have happened),
so it is never counted as done: the client waits for the API to come back, re-reads the
instance and carries on from whatever is really open. Only a 2xx completion goes into
``acked``, the list the crash check holds the history to. Imports only ``requests``.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from bench.client import APPROVE, LEAVE_3_DAYS, PROOF


class Cut(Exception):
    """The connection broke mid-request (server killed): outcome unknown."""


class Client:
    def __init__(self, base_url: str, tokens: dict[str, str]) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.headers = {u: {"Authorization": f"Bearer {t}"} for u, t in tokens.items()}
        self.statuses: dict[str, int] = {}

    def call(self, method: str, path: str, user: str, body: Any = None,
             params: dict[str, Any] | None = None) -> tuple[int, Any]:
        try:
            response = self.session.request(method, self.base_url + path, json=body,
                                            params=params, headers=self.headers[user],
                                            timeout=60)
        except requests.RequestException as error:
            self.statuses["cut"] = self.statuses.get("cut", 0) + 1
            self.session = requests.Session()
            raise Cut(str(error)) from error
        key = f"{response.status_code // 100}xx"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text[:200]

    def leave_with_proof(self, user: str = "xiaoming") -> dict[str, Any] | None:
        """A 3-day leave's form with its proof uploaded as ``user`` (every leave needs one);
        None when the upload was refused. A connection cut raises ``Cut``."""
        try:
            proof = self.session.post(self.base_url + "/api/v1/attachments", timeout=60,
                                      files={"file": ("证明.pdf", PROOF, "application/pdf")},
                                      headers=self.headers[user])
        except requests.RequestException as error:
            self.session = requests.Session()
            raise Cut(str(error)) from error
        if proof.status_code != 201:
            return None
        return {**LEAVE_3_DAYS, "proof": [proof.json()["id"]]}

    def until_up(self, method: str, path: str, user: str, body: Any = None,
                 params: dict[str, Any] | None = None, timeout_s: float = 120) -> Any:
        """Repeat a read until the API answers 200 (it is being restarted)."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                status, payload = self.call(method, path, user, body, params)
                if status == 200:
                    return payload
            except Cut:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{method} {path} did not come back in {timeout_s}s")
            time.sleep(0.1)


def _start(client: Client, key: str) -> dict[str, Any]:
    """Start once, even if the answer was cut off (find it by its unique business key)."""
    while True:
        try:
            leave = client.leave_with_proof()
            if leave is None:
                continue
            status, body = client.call("POST", "/api/v1/instances", "xiaoming", {
                "process_id": "leave_approval", "business_key": key, "data": leave})
            if status == 201:
                return body
        except Cut:
            pass
        page = client.until_up("GET", "/api/v1/instances", "xiaoming",
                               params={"business_key": key})
        if page["items"]:
            return client.until_up("GET", f"/api/v1/instances/{page['items'][0]['id']}",
                                   "xiaoming")


def _finish(client: Client, instance: dict[str, Any], inflight: Any,
            tally: dict[str, Any]) -> dict[str, Any]:
    """Claim and complete every task until the leave is completed, whatever gets cut."""
    path = f"/api/v1/instances/{instance['id']}"
    while instance["status"] == "running":
        task = instance["open_tasks"][0]
        user, data = APPROVE[task["task_name"]]
        try:
            if task["status"] == "ready":
                status, _ = client.call("POST", f"/api/v1/tasks/{task['id']}/claim", user)
                if status != 200:
                    tally["refused"].append(f"claim {task['id']} -> {status}")
                    instance = client.until_up("GET", path, "xiaoming")
                    continue
            with inflight.get_lock():
                inflight.value += 1
            try:
                status, body = client.call("POST", f"/api/v1/tasks/{task['id']}/complete",
                                           user, {"data": data})
            finally:
                with inflight.get_lock():
                    inflight.value -= 1
            if status == 200:
                tally["acked"].append(task["id"])
                instance = body
                continue
            tally["refused"].append(f"complete {task['id']} -> {status}")
        except Cut:
            tally["cut"] += 1
        instance = client.until_up("GET", path, "xiaoming")
    return instance


def drive_leaves(job: dict[str, Any], inflight: Any, stop: Any, out: Any) -> None:
    """Whole leaves, one after another, until ``stop``; the last one is always finished."""
    client = Client(job["base_url"], job["tokens"])
    tally: dict[str, Any] = {"acked": [], "refused": [], "cut": 0, "instances": [],
                             "unfinished": []}
    n, error = 0, None
    try:
        while not stop.is_set():
            instance = _start(client, f"{job['key']}-{n}")
            n += 1
            instance = _finish(client, instance, inflight, tally)
            tally["instances"].append(instance["id"])
            if instance["status"] != "completed":
                tally["unfinished"].append(instance["id"])
    except Exception as failure:  # reported, and fails the run; never a hung parent
        error = f"{type(failure).__name__}: {failure}"
    out.put({**tally, "statuses": client.statuses, "error": error})


def start_flows(job: dict[str, Any], stop: Any, out: Any) -> None:
    """Start crash-flow instances at a steady rate (the workers do the rest) until ``stop``."""
    client = Client(job["base_url"], job["tokens"])
    ids, n = [], 0
    while not stop.is_set():
        try:
            status, body = client.call("POST", "/api/v1/instances", "zhang", {
                "process_id": "bench_crash_flow", "business_key": f"{job['key']}-{n}",
                "data": {}})
        except Cut:
            status, body = 0, None
        n += 1
        if status == 201:
            ids.append(body["id"])
        time.sleep(job["interval_s"])
    out.put({"instances": ids, "statuses": client.statuses})

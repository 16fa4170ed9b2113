"""The load clients: plain functions run in separate processes, talking HTTP with ``requests``.

Each function takes one picklable ``job`` dict, waits for the shared ``start_at`` wall-clock
instant (so 4 clients really start together), and returns latencies (seconds, from
``perf_counter``) plus the wall-clock window it ran in and any errors. Only this module and
``requests`` are imported in the client processes.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

# The proof every leave needs (诊断书 or 单位证明), uploaded once per leave before it starts.
PROOF = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "attachments"
         / "diagnosis.pdf").read_bytes()


def _beijing_today() -> date:
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def _next_monday() -> date:
    today = _beijing_today()
    return today + timedelta(days=7 - today.weekday())


# Three school days, Monday to Wednesday of next week (the server counts them; a holiday that
# week makes the leave shorter, which only changes its route).
LEAVE_3_DAYS = {"leave_type": "personal", "reason": "参加技能比赛",
                "start_date": _next_monday().isoformat(), "start_half": "am",
                "end_date": (_next_monday() + timedelta(days=2)).isoformat(), "end_half": "pm"}


def leave_3_days_counted() -> dict[str, Any]:
    """The same as the engine sees it once the server has checked it: its school days counted,
    销假 due at its end and the automatic 超假 close two school days later (the start check of
    ``workflows.attendance.leave_requests``, for a requester in no class)."""
    from config.paths import PROJECT_ROOT
    from workflows.attendance.leave_requests import check_leave_request
    from workflows.core.working_days import load_calendar

    calendar = load_calendar(PROJECT_ROOT / "config" / "holidays_cn.json")
    return check_leave_request(None, dict(LEAVE_3_DAYS),  # type: ignore[arg-type]  # no class
                               now=datetime.now(UTC), calendar=calendar)
# Who acts on each task of the leave process, and the form data they send.
APPROVE = {
    "approve_class_teacher": ("zhang", {"teacher_approved": True, "teacher_comment": "同意"}),
    "approve_class_office": ("li", {"office_approved": True, "office_comment": "同意"}),
    "approve_leader": ("zhao", {"leader_approved": True, "leader_comment": "同意"}),
    "confirm_return": ("xiaoming", {"returned_on": _beijing_today().isoformat(),
                                    "return_note": "已返校"}),
}


def proof_upload(runtime: Any, actor: Any, uow: Any) -> str:
    """In-process: the proof document saved as ``actor``'s upload; its id, to cite in a form."""
    from workflows.attachments.uploads import open_spool, save_upload

    spool = open_spool(runtime)
    spool.write(PROOF)  # save_upload keeps it, or discards it on refusal
    return str(save_upload(spool, filename="证明.pdf", actor=actor, uow=uow).public_id)


class HttpError(Exception):
    pass


class Api:
    """One keep-alive session; tokens were fetched by the parent, so no sign-in is timed."""

    def __init__(self, base_url: str, tokens: dict[str, str]) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.headers = {u: {"Authorization": f"Bearer {t}"} for u, t in tokens.items()}
        self.last_bytes = 0

    def call(self, method: str, path: str, user: str | None, body: Any = None,
             params: dict[str, Any] | None = None) -> Any:
        response = self.session.request(method, self.base_url + path, json=body, params=params,
                                        headers=self.headers.get(user or "", {}), timeout=60)
        self.last_bytes = len(response.content)
        if response.status_code >= 300:
            raise HttpError(f"{method} {path} -> {response.status_code}: {response.text[:300]}")
        return response.json()

    def start(self, process_id: str, key: str, data: dict[str, Any], user: str = "xiaoming"
              ) -> Any:
        if process_id == "leave_approval" and "proof" not in data:
            data = {**data, "proof": [self.upload(user)]}
        return self.call("POST", "/api/v1/instances", user,
                         {"process_id": process_id, "business_key": key, "data": data})

    def upload(self, user: str) -> str:
        """A proof document uploaded by ``user``; its id, to cite in a form."""
        response = self.session.post(self.base_url + "/api/v1/attachments",
                                     files={"file": ("证明.pdf", PROOF, "application/pdf")},
                                     headers=self.headers.get(user, {}), timeout=60)
        if response.status_code != 201:
            raise HttpError(f"upload -> {response.status_code}: {response.text[:300]}")
        return str(response.json()["id"])

    def claim(self, task_id: int, user: str) -> Any:
        return self.call("POST", f"/api/v1/tasks/{task_id}/claim", user)

    def complete(self, task_id: int, user: str, data: dict[str, Any]) -> Any:
        return self.call("POST", f"/api/v1/tasks/{task_id}/complete", user, {"data": data})

    def handle(self, task_id: int, user: str, data: dict[str, Any]) -> Any:
        """办理: claim (when unclaimed) and complete in one request."""
        return self.call("POST", f"/api/v1/tasks/{task_id}/complete?claim=true", user,
                         {"data": data})


def _wait(job: dict[str, Any]) -> float:
    delay = job.get("start_at", 0) - time.time()
    if delay > 0:
        time.sleep(delay)
    return time.time()


def _result(t0: float, **fields: Any) -> dict[str, Any]:
    return {"t0": t0, "t1": time.time(), **fields}


def _only_task(instance: dict[str, Any]) -> dict[str, Any]:
    tasks = instance["open_tasks"]
    if len(tasks) != 1:
        raise HttpError(f"expected one open task, got {[t['task_name'] for t in tasks]}")
    return tasks[0]


def start_many(job: dict[str, Any]) -> dict[str, Any]:
    """Item 1: start instances (each runs to its first user task)."""
    api, lat, tasks, errors = Api(job["base_url"], job["tokens"]), [], [], []
    t0 = _wait(job)
    for i in range(job["n"]):
        try:
            data = _with_proof(api, job["process_id"], job["data"])  # uploaded first, untimed
            begin = time.perf_counter()
            instance = api.start(job["process_id"], f"{job['key']}-{i}", data)
        except (HttpError, requests.RequestException) as error:
            errors.append(str(error))
            continue
        lat.append(time.perf_counter() - begin)
        tasks.append(_only_task(instance)["id"] if instance["open_tasks"] else None)
    return _result(t0, lat=lat, task_ids=tasks, errors=errors)


def _with_proof(api: Api, process_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """A leave's form with its proof document uploaded: done before a start is timed, as a
    person attaches the file while filling in the form (uploads: ``bench.attachments``)."""
    if process_id == "leave_approval" and "proof" not in data:
        return {**data, "proof": [api.upload("xiaoming")]}
    return data


def complete_many(job: dict[str, Any]) -> dict[str, Any]:
    """Item 2: claim + complete one prepared task per instance: two requests, or with
    ``one_request`` the web app's 办理 (``complete?claim=true``: one request, one transaction)."""
    api, errors = Api(job["base_url"], job["tokens"]), []
    claim_lat, complete_lat, pair_lat = [], [], []
    t0 = _wait(job)
    for task_id in job["task_ids"]:
        try:
            if job.get("one_request"):
                begin = time.perf_counter()
                api.handle(task_id, job["user"], job["data"])
                pair_lat.append(time.perf_counter() - begin)
                continue
            begin = time.perf_counter()
            api.claim(task_id, job["user"])
            middle = time.perf_counter()
            api.complete(task_id, job["user"], job["data"])
            end = time.perf_counter()
        except (HttpError, requests.RequestException) as error:
            errors.append(str(error))
            continue
        claim_lat.append(middle - begin)
        complete_lat.append(end - middle)
        pair_lat.append(end - begin)
    return _result(t0, claim=claim_lat, complete=complete_lat, pair=pair_lat, errors=errors)


def _finish_leave(api: Api, instance: dict[str, Any]) -> dict[str, Any]:
    while instance["status"] == "running":
        task = _only_task(instance)
        user, data = APPROVE[task["task_name"]]
        if task["status"] == "ready":
            api.claim(task["id"], user)
        instance = api.complete(task["id"], user, data)
    if instance["status"] != "completed":
        raise HttpError(f"instance {instance['id']} ended {instance['status']}")
    return instance


def whole_leave(job: dict[str, Any]) -> dict[str, Any]:
    """Item 3: start a 3-day leave, approve at both tiers, then 销假 (6 requests)."""
    api, lat, ids, errors = Api(job["base_url"], job["tokens"]), [], [], []
    t0 = _wait(job)
    for i in range(job["n"]):
        try:
            data = _with_proof(api, "leave_approval", LEAVE_3_DAYS)  # uploaded first, untimed
            begin = time.perf_counter()
            instance = _finish_leave(api, api.start("leave_approval", f"{job['key']}-{i}",
                                                    data))
        except (HttpError, requests.RequestException) as error:
            errors.append(str(error))
            continue
        lat.append(time.perf_counter() - begin)
        ids.append(instance["id"])
    return _result(t0, lat=lat, instance_ids=ids, errors=errors)


def rework_loop(job: dict[str, Any]) -> dict[str, Any]:
    """Item 4a: one instance, ``rounds`` x (submit, claim review, reject), last one approves."""
    api, rounds = Api(job["base_url"], job["tokens"]), job["rounds"]
    per_round: dict[str, list[float]] = {"round": [], "submit": [], "claim": [], "review": [],
                                         "response_kb": []}
    t0 = _wait(job)
    instance = api.start("bench_rework_loop", job["key"], {"title": "返工"})
    for k in range(1, rounds + 1):
        submit = _only_task(instance)
        a = time.perf_counter()
        instance = api.complete(submit["id"], "xiaoming", {"note": f"第 {k} 次提交"})
        review = _only_task(instance)
        b = time.perf_counter()
        api.claim(review["id"], "zhang")
        c = time.perf_counter()
        instance = api.complete(review["id"], "zhang", {"approved": k == rounds,
                                                         "comment": "请补充材料"})
        d = time.perf_counter()
        for name, value in (("round", d - a), ("submit", b - a), ("claim", c - b),
                            ("review", d - c), ("response_kb", api.last_bytes / 1024)):
            per_round[name].append(value)
    if instance["status"] != "completed":
        raise HttpError(f"rework instance ended {instance['status']}")
    return _result(t0, curves=per_round, instance_id=instance["id"], errors=[])


def review_chain(job: dict[str, Any]) -> dict[str, Any]:
    """Item 4b: one instance of the 40-task sequential review; the cost of the k-th task."""
    api = Api(job["base_url"], job["tokens"])
    per_task: dict[str, list[float]] = {"pair": [], "claim": [], "complete": [],
                                        "response_kb": []}
    t0 = _wait(job)
    instance = api.start("bench_review_chain", job["key"], {"title": "顺序审核"})
    while instance["status"] == "running":
        task = _only_task(instance)
        a = time.perf_counter()
        api.claim(task["id"], "zhang")
        b = time.perf_counter()
        instance = api.complete(task["id"], "zhang", {"approved": True, "comment": "通过"})
        c = time.perf_counter()
        for name, value in (("pair", c - a), ("claim", b - a), ("complete", c - b),
                            ("response_kb", api.last_bytes / 1024)):
            per_task[name].append(value)
    return _result(t0, curves=per_task, instance_id=instance["id"], errors=[])


def get_many(job: dict[str, Any]) -> dict[str, Any]:
    """Item 5 (and the request floor): the same GET or POST ``n`` times."""
    api, lat, errors = Api(job["base_url"], job["tokens"]), [], []
    method, path, body = job.get("method", "GET"), job["path"], job.get("body")
    t0 = _wait(job)
    for _ in range(job["n"]):
        begin = time.perf_counter()
        try:
            api.call(method, path, job.get("user"), body, job.get("params"))
        except (HttpError, requests.RequestException) as error:
            errors.append(str(error))
            continue
        lat.append(time.perf_counter() - begin)
    return _result(t0, lat=lat, errors=errors)

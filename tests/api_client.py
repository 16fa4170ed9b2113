"""Story-like helpers over the HTTP API, so e2e tests read as the users' steps."""

from __future__ import annotations

import io
import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from workflows.core.runtime import runtime_of
from workflows.definitions.bundles import collect_bundle

_keys = itertools.count(1)
PROOF = (Path(__file__).resolve().parent / "fixtures" / "attachments" / "diagnosis.pdf"
         ).read_bytes()

PASSWORDS = {
    "admin": "admin123", "auditor": "auditor123", "zhang": "zhang123", "wang": "wang123",
    "li": "li123", "zhao": "zhao123", "chen": "chen123", "xiaoming": "xiaoming123",
    "xiaohong": "xiaohong123",
    # skill-level certification staff and applicants (config/demo_users.json)
    **{name: f"{name}123" for name in (
        "sun", "zhou", "wu", "qian", "feng", "zheng", "jiang", "he", "han", "qin", "cao", "xu",
        "lin", "liuyang", "chenjing", "zhaomin", "wanglei")},
    # the demo school's class teachers (api/demo_school.py)
    **{f"bzr{n:02d}": "demo123" for n in range(1, 9)},
}


def business_key(prefix: str = "BK") -> str:
    """A unique business key per call (tests share one database)."""
    return f"{prefix}-{next(_keys):05d}"


class ApiClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._tokens: dict[str, tuple[str, datetime]] = {}

    # --- auth ---------------------------------------------------------------------------
    def token(self, username: str) -> str:
        """A cached token; signed in again if a test set the clock back before its issue time
        (the service refuses tokens issued in the future)."""
        cached = self._tokens.get(username)
        now = runtime_of(self.client.application).now()
        if cached is None or now < cached[1]:
            response = self.client.post("/api/v1/auth/token", json={
                "username": username, "password": PASSWORDS[username]})
            assert response.status_code == 200, response.get_json()
            cached = self._tokens[username] = (response.get_json()["access_token"], now)
        return cached[0]

    def headers(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def get(self, url: str, *, as_: str | None, **kwargs: Any) -> TestResponse:
        return self.client.get(url, headers=self.headers(as_), **kwargs)

    def post(self, url: str, *, as_: str | None, **kwargs: Any) -> TestResponse:
        return self.client.post(url, headers=self.headers(as_), **kwargs)

    def put(self, url: str, *, as_: str | None, **kwargs: Any) -> TestResponse:
        return self.client.put(url, headers=self.headers(as_), **kwargs)

    def delete(self, url: str, *, as_: str | None, **kwargs: Any) -> TestResponse:
        return self.client.delete(url, headers=self.headers(as_), **kwargs)

    def patch(self, url: str, *, as_: str | None, **kwargs: Any) -> TestResponse:
        return self.client.patch(url, headers=self.headers(as_), **kwargs)

    # --- definitions --------------------------------------------------------------------
    def deploy_files(self, files: dict[str, bytes], *, as_: str = "admin",
                     process_id: str | None = None) -> TestResponse:
        data: dict[str, Any] = {"files": [(io.BytesIO(c), n) for n, c in files.items()]}
        if process_id:
            data["process_id"] = process_id
        return self.post("/api/v1/definitions", as_=as_, data=data,
                         content_type="multipart/form-data")

    def deploy_bundle(self, bpmn_path: Path, *, as_: str = "admin") -> TestResponse:
        return self.deploy_files(collect_bundle(bpmn_path), as_=as_)

    # --- attachments --------------------------------------------------------------------
    def upload(self, name: str, content: bytes, *, as_: str | None) -> TestResponse:
        """Upload one file as the browser does (multipart, field ``file``)."""
        return self.post("/api/v1/attachments", as_=as_,
                         data={"file": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")

    def uploaded(self, name: str, content: bytes, *, as_: str) -> dict[str, Any]:
        response = self.upload(name, content, as_=as_)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    # --- leave --------------------------------------------------------------------------
    def today(self) -> date:
        """Today in the calendar's zone, by the app's (possibly frozen) clock."""
        runtime = runtime_of(self.client.application)
        return runtime.now().astimezone(runtime.calendar.zone).date()

    def leave_dates(self, days: float, *, first: date | None = None) -> dict[str, str]:
        """Start and end (with halves) of ``days`` school days from ``first`` (default: the
        next school day after today), as the leave form asks for them."""
        calendar = runtime_of(self.client.application).calendar
        day = first or self.today() + timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
        start, halves = day, round(days * 2)
        while halves > 2:
            halves -= 2
            day += timedelta(days=1)
            while not calendar.is_working_day(day):
                day += timedelta(days=1)
        return {"start_date": start.isoformat(), "start_half": "am",
                "end_date": day.isoformat(), "end_half": "pm" if halves == 2 else "am"}

    def start_leave(self, *, as_: str, days: float = 1, key: str | None = None,
                    version: int | None = None, **data: Any) -> TestResponse:
        """Ask for ``days`` school days of leave (personal unless said), with a diagnosis
        uploaded as proof unless ``proof`` is given (``proof=None``: none at all)."""
        body = {"leave_type": "personal", "reason": "家中有事需要处理",
                **self.leave_dates(days), **data}
        if body.get("proof", ...) is None:  # proof=None: the form without proof
            del body["proof"]
        elif "proof" not in body:
            uploaded = self.upload("证明.pdf", PROOF, as_=as_)
            body["proof"] = [uploaded.get_json()["id"]] if uploaded.status_code == 201 else []
        return self.start("leave_approval", as_=as_, key=key, version=version, **body)

    # --- instances ----------------------------------------------------------------------
    def start(self, process_id: str, *, as_: str, key: str | None = None,
              version: int | None = None, **data: Any) -> TestResponse:
        body: dict[str, Any] = {"process_id": process_id, "business_key": key or business_key(),
                                "data": data}
        if version is not None:
            body["version"] = version
        return self.post("/api/v1/instances", as_=as_, json=body)

    def instance(self, instance_id: int, *, as_: str = "admin") -> dict[str, Any]:
        response = self.get(f"/api/v1/instances/{instance_id}", as_=as_)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def events(self, instance_id: int, *, as_: str = "admin") -> list[dict[str, Any]]:
        response = self.get(f"/api/v1/instances/{instance_id}/events", as_=as_)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    # --- tasks --------------------------------------------------------------------------
    def inbox(self, *, as_: str, **query: Any) -> dict[str, Any]:
        response = self.get("/api/v1/tasks", as_=as_, query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def open_task(self, instance_id: int) -> dict[str, Any]:
        """The single open task of an instance (fails if there is not exactly one)."""
        tasks = self.instance(instance_id)["open_tasks"]
        assert len(tasks) == 1, tasks
        return tasks[0]

    def claim(self, task_id: int, *, as_: str) -> TestResponse:
        return self.post(f"/api/v1/tasks/{task_id}/claim", as_=as_)

    def release(self, task_id: int, *, as_: str) -> TestResponse:
        return self.post(f"/api/v1/tasks/{task_id}/release", as_=as_)

    def complete(self, task_id: int, *, as_: str, **data: Any) -> TestResponse:
        return self.post(f"/api/v1/tasks/{task_id}/complete", as_=as_, json={"data": data})

    def claim_and_complete(self, task_id: int, *, as_: str, **data: Any) -> dict[str, Any]:
        claimed = self.claim(task_id, as_=as_)
        assert claimed.status_code == 200, claimed.get_json()
        done = self.complete(task_id, as_=as_, **data)
        assert done.status_code == 200, done.get_json()
        return done.get_json()

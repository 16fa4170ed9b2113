"""A large sheet confirmed as background work: 202 at once, progress to poll, the same
all-or-nothing writing as the one-request confirmation, and its refusal reported the same way."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from models import Person
from tests.api_client import ApiClient
from tests.e2e.test_directory_import import CLASSES, count, upload
from tests.sheet_files import learner_rows, wrong_check_digit, xlsx


def poll(api: ApiClient, import_id: int, *, as_: str = "admin") -> list[dict[str, Any]]:
    """Every distinct answer of the progress resource until the job ends (a minute at most)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = api.get(f"/api/v1/directory/imports/{import_id}/confirm-job", as_=as_)
        assert answer.status_code == 200, answer.get_json()
        job = answer.get_json()
        if job["state"] in ("done", "failed"):
            return [*seen, job]
        if not seen or (job["phase"], job["done"]) != (seen[-1]["phase"], seen[-1]["done"]):
            seen.append(job)
        time.sleep(0.02)
    raise AssertionError(f"the background confirmation did not end: {seen[-1:]}")


def test_a_sheet_confirmed_in_the_background_reports_progress_and_writes_every_row(
        app: Flask, api: ApiClient) -> None:
    preview = upload(api, xlsx(learner_rows(1500, classes=CLASSES)), "learners.xlsx")
    assert preview.status_code == 201, preview.get_json()
    import_id = preview.get_json()["id"]
    before = count(app, Person)
    started = api.post(f"/api/v1/directory/imports/{import_id}/confirm-job", as_="admin")
    assert started.status_code == 202, started.get_json()
    assert started.get_json()["state"] in ("queued", "running")
    seen = poll(api, import_id)
    last = seen[-1]
    assert last["state"] == "done", last
    assert last["percent"] == 100 and last["total"] == 1500
    assert last["summary"]["add"] == 1500 and last["summary"]["changes"] == 3000
    assert count(app, Person) == before + 1500
    # While it ran, every answer named a phase and never ran ahead of the sheet.
    assert all(job["phase"] in ("queued", "planning", "writing", "committing")
               and job["done"] <= 1500 for job in seen[:-1])
    shown = api.get(f"/api/v1/directory/imports/{import_id}", as_="admin").get_json()
    assert shown["status"] == "confirmed"
    again = api.post(f"/api/v1/directory/imports/{import_id}/confirm-job", as_="admin")
    assert again.status_code == 409


def test_a_sheet_with_a_bad_row_fails_in_the_background_and_writes_nothing(
        app: Flask, api: ApiClient) -> None:
    rows = learner_rows(300, classes=CLASSES)
    rows[41][2] = wrong_check_digit(rows[41][2])  # sheet row 43
    import_id = upload(api, xlsx(rows), "learners.xlsx").get_json()["id"]
    before = count(app, Person)
    assert api.post(f"/api/v1/directory/imports/{import_id}/confirm-job",
                    as_="admin").status_code == 202
    last = poll(api, import_id)[-1]
    assert last["state"] == "failed"
    assert last["problem"]["status"] == 422
    assert "未写入任何数据" in last["problem"]["detail"]
    assert [e["row"] for e in last["problem"]["errors"]] == [43]
    assert count(app, Person) == before


def test_only_the_centres_administrator_starts_or_watches_a_background_confirmation(
        api: ApiClient) -> None:
    import_id = upload(api, xlsx(learner_rows(3, classes=CLASSES)), "learners.xlsx"
                       ).get_json()["id"]
    assert api.post(f"/api/v1/directory/imports/{import_id}/confirm-job",
                    as_="zhang").status_code == 403
    assert api.get(f"/api/v1/directory/imports/{import_id}/confirm-job",
                   as_="admin").status_code == 404  # none started yet
    assert api.post("/api/v1/directory/imports/999999/confirm-job",
                    as_="admin").status_code == 404

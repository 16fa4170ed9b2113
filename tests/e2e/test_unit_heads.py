"""A unit's head (系部主任, 分管领导) reads every case of the units they head, read only; the
cases of other units stay hidden from them, and the reading ends with the position."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from models import ProcessInstance, db
from tests.api_client import ApiClient
from tests.e2e.attendance_steps import person_id, unit_id


def _department_over(api: ApiClient, klass: str) -> int:
    """A new 系部 with the class moved under it."""
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    made = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "department", "code": "D-JD", "name": "机电系", "parent_id": root["id"]})
    assert made.status_code == 201, made.get_json()
    moved = api.post(f"/api/v1/admin/units/{unit_id(api, klass)}/move", as_="admin",
                     json={"parent_id": made.get_json()["id"]})
    assert moved.status_code in (200, 204), moved.get_json()
    return int(made.get_json()["id"])


def test_a_department_head_reads_the_cases_of_the_department_and_changes_nothing(
        app: Flask, leave_api: ApiClient) -> None:
    api = leave_api
    theirs = api.start_leave(as_="liuyang", days=1, key="HEAD-IN")  # 机电2301
    other = api.start_leave(as_="zhaomin", days=1, key="HEAD-OUT")  # 电商2303
    assert theirs.status_code == 201 and other.status_code == 201, theirs.get_json()
    case, elsewhere = theirs.get_json()["id"], other.get_json()["id"]
    with app.app_context():
        assert db.session.scalar(sa.select(ProcessInstance.unit_id).where(
            ProcessInstance.id == case)) == unit_id(api, "机电2301")
    department = _department_over(api, "机电2301")
    # Before the position: 冯考评 (a 考评员) has nothing to do with either case.
    assert api.get(f"/api/v1/instances/{case}", as_="feng").status_code == 404
    appointed = api.post(f"/api/v1/directory/units/{department}/positions", as_="admin",
                         json={"person_id": person_id(api, "冯考评"), "role": "department_head"})
    assert appointed.status_code == 201, appointed.get_json()
    # As 系部主任 of 机电系: the department's case opens, with its history; the other does not.
    assert api.get(f"/api/v1/instances/{case}", as_="feng").status_code == 200
    assert api.get(f"/api/v1/instances/{case}/events", as_="feng").status_code == 200
    listed = [i["id"] for i in api.get("/api/v1/instances", as_="feng").get_json()["items"]]
    assert case in listed and elsewhere not in listed
    assert api.get(f"/api/v1/instances/{elsewhere}", as_="feng").status_code == 404
    # Read only: the head neither takes the class teacher's step nor comments on the case.
    task = api.open_task(case)
    assert api.claim(task["id"], as_="feng").status_code in (403, 404)
    commented = api.post(f"/api/v1/instances/{case}/comments", as_="feng", json={"text": "看看"})
    assert commented.status_code in (403, 404)
    # The position ends: so does the reading.
    [position] = [p for p in api.get(f"/api/v1/admin/people/{person_id(api, '冯考评')}",
                                     as_="admin").get_json()["positions"]
                  if p["role"] == "department_head"]
    ended = api.post(f"/api/v1/admin/positions/{position['id']}/end", as_="admin", json={})
    assert ended.status_code == 204, ended.get_json()
    assert api.get(f"/api/v1/instances/{case}", as_="feng").status_code == 404

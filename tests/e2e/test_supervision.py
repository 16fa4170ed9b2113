"""The 质量监督小组 reads every case of its centre, whoever holds it, and acts on none."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from models import AuditAccessLog, db
from tests.api_client import ApiClient


def test_supervisors_read_every_case_of_their_centre_and_act_on_none(
        app: Flask, leave_api: ApiClient) -> None:
    api = leave_api
    started = api.start_leave(as_="xiaoming", days=1, key="LV-SUP-1")
    assert started.status_code == 201, started.get_json()
    case = started.get_json()
    other = api.start_leave(as_="xiaohong", days=2, reason="参加亲戚婚礼",
                            key="LV-SUP-2").get_json()
    # 韩督导 holds no step of either case; the supervision view shows both, with applicant and
    # the step each waits at.
    page = api.get("/api/v1/supervision/cases", as_="han").get_json()
    by_id = {row["id"]: row for row in page["items"]}
    assert {case["id"], other["id"]} <= set(by_id)
    assert by_id[case["id"]]["applicant"] == "小明"
    assert [s["title"] for s in by_id[case["id"]]["open_steps"]] == ["班主任审批"]
    prefix = api.get("/api/v1/supervision/cases", as_="han",
                     query_string={"business_key": "LV-SUP-1*"}).get_json()
    assert [row["id"] for row in prefix["items"]] == [case["id"]]
    # Each read of the list is logged, with the cases it showed.
    with app.app_context():
        logged = db.session.execute(sa.select(AuditAccessLog.resource, AuditAccessLog.role,
                                              AuditAccessLog.detail)
                                    .where(AuditAccessLog.action == "supervision.centre_cases")
                                    .order_by(AuditAccessLog.id)).all()
    assert [(r.resource, r.role) for r in logged] == [
        ("/api/v1/supervision/cases", "supervisor"),
        ("/api/v1/supervision/cases?business_key=LV-SUP-1*", "supervisor")]
    assert {case["id"], other["id"]} <= set(logged[0].detail["cases"])
    assert logged[1].detail["cases"] == [case["id"]]
    # Each case opens, with its history.
    assert api.get(f"/api/v1/instances/{case['id']}", as_="han").status_code == 200
    assert api.get(f"/api/v1/instances/{case['id']}/events", as_="han").status_code == 200
    # Read only: the open step can be neither claimed nor completed by the supervisor.
    task = api.open_task(case["id"])
    assert api.claim(task["id"], as_="han").status_code in (403, 404)
    assert api.complete(task["id"], as_="han", approved=True).status_code in (403, 404)
    # Only supervisors: anyone else is refused with a Chinese reason.
    for user in ("feng", "zhang", "xiaoming"):
        refused = api.get("/api/v1/supervision/cases", as_=user)
        assert refused.status_code == 403, user
        assert "质量监督小组" in refused.get_json()["detail"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditAccessLog).where(
            AuditAccessLog.action == "supervision.centre_cases")) == 2
    assert api.get(f"/api/v1/instances/{case['id']}", as_="feng").status_code == 404

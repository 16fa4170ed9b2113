"""Taking attendance over HTTP: the class's own teacher records a session for the whole class,
absences count as 旷课 without a granted leave, and the thresholds table opens each measure
once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.api_client import ApiClient
from tests.e2e.attendance_steps import (
    BASE,
    ROOT,
    Klass,
    appoint,
    deploy_attendance,
    measures,
    new_class,
    person_id,
    put,
    zhang_class,
)
from workflows.core.clock import FrozenClock


@pytest.fixture()
def klass(api: ApiClient, frozen_clock: FrozenClock) -> Iterator[Klass]:
    yield zhang_class(api)


def _proposals(api: ApiClient, kind: str) -> list[dict[str, Any]]:
    response = api.get("/api/v1/instances", as_="admin",
                       query_string={"process_id": "attendance_proposal"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    items = body["items"] if isinstance(body, dict) else body
    return [i for i in items if api.instance(i["id"])["data"].get("measure") == kind]


def test_everyone_is_present_unless_marked_and_an_unexcused_absence_is_truancy(
        klass: Klass) -> None:
    api = klass.api
    liuyang = person_id(api, "刘洋")
    done = klass.take({liuyang: "leave"})  # told "on leave", but no leave was granted
    assert done["counts"] == {"truancy": 1}
    session_id = done["session_id"]
    roster = api.get(f"{BASE}/sessions/{session_id}", as_="zhang").get_json()
    [row] = [r for r in roster["learners"] if r["person_id"] == liuyang]
    assert (row["mark"], row["counted"], row["counted_name"]) == ("leave", "truancy", "旷课")
    mine = api.get(f"{BASE}/me", as_="liuyang").get_json()
    assert mine["totals"]["truancy_days"] == 0.5
    assert mine["records"][0]["counted_name"] == "旷课"


def test_only_the_classs_own_teacher_may_record(klass: Klass) -> None:
    api = klass.api
    session_id = klass.add_session()
    body = {"marks": []}
    for other in ("wang", "chen", "liuyang"):  # another class's 班主任; centre-wide; learner
        response = put(api, f"{BASE}/sessions/{session_id}/records", as_=other, json=body)
        assert response.status_code == 403, response.get_json()
        assert "班主任或任课教师" in response.get_json()["detail"]
        assert api.get(f"{BASE}/sessions/{session_id}", as_=other).status_code == 403
    assert put(api, f"{BASE}/sessions/999999/records", as_="zhang",
               json=body).status_code == 404
    wang_class = api.post(f"{BASE}/classes/{klass.unit}/courses", as_="wang", json={
        "name": "数学", "term": "2026-2027-1", "contact_hours": 40})
    assert wang_class.status_code == 403
    assert put(api, f"{BASE}/sessions/{session_id}/records", as_="zhang",
               json=body).status_code == 200


def test_the_tenth_day_of_absence_opens_exactly_one_repeat_year_proposal(
        klass: Klass) -> None:
    api = klass.api
    liuyang = person_id(api, "刘洋")
    for _ in range(19):  # nine and a half days
        klass.take({liuyang: "absent"})
    assert not [m for m in measures(api, "liuyang") if m["kind"] == "repeat_year"]
    done = klass.take({liuyang: "absent"})  # the 10th day
    assert [m["kind"] for m in done["measures"]] == ["repeat_year"]
    for _ in range(3):  # further absences open nothing more
        assert not [m for m in klass.take({liuyang: "absent"})["measures"]
                    if m["kind"] == "repeat_year"]
    repeat = [m for m in measures(api, "liuyang") if m["kind"] == "repeat_year"]
    assert len(repeat) == 1
    assert "累计缺勤 10 天" in repeat[0]["reason"]
    [proposal] = _proposals(api, "repeat_year")
    assert proposal["id"] == repeat[0]["instance_id"]


def test_the_fifth_day_of_truancy_opens_a_withdrawal_proposal_through_its_steps(
        klass: Klass) -> None:
    api = klass.api
    liuyang = person_id(api, "刘洋")
    for _ in range(9):
        klass.take({liuyang: "absent"})
    assert not [m for m in measures(api, "liuyang") if m["kind"] == "withdrawal"]
    done = klass.take({liuyang: "absent"})
    [withdrawal] = [m for m in done["measures"] if m["kind"] == "withdrawal"]
    assert withdrawal["reason"] == "2026-2027学年旷课 5 天，达到退学的标准"
    instance_id = withdrawal["instance_id"]
    task = api.open_task(instance_id)
    assert task["task_name"] == "review_class_teacher"
    assert task["id"] not in {t["id"] for t in api.inbox(as_="wang")["items"]}
    api.claim_and_complete(task["id"], as_="zhang", teacher_agreed=True)
    api.claim_and_complete(api.open_task(instance_id)["id"], as_="li", office_agreed=True)
    statement = api.open_task(instance_id)
    assert statement["task_name"] == "learner_statement"
    api.claim_and_complete(statement["id"], as_="liuyang", statement="因家中有事未及时请假")
    decide = api.open_task(instance_id)
    assert decide["task_name"] == "decide_leader"
    api.claim_and_complete(decide["id"], as_="zhao", leader_decided=True)
    final = api.instance(instance_id)
    assert final["status"] == "completed"
    assert final["data"]["statement"] == "因家中有事未及时请假"


def test_a_third_of_contact_hours_plus_one_session_voids_the_exam_and_the_learner_sees_why(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_attendance(api)
    appoint(api, "张老师", "机电2301")
    klass = new_class(api, "机电2301", "zhang", contact_hours=12, name="电工基础")
    liuyang = person_id(api, "刘洋")
    klass.take({liuyang: "absent"})
    klass.take({liuyang: "absent"})  # 4 学时: exactly a third, still allowed
    assert not [m for m in measures(api, "liuyang") if m["kind"] == "exam_void"]
    done = klass.take({liuyang: "absent"})  # one session more
    assert [m["kind"] for m in done["measures"] if m["kind"] == "exam_void"] == ["exam_void"]
    mine = api.get(f"{BASE}/me", as_="liuyang").get_json()
    [void] = [m for m in mine["measures"] if m["kind"] == "exam_void"]
    assert void["kind_name"] == "期末考试成绩无效"
    assert void["course"] == "电工基础"
    assert "《电工基础》缺勤 6 学时，超过面授学时 12 的三分之一" in void["reason"]
    [course] = mine["courses"]
    assert (course["absent_hours"], course["contact_hours"]) == (6, 12)


def test_a_new_thresholds_version_changes_the_outcome_of_later_absences_only(
        klass: Klass) -> None:
    from workflows.definitions.bundles import collect_bundle

    api = klass.api
    liuyang = person_id(api, "刘洋")
    for _ in range(7):  # three and a half days of 旷课: no withdrawal under version 1
        klass.take({liuyang: "absent"})
    files = collect_bundle(ROOT / "bpmn" / "attendance_thresholds.bpmn")
    files["attendance_thresholds.dmn"] = files["attendance_thresholds.dmn"].replace(
        b"<text>&gt;= 5</text>", b"<text>&gt;= 3</text>")
    deployed = api.deploy_files(files)
    assert deployed.status_code == 201, deployed.get_json()
    # Nothing recorded before the new version is judged again.
    assert not [m for m in measures(api, "liuyang") if m["kind"] == "withdrawal"]
    done = klass.take({liuyang: "absent"})  # 4 days: a withdrawal under version 2
    [withdrawal] = [m for m in done["measures"] if m["kind"] == "withdrawal"]
    assert withdrawal["facts"]["thresholds_version"] == 2
    assert done["thresholds_version"] == 2
    [discipline] = [m for m in measures(api, "liuyang") if m["kind"] == "discipline"]
    assert discipline["facts"]["thresholds_version"] == 1


def _leave(app: Flask, api: ApiClient, person: int, start: str, end: str, status: str) -> None:
    """A leave case of 刘洋 with its period (as the leave process stores it)."""
    from models import db
    from workflows.attendance.leave_periods import LeavePeriodRow, sync_leave_period

    started = api.start_leave(as_="liuyang", days=1)
    assert started.status_code == 201, started.get_json()
    with app.app_context():
        # the process stored the period it was asked for; this test places it on given days
        db.session.execute(sa.delete(LeavePeriodRow).where(
            LeavePeriodRow.instance_id == started.get_json()["id"]))
        sync_leave_period(db.session, started.get_json()["id"], person, {
            "start_date": start, "start_half": "am", "end_date": end, "end_half": "am",
            "days": 0.5, "leave_type": "personal"}, status=status,
            now=datetime(2026, 11, 1, tzinfo=UTC))
        db.session.commit()
        db.session.remove()


def test_an_approved_leave_makes_an_absence_leave_and_a_refused_or_outlived_one_truancy(
        app: Flask, klass: Klass) -> None:
    api = klass.api
    assert api.deploy_bundle(ROOT / "bpmn" / "leave_approval.bpmn").status_code == 201
    liuyang = person_id(api, "刘洋")
    _leave(app, api, liuyang, "2026-11-02", "2026-11-02", "approved")  # Monday morning
    _leave(app, api, liuyang, "2026-11-03", "2026-11-03", "refused")  # Tuesday morning
    assert klass.take({liuyang: "absent"})["counts"] == {"leave": 1}  # Mon am: covered
    assert klass.take({liuyang: "leave"})["counts"] == {"truancy": 1}  # Mon pm: after its end
    assert klass.take({liuyang: "leave"})["counts"] == {"truancy": 1}  # Tue am: refused
    mine = api.get(f"{BASE}/me", as_="liuyang").get_json()
    assert mine["totals"] == {"absence_days": 1.5, "truancy_days": 1.0, "leave_days": 0.5,
                              "late": 0}


def test_a_leave_approved_through_the_process_covers_its_sessions(klass: Klass) -> None:
    """End to end: 刘洋 asks for Tuesday off, his own 班主任 approves it in the leave process,
    and the sessions of that day are 请假 while those around it stay 旷课."""
    api = klass.api
    assert api.deploy_bundle(ROOT / "bpmn" / "leave_approval.bpmn").status_code == 201
    liuyang = person_id(api, "刘洋")
    asked = api.start_leave(as_="liuyang", days=1)  # the next school day: Tuesday 2026-11-03
    assert asked.status_code == 201, asked.get_json()
    assert asked.get_json()["data"]["start_date"] == "2026-11-03"
    [task] = asked.get_json()["open_tasks"]
    api.claim_and_complete(task["id"], as_="zhang", teacher_approved=True,
                           teacher_comment="同意")
    marks = [klass.take({liuyang: "absent"})["counts"] for _ in range(5)]
    assert marks == [{"truancy": 1}, {"truancy": 1},  # Monday: before the leave
                     {"leave": 1}, {"leave": 1},  # Tuesday: covered by the approved leave
                     {"truancy": 1}]  # Wednesday: after it


def test_discipline_of_a_worker_ends_with_the_notice_to_the_employer(
        app: Flask, klass: Klass) -> None:
    """刘洋 works at 宏达机械有限公司: his first 旷课 opens 纪律处分; once the leader decides, the
    班级办公室 sends the drafted notice to the employer and records when and how."""
    from models import Person, db

    api = klass.api
    liuyang = person_id(api, "刘洋")
    with app.app_context():
        db.session.get(Person, liuyang).employer = "宏达机械有限公司"  # type: ignore[union-attr]
        db.session.commit()
    done = klass.take({liuyang: "absent"})
    [discipline] = [m for m in done["measures"] if m["kind"] == "discipline"]
    case = discipline["instance_id"]
    data = api.instance(case)["data"]
    assert data["has_employer"] is True
    assert data["employer_letter"].startswith(
        "宏达机械有限公司：贵单位职工刘洋（机电2301）在2026-2027学年旷课 0.5 天。")
    assert "给予纪律处分。特此通知。" in data["employer_letter"]
    api.claim_and_complete(api.open_task(case)["id"], as_="zhang", teacher_agreed=True)
    api.claim_and_complete(api.open_task(case)["id"], as_="li", office_agreed=True)
    api.claim_and_complete(api.open_task(case)["id"], as_="liuyang", statement="知错")
    api.claim_and_complete(api.open_task(case)["id"], as_="zhao", leader_decided=True)
    notice = api.open_task(case)
    assert notice["task_name"] == "notify_employer"
    shown = api.get(f"/api/v1/tasks/{notice['id']}", as_="li").get_json()["summary"]
    assert {"label": "通知书", "value": data["employer_letter"]} in shown
    final = api.claim_and_complete(notice["id"], as_="li", employer_notified_on="2026-11-03",
                                   employer_notice="书面通知，寄送人事科王科长")
    assert final["status"] == "completed"
    assert api.instance(case)["data"]["employer_notified_on"] == "2026-11-03"

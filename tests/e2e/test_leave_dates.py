"""Leave with dates: school days counted by the server, 销假 at the end, 超假 when late or
never closed. Driven over HTTP; time moves with the frozen clock, nothing sleeps."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from models import db
from tests.api_client import PROOF, ApiClient
from tests.background_support import fire_due, move_to, notifications, timers
from tests.test_support import leave_bundle
from workflows.attendance.leave_periods import LeavePeriod, leave_periods_of
from workflows.core.clock import FrozenClock


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _person_id(api: ApiClient, name: str) -> int:
    [found] = api.get("/api/v1/directory/people", as_="admin",
                      query_string={"q": name}).get_json()
    return int(found["id"])


def _appoint_class_teachers(api: ApiClient) -> None:
    """张老师 teaches 刘洋's class (机电2301), 王老师 another one (数控2302)."""
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    for teacher, name in (("张老师", "机电2301"), ("王老师", "数控2302")):
        unit = next(u["id"] for u in root["children"] if u["name"] == name)
        response = api.post(f"/api/v1/directory/units/{unit}/positions", as_="admin",
                            json={"person_id": _person_id(api, teacher),
                                  "role": "class_teacher"})
        assert response.status_code == 201, response.get_json()


def periods(app: Flask, api: ApiClient, start: date, end: date,
            learner: str = "小明") -> list[LeavePeriod]:
    person = _person_id(api, learner)
    with app.app_context():
        found = leave_periods_of(db.session, person, start, end)
        db.session.remove()
    return found


def ask(api: ApiClient, start: str, start_half: str, end: str, end_half: str,
        *, as_: str = "xiaoming", **extra: Any) -> Any:
    return api.start_leave(as_=as_, start_date=start, start_half=start_half,
                           end_date=end, end_half=end_half, **extra)


def approve(api: ApiClient, instance_id: int) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for user, prefix in (("zhang", "teacher"), ("li", "office"), ("zhao", "leader")):
        task = api.open_task(instance_id)
        if task["task_name"] == "confirm_return":
            break
        view = api.claim_and_complete(task["id"], as_=user, **{
            f"{prefix}_approved": True, f"{prefix}_comment": "同意"})
    return view or api.instance(instance_id)


def test_a_leave_from_thursday_afternoon_counts_school_days_over_a_weekend_and_a_holiday(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    frozen_clock.now = at(2026, 9, 23, 2)  # Wednesday 10:00 in Beijing, before anyone signs in
    # Thu 09-24 afternoon ½ + Fri 09-25 中秋 (holiday) + weekend + Mon 1 + Tue 1 = 2.5 days.
    response = ask(leave_api, "2026-09-24", "pm", "2026-09-29", "pm",
                   sessions=["电工基础 面授课", "PLC 上机课"])
    assert response.status_code == 201, response.get_json()
    started = response.get_json()
    data = started["data"]
    assert data["days"] == 2.5 and data["route"] == "teacher_office"
    assert data["period"] == "2026-09-24 下午 至 2026-09-29 下午"
    assert data["return_due_at"] == "2026-09-29T16:00:00+00:00"  # 09-30 00:00 in Beijing
    [period] = periods(app, leave_api, date(2026, 9, 24), date(2026, 9, 24))
    assert (period.days, period.status, period.leave_type) == (Decimal("2.5"), "requested",
                                                               "personal")
    assert (period.start, period.start_half, period.end, period.end_half) == (
        date(2026, 9, 24), "pm", date(2026, 9, 29), "pm")
    assert period.instance_id == str(started["id"])

    view = approve(leave_api, started["id"])
    [task] = view["open_tasks"]
    # 销假 is due when the leave ends, not a week after the approval.
    assert task["task_name"] == "confirm_return"
    assert task["due_at"] == "2026-09-29T16:00:00+00:00"
    assert periods(app, leave_api, date(2026, 9, 29), date(2026, 9, 29))[0].status == "approved"


@pytest.mark.parametrize(("returned_on", "half", "overstay", "status"), [
    ("2026-11-04", "am", 0, "returned"),  # back the morning after the leave: on time
    ("2026-11-05", "am", 1, "overstay"),  # a day late: Wednesday is 超假
    ("2026-11-05", "pm", 1.5, "overstay"),
    ("2026-11-09", "am", 3, "overstay"),  # Wed, Thu, Fri; the weekend does not count
])
def test_returning_late_records_the_school_days_missed_as_overstay(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock, returned_on: str,
        half: str, overstay: float, status: str) -> None:
    _appoint_class_teachers(leave_api)
    started = ask(leave_api, "2026-11-03", "am", "2026-11-03", "pm", as_="liuyang").get_json()
    assert started["data"]["days"] == 1
    view = approve(leave_api, started["id"])
    [task] = view["open_tasks"]
    move_to(leave_api, frozen_clock, at(2026, 11, 9, 2))  # Monday 10:00 in Beijing
    done = leave_api.complete(task["id"], as_="liuyang", returned_on=returned_on,
                              returned_half=half)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "completed" and body["data"]["outcome"] == "approved"
    assert body["data"]["overstay_days"] == overstay
    [period] = periods(app, leave_api, date(2026, 11, 3), date(2026, 11, 3), "刘洋")
    assert (period.status, period.overstay_days) == (status, Decimal(str(overstay)))
    assert period.returned_on == date.fromisoformat(returned_on)
    told = notifications(leave_api, "zhang", kind="escalation")
    assert len(told) == (1 if overstay else 0)
    if overstay:
        assert "超假" in told[0]["subject"] and told[0]["recipient_user_id"] is not None
        for other in ("wang", "chen"):  # another class's teacher, a centre-wide one
            assert notifications(leave_api, other, kind="escalation") == []


def test_an_unclosed_leave_is_closed_as_overstay_after_two_school_days_and_the_teacher_told(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    _appoint_class_teachers(leave_api)
    move_to(leave_api, frozen_clock, at(2026, 11, 4, 2))  # Wednesday
    started = ask(leave_api, "2026-11-05", "am", "2026-11-05", "pm",
                  as_="liuyang").get_json()  # Thursday
    view = approve(leave_api, started["id"])
    assert view["open_tasks"][0]["task_name"] == "confirm_return"
    # 2 school days after Thursday: Friday and Monday (not the weekend) -> Tuesday 00:00.
    pending = {t["element_id"]: t["due_at"]
               for t in timers(leave_api, started["id"], status="pending")}
    assert pending == {"close_unreturned": "2026-11-09T16:00:00+00:00"}

    move_to(leave_api, frozen_clock, at(2026, 11, 9, 15, 59))  # Monday 23:59 in Beijing
    assert fire_due(leave_api)["fired"] == 0
    assert periods(app, leave_api, date(2026, 11, 5), date(2026, 11, 5),
                   "刘洋")[0].status == "approved"

    move_to(leave_api, frozen_clock, at(2026, 11, 9, 16, 0, 1))
    assert fire_due(leave_api)["fired"] == 1
    closed = leave_api.instance(started["id"])
    assert closed["status"] == "completed" and closed["open_tasks"] == []
    assert (closed["data"]["outcome"], closed["data"]["overstay_days"]) == ("overstay", 2)
    [period] = periods(app, leave_api, date(2026, 11, 5), date(2026, 11, 5), "刘洋")
    assert (period.status, period.overstay_days, period.returned_on) == (
        "overstay", Decimal(2), None)
    [told] = notifications(leave_api, "zhang", kind="escalation")
    assert "未销假" in told["subject"] and told["instance_id"] == started["id"]
    for other in ("wang", "chen"):
        assert notifications(leave_api, other, kind="escalation") == []
    assert fire_due(leave_api)["fired"] == 0  # once only


def pointers(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {e["pointer"]: e["message"] for e in response.get_json()["errors"]}


def test_days_are_never_taken_from_the_client(leave_api: ApiClient) -> None:
    proof = leave_api.uploaded("证明.pdf", PROOF, as_="xiaoming")
    response = leave_api.start("leave_approval", as_="xiaoming", days=0.5,
                               leave_type="personal", reason="家中有事需要处理",
                               proof=[proof["id"]], **leave_api.leave_dates(3))
    assert "由系统按起止日期计算" in pointers(response)["/data"]
    assert leave_api.get("/api/v1/instances", as_="admin").get_json()["items"] == []
    started = leave_api.start_leave(as_="xiaoming", days=3).get_json()
    assert started["data"]["days"] == 3 and started["data"]["route"] == "teacher_office"


def test_dates_that_cannot_be_a_leave_are_refused_at_their_field(
        leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    # Monday 2026-11-02, 17:00 in Beijing.
    assert "不能早于开始" in pointers(ask(
        leave_api, "2026-11-04", "am", "2026-11-03", "pm"))["/data/end_date"]
    assert "不能早于开始" in pointers(ask(
        leave_api, "2026-11-04", "pm", "2026-11-04", "am"))["/data/end_half"]
    assert "没有上课日" in pointers(ask(
        leave_api, "2026-11-07", "am", "2026-11-08", "pm"))["/data/start_date"]
    assert "已过" in pointers(ask(
        leave_api, "2026-10-26", "am", "2026-10-30", "pm"))["/data/end_date"]
    assert "30 个上课日" in pointers(ask(
        leave_api, "2026-11-03", "am", "2026-12-31", "pm"))["/data/end_date"]
    assert "请选择开始时段" in pointers(ask(
        leave_api, "2026-11-03", "noon", "2026-11-03", "pm"))["/data/start_half"]
    assert "格式不对" in pointers(ask(
        leave_api, "2026-11-31", "am", "2026-12-01", "pm"))["/data/start_date"]
    # A sick learner may ask on the day itself.
    assert ask(leave_api, "2026-11-02", "pm", "2026-11-03", "pm").status_code == 201


def test_a_return_in_the_future_or_with_overstay_typed_is_refused(
        leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    started = ask(leave_api, "2026-11-03", "am", "2026-11-03", "pm").get_json()
    [task] = approve(leave_api, started["id"])["open_tasks"]
    assert "不能晚于今天" in pointers(leave_api.complete(
        task["id"], as_="xiaoming", returned_on="2026-11-03"))["/data/returned_on"]
    assert "由系统" in pointers(leave_api.complete(
        task["id"], as_="xiaoming", returned_on="2026-11-02", overstay_days=0))["/data"]
    done = leave_api.complete(task["id"], as_="xiaoming", returned_on="2026-11-02")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["data"]["overstay_days"] == 0


def test_a_withdrawn_or_terminated_leave_is_withdrawn_for_attendance(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    first = ask(leave_api, "2026-11-03", "am", "2026-11-03", "pm").get_json()
    second = ask(leave_api, "2026-11-04", "am", "2026-11-04", "pm").get_json()
    withdrawn = leave_api.post(f"/api/v1/instances/{first['id']}/withdraw", as_="xiaoming",
                               json={"reason": "不需要请假了"})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    terminated = leave_api.post(f"/api/v1/instances/{second['id']}/terminate", as_="admin",
                                json={"reason": "重复申请"})
    assert terminated.status_code == 200, terminated.get_json()
    found = periods(app, leave_api, date(2026, 11, 3), date(2026, 11, 4))
    assert [(p.instance_id, p.status) for p in found] == [
        (str(first["id"]), "withdrawn"), (str(second["id"]), "withdrawn")]


def test_a_leave_form_where_the_learner_types_the_days_still_works_without_a_period(
        app: Flask, leave_api: ApiClient) -> None:
    # A school's own version of the process whose start form still asks for the days.
    files = leave_bundle()
    files["leave_request.schema.json"] = json.dumps({
        "type": "object", "required": ["days", "leave_type", "reason"],
        "properties": {"days": {"title": "请假天数", "type": "number", "multipleOf": 0.5},
                       "leave_type": {"title": "请假类型", "enum": ["sick", "personal"]},
                       "reason": {"title": "请假事由", "type": "string"}}}).encode()
    assert leave_api.deploy_files(files).status_code == 201
    started = leave_api.start("leave_approval", as_="xiaoming", days=2, leave_type="personal",
                              reason="家中有事需要处理")
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["data"]["route"] == "teacher_office"
    assert periods(app, leave_api, date(2000, 1, 1), date(2100, 1, 1)) == []

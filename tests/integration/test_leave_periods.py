"""Leave periods as attendance reads them: stored per case, found by person and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask

from models import User, db
from models.statuses import LeaveStatus
from tests.api_client import ApiClient
from workflows.attendance.leave_periods import leave_periods_of, sync_leave_period

NOW = datetime(2026, 11, 2, 1, tzinfo=UTC)


def _person(app: Flask, username: str) -> int:
    with app.app_context():
        person_id = db.session.scalar(sa.select(User.person_id).where(User.username == username))
        db.session.remove()
    assert person_id is not None
    return person_id


def _case(api: ApiClient) -> int:
    response = api.start("leave_approval", as_="xiaoming", days=1, leave_type="personal",
                         reason="家中有事需要处理")
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _store(app: Flask, instance_id: int, person_id: int, data: dict[str, Any],
           status: str) -> None:
    with app.app_context():
        sync_leave_period(db.session, instance_id, person_id, data, status=status, now=NOW)
        db.session.commit()
        db.session.remove()


def _read(app: Flask, person_id: int, start: date, end: date) -> list[Any]:
    with app.app_context():
        found = leave_periods_of(db.session, person_id, start, end)
        db.session.remove()
    return found


def test_a_period_is_found_by_the_dates_it_overlaps(app: Flask, leave_api: ApiClient) -> None:
    person = _person(app, "xiaoming")
    first, second = _case(leave_api), _case(leave_api)
    _store(app, first, person, {
        "leave_type": "sick", "start_date": "2026-09-24", "start_half": "pm",
        "end_date": "2026-09-29", "end_half": "pm", "days": 2.5, "sessions": ["电工基础"]},
        LeaveStatus.APPROVED)
    _store(app, second, person, {
        "leave_type": "personal", "start_date": "2026-11-02", "start_half": "am",
        "end_date": "2026-11-02", "end_half": "pm", "days": 1}, LeaveStatus.REQUESTED)

    [period] = _read(app, person, date(2026, 9, 29), date(2026, 10, 31))
    assert period.instance_id == str(first) and period.person_id == person
    assert (period.start, period.start_half, period.end, period.end_half) == (
        date(2026, 9, 24), "pm", date(2026, 9, 29), "pm")
    assert period.days == Decimal("2.5") and period.leave_type == "sick"
    assert (period.status, period.returned_on, period.overstay_days) == (
        "approved", None, Decimal(0))
    assert [p.instance_id for p in _read(app, person, date(2026, 9, 1), date(2026, 12, 1))] == [
        str(first), str(second)]
    assert _read(app, person, date(2026, 9, 30), date(2026, 11, 1)) == []
    assert _read(app, _person(app, "xiaohong"), date(2026, 9, 1), date(2026, 12, 1)) == []


def test_a_late_return_reaches_past_the_end_and_records_the_overstay(
        app: Flask, leave_api: ApiClient) -> None:
    person = _person(app, "xiaoming")
    case = _case(leave_api)
    data: dict[str, Any] = {"leave_type": "personal", "start_date": "2026-11-02",
                            "start_half": "am", "end_date": "2026-11-02", "end_half": "pm",
                            "days": 1}
    _store(app, case, person, data, LeaveStatus.APPROVED)
    _store(app, case, person, {**data, "returned_on": "2026-11-04", "overstay_days": 1},
           LeaveStatus.OVERSTAY)
    [period] = _read(app, person, date(2026, 11, 3), date(2026, 11, 3))
    assert period.status == "overstay" and period.overstay_days == Decimal(1)
    assert period.returned_on == date(2026, 11, 4) and period.days == Decimal(1)

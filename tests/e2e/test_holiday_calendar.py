"""节假日日历 over HTTP: administrators add holidays and 调休 workdays without a release; a
deadline computed afterwards counts with them, one computed before keeps its due time and its
case replays unchanged; a deadline reaching into a year without 调休 data tells the
administrators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.background_support import advance, move_to, notifications, timers
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock

MISSING_2027 = "2027 年的节假日与调休安排尚未录入"


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def returned_for_correction(api: ApiClient, user: str, days: int = 5) -> int:
    """A case returned for a 补正 of ``days`` working days: its id."""
    case = steps.apply(api, user)["id"]
    steps.do(api, case, "review_eligibility", "sun", eligibility_decision="return",
             eligibility_comment="请补充学籍证明", correction_days=days)
    return case


def correction_timer(api: ApiClient, case: int) -> dict[str, Any]:
    pending = timers(api, case, status="pending")
    assert [t["element_id"] for t in pending] == ["correction_expired"]
    return pending[0]


def replay(api: ApiClient, case: int) -> dict[str, Any]:
    response = api.get(f"/api/v1/instances/{case}/replay", as_="auditor")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_holiday_added_moves_later_deadlines_and_older_cases_replay_unchanged(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    # Monday 2026-11-02 17:00 Beijing: 5 working days end Monday 11-09, 24:00.
    older = returned_for_correction(api, "liuyang")
    before = correction_timer(api, older)
    assert before["due_at"].startswith("2026-11-09T16:00:00")

    advance(api, frozen_clock, minutes=5)
    added = api.put("/api/v1/calendar/days/2026-11-05", as_="admin",
                    json={"kind": "holiday", "name": "校庆放假"})
    assert added.status_code == 200, added.get_json()
    assert added.get_json()["source"] == "database"
    assert added.get_json()["holidays"]["2026-11-05"] == "校庆放假"
    assert added.get_json()["holidays"]["2026-10-01"] == "国庆节"  # the rest of the year kept

    advance(api, frozen_clock, minutes=5)
    newer = returned_for_correction(api, "chenjing")
    after = correction_timer(api, newer)
    assert after["due_at"].startswith("2026-11-10T16:00:00")  # one working day fewer that week
    assert after["calendar_version"] != before["calendar_version"]
    assert correction_timer(api, older) == before  # computed before: unchanged

    for case in (older, newer):
        result = replay(api, case)
        assert result["integrity"]["matches"], result["integrity"]
    listed = api.get("/api/v1/calendar/years", as_="admin").get_json()
    assert listed["version"] == after["calendar_version"]
    assert {y["year"]: y["source"] for y in listed["items"]}[2026] == "database"


def test_replay_with_todays_calendar_would_show_the_moved_deadline(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    """The replay check compares due times: removing the holiday again changes nothing."""
    api = cert_api
    older = returned_for_correction(api, "liuyang")
    advance(api, frozen_clock, minutes=5)
    assert api.put("/api/v1/calendar/days/2026-11-04", as_="admin",
                   json={"kind": "holiday", "name": "停电放假"}).status_code == 200
    advance(api, frozen_clock, minutes=5)
    removed = api.delete("/api/v1/calendar/days/2026-11-04", as_="admin")
    assert removed.status_code == 200 and "2026-11-04" not in removed.get_json()["holidays"]
    assert replay(api, older)["integrity"]["matches"]
    assert correction_timer(api, older)["due_at"].startswith("2026-11-09T16:00:00")


def test_a_deadline_in_a_year_without_makeup_days_notifies_the_administrators(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    steps.apply(api, "liuyang")  # review due within 2026: nothing to report
    assert not [n for n in notifications(api, "admin") if n["subject"] == MISSING_2027]

    move_to(api, frozen_clock, datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    steps.apply(api, "chenjing")  # P5WD review deadline runs into 2027
    steps.apply(api, "zhaomin")
    told = [n for n in notifications(api, "admin") if n["subject"] == MISSING_2027]
    assert len(told) == 1, told  # once per year, not once per deadline
    assert "节假日日历" in told[0]["body"]
    assert not [n for n in notifications(api, "sun") if n["subject"] == MISSING_2027]

    saved = api.put("/api/v1/calendar/years/2027", as_="admin", json={
        "holidays": {"2027-01-01": "元旦"}, "workdays": {},
        "note": "国务院办公厅关于2027年部分节假日安排的通知"})
    assert saved.status_code == 200, saved.get_json()
    assert api.get("/api/v1/calendar/years/2027", as_="sun").get_json()["source"] == "database"
    assert api.get("/api/v1/calendar/years/2028", as_="sun").get_json()["source"] == "missing"


def test_calendar_changes_are_for_administrators_and_checked(cert_api: ApiClient) -> None:
    api = cert_api
    refused = api.put("/api/v1/calendar/days/2026-11-05", as_="sun",
                      json={"kind": "holiday", "name": "校庆放假"})
    assert refused.status_code == 403
    weekday = api.put("/api/v1/calendar/days/2026-11-04", as_="admin",
                      json={"kind": "workday", "name": "调休上班"})
    assert weekday.status_code == 422
    assert "调休上班日只能是周六或周日" in weekday.get_json()["detail"]
    other_year = api.put("/api/v1/calendar/years/2027", as_="admin",
                         json={"holidays": {"2028-01-01": "元旦"}, "workdays": {}})
    assert other_year.status_code == 422 and "不在 2027 年" in other_year.get_json()["detail"]
    bad_date = api.put("/api/v1/calendar/days/2026-13-01", as_="admin",
                       json={"kind": "holiday", "name": "x"})
    assert bad_date.status_code == 422
    assert api.get("/api/v1/calendar/years/2026", as_="sun").get_json()["source"] == "bundled"


def test_a_years_revisions_say_who_changed_which_days_and_why(cert_api: ApiClient) -> None:
    api = cert_api
    assert api.get("/api/v1/calendar/years/2026/revisions", as_="sun").get_json() == {
        "items": []}
    added = api.put("/api/v1/calendar/days/2026-11-05", as_="admin",
                    json={"kind": "holiday", "name": "校庆放假"})
    assert added.status_code == 200, added.get_json()
    removed = api.delete("/api/v1/calendar/days/2026-11-05", as_="admin")
    assert removed.status_code == 200, removed.get_json()
    items = api.get("/api/v1/calendar/years/2026/revisions", as_="sun").get_json()["items"]
    assert [(i["note"], i["added"], i["removed"]) for i in items] == [
        ("删除 2026-11-05", {}, {"2026-11-05": "放假：校庆放假"}),
        ("添加 2026-11-05 校庆放假", {"2026-11-05": "放假：校庆放假"}, {})]
    assert items[0]["revision"] > items[1]["revision"]
    assert {i["created_by_name"] for i in items} == {"系统管理员"}

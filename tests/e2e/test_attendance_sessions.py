"""Sessions of the timetable are changed or deleted by the class's teacher until attendance is
taken for them; every change is kept with who, when and why, and a refusal says why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api_client import ApiClient
from tests.e2e.attendance_steps import (
    BASE,
    Klass,
    person_id,
    put,
    zhang_class,
)
from workflows.core.clock import FrozenClock


@pytest.fixture()
def klass(api: ApiClient, frozen_clock: FrozenClock) -> Iterator[Klass]:
    yield zhang_class(api)


def _patch(api: ApiClient, session_id: int, *, as_: str, **body: object):  # type: ignore[no-untyped-def]
    return api.client.patch(f"{BASE}/sessions/{session_id}", headers=api.headers(as_),
                            json=body)


def _delete(api: ApiClient, session_id: int, *, as_: str, reason: str | None = "调课"):  # type: ignore[no-untyped-def]
    query = {"reason": reason} if reason is not None else {}
    return api.client.delete(f"{BASE}/sessions/{session_id}", headers=api.headers(as_),
                             query_string=query)


def test_a_session_is_moved_and_deleted_with_the_change_kept(klass: Klass) -> None:
    api = klass.api
    first, second = klass.add_session(), klass.add_session()
    moved = _patch(api, first, as_="zhang", date="2026-11-09", kind="lab", hours=3,
                   reason="实验室周一空出，调课")
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["date"], moved.get_json()["kind_name"],
            moved.get_json()["hours"]) == ("2026-11-09", "实验课", 3)
    assert _delete(api, second, as_="zhang", reason="学校运动会停课").status_code == 204
    sessions = api.get(f"{BASE}/classes/{klass.unit}/sessions", as_="zhang").get_json()
    assert [(s["id"], s["date"], s["half"]) for s in sessions] == [(first, "2026-11-09", "am")]
    log = api.get(f"{BASE}/classes/{klass.unit}/session-changes", as_="zhang").get_json()
    assert [(c["action_name"], c["session_id"], c["reason"]) for c in log] == [
        ("删除", second, "学校运动会停课"), ("修改", first, "实验室周一空出，调课")]
    assert log[1]["before"]["date"] == "2026-11-02"
    assert log[1]["before"]["kind_name"] == "面授课"
    assert log[1]["after"]["date"] == "2026-11-09"
    assert log[0]["after"] is None
    assert log[0]["actor"] == log[1]["actor"] != ""
    # The slot is checked like a new session's: no two sessions of a course in one half day.
    third = klass.add_session()
    clash = _patch(api, third, as_="zhang", date="2026-11-09", half="am", reason="x")
    assert clash.status_code == 409
    assert "已有课次" in clash.get_json()["detail"]


def test_a_recorded_session_is_neither_changed_nor_deleted(klass: Klass) -> None:
    api = klass.api
    liuyang = person_id(api, "刘洋")
    taken = klass.take({liuyang: "absent"})
    session_id = taken["session_id"]
    changed = _patch(api, session_id, as_="zhang", hours=4, reason="学时填错")
    assert changed.status_code == 409
    assert "已记录" in changed.get_json()["detail"]
    assert "不能修改" in changed.get_json()["detail"]
    deleted = _delete(api, session_id, as_="admin")
    assert deleted.status_code == 409
    assert "不能删除" in deleted.get_json()["detail"]
    [kept] = api.get(f"{BASE}/classes/{klass.unit}/sessions", as_="zhang").get_json()
    assert (kept["id"], kept["hours"]) == (session_id, 2)
    assert api.get(f"{BASE}/classes/{klass.unit}/session-changes", as_="zhang").get_json() == []


def test_only_the_class_teacher_changes_its_sessions_and_says_why(klass: Klass) -> None:
    api = klass.api
    session_id = klass.add_session()
    other = _patch(api, session_id, as_="wang", hours=3, reason="x")
    assert other.status_code == 403
    assert "班主任" in other.get_json()["detail"]
    assert _delete(api, session_id, as_="liuyang").status_code == 403
    assert _delete(api, 999_999, as_="zhang").status_code == 404
    assert _delete(api, session_id, as_="zhang", reason=None).status_code == 422
    assert _patch(api, session_id, as_="zhang", hours=0, reason="x").status_code == 422
    assert _patch(api, session_id, as_="zhang", hours=3).status_code == 422
    same = _patch(api, session_id, as_="zhang", hours=2, reason="x")
    assert same.status_code == 409
    assert api.get(f"{BASE}/classes/{klass.unit}/session-changes",
                   as_="wang").status_code == 403
    assert put(api, f"{BASE}/sessions/{session_id}/records", as_="zhang",
               json={"marks": []}).status_code == 200


def test_a_leave_names_the_sessions_of_the_timetable_it_affects(
        klass: Klass, leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    """刘洋 asks for Thursday afternoon to Monday morning: the sessions of his class in that
    time are looked up (not typed); those before and after it are not named."""
    api = klass.api
    assert frozen_clock.now.date().isoformat() == "2026-11-02"  # the Monday before
    slots = [("2026-11-05", "am", "lecture"), ("2026-11-05", "pm", "lecture"),
             ("2026-11-06", "am", "lab"), ("2026-11-09", "am", "computer"),
             ("2026-11-09", "pm", "lecture")]
    added = api.post(f"{BASE}/classes/{klass.unit}/sessions", as_="zhang", json={"sessions": [
        {"course_id": klass.course, "date": day, "half": half, "kind": kind, "hours": 2}
        for day, half, kind in slots]})
    assert added.status_code == 201, added.get_json()
    ids = added.get_json()["ids"]
    asked = api.start_leave(as_="liuyang", start_date="2026-11-05", start_half="pm",
                            end_date="2026-11-09", end_half="am")
    assert asked.status_code == 201, asked.get_json()
    data = asked.get_json()["data"]
    assert [s["session_id"] for s in data["affected_sessions"]] == ids[1:4]
    assert [(s["date"], s["half_name"], s["kind_name"]) for s in data["affected_sessions"]] == [
        ("2026-11-05", "下午", "面授课"), ("2026-11-06", "上午", "实验课"),
        ("2026-11-09", "上午", "上机课")]
    assert data["sessions"] == ["2026-11-05 下午 机械制图 面授课 2 学时",
                                "2026-11-06 上午 机械制图 实验课 2 学时",
                                "2026-11-09 上午 机械制图 上机课 2 学时"]
    # What the learner typed stays as typed; the timetable's sessions are still named.
    typed = api.start_leave(as_="liuyang", start_date="2026-11-06", start_half="am",
                            end_date="2026-11-06", end_half="am", sessions=["实验课"])
    assert typed.status_code == 201, typed.get_json()
    assert typed.get_json()["data"]["sessions"] == ["实验课"]
    assert [s["session_id"] for s in typed.get_json()["data"]["affected_sessions"]] == [ids[2]]

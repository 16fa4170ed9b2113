"""Steps the attendance tests share: the bundled attendance processes deployed, 张老师 班主任 of
机电2301 (刘洋), 王老师 of 数控2302, a course, and sessions taken one half day at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.api_client import ApiClient

ROOT = Path(__file__).resolve().parents[2]
BASE = "/api/v1/attendance"


def unit_id(api: ApiClient, name: str) -> int:
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    return int(next(u["id"] for u in root["children"] if u["name"] == name))


def person_id(api: ApiClient, name: str) -> int:
    [found] = api.get("/api/v1/directory/people", as_="admin",
                      query_string={"q": name}).get_json()
    return int(found["id"])


def appoint(api: ApiClient, person: str, unit: str, role: str = "class_teacher") -> None:
    response = api.post(f"/api/v1/directory/units/{unit_id(api, unit)}/positions", as_="admin",
                        json={"person_id": person_id(api, person), "role": role})
    assert response.status_code == 201, response.get_json()


def deploy_attendance(api: ApiClient) -> None:
    for name in ("attendance_thresholds.bpmn", "attendance_proposal.bpmn"):
        response = api.deploy_bundle(ROOT / "bpmn" / name)
        assert response.status_code == 201, response.get_json()


def put(api: ApiClient, url: str, *, as_: str, json: Any) -> Any:
    return api.client.put(url, headers=api.headers(as_), json=json)


def school_days(start: date):  # type: ignore[no-untyped-def]
    day = start
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


@dataclass
class Klass:
    """A class with one course; ``take`` adds the next half-day session and records it."""

    api: ApiClient
    unit: int
    course: int
    teacher: str
    days: Any = None
    slots: list[tuple[date, str]] = field(default_factory=list)

    def next_slot(self) -> tuple[date, str]:
        if self.days is None:
            self.days = school_days(date(2026, 11, 2))
        if self.slots and self.slots[-1][1] == "am":
            return self.slots[-1][0], "pm"
        return next(self.days), "am"

    def add_session(self, *, hours: int = 2, kind: str = "lecture") -> int:
        day, half = self.next_slot()
        self.slots.append((day, half))
        response = self.api.post(f"{BASE}/classes/{self.unit}/sessions", as_=self.teacher,
                                 json={"sessions": [{"course_id": self.course,
                                                     "date": day.isoformat(), "half": half,
                                                     "kind": kind, "hours": hours}]})
        assert response.status_code == 201, response.get_json()
        return int(response.get_json()["ids"][0])

    def take(self, marks: dict[int, str], *, hours: int = 2) -> dict[str, Any]:
        session_id = self.add_session(hours=hours)
        response = put(self.api, f"{BASE}/sessions/{session_id}/records", as_=self.teacher,
                       json={"marks": [{"person_id": p, "mark": m} for p, m in marks.items()]})
        assert response.status_code == 200, response.get_json()
        return dict(response.get_json())


def new_class(api: ApiClient, unit: str, teacher: str, *, contact_hours: int = 200,
              name: str = "机械制图") -> Klass:
    uid = unit_id(api, unit)
    response = api.post(f"{BASE}/classes/{uid}/courses", as_=teacher,
                        json={"name": name, "term": "2026-2027-1",
                              "contact_hours": contact_hours})
    assert response.status_code == 201, response.get_json()
    return Klass(api, uid, int(response.get_json()["id"]), teacher)


def measures(api: ApiClient, learner: str) -> list[dict[str, Any]]:
    response = api.get(f"{BASE}/me", as_=learner)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["measures"])


def zhang_class(api: ApiClient) -> Klass:
    """The attendance diagrams deployed, 张老师 teaching 机电2301 and 王老师 数控2302 (the
    other class, for refusals), and 机电2301's class with 张老师 (``zhang``) taking it."""
    deploy_attendance(api)
    appoint(api, "张老师", "机电2301")
    appoint(api, "王老师", "数控2302")
    return new_class(api, "机电2301", "zhang")

"""What people see of attendance: the timetable imported from a sheet, the class overview with
the learners near a threshold, absences per week, and the reports as CSV and xlsx."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from tests.api_client import ApiClient
from tests.e2e.attendance_steps import (
    BASE,
    Klass,
    person_id,
    zhang_class,
)
from workflows.core.clock import FrozenClock


@pytest.fixture()
def klass(api: ApiClient, frozen_clock: FrozenClock) -> Iterator[Klass]:
    yield zhang_class(api)


def _import(api: ApiClient, unit: int, text: str, *, as_: str = "zhang"):  # type: ignore[no-untyped-def]
    data = ("\ufeff" + text).encode("utf-8")
    return api.post(f"{BASE}/classes/{unit}/sessions/import", as_=as_,
                    content_type="multipart/form-data",
                    data={"file": (io.BytesIO(data), "课表.csv")})


def test_a_timetable_sheet_adds_sessions_all_or_nothing(klass: Klass) -> None:
    api = klass.api
    sheet = ("课程,日期,半天,节次,类型,学时\r\n"
             "机械制图,2026-11-02,上午,1-2,面授课,2\r\n"
             "机械制图,2026-11-02,下午,5-6,上机课,2\r\n"
             "机械制图,2026-11-03,上午,1-2,考试,2\r\n")
    response = _import(api, klass.unit, sheet)
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["ids"]) == 3
    sessions = api.get(f"{BASE}/classes/{klass.unit}/sessions", as_="zhang").get_json()
    assert [(s["date"], s["half_name"], s["kind_name"]) for s in sessions] == [
        ("2026-11-02", "上午", "面授课"), ("2026-11-02", "下午", "上机课"),
        ("2026-11-03", "上午", "考试")]
    bad = _import(api, klass.unit, "课程,日期,半天,节次,类型,学时\r\n"
                                   "机械制图,2026-11-04,上午,1-2,面授课,2\r\n"
                                   "高等数学,2026-11-04,下午,1-2,面授课,2\r\n")
    assert bad.status_code == 422
    assert "第 3 行" in bad.get_json()["detail"]
    assert len(api.get(f"{BASE}/classes/{klass.unit}/sessions", as_="zhang").get_json()) == 3
    endless = _import(api, klass.unit, "课程,日期,半天,节次,类型,学时\r\n"
                                       "机械制图,2026-11-05,上午,1-2,面授课,inf\r\n")
    assert endless.status_code == 422
    assert "学时应为数字" in endless.get_json()["detail"]
    assert _import(api, klass.unit, sheet, as_="wang").status_code == 403


def test_the_class_view_highlights_learners_near_a_threshold_and_counts_weeks(
        klass: Klass) -> None:
    api = klass.api
    liuyang = person_id(api, "刘洋")
    for _ in range(8):  # four days of 旷课: one more day reaches 退学
        klass.take({liuyang: "absent"})
    overview = api.get(f"{BASE}/classes/{klass.unit}/overview", as_="zhang").get_json()
    [row] = [r for r in overview["learners"] if r["person_id"] == liuyang]
    assert row["truancy_days"] == 4.0
    assert row["near"] == ["withdrawal"]
    assert [m["kind"] for m in row["measures"]] == ["discipline"]
    weeks = api.get(f"{BASE}/classes/{klass.unit}/weekly", as_="zhang").get_json()
    assert weeks[-1]["week_start"] == "2026-11-02"
    assert weeks[-1]["truancy_days"] == 4.0
    assert api.get(f"{BASE}/classes/{klass.unit}/overview", as_="wang").status_code == 403
    assert api.get(f"{BASE}/classes/{klass.unit}/overview", as_="liuyang").status_code == 403


def test_reports_per_class_and_per_centre_as_csv_and_xlsx(klass: Klass) -> None:
    api = klass.api
    liuyang = person_id(api, "刘洋")
    klass.take({liuyang: "absent"})
    csv_response = api.get(f"{BASE}/reports/classes/{klass.unit}.csv", as_="zhang")
    assert csv_response.status_code == 200
    assert csv_response.data.startswith("\ufeff".encode())
    text = csv_response.data.decode("utf-8-sig")
    assert text.splitlines()[0] == "系部,班级,学号,姓名,缺勤天数,请假天数,旷课天数,迟到次数,处理"
    assert "刘洋" in text and "纪律处分" in text
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    xlsx = api.get(f"{BASE}/reports/departments/{root['id']}.xlsx", as_="admin")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("系部", "班级", "学号", "姓名")
    assert any(r[3] == "刘洋" and r[6] == 0.5 for r in rows[1:])
    assert api.get(f"{BASE}/reports/departments/{root['id']}.csv",
                   as_="zhang").status_code == 403
    assert api.get(f"{BASE}/reports/classes/{klass.unit}.csv", as_="wang").status_code == 403

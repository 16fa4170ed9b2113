"""Reports: cases by occupation/level/status, pass rate per session, overdue tasks per group."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.api_client import ApiClient
from tests.background_support import advance
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def reported(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    """Six cases: certified, failed (in its re-check window), absent, ineligible, waiting for
    review, in scoring."""
    steps.deploy_certification(api)
    steps.certify(api, frozen_clock, "liuyang")
    failing = steps.apply(api, "chenjing")["id"]
    steps.through_scoring(api, failing, theory=40, practical=70)
    absent = steps.apply(api, "zhaomin")["id"]
    steps.approve_eligibility(api, absent)
    steps.schedule(api, absent)
    steps.attend(api, absent, attended=False)
    steps.apply(api, "wanglei", level=4, years_experience=2)  # ineligible
    steps.apply(api, "wanglei", occupation="数控车工")  # waits for eligibility review
    scoring = steps.apply(api, "liuyang", occupation="数控车工")["id"]
    steps.approve_eligibility(api, scoring)
    steps.schedule(api, scoring, session="2026-11-S02")
    steps.attend(api, scoring)
    return api


def rows_of(api: ApiClient, url: str, user: str = "xu") -> list[dict]:
    response = api.get(url, as_=user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_cases_by_occupation_level_and_status(reported: ApiClient) -> None:
    rows = rows_of(reported, "/api/v1/reports/certification/cases")
    counts = {(r["occupation"], r["level"], r["status"]): r["count"] for r in rows}
    assert counts == {("电工", 5, "certified"): 1, ("电工", 5, "in_progress"): 1,
                      ("电工", 5, "absent"): 1, ("电工", 4, "ineligible"): 1,
                      ("数控车工", 5, "in_progress"): 2}
    assert {r["level_name"] for r in rows} >= {"五级/初级工", "四级/中级工"}


def test_pass_rate_per_exam_session(reported: ApiClient) -> None:
    rows = rows_of(reported, "/api/v1/reports/certification/sessions")
    assert rows == [
        {"exam_session": "2026-11-S01", "candidates": 3, "absent": 1, "scored": 2,
         "passed": 1, "failed": 1, "pass_rate": 0.5},
        {"exam_session": "2026-11-S02", "candidates": 1, "absent": 0, "scored": 0,
         "passed": 0, "failed": 0, "pass_rate": None}]


def test_overdue_tasks_per_group(reported: ApiClient, frozen_clock: FrozenClock) -> None:
    assert rows_of(reported, "/api/v1/reports/tasks/overdue") == []
    advance(reported, frozen_clock, days=15)  # review P5WD and scoring P10WD are past due
    rows = rows_of(reported, "/api/v1/reports/tasks/overdue")
    by_group = {r["candidate_group"]: r["overdue"] for r in rows}
    assert by_group == {"eligibility_reviewer": 1, "examiner": 1}
    assert all(r["process_id"] == "certification_application" for r in rows)


def test_every_report_downloads_as_csv(reported: ApiClient, frozen_clock: FrozenClock) -> None:
    advance(reported, frozen_clock, days=11)
    for url, header in (
            ("/api/v1/reports/certification/cases.csv",
             ["职业（工种）", "等级", "等级名称", "状态", "案件数"]),
            ("/api/v1/reports/certification/sessions.csv",
             ["考试批次", "考生数", "缺考", "已评定", "合格", "不合格", "合格率"]),
            ("/api/v1/reports/certification/pass-rates.csv",
             ["职业（工种）", "等级", "等级名称", "已评定", "合格", "不合格", "合格率"]),
            ("/api/v1/reports/certification/steps.csv", ["环节编号", "当前环节", "案件数"]),
            ("/api/v1/reports/tasks/overdue.csv",
             ["办理组", "流程", "超期任务数", "最早到期时间"])):
        response = reported.get(url, as_="admin")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.data.startswith("\ufeff".encode())  # UTF-8 with BOM
        text = response.get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0] == header and len(rows) > 1
    cases = reported.get("/api/v1/reports/certification/cases.csv", as_="han").get_data(
        as_text=True)
    assert "电工,5,五级/初级工,已发证,1" in cases  # status names in Chinese, not codes
    assert "certified" not in cases


def test_reports_are_for_management_only(reported: ApiClient) -> None:
    for user in ("liuyang", "feng", "cao"):
        assert reported.get("/api/v1/reports/certification/cases", as_=user).status_code == 403
        assert reported.get("/api/v1/reports/tasks/overdue.csv", as_=user).status_code == 403
    for user in ("auditor", "han", "zhou"):
        assert reported.get("/api/v1/reports/certification/sessions", as_=user).status_code == 200


def test_pass_rate_per_occupation_and_level(reported: ApiClient) -> None:
    rows = rows_of(reported, "/api/v1/reports/certification/pass-rates")
    assert rows == [{"occupation": "电工", "level": 5, "level_name": "五级/初级工", "scored": 2,
                     "passed": 1, "failed": 1, "pass_rate": 0.5}]


def test_cases_per_step(reported: ApiClient) -> None:
    rows = rows_of(reported, "/api/v1/reports/certification/steps")
    assert rows == [{"task_name": "review_eligibility", "step": "资格审核", "cases": 1},
                    {"task_name": "score_exam", "step": "评分（理论阅卷、实操评分）", "cases": 1}]
    assert all(r["step"] and not r["step"].isascii() for r in rows)  # the step's own words


def test_every_report_downloads_as_one_workbook(reported: ApiClient,
                                               frozen_clock: FrozenClock) -> None:
    advance(reported, frozen_clock, days=18)  # past scoring's 10 working days too
    response = reported.get("/api/v1/reports/certification.xlsx", as_="xu")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["案件统计", "通过率（职业与等级）", "考试批次", "当前环节",
                               "超期任务"]
    passes = list(book["通过率（职业与等级）"].iter_rows(values_only=True))
    assert passes[0] == ("职业（工种）", "等级", "等级名称", "已评定", "合格", "不合格", "合格率")
    assert passes[1] == ("电工", 5, "五级/初级工", 2, 1, 1, 0.5)
    overdue = list(book["超期任务"].iter_rows(values_only=True))
    assert {row[0] for row in overdue[1:]} == {"资格审核员", "考评员"}  # group names in Chinese
    assert reported.get("/api/v1/reports/certification.xlsx", as_="cao").status_code == 403


def test_a_renamed_step_counts_its_old_and_new_cases_under_the_newest_name(
        reported: ApiClient) -> None:
    """Version 2 renames 资格审核; the case still waiting there on version 1 and a new case on
    version 2 are one step, named as version 2 names it."""
    from tests.api_client import collect_bundle

    bundle = collect_bundle(steps.ROOT / "bpmn" / "certification_application.bpmn")
    old = '<bpmn:userTask id="review_eligibility" name="资格审核">'.encode()
    assert old in bundle["certification_application.bpmn"]
    bundle["certification_application.bpmn"] = bundle["certification_application.bpmn"].replace(
        old, '<bpmn:userTask id="review_eligibility" name="资格审核（申报材料）">'.encode())
    response = reported.deploy_files(bundle)
    assert response.status_code == 201, response.get_json()
    steps.apply(reported, "zhaomin", occupation="数控车工")
    rows = rows_of(reported, "/api/v1/reports/certification/steps")
    assert {"task_name": "review_eligibility", "step": "资格审核（申报材料）", "cases": 2} in rows
    assert [r["task_name"] for r in rows].count("review_eligibility") == 1

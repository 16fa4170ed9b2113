"""认定计划 over HTTP: administrators publish versioned plans, anyone reads them without
signing in, and an application must fit an open plan's window (Beijing dates, the last day to
24:00), occupation and level, or it is refused with a Chinese message naming the rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock

AUTUMN: dict[str, Any] = {
    "code": "RZ-2026-11", "title": "2026年11月电工职业技能等级认定", "centre": "市职业技能鉴定中心",
    "occupations": [{"occupation": "电工", "levels": [5, 4]}],
    "apply_from": "2026-11-02", "apply_until": "2026-11-10",
    "exams": [{"part": "theory", "date": "2026-11-28", "venue": "实训楼 301"},
              {"part": "practical", "date": "2026-11-29", "venue": "电工实训室"}],
    "exam_mode": "computer", "requirements": "五级：在校生或从事本职业1年以上。"}


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    steps.publish_plan(api, AUTUMN)
    return api


def apply_autumn(api: ApiClient, **overrides: Any) -> Any:
    overrides.setdefault("documents", steps.documents(api, "liuyang"))
    return api.start("certification_application", as_="liuyang",
                     **steps.application("liuyang", **{"plan_code": AUTUMN["code"], **overrides}))


def test_plans_are_listed_publicly_without_sign_in(cert_api: ApiClient) -> None:
    listed = cert_api.client.get("/api/v1/plans")
    assert listed.status_code == 200
    [plan] = [p for p in listed.get_json()["items"] if p["code"] == AUTUMN["code"]]
    assert plan["version"] == 1 and plan["open"] is True
    assert plan["exam_mode_name"] == "机考"
    assert plan["occupations"] == [{"occupation": "电工", "levels": [5, 4]}]
    assert [e["venue"] for e in plan["exams"]] == ["实训楼 301", "电工实训室"]
    # The window closes at the start of the day after the last day, Beijing time.
    assert plan["window_ends_at"].startswith("2026-11-11T00:00:00+08:00")
    open_now = cert_api.client.get("/api/v1/plans", query_string={"open": "true"}).get_json()
    assert AUTUMN["code"] in [p["code"] for p in open_now["items"]]
    one = cert_api.client.get(f"/api/v1/plans/{AUTUMN['code']}")
    assert one.status_code == 200 and one.get_json()["current"]["title"] == AUTUMN["title"]
    missing = cert_api.client.get("/api/v1/plans/RZ-NONE")
    assert missing.status_code == 404 and "不存在" in missing.get_json()["detail"]


def test_only_administrators_publish_plans(cert_api: ApiClient) -> None:
    for user in ("liuyang", "sun", "xu"):
        response = cert_api.post("/api/v1/plans", as_=user, json={**AUTUMN, "code": "RZ-X"})
        assert response.status_code == 403, user
    assert cert_api.client.post("/api/v1/plans", json=AUTUMN).status_code == 401
    assert cert_api.client.get("/api/v1/plans/RZ-X").status_code == 404


def test_a_plan_with_exams_inside_its_window_is_refused(cert_api: ApiClient) -> None:
    bad = {**AUTUMN, "code": "RZ-BAD",
           "exams": [{"part": "theory", "date": "2026-11-05", "venue": "实训楼"}]}
    response = cert_api.post("/api/v1/plans", as_="admin", json=bad)
    assert response.status_code == 422
    assert "考试日期应在报名截止之后" in response.get_json()["detail"]
    backwards = {**AUTUMN, "code": "RZ-BAD", "apply_until": "2026-11-01"}
    response = cert_api.post("/api/v1/plans", as_="admin", json=backwards)
    assert response.status_code == 422
    assert "报名截止日期不能早于报名开始日期" in response.get_json()["detail"]


def test_a_new_version_takes_effect_and_applications_keep_theirs(
        cert_api: ApiClient) -> None:
    first = apply_autumn(cert_api)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["data"]["plan_version"] == 1
    assert first.get_json()["data"]["exam_mode"] == "computer"
    second = steps.publish_plan(cert_api, {**AUTUMN, "exam_mode": "closed_book",
                                           "occupations": [{"occupation": "电工",
                                                            "levels": [5, 4, 3]}]})
    assert second["version"] == 2
    listed = cert_api.client.get("/api/v1/plans").get_json()["items"]
    assert [p["version"] for p in listed if p["code"] == AUTUMN["code"]] == [2]
    history = cert_api.client.get(f"/api/v1/plans/{AUTUMN['code']}").get_json()
    assert [v["version"] for v in history["versions"]] == [2, 1]
    later = apply_autumn(cert_api, level=3, years_experience=10, prior_certificate_level=4,
                         prior_certificate_no="RZ4-0001")
    assert later.status_code == 201, later.get_json()
    assert later.get_json()["data"]["plan_version"] == 2
    assert later.get_json()["data"]["exam_mode"] == "closed_book"
    assert cert_api.instance(first.get_json()["id"])["data"]["plan_version"] == 1


@pytest.mark.parametrize(("at", "accepted", "words"), [
    (datetime(2026, 11, 1, 15, 59, tzinfo=UTC), False, "尚未开始报名"),  # 11-01 23:59 Beijing
    (datetime(2026, 11, 1, 16, 0, tzinfo=UTC), True, ""),  # 11-02 00:00 Beijing
    (datetime(2026, 11, 10, 15, 59, 59, tzinfo=UTC), True, ""),  # last day 23:59:59
    (datetime(2026, 11, 10, 16, 0, tzinfo=UTC), False, "2026-11-10 24:00（北京时间）截止"),
])
def test_the_window_runs_in_beijing_time_to_24_00_of_its_last_day(
        cert_api: ApiClient, frozen_clock: FrozenClock, at: datetime, accepted: bool,
        words: str) -> None:
    frozen_clock.now = at
    listed = cert_api.client.get("/api/v1/plans", query_string={"open": "true"}).get_json()
    assert (AUTUMN["code"] in [p["code"] for p in listed["items"]]) is accepted
    response = apply_autumn(cert_api)
    if accepted:
        assert response.status_code == 201, response.get_json()
    else:
        assert response.status_code == 422
        body = response.get_json()
        assert body["title"] == "不符合认定计划"
        assert words in body["detail"] and "2026-11-02 至 2026-11-10" in body["detail"]


@pytest.mark.parametrize(("overrides", "words", "pointer"), [
    ({"level": 3, "years_experience": 10, "prior_certificate_level": 4,
      "prior_certificate_no": "RZ4-0001"}, "只开设 五级/初级工、四级/中级工，不含 三级/高级工",
     "/level"),
    ({"occupation": "数控车工"}, "不含职业（工种）「数控车工」，可申报：电工", "/occupation"),
    ({"plan_code": "RZ-NONE"}, "认定计划「RZ-NONE」不存在或尚未发布", "/plan_code"),
])
def test_an_application_the_plan_does_not_offer_is_refused(
        cert_api: ApiClient, overrides: dict[str, Any], words: str, pointer: str) -> None:
    response = apply_autumn(cert_api, **overrides)
    assert response.status_code == 422
    body = response.get_json()
    assert words in body["detail"], body["detail"]
    assert [e["pointer"] for e in body["errors"]] == [pointer]
    listed = cert_api.get("/api/v1/instances", as_="liuyang").get_json()
    assert listed["total"] == 0


def test_an_application_without_a_plan_is_refused(cert_api: ApiClient) -> None:
    response = cert_api.start("certification_application", as_="liuyang",
                              **steps.application("liuyang", plan_code=None,
                                                  documents=steps.documents(cert_api, "liuyang")))
    assert response.status_code == 422
    assert "plan_code" in str(response.get_json())


GOLDEN_WEEK: dict[str, Any] = {
    **AUTUMN, "code": "RZ-2026-10", "title": "2026年国庆前电工认定",
    "apply_from": "2026-09-21", "apply_until": "2026-10-03",
    "exams": [{"part": "theory", "date": "2026-10-24", "venue": "实训楼 301"}]}


@pytest.mark.parametrize(("extends", "at", "accepted"), [
    (True, datetime(2026, 10, 8, 15, 59, tzinfo=UTC), True),  # 10-08 23:59 Beijing
    (True, datetime(2026, 10, 8, 16, 0, tzinfo=UTC), False),  # 10-09 00:00 Beijing
    (False, datetime(2026, 10, 3, 15, 59, tzinfo=UTC), True),
    (False, datetime(2026, 10, 3, 16, 0, tzinfo=UTC), False),
])
def test_a_window_ending_in_the_national_day_holiday_moves_to_the_next_working_day(
        cert_api: ApiClient, frozen_clock: FrozenClock, extends: bool, at: datetime,
        accepted: bool) -> None:
    plan = {**GOLDEN_WEEK, "apply_until_extends": extends}
    published = steps.publish_plan(cert_api, plan)
    assert published["apply_until_extends"] is extends
    # 10-03 is 国庆; 10-04 a Sunday; 10-05..07 holidays: the next working day is 10-08.
    assert published["last_apply_day"] == ("2026-10-08" if extends else "2026-10-03")
    frozen_clock.now = at
    response = apply_autumn(cert_api, plan_code=plan["code"])
    if accepted:
        assert response.status_code == 201, response.get_json()
        return
    assert response.status_code == 422
    detail = response.get_json()["detail"]
    if extends:
        assert "截止日逢节假日，顺延至 2026-10-08" in detail
        assert "报名已于 2026-10-08 24:00（北京时间）截止" in detail
    else:
        assert "报名已于 2026-10-03 24:00（北京时间）截止" in detail

"""Applications that make sense, over HTTP: one 身份证号 under one name only, no second open
application for the same occupation and level, and a prior certificate of this centre checked
against the register (a revoked one refused), one from elsewhere flagged for the reviewer."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def start(api: ApiClient, user: str, **overrides: Any) -> Any:
    overrides.setdefault("documents", steps.documents(api, user))
    return api.start("certification_application", as_=user,
                     **steps.application(user, **overrides))


def test_one_id_number_is_never_used_under_two_names(cert_api: ApiClient) -> None:
    assert start(cert_api, "liuyang").status_code == 201
    other = start(cert_api, "chenjing", id_number=steps.id_number())  # 刘洋's number, 陈静's name
    assert other.status_code == 422
    body = other.get_json()
    assert body["title"] == "申报不予受理"
    assert "同一身份证号只能对应一个姓名" in body["detail"] and "刘洋" not in body["detail"]
    assert [e["pointer"] for e in body["errors"]] == ["/applicant_name"]
    # The same person again, under the same name, for another occupation: accepted.
    again = start(cert_api, "liuyang", occupation="数控车工")
    assert again.status_code == 201, again.get_json()


def test_no_second_open_application_for_the_same_occupation_and_level(
        cert_api: ApiClient) -> None:
    first = start(cert_api, "liuyang")
    assert first.status_code == 201
    second = start(cert_api, "liuyang")
    assert second.status_code == 422
    assert f"申报编号 {first.get_json()['business_key']}" in second.get_json()["detail"]
    assert "「电工 五级/初级工」的申报正在办理" in second.get_json()["detail"]
    other_level = start(cert_api, "liuyang", level=4, years_experience=3,
                        prior_certificate_level=5, prior_certificate_no="GD440120215000001")
    assert other_level.status_code == 201, other_level.get_json()
    # Once the first is closed (refused at the rule pre-check here) a new one is accepted.
    closed = start(cert_api, "chenjing", years_experience=0.5, applicant_type="employee",
                   employer="市机械厂", school=None, class_name=None)
    assert closed.status_code == 201 and closed.get_json()["status"] == "completed"
    assert start(cert_api, "chenjing").status_code == 201


def test_a_prior_certificate_of_this_centre_is_checked_against_the_register(
        cert_api: ApiClient, frozen_clock: FrozenClock, app: Flask) -> None:
    number = steps.certify(cert_api, frozen_clock, "liuyang")["data"]["certificate_no"]
    upgrade = {"level": 4, "years_experience": 3, "prior_certificate_level": 5,
               "prior_certificate_no": number}
    wrong_level = start(cert_api, "liuyang", **{**upgrade, "level": 3,
                                                 "prior_certificate_level": 4})
    assert wrong_level.status_code == 422
    assert "等级为五级/初级工，与填写的已有证书等级不符" in wrong_level.get_json()["detail"]
    # Someone else's number answers exactly like a number that does not exist.
    theirs = start(cert_api, "chenjing", **upgrade)
    unknown = start(cert_api, "chenjing", **{**upgrade, "prior_certificate_no":
                                              number[:-3] + "999"})
    assert theirs.status_code == unknown.status_code == 422
    assert theirs.get_json()["detail"].replace(number, "N") == \
        unknown.get_json()["detail"].replace(number[:-3] + "999", "N")
    accepted = start(cert_api, "liuyang", **upgrade)
    assert accepted.status_code == 201, accepted.get_json()
    assert accepted.get_json()["data"]["prior_certificate_check"] == "verified"

    from models import db
    from workflows.certification import register
    from workflows.core.runtime import runtime_of
    from workflows.core.unit_of_work import UnitOfWork

    with app.app_context():
        uow = UnitOfWork(runtime_of(app))
        register.revoke(uow, number, reason="证明材料伪造", instance_id=None,
                        now=uow.runtime.now())
        db.session.commit()
    revoked = start(cert_api, "liuyang", **{**upgrade, "occupation": "数控车工"})
    assert revoked.status_code == 422
    assert f"证书 {number} 已被撤销，不能作为申报依据" in revoked.get_json()["detail"]


def test_a_certificate_from_elsewhere_is_flagged_for_the_reviewer(cert_api: ApiClient) -> None:
    response = start(cert_api, "wanglei", level=4, years_experience=3,
                     prior_certificate_level=5, prior_certificate_no="GD440120215000001")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["data"]["prior_certificate_check"] == "external"
    assert steps.open_names(cert_api, case["id"]) == ["review_eligibility"]
    seen = cert_api.get(f"/api/v1/instances/{case['id']}", as_="sun").get_json()
    assert seen["data"]["prior_certificate_check"] == "external"


def test_in_school_learners_have_their_own_route_and_reviewers_see_each_rules_source(
        cert_api: ApiClient) -> None:
    learner = start(cert_api, "liuyang", years_experience=0).get_json()
    assert learner["status"] == "running" and learner["data"]["precheck_eligible"] is True
    assert "在校生" in learner["data"]["precheck_reason"]
    assert "在校生申报条件" in learner["data"]["precheck_source"]
    review = steps.task(cert_api, learner["id"], "review_eligibility")
    shown = cert_api.get(f"/api/v1/tasks/{review['id']}", as_="sun").get_json()
    assert "在校生申报条件" in str(shown), shown
    # An employee without work years is refused 五级, naming the rule's source.
    employee = start(cert_api, "wanglei", years_experience=0).get_json()
    assert employee["data"]["outcome"] == "ineligible"
    assert "国家职业技能标准" in employee["data"]["precheck_source"]
    # Levels the school has not opened to learners follow the general rules.
    higher = start(cert_api, "chenjing", level=4, years_experience=0).get_json()
    assert higher["data"]["outcome"] == "ineligible"

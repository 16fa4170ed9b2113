"""Activation codes over HTTP: an administrator hands over a one-time code instead of a
password, the person activates their account with it (choosing a password) and is signed in;
codes are single-use, expire, are replaced by a newer one, block password sign-in until used,
answer every failure alike, are throttled like sign-in, stay within the centre, and each issue
and use is in the directory's history."""

from __future__ import annotations

import io
import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from models import ActivationCode, User, db
from models.directory import UnitKind
from models.statuses import PersonStatus
from tests import api_client
from tests.api_client import ApiClient
from tests.e2e.test_accounts import add_learners, bearer, class_id, sign_in
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime, runtime_of
from workflows.directory.people import add_person, enrol
from workflows.directory.units import add_unit

CODE = re.compile(r"^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$")
NEW_PASSWORD = "Qiu-2026-ok"


def codes_for(api: ApiClient, **body: Any) -> dict[str, Any]:
    response = api.post("/api/v1/admin/accounts", as_="admin",
                        json={**body, "mode": "activation_code"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def activate(api: ApiClient, username: str, code: str, password: str = NEW_PASSWORD,
             **query: str) -> Any:
    return api.client.post("/api/v1/auth/activate", query_string=query, json={
        "username": username, "code": code, "new_password": password})


def history(api: ApiClient, person_id: int) -> list[dict[str, Any]]:
    return api.get("/api/v1/directory/history", as_="auditor",
                   query_string={"person_id": person_id}).get_json()["changes"]


def test_a_class_gets_codes_and_a_learner_activates_with_the_student_number(
        api: ApiClient) -> None:
    cls = class_id(api, "机电2301")
    people = add_learners(api, cls, 2)
    opened = codes_for(api, person_ids=[p["id"] for p in people])
    accounts = opened["accounts"]
    assert [a["username"] for a in accounts] == ["S260000", "S260001"]
    assert all(CODE.match(a["activation_code"]) and a["password"] is None for a in accounts)
    assert len({a["activation_code"] for a in accounts}) == 2
    first = accounts[0]
    card = api.get(f"/api/v1/admin/people/{first['person_id']}", as_="admin").get_json()
    assert card["accounts"][0]["awaiting_activation"] is True

    # No password signs in before activation: not the code, not a guess.
    assert sign_in(api, "S260000", first["activation_code"]).status_code == 401

    typed = first["activation_code"].replace("-", " ").lower()  # as typed on a phone
    activated = activate(api, "S260000", typed)
    assert activated.status_code == 200, activated.get_json()
    body = activated.get_json()
    assert body["user"]["username"] == "S260000"
    assert body["user"]["must_change_password"] is False
    token = body["access_token"]
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert api.client.get("/api/v1/instances", headers=bearer(token)).status_code == 200
    assert sign_in(api, "S260000", NEW_PASSWORD).status_code == 200

    again = activate(api, "S260000", first["activation_code"], "Another-2026-pw")
    assert again.status_code == 422 and again.get_json()["type"].endswith("activation-refused")
    assert sign_in(api, "S260000", "Another-2026-pw").status_code == 401
    card = api.get(f"/api/v1/admin/people/{first['person_id']}", as_="admin").get_json()
    assert card["accounts"][0]["awaiting_activation"] is False

    changes = history(api, first["person_id"])
    kinds = [c["kind"] for c in changes]
    assert kinds[:3] == ["account_activated", "activation_code_issued", "account_added"]
    activated_entry, issued_entry = changes[0], changes[1]
    assert activated_entry["actor_name"] == "新生0"  # the person themselves
    assert activated_entry["kind_name"] == "激活账号"
    assert issued_entry["actor_name"] == "系统管理员"
    assert issued_entry["kind_name"] == "发放激活码"
    assert "expires_at" in issued_entry["after"]
    plain = first["activation_code"].replace("-", "")
    assert all(first["activation_code"] not in str(c) and plain not in str(c) for c in changes)


def test_the_code_is_stored_only_as_a_hash(api: ApiClient, app: Flask) -> None:
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    [account] = codes_for(api, person_ids=[person["id"]])["accounts"]
    with app.app_context():
        stored = db.session.scalars(sa.select(ActivationCode.code_hash)).all()
    assert len(stored) == 1 and stored[0].startswith("$argon2id$")
    assert account["activation_code"].replace("-", "") not in stored[0]


def test_every_failure_gets_one_answer_that_names_no_account(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    [account] = codes_for(api, person_ids=[person["id"]])["accounts"]
    code = account["activation_code"]
    assert account["expires_at"].startswith("2026-11-16T09:00")  # 14 days, the default

    wrong = activate(api, "S260000", "ABCDE-FGHJK")
    unknown = activate(api, "S999999", code)
    unknown_en = activate(api, "S999999", code, lang="en")
    assert wrong.status_code == unknown.status_code == 422
    assert wrong.mimetype == "application/problem+json"
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["title"] == "激活失败"
    assert "激活码" in wrong.get_json()["detail"] and "S260000" not in wrong.get_data(True)
    assert unknown_en.get_json()["title"] == "Activation failed"

    # The right code with a password the policy refuses: told why, and the code still works.
    weak = activate(api, "S260000", code, "S260000abc")
    assert weak.status_code == 422, weak.get_json()
    assert {e["pointer"] for e in weak.get_json()["errors"]} == {"/new_password"}
    assert "学号" in weak.get_json()["detail"]

    frozen_clock.advance(days=14, minutes=1)
    expired = activate(api, "S260000", code)
    assert expired.status_code == 422 and expired.get_json() == unknown.get_json()
    assert sign_in(api, "S260000", code).status_code == 401


def test_codes_last_as_many_days_as_the_setting_says(
        api: ApiClient, runtime: Runtime, frozen_clock: FrozenClock) -> None:
    default = runtime.settings
    runtime.settings = default.replace(activation_code_days=3)
    try:
        [person] = add_learners(api, class_id(api, "机电2301"), 1)
        [account] = codes_for(api, person_ids=[person["id"]])["accounts"]
    finally:
        runtime.settings = default
    assert account["expires_at"].startswith("2026-11-05T09:00")
    frozen_clock.advance(days=3, seconds=1)
    assert activate(api, "S260000", account["activation_code"]).status_code == 422


def test_a_new_code_replaces_the_old_one(api: ApiClient) -> None:
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    [old] = codes_for(api, person_ids=[person["id"]])["accounts"]
    # The slip was lost: the same call hands out a new code to an account still waiting.
    again = codes_for(api, person_ids=[person["id"]])
    [new] = again["accounts"]
    assert again["skipped"] == [] and new["username"] == old["username"]
    assert new["activation_code"] != old["activation_code"]
    assert activate(api, "S260000", old["activation_code"]).status_code == 422
    # And once more for the one account, from the people screen's button.
    user_id = api.get(f"/api/v1/admin/people/{person['id']}", as_="admin").get_json()[
        "accounts"][0]["id"]
    single = api.post(f"/api/v1/admin/accounts/{user_id}/activation-code", as_="admin")
    assert single.status_code == 201, single.get_json()
    third = single.get_json()["activation_code"]
    assert CODE.match(third)
    assert activate(api, "S260000", new["activation_code"]).status_code == 422
    slip = api.post(f"/api/v1/admin/accounts/{user_id}/activation-code", as_="admin",
                    query_string={"format": "xlsx"})
    assert slip.status_code == 201 and slip.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(slip.data)).active.iter_rows(values_only=True))
    assert rows[0][4] == "激活码" and rows[1][3] == "S260000"
    fourth = str(rows[1][4])
    assert CODE.match(fourth) and activate(api, "S260000", third).status_code == 422
    assert activate(api, "S260000", fourth).status_code == 200
    # An activated account is not given a code by the bulk call.
    skipped = codes_for(api, person_ids=[person["id"]])
    assert skipped["accounts"] == [] and skipped["skipped"][0]["reason"] == "已有账号"
    kinds = [c["kind"] for c in history(api, person["id"])]
    assert kinds.count("activation_code_issued") == 4


def test_a_code_for_an_account_in_use_stops_its_password_and_tokens(api: ApiClient) -> None:
    [hong] = api.get("/api/v1/admin/people", as_="admin",
                     query_string={"q": "小红"}).get_json()
    user_id = hong["accounts"][0]["id"]
    token = api.token("xiaohong")
    issued = api.post(f"/api/v1/admin/accounts/{user_id}/activation-code", as_="admin")
    assert issued.status_code == 201
    code = issued.get_json()["activation_code"]
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert sign_in(api, "xiaohong", "xiaohong123").status_code == 401
    assert activate(api, "xiaohong", code).status_code == 200
    assert sign_in(api, "xiaohong", NEW_PASSWORD).status_code == 200
    # Administrators do not hand themselves a code.
    admin_id = api.get("/api/v1/me", as_="admin").get_json()["id"]
    own = api.post(f"/api/v1/admin/accounts/{admin_id}/activation-code", as_="admin")
    assert own.status_code in (403, 404)


def test_a_password_reset_withdraws_the_code(api: ApiClient) -> None:
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    [account] = codes_for(api, person_ids=[person["id"]])["accounts"]
    user_id = api.get(f"/api/v1/admin/people/{person['id']}", as_="admin").get_json()[
        "accounts"][0]["id"]
    reset = api.post(f"/api/v1/admin/accounts/{user_id}/reset-password", as_="admin")
    password = reset.get_json()["password"]
    assert activate(api, "S260000", account["activation_code"]).status_code == 422
    assert sign_in(api, "S260000", password).status_code == 200


def test_the_hand_over_sheet_lists_codes_and_their_expiry(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    sheet = api.post("/api/v1/admin/accounts", as_="admin", query_string={"format": "xlsx"},
                     json={"person_ids": [person["id"]], "mode": "activation_code"})
    assert sheet.status_code == 201 and sheet.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "学号/工号", "班级", "用户名", "激活码", "有效期至")
    name, number, unit, username, code, until = rows[1]
    assert (name, number, unit, username) == ("新生0", "S260000", "机电2301", "S260000")
    assert CODE.match(str(code))
    assert until == "2026-11-16 17:00"  # the school's time (Asia/Shanghai)
    assert "激活账号" in str(rows[3][0])
    assert activate(api, "S260000", str(code)).status_code == 200


def test_guessing_codes_is_throttled_like_sign_in(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    [account] = codes_for(api, person_ids=[person["id"]])["accounts"]
    for _ in range(5):
        assert activate(api, "S260000", "ABCDE-FGHJK").status_code == 422
    locked = activate(api, "S260000", account["activation_code"])
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # Sign-in of the same name from the same address is locked too: one count for both.
    assert sign_in(api, "S260000", "whatever-1").status_code == 429
    frozen_clock.advance(seconds=31)
    assert activate(api, "S260000", account["activation_code"]).status_code == 200


def _centre_b_admin(app: Flask) -> tuple[int, int]:
    """乙鉴定站 with its administrator ``b_admin`` and a learner; (its user id, the learner's
    person id)."""
    runtime = runtime_of(app)
    with app.app_context():
        session = db.session()
        centre = add_unit(session, kind=UnitKind.INSTITUTION, code="B-CENTRE", name="乙鉴定站")
        klass = add_unit(session, kind=UnitKind.CLASS, code="B2301", name="乙2301",
                         parent=centre)
        admin = add_person(session, tenant_id=centre.id, name="乙管理员", now=runtime.now(),
                           status=PersonStatus.EMPLOYED)
        learner = add_person(session, tenant_id=centre.id, name="乙学员", now=runtime.now(),
                             status=PersonStatus.STUDYING, number="B260001")
        enrol(session, learner, klass)
        user = User(username="b_admin", display_name="乙管理员", role="admin", active=True,
                    password_hash=runtime.passwords.hash("b_admin123"),
                    created_at=runtime.now(), person_id=admin.id)
        session.add(user)
        session.commit()
        api_client.PASSWORDS["b_admin"] = "b_admin123"
        return user.id, learner.id


def test_an_administrator_of_another_centre_cannot_issue_codes(
        api: ApiClient, app: Flask) -> None:
    _, b_learner = _centre_b_admin(app)
    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    for mode in ("activation_code", "password"):
        refused = api.post("/api/v1/admin/accounts", as_="b_admin",
                           json={"person_ids": [person["id"]], "mode": mode})
        assert refused.status_code == 404, refused.get_json()
    [hong] = api.get("/api/v1/admin/people", as_="admin",
                     query_string={"q": "小红"}).get_json()
    single = api.post(f"/api/v1/admin/accounts/{hong['accounts'][0]['id']}/activation-code",
                      as_="b_admin")
    assert single.status_code == 404
    assert sign_in(api, "xiaohong", "xiaohong123").status_code == 200  # untouched
    card = api.get(f"/api/v1/admin/people/{person['id']}", as_="admin").get_json()
    assert card["accounts"] == []
    assert history(api, person["id"])[0]["kind"] != "activation_code_issued"
    # Centre B's own learner: B's administrator may; A's may not.
    assert api.post("/api/v1/admin/accounts", as_="admin", json={
        "person_ids": [b_learner], "mode": "activation_code"}).status_code == 404
    own = api.post("/api/v1/admin/accounts", as_="b_admin", json={
        "person_ids": [b_learner], "mode": "activation_code"})
    assert own.status_code == 201 and own.get_json()["accounts"][0]["username"] == "B260001"


def test_a_code_is_used_once_even_by_requests_at_once(api: ApiClient, app: Flask) -> None:
    """Four activations with the same code race: one wins; the others are refused."""
    import threading

    [person] = add_learners(api, class_id(api, "机电2301"), 1)
    [account] = codes_for(api, person_ids=[person["id"]])["accounts"]
    passwords = [f"Race-{n}-2026-pw" for n in range(4)]
    statuses: list[int] = []
    start = threading.Barrier(len(passwords))

    def attempt(password: str) -> None:
        client = app.test_client()
        start.wait()
        statuses.append(client.post("/api/v1/auth/activate", json={
            "username": "S260000", "code": account["activation_code"],
            "new_password": password}).status_code)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 422, 422, 422]
    works = [p for p in passwords if sign_in(api, "S260000", p).status_code == 200]
    assert len(works) == 1
    with app.app_context():
        used = db.session.scalars(sa.select(ActivationCode.used_at)).all()
    assert len(used) == 1 and used[0] is not None

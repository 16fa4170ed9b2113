"""Accounts for imported people over HTTP: opened a class at a time with a hand-over sheet,
a first sign-in that must choose a new password, sign-in by 学号, the password policy."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.api_client import ApiClient


def class_id(api: ApiClient, name: str) -> int:
    def walk(node: dict[str, Any]) -> int | None:
        if node["name"] == name:
            return int(node["id"])
        return next((i for c in node["children"] if (i := walk(c)) is not None), None)

    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    found = walk(root)
    assert found is not None
    return found


def add_learners(api: ApiClient, cls: int, count: int) -> list[dict[str, Any]]:
    people = []
    for seat in range(count):
        created = api.post("/api/v1/admin/people", as_="admin", json={
            "name": f"新生{seat}", "number": f"S26{seat:04d}", "class_id": cls})
        assert created.status_code == 201, created.get_json()
        people.append(created.get_json())
    return people


def sign_in(api: ApiClient, username: str, password: str) -> Any:
    return api.client.post("/api/v1/auth/token",
                           json={"username": username, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_class_gets_accounts_and_each_first_sign_in_must_choose_a_password(
        api: ApiClient) -> None:
    cls = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "class", "code": "C-2601", "name": "新生2601",
        "parent_id": api.get("/api/v1/directory/units", as_="admin").get_json()[0]["id"],
    }).get_json()["id"]
    people = add_learners(api, cls, 3)
    opened = api.post("/api/v1/admin/accounts", as_="admin", json={"unit_id": cls})
    assert opened.status_code == 201, opened.get_json()
    accounts = opened.get_json()["accounts"]
    assert sorted(a["username"] for a in accounts) == ["S260000", "S260001", "S260002"]
    assert all(len(a["password"]) == 12 for a in accounts)
    assert len({a["password"] for a in accounts}) == 3

    again = api.post("/api/v1/admin/accounts", as_="admin",
                     json={"person_ids": [people[0]["id"]]}).get_json()
    assert again["accounts"] == [] and again["skipped"][0]["reason"] == "已有账号"

    first = accounts[0]
    signed = sign_in(api, first["username"], first["password"])
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["user"]["must_change_password"] is True
    token = signed.get_json()["access_token"]
    me = api.client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200 and me.get_json()["must_change_password"] is True
    blocked = api.client.get("/api/v1/instances", headers=bearer(token))
    assert blocked.status_code == 403
    assert blocked.get_json()["type"].endswith("password-change-required")
    assert "修改初始密码" in blocked.get_json()["detail"]

    weak = api.client.post("/api/v1/auth/password", headers=bearer(token), json={
        "current_password": first["password"], "new_password": "12345678"})
    assert weak.status_code == 422
    assert "字母和数字" in weak.get_json()["detail"]
    wrong = api.client.post("/api/v1/auth/password", headers=bearer(token), json={
        "current_password": "not-it", "new_password": "Spring2026!x"})
    assert wrong.status_code == 422 and "原密码" in wrong.get_json()["detail"]

    changed = api.client.post("/api/v1/auth/password", headers=bearer(token), json={
        "current_password": first["password"], "new_password": "Spring2026!x"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["user"]["must_change_password"] is False
    fresh = changed.get_json()["access_token"]
    assert api.client.get("/api/v1/instances", headers=bearer(fresh)).status_code == 200
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401  # old token
    assert sign_in(api, first["username"], first["password"]).status_code == 401
    assert sign_in(api, first["username"], "Spring2026!x").status_code == 200

    changes = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"person_id": first["person_id"]}).get_json()["changes"]
    assert changes[0]["kind"] == "account_added"
    assert "password" not in str(changes[0]["after"]).lower()


def test_the_hand_over_sheet_and_sign_in_by_student_number(api: ApiClient) -> None:
    cls = class_id(api, "机电2301")
    [person] = add_learners(api, cls, 1)
    sheet = api.post("/api/v1/admin/accounts", as_="admin", json={"person_ids": [person["id"]]},
                     query_string={"format": "xlsx"})
    assert sheet.status_code == 201
    assert sheet.headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "学号/工号", "班级", "用户名", "初始密码")
    name, number, unit, username, password = rows[1]
    assert (name, number, unit) == ("新生0", "S260000", "机电2301")
    card = api.get(f"/api/v1/admin/people/{person['id']}", as_="admin").get_json()
    assert [a["username"] for a in card["accounts"]] == [username]
    assert sign_in(api, "S260000", str(password)).status_code == 200
    assert api.post("/api/v1/admin/accounts", as_="zhang",
                    json={"unit_id": cls}).status_code == 403
    assert api.post("/api/v1/admin/accounts", as_="admin", json={}).status_code == 422


def test_a_reset_password_must_be_replaced_and_the_policy_names_each_rule(
        api: ApiClient) -> None:
    [person] = api.get("/api/v1/admin/people", as_="admin",
                       query_string={"q": "小红"}).get_json()
    reset = api.post(f"/api/v1/admin/accounts/{person['accounts'][0]['id']}/reset-password",
                     as_="admin").get_json()["password"]
    username = person["accounts"][0]["username"]
    token = sign_in(api, username, reset).get_json()["access_token"]
    assert api.client.get("/api/v1/tasks", headers=bearer(token)).status_code == 403
    bad = api.client.post("/api/v1/auth/password", headers=bearer(token), json={
        "current_password": reset, "new_password": username})
    assert bad.status_code == 422
    errors = bad.get_json()["errors"]
    assert {e["pointer"] for e in errors} == {"/new_password"} and len(errors) == 2
    assert "用户名" in bad.get_json()["detail"] and "字母和数字" in bad.get_json()["detail"]
    same = api.client.post("/api/v1/auth/password", headers=bearer(token), json={
        "current_password": reset, "new_password": reset})
    assert same.status_code == 422 and "相同" in same.get_json()["detail"]
    ok = api.client.post("/api/v1/auth/password", headers=bearer(token), json={
        "current_password": reset, "new_password": "Hong-2026-ok"})
    assert ok.status_code == 200, ok.get_json()
    assert api.client.get("/api/v1/tasks", headers=bearer(
        ok.get_json()["access_token"])).status_code == 200

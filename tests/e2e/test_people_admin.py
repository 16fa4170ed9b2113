"""An administrator's work on people over HTTP: search, add, edit, disable, reset a password,
move a learner, give and end positions; every change in the history auditors read."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from tests.api_client import PASSWORDS, ApiClient
from tests.sheet_files import id_number, learner_rows, xlsx
from tests.test_support import another_centre_admin
from workflows.core.runtime import Runtime


def units(api: ApiClient) -> dict[str, int]:
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    return {child["name"]: child["id"] for child in root["children"]}


def find(api: ApiClient, q: str) -> list[dict[str, Any]]:
    response = api.get("/api/v1/admin/people", as_="admin", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def patch(api: ApiClient, url: str, body: dict[str, Any]) -> TestResponse:
    return api.client.patch(url, headers=api.headers("admin"), json=body)


def history(api: ApiClient, person_id: int) -> list[dict[str, Any]]:
    body = api.get("/api/v1/directory/history", as_="auditor",
                   query_string={"person_id": person_id}).get_json()
    assert body["intact"] is True
    return body["changes"]


def test_search_by_name_number_and_last_digits_of_the_id_number(api: ApiClient) -> None:
    number = id_number(7, born="20070505")
    created = api.post("/api/v1/admin/people", as_="admin", json={
        "name": "周晓燕", "number": "S2024001", "id_number": number, "mobile": "13812345678",
        "class_id": units(api)["机电2301"]})
    assert created.status_code == 201, created.get_json()
    card = created.get_json()
    assert card["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert [e["class_name"] for e in card["enrolments"]] == ["机电2301"]
    for q in ("晓燕", "S2024", number[-4:], number[-6:]):
        assert [p["id"] for p in find(api, q)] == [card["id"]], q
    assert find(api, "0000000") == []
    assert api.get("/api/v1/admin/people", as_="zhang",
                   query_string={"q": "晓燕"}).status_code == 403
    twice = api.post("/api/v1/admin/people", as_="admin", json={
        "name": "另一人", "id_number": number})
    assert twice.status_code == 409
    bad = api.post("/api/v1/admin/people", as_="admin", json={
        "name": "错号", "id_number": number[:-1] + ("0" if number[-1] != "0" else "1")})
    assert bad.status_code == 422 and "校验码" in bad.get_json()["detail"]
    [added] = history(api, card["id"])[-1:]
    assert added["kind"] == "person_added" and added["actor_name"] == "系统管理员"


def test_a_disabled_account_is_refused_at_once(api: ApiClient) -> None:
    token = api.token("xiaohong")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    [person] = find(api, "小红")
    assert person["accounts"][0]["active"] is True
    done = api.post(f"/api/v1/admin/people/{person['id']}/disable", as_="admin")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status_name"] == "停用"
    assert done.get_json()["accounts"][0]["active"] is False
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    again = api.client.post("/api/v1/auth/token", json={
        "username": "xiaohong", "password": PASSWORDS["xiaohong"]})
    assert again.status_code == 401
    kinds = [c["kind"] for c in history(api, person["id"])]
    assert kinds[:2] == ["account_disabled", "person_changed"]
    changed = history(api, person["id"])[1]
    assert changed["before"] == {"status": "studying"}
    assert changed["after"] == {"status": "disabled"}


def test_reset_password_hands_over_a_new_one_and_old_tokens_stop(api: ApiClient) -> None:
    old = {"Authorization": f"Bearer {api.token('xiaoming')}"}
    [person] = find(api, "小明")
    user_id = person["accounts"][0]["id"]
    response = api.post(f"/api/v1/admin/accounts/{user_id}/reset-password", as_="admin")
    assert response.status_code == 200
    password = response.get_json()["password"]
    assert len(password) == 12
    assert api.client.get("/api/v1/me", headers=old).status_code == 401
    assert api.client.post("/api/v1/auth/token", json={
        "username": "xiaoming", "password": PASSWORDS["xiaoming"]}).status_code == 401
    assert api.client.post("/api/v1/auth/token", json={
        "username": "xiaoming", "password": password}).status_code == 200
    assert password not in str(history(api, person["id"]))
    assert api.post(f"/api/v1/admin/accounts/{user_id}/reset-password",
                    as_="zhang").status_code == 403
    [admin] = find(api, "系统管理员")
    own = api.post(f"/api/v1/admin/accounts/{admin['accounts'][0]['id']}/reset-password",
                   as_="admin")
    assert own.status_code == 403 and "自己" in own.get_json()["detail"]
    assert api.post(f"/api/v1/admin/people/{admin['id']}/disable",
                    as_="admin").status_code == 403


def test_class_teacher_from_a_date_and_a_learner_moved(api: ApiClient) -> None:
    classes = units(api)
    [teacher] = find(api, "张老师")
    given = api.post(f"/api/v1/admin/people/{teacher['id']}/positions", as_="admin", json={
        "unit_id": classes["机电2301"], "role": "class_teacher", "valid_from": "2026-09-01"})
    assert given.status_code == 201, given.get_json()
    held = [p for p in given.get_json()["positions"] if p["unit"] == "机电2301"]
    assert [(p["role_name"], p["valid_from"]) for p in held] == [("班主任", "2026-09-01")]
    position_id = held[0]["id"]

    [learner] = find(api, "刘洋")
    moved = api.post(f"/api/v1/admin/people/{learner['id']}/enrolment", as_="admin",
                     json={"unit_id": classes["数控2302"]})
    assert moved.status_code == 200, moved.get_json()
    assert [e["class_name"] for e in moved.get_json()["enrolments"]] == ["数控2302"]
    assert api.get("/api/v1/me", as_="liuyang").get_json()["enrolments"][0]["unit"][
        "name"] == "数控2302"
    kinds = [c["kind"] for c in history(api, learner["id"])]
    assert kinds[:2] == ["enrolled", "enrolment_ended"]
    assert history(api, learner["id"])[1]["before"]["class"] == "机电2301"

    ended = api.post(f"/api/v1/admin/positions/{position_id}/end", as_="admin", json={})
    assert ended.status_code == 204
    card = api.get(f"/api/v1/admin/people/{teacher['id']}", as_="admin").get_json()
    assert all(p["id"] != position_id for p in card["positions"])
    assert [c["kind"] for c in history(api, teacher["id"])][:2] == ["position_ended",
                                                                    "position_added"]
    not_a_class = api.post(f"/api/v1/admin/people/{teacher['id']}/enrolment", as_="admin",
                           json={"unit_id": units(api)["机电2301"] + 10_000})
    assert not_a_class.status_code == 404


def test_editing_keeps_before_and_after(api: ApiClient) -> None:
    [person] = find(api, "刘洋")
    edited = patch(api, f"/api/v1/admin/people/{person['id']}",
                   {"mobile": "13912345678", "number": "S0001"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["mobile"] == "139****5678"
    [change] = history(api, person["id"])[:1]
    assert change["kind"] == "person_changed"
    assert change["before"] == {"mobile": None, "number": None}
    assert change["after"] == {"mobile": "139****5678", "number": "S0001"}
    assert patch(api, f"/api/v1/admin/people/{person['id']}",
                 {"name": " "}).status_code == 422


def test_an_administrator_of_another_centre_sees_nothing_of_this_one(
        app: Flask, api: ApiClient, runtime: Runtime) -> None:
    _, headers = another_centre_admin(app, api, runtime)
    [learner] = find(api, "刘洋")
    assert patch(api, f"/api/v1/admin/people/{learner['id']}",
                 {"mobile": "13911112222"}).status_code == 200
    assert len(history(api, learner["id"])) == 1
    assert api.client.get("/api/v1/admin/people", headers=headers,
                          query_string={"q": "刘洋"}).get_json() == []
    for method, url in (("GET", f"/api/v1/admin/people/{learner['id']}"),
                        ("POST", f"/api/v1/admin/people/{learner['id']}/disable"),
                        ("POST", f"/api/v1/admin/accounts/{learner['accounts'][0]['id']}"
                                 "/reset-password")):
        assert api.client.open(url, method=method, headers=headers).status_code == 404, url
    rows = learner_rows(1, classes=["机电2301"])
    preview = api.post("/api/v1/directory/imports", as_="admin",
                       query_string={"kind": "learners"}, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(xlsx(rows)), "a.xlsx")}).get_json()
    assert api.client.post(f"/api/v1/directory/imports/{preview['id']}/confirm",
                           headers=headers).status_code == 404
    elsewhere = api.client.post("/api/v1/directory/imports", headers=headers,
                                query_string={"kind": "learners"},
                                content_type="multipart/form-data",
                                data={"file": (io.BytesIO(xlsx(rows)), "a.xlsx")}).get_json()
    assert [p["column"] for p in elsewhere["problems"]] == ["班级"]  # 机电2301 is not theirs
    theirs = api.client.get("/api/v1/directory/history", headers=headers).get_json()
    assert theirs["changes"] == []

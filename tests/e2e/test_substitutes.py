"""代理 over HTTP: staff name a substitute for themselves, administrators for anyone of their
centre; both see the substitutions not yet over and end them; each step is in the directory's
history that auditors read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from tests.api_client import ApiClient
from tests.test_support import another_centre_admin
from workflows.core.runtime import Runtime
from workflows.directory.acting import today_at  # the school's day, not the machine's


def person_id(api: ApiClient, name: str) -> int:
    [person] = api.get("/api/v1/directory/people", as_="admin",
                       query_string={"q": name}).get_json()
    return int(person["id"])


def listed(api: ApiClient, user: str) -> list[dict[str, Any]]:
    response = api.get("/api/v1/directory/substitutes", as_=user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def name(api: ApiClient, user: str, **body: Any) -> Any:
    return api.post("/api/v1/directory/substitutes", as_=user, json=body)


def kinds(api: ApiClient) -> list[tuple[str, dict[str, Any] | None]]:
    body = api.get("/api/v1/directory/history", as_="auditor").get_json()
    assert body["intact"] is True
    changes = [c for c in body["changes"] if c["kind"].startswith("substitute_")]
    # About the person who is away, by name; made by the one who named or ended it.
    assert all(c["subject_name"] == c["after"]["person"] for c in changes), changes
    return [(c["kind"], c["after"]) for c in changes]


def test_an_administrator_names_a_substitute_and_ends_it(api: ApiClient) -> None:
    today = today_at()
    zhang, li = person_id(api, "张老师"), person_id(api, "李主任")
    named = name(api, "admin", person_id=zhang, substitute_person_id=li,
                 valid_from=(today - timedelta(days=2)).isoformat(),
                 valid_to=(today + timedelta(days=5)).isoformat())
    assert named.status_code == 201, named.get_json()
    row_id = named.get_json()["id"]
    [row] = listed(api, "admin")
    assert (row["person"], row["substitute"], row["current"]) == ("张老师", "李主任", True)
    assert row["may_end"] is True
    # The one away sees it and may end it; the one standing in sees it only.
    assert [(r["id"], r["may_end"]) for r in listed(api, "zhang")] == [(row_id, True)]
    assert [(r["id"], r["may_end"]) for r in listed(api, "li")] == [(row_id, False)]
    assert listed(api, "wang") == []  # a colleague not concerned does not
    assert [r["id"] for r in listed(api, "auditor")] == [row_id]

    ended = api.post(f"/api/v1/directory/substitutes/{row_id}/end", as_="admin")
    assert ended.status_code == 204, ended.get_json()
    assert listed(api, "admin") == []  # its last day was yesterday
    again = api.post(f"/api/v1/directory/substitutes/{row_id}/end", as_="admin")
    assert again.status_code == 422 and "已于" in again.get_json()["detail"]
    assert kinds(api) == [
        ("substitute_ended", {"person": "张老师", "substitute": "李主任",
                              "valid_from": (today - timedelta(days=2)).isoformat(),
                              "valid_to": (today - timedelta(days=1)).isoformat()}),
        ("substitute_named", {"person": "张老师", "substitute": "李主任",
                              "valid_from": (today - timedelta(days=2)).isoformat(),
                              "valid_to": (today + timedelta(days=5)).isoformat()})]


def test_staff_name_their_own_substitute_and_withdraw_one_not_begun(api: ApiClient) -> None:
    today = today_at()
    named = name(api, "zhang", substitute_person_id=person_id(api, "王老师"),
                 valid_from=(today + timedelta(days=3)).isoformat(),
                 valid_to=(today + timedelta(days=4)).isoformat())
    assert named.status_code == 201, named.get_json()
    [row] = listed(api, "zhang")
    assert row["current"] is False and row["person"] == "张老师"
    # Only the one away (or an administrator) ends it; for the substitute it does not exist.
    refused = api.post(f"/api/v1/directory/substitutes/{row['id']}/end", as_="wang")
    assert refused.status_code == 404
    assert api.post(f"/api/v1/directory/substitutes/{row['id']}/end",
                    as_="zhang").status_code == 204
    assert listed(api, "zhang") == []
    [(kind, after), _] = kinds(api)
    assert kind == "substitute_ended" and after is not None and after["withdrawn"] is True


def test_only_administrators_name_a_substitute_for_someone_else(api: ApiClient) -> None:
    today = today_at().isoformat()
    for_other = name(api, "zhang", person_id=person_id(api, "李主任"),
                     substitute_person_id=person_id(api, "王老师"), valid_from=today,
                     valid_to=today)
    assert for_other.status_code == 403
    assert "系统管理员" in for_other.get_json()["detail"]
    oneself = name(api, "admin", person_id=person_id(api, "王老师"),
                   substitute_person_id=person_id(api, "王老师"), valid_from=today,
                   valid_to=today)
    assert oneself.status_code == 422 and oneself.get_json()["detail"] == "代理人不能是本人"
    english = api.post("/api/v1/directory/substitutes?lang=en", as_="admin", json={
        "person_id": person_id(api, "王老师"), "substitute_person_id": person_id(api, "王老师"),
        "valid_from": today, "valid_to": today})
    assert english.get_json()["detail"] == "the substitute cannot be the person who is away"
    backwards = name(api, "zhang", substitute_person_id=person_id(api, "王老师"),
                     valid_from=today, valid_to=(today_at() - timedelta(days=1)).isoformat())
    assert backwards.status_code == 422
    learner = api.get("/api/v1/directory/substitutes", as_="xiaoming")
    assert learner.status_code == 403
    assert kinds(api) == []


def test_another_centre_neither_sees_nor_ends_this_centres_substitutions(
        app: Flask, api: ApiClient, runtime: Runtime) -> None:
    today = today_at()
    named = name(api, "admin", person_id=person_id(api, "张老师"),
                 substitute_person_id=person_id(api, "李主任"), valid_from=today.isoformat(),
                 valid_to=(today + timedelta(days=1)).isoformat())
    assert named.status_code == 201, named.get_json()
    _, headers = another_centre_admin(app, api, runtime)
    theirs = api.client.get("/api/v1/directory/substitutes", headers=headers)
    assert theirs.status_code == 200 and theirs.get_json() == []
    ended = api.client.post(f"/api/v1/directory/substitutes/{named.get_json()['id']}/end",
                            headers=headers)
    assert ended.status_code == 404
    assert len(listed(api, "admin")) == 1

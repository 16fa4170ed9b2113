"""The end of a school year over HTTP: preview, then confirm; a graduated class's learners
still sign in and see their cases; a change after the preview refuses the confirmation."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.conftest import ROOT


def unit_ids(api: ApiClient) -> dict[str, int]:
    found: dict[str, int] = {}

    def walk(node: dict[str, Any]) -> None:
        found[node["name"]] = node["id"]
        for child in node["children"]:
            walk(child)

    for root in api.get("/api/v1/directory/units", as_="admin").get_json():
        walk(root)
    return found


def test_a_class_graduates_and_its_learners_keep_their_accounts_and_cases(
        api: ApiClient) -> None:
    assert api.deploy_bundle(ROOT / "bpmn" / "leave_approval.bpmn").status_code == 201
    cases_before = api.get("/api/v1/my-cases", as_="liuyang")
    assert cases_before.status_code == 200
    cls = unit_ids(api)["机电2301"]
    body = {"on": "2027-07-10", "graduate_class_ids": [cls]}
    preview = api.post("/api/v1/admin/rollover/preview", as_="admin", json=body)
    assert preview.status_code == 200, preview.get_json()
    plan = preview.get_json()
    assert [c["name"] for c in plan["classes"]] == ["机电2301"]
    assert "刘洋" in {row["name"] for row in plan["learners"]}
    assert {row["class"] for row in plan["learners"]} == {"机电2301"}
    teacher_rows = [p for p in plan["positions"] if p["unit"] == "机电2301"]
    assert teacher_rows, "the class's own teachers end with it"
    [liu] = api.get("/api/v1/admin/people", as_="admin", query_string={"q": "刘洋"}).get_json()
    assert liu["status"] == "studying"  # the preview wrote nothing

    done = api.post("/api/v1/admin/rollover/confirm", as_="admin",
                    json={**body, "digest": plan["digest"]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["learners"] == len(plan["learners"])
    [liu] = api.get("/api/v1/admin/people", as_="admin", query_string={"q": "刘洋"}).get_json()
    assert (liu["status"], liu["status_name"]) == ("graduated", "毕业")
    assert liu["accounts"][0]["active"] is True
    me = api.client.get("/api/v1/me", headers=api.headers("liuyang"))
    assert me.status_code == 200
    assert api.get("/api/v1/my-cases", as_="liuyang").get_json() == cases_before.get_json()
    assert "机电2301" not in unit_ids(api)  # archived: out of the working tree
    archived = api.get("/api/v1/directory/units", as_="admin",
                       query_string={"include_inactive": "true"}).get_json()
    assert any(c["name"] == "机电2301" and c["active"] is False
               for c in archived[0]["children"])
    changes = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"person_id": liu["id"]}).get_json()
    assert [c["kind"] for c in changes["changes"][:2]] == ["person_changed", "enrolment_ended"]
    assert changes["intact"] is True

    again = api.post("/api/v1/admin/rollover/confirm", as_="admin",
                     json={**body, "digest": plan["digest"]})
    assert again.status_code == 404  # the class is archived now


def test_a_change_after_the_preview_refuses_the_confirmation(api: ApiClient) -> None:
    units = unit_ids(api)
    body = {"on": "2027-07-10", "graduate_class_ids": [units["数控2302"]],
            "end_roles": ["class_teacher"]}
    plan = api.post("/api/v1/admin/rollover/preview", as_="admin", json=body).get_json()
    assert "张老师" in {p["name"] for p in plan["positions"] if p["role"] == "class_teacher"}
    assert {p["unit"] for p in plan["positions"] if p["role"] != "class_teacher"} == {"数控2302"}
    [liu] = api.get("/api/v1/admin/people", as_="admin", query_string={"q": "刘洋"}).get_json()
    moved = api.post(f"/api/v1/admin/people/{liu['id']}/enrolment", as_="admin",
                     json={"unit_id": units["数控2302"]})
    assert moved.status_code == 200
    stale = api.post("/api/v1/admin/rollover/confirm", as_="admin",
                     json={**body, "digest": plan["digest"]})
    assert stale.status_code == 409 and "重新预览" in stale.get_json()["detail"]
    [liu] = api.get("/api/v1/admin/people", as_="admin", query_string={"q": "刘洋"}).get_json()
    assert liu["status"] == "studying"
    bad = api.post("/api/v1/admin/rollover/preview", as_="admin",
                   json={"on": "2027-07-10", "end_roles": ["dean_of_everything"]})
    assert bad.status_code == 422 and "未知的岗位" in bad.get_json()["detail"]
    not_class = api.post("/api/v1/admin/rollover/preview", as_="admin",
                         json={"on": "2027-07-10", "graduate_class_ids": [
                             units["默认机构"]]})
    assert not_class.status_code == 422
    assert api.post("/api/v1/admin/rollover/preview", as_="zhang",
                    json=body).status_code == 403

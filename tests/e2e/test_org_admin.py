"""An administrator shapes the organisation tree over HTTP — add, rename, move, deactivate —
and exports the directory as one workbook; every change is in the history auditors read."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from tests.api_client import ApiClient
from tests.test_support import another_centre_admin
from workflows.core.runtime import Runtime


def tree(api: ApiClient) -> dict[str, dict[str, Any]]:
    """Every unit of the admin's centre by name, with the name of its parent."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any], parent: str | None) -> None:
        found[node["name"]] = {**node, "parent": parent}
        for child in node["children"]:
            walk(child, node["name"])

    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    walk(root, None)
    return found


def unit_changes(api: ApiClient) -> list[dict[str, Any]]:
    body = api.get("/api/v1/directory/history", as_="auditor").get_json()
    assert body["intact"] is True
    return [c for c in body["changes"] if c["subject_type"] == "unit"]


def test_add_rename_and_move_a_class_with_its_history(api: ApiClient) -> None:
    units = tree(api)
    root = next(name for name, unit in units.items() if unit["parent"] is None)
    created = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "department", "code": "D-NEW", "name": "新能源系", "parent_id": units[root]["id"]})
    assert created.status_code == 201, created.get_json()
    department = created.get_json()
    assert (department["kind_name"], department["active"]) == ("系部", True)
    major = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "major", "code": "M-NEW", "name": "光伏技术", "parent_id": department["id"]})
    assert major.status_code == 201, major.get_json()
    cls = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "class", "code": "C-NEW", "name": "光伏2601", "parent_id": major.get_json()["id"]})
    assert cls.status_code == 201, cls.get_json()
    class_id = cls.get_json()["id"]

    twice = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "class", "code": "C-NEW", "name": "重复", "parent_id": department["id"]})
    assert twice.status_code == 409 and "C-NEW" in twice.get_json()["detail"]
    wrong_kind = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "major", "code": "M-X", "name": "专业挂班级下", "parent_id": class_id})
    assert wrong_kind.status_code == 422, wrong_kind.get_json()
    root_again = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "institution", "code": "X", "name": "第二机构", "parent_id": department["id"]})
    assert root_again.status_code == 422

    renamed = api.client.patch(f"/api/v1/admin/units/{class_id}", headers=api.headers("admin"),
                               json={"name": "光伏2601班"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "光伏2601班"

    into_itself = api.post(f"/api/v1/admin/units/{department['id']}/move", as_="admin",
                           json={"parent_id": class_id})
    assert into_itself.status_code == 422 and "下级" in into_itself.get_json()["detail"]
    moved = api.post(f"/api/v1/admin/units/{major.get_json()['id']}/move", as_="admin",
                     json={"parent_id": units[root]["id"]})
    assert moved.status_code == 200, moved.get_json()
    after = tree(api)
    assert after["光伏技术"]["parent"] == root
    assert after["光伏2601班"]["parent"] == "光伏技术"  # the class went along
    # the moved subtree is still "below" the major: a learner enrolled there is found by unit
    kinds = [(c["kind"], c["actor_name"]) for c in unit_changes(api)][:3]
    assert kinds == [("unit_moved", "系统管理员"), ("unit_changed", "系统管理员"),
                     ("unit_added", "系统管理员")]
    assert unit_changes(api)[0]["before"] == {"parent": "新能源系"}
    assert unit_changes(api)[1]["after"]["name"] == "光伏2601班"
    # each change names its unit as it is called now (the renamed class by its new name)
    assert [c["subject_name"] for c in unit_changes(api)[:2]] == ["光伏技术", "光伏2601班"]
    assert api.post("/api/v1/admin/units", as_="zhang", json={
        "kind": "office", "code": "O-1", "name": "督导室", "parent_id": units[root]["id"]
    }).status_code == 403


def test_a_class_with_learners_is_not_deactivated_until_they_moved(api: ApiClient) -> None:
    units = tree(api)
    cls = units["机电2301"]
    refused = api.post(f"/api/v1/admin/units/{cls['id']}/deactivate", as_="admin")
    assert refused.status_code == 409, refused.get_json()
    assert "在读学员" in refused.get_json()["detail"]
    assert tree(api)["机电2301"]["id"] == cls["id"]

    parent_id = next(u["id"] for u in units.values() if cls["parent"] == u["name"])
    empty = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "class", "code": "C-EMPTY", "name": "空班", "parent_id": parent_id}).get_json()
    done = api.post(f"/api/v1/admin/units/{empty['id']}/deactivate", as_="admin")
    assert done.status_code == 200 and done.get_json()["active"] is False
    [learner] = api.get("/api/v1/admin/people", as_="admin",
                        query_string={"q": "刘洋"}).get_json()
    into_inactive = api.post(f"/api/v1/admin/people/{learner['id']}/enrolment", as_="admin",
                             json={"unit_id": empty["id"]})
    assert into_inactive.status_code == 404
    assert unit_changes(api)[0]["kind"] == "unit_deactivated"


def test_directory_export_is_one_workbook_with_masked_numbers(api: ApiClient) -> None:
    response = api.get("/api/v1/admin/directory-export", as_="admin")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["组织机构", "学员", "教职工", "岗位"]
    units = [row for row in book["组织机构"].iter_rows(values_only=True)]
    assert units[0] == ("代码", "名称", "类型", "上级代码", "状态")
    assert {row[1] for row in units[1:]} >= {"机电2301"}
    learners = [row for row in book["学员"].iter_rows(values_only=True)]
    assert learners[0][:4] == ("姓名", "学号", "身份证号", "班级")
    liu = [row for row in learners[1:] if row[0] == "刘洋"]
    assert len(liu) == 1 and liu[0][3] == "机电2301"
    assert all("*" in row[2] for row in learners[1:] if row[2])
    positions = [row for row in book["岗位"].iter_rows(values_only=True)]
    assert any(row[2] == "班主任" for row in positions[1:])
    assert api.get("/api/v1/admin/directory-export", as_="zhang").status_code == 403


def test_another_centres_administrator_cannot_touch_this_tree(
        app: Flask, api: ApiClient, runtime: Runtime) -> None:
    other_id, headers = another_centre_admin(app, api, runtime)
    cls = tree(api)["机电2301"]
    for method, url, body in (
            ("PATCH", f"/api/v1/admin/units/{cls['id']}", {"name": "被改名"}),
            ("POST", f"/api/v1/admin/units/{cls['id']}/move", {"parent_id": other_id}),
            ("POST", f"/api/v1/admin/units/{cls['id']}/deactivate", None),
            ("POST", "/api/v1/admin/units", {"kind": "class", "code": "C-B", "name": "乙班",
                                            "parent_id": cls["id"]})):
        response = api.client.open(url, method=method, headers=headers, json=body)
        assert response.status_code == 404, (url, response.get_json())
    assert tree(api)["机电2301"]["name"] == "机电2301"
    exported = api.client.get("/api/v1/admin/directory-export", headers=headers)
    book = load_workbook(io.BytesIO(exported.data), read_only=True)
    assert [row[0] for row in book["学员"].iter_rows(values_only=True)] == ["姓名"]

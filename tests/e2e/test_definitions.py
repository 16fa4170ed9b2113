"""Deploying definitions: versions, identical content, and every kind of bad upload."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.test_support import leave_bundle


def problems(response) -> list[dict]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()["errors"]


def test_deploy_assigns_versions_and_skips_identical_content(api: ApiClient) -> None:
    first = api.deploy_files(leave_bundle())
    assert first.status_code == 201
    body = first.get_json()
    assert (body["process_id"], body["version"], body["created"]) == ("leave_approval", 1, True)
    assert len(body["content_hash"]) == 64
    again = api.deploy_files(leave_bundle())
    assert again.status_code == 200
    assert again.get_json()["version"] == 1 and again.get_json()["created"] is False
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        "请假审批".encode(), "请假审批流程".encode(), 1)
    second = api.deploy_files(files)
    assert second.status_code == 201 and second.get_json()["version"] == 2
    versions = api.get("/api/v1/definitions", as_="admin",
                       query_string={"process_id": "leave_approval", "all_versions": "true"})
    assert [d["version"] for d in versions.get_json()] == [2, 1]
    latest = api.get("/api/v1/definitions", as_="zhang").get_json()
    assert [(d["process_id"], d["version"]) for d in latest] == [("leave_approval", 2)]
    source = api.get("/api/v1/definitions/leave_approval/versions/1/files/leave_approval.bpmn",
                     as_="zhang")
    assert source.status_code == 200 and b"<bpmn:definitions" in source.data


def test_deploy_event_is_recorded(app, api: ApiClient) -> None:
    from models import ProcessEvent, db

    api.deploy_files(leave_bundle())
    with app.app_context():
        event = db.session.query(ProcessEvent).filter_by(kind="definition_deployed").one()
        assert event.payload["process_id"] == "leave_approval"
        assert event.actor_id is not None


def test_malformed_xml_names_file_and_line(api: ApiClient) -> None:
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        b"</bpmn:process>", b"</bpmn:proces>", 1)
    [problem] = problems(api.deploy_files(files))
    assert problem["file"] == "leave_approval.bpmn"
    assert isinstance(problem["line"], int) and problem["line"] > 1
    assert "XML 格式错误" in problem["message"]


def test_unknown_element_is_reported_with_its_line(api: ApiClient) -> None:
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        b"</bpmn:process>", b"<bpmn:teleportTask id=\"beam_me_up\"/></bpmn:process>", 1)
    [problem] = problems(api.deploy_files(files))
    assert problem["file"] == "leave_approval.bpmn"
    assert "teleportTask" in problem["message"]
    assert isinstance(problem["line"], int)


def test_missing_dmn_names_the_decision(api: ApiClient) -> None:
    files = leave_bundle()
    del files["leave_tiers.dmn"]
    [problem] = problems(api.deploy_files(files))
    assert "leave_tiers" in problem["message"]
    assert problem["file"] == "leave_approval.bpmn"
    assert problem.get("element_id") == "decide_tier"


def test_missing_form_schema_is_reported(api: ApiClient) -> None:
    files = leave_bundle()
    del files["leave_confirm_return.schema.json"]
    found = problems(api.deploy_files(files))
    assert any(p.get("element_id") == "confirm_return" and "leave_confirm_return" in p["message"]
               for p in found)


@pytest.mark.parametrize("condition", [
    'teacher_approved == True and route == "teacher" and',  # syntax error
    "__import__('os').system('true')",  # forbidden
])
def test_bad_gateway_condition_is_refused_with_the_element(api: ApiClient,
                                                           condition: str) -> None:
    files = leave_bundle()
    text = files["leave_approval.bpmn"].decode()
    original = 'teacher_approved == True and route == "teacher"'
    escaped = original.replace('"', "&quot;")
    source = escaped if escaped in text else original
    assert source in text
    bad = condition.replace('"', "&quot;") if source == escaped else condition
    files["leave_approval.bpmn"] = text.replace(source, bad.replace("'", "&apos;"), 1).encode()
    found = problems(api.deploy_files(files))
    assert found[0]["file"] == "leave_approval.bpmn"
    assert found[0]["element_id"] == "gw_after_teacher"
    assert "连线条件" in found[0]["message"]


@pytest.mark.parametrize(("old", "new", "element_id"), [
    (b'"teacher"', b'"teacher" +', "rule_teacher_route"),  # output cell syntax
    (b"&lt;= 1", b"&lt;= 1 +", "rule_teacher_days"),  # input cell syntax
    (b"&lt;= 1", b'__import__("os")', "rule_teacher_days"),  # forbidden name in a cell
])
def test_broken_dmn_cell_is_refused_with_its_location(api: ApiClient, old: bytes, new: bytes,
                                                      element_id: str) -> None:
    files = leave_bundle()
    assert old in files["leave_tiers.dmn"]
    files["leave_tiers.dmn"] = files["leave_tiers.dmn"].replace(old, new, 1)
    [problem] = problems(api.deploy_files(files))
    assert problem["file"] == "leave_tiers.dmn"
    assert problem["element_id"] == element_id
    assert isinstance(problem["line"], int)


def test_upload_without_files_or_bpmn(api: ApiClient) -> None:
    response = api.post("/api/v1/definitions", as_="admin", data={},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/files"
    only_json = {"leave_request.schema.json": leave_bundle()["leave_request.schema.json"]}
    assert "恰好一个 .bpmn" in problems(api.deploy_files(only_json))[0]["message"]


def test_hostile_xml_is_refused(api: ApiClient) -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
           b'&x;</bpmn:definitions>')
    [problem] = problems(api.deploy_files({"evil.bpmn": xxe}))
    assert "DTD" in problem["message"]
    [problem] = problems(api.deploy_files({"latin1.bpmn": "<a>é</a>".encode("latin-1")}))
    assert "UTF-8" in problem["message"]
    [problem] = problems(api.deploy_files({"z.bpmn": b"PK\x03\x04rest-of-zip"}))
    assert "压缩包" in problem["message"]

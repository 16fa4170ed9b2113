"""Validating a bundle without deploying it (the modeler's "validate" button)."""

from __future__ import annotations

import io
from typing import Any

from tests.api_client import ApiClient
from tests.test_support import leave_bundle

URL = "/api/v1/definitions/validate"


def validate(api: ApiClient, files: dict[str, bytes], *, as_: str = "admin",
             process_id: str | None = None) -> Any:
    data: dict[str, Any] = {"files": [(io.BytesIO(c), n) for n, c in files.items()]}
    if process_id:
        data["process_id"] = process_id
    return api.post(URL, as_=as_, data=data, content_type="multipart/form-data")


def deployed_versions(api: ApiClient) -> list[int]:
    response = api.get("/api/v1/definitions", as_="admin",
                       query_string={"process_id": "leave_approval", "all_versions": "true"})
    assert response.status_code == 200
    return [d["version"] for d in response.get_json()]


def test_valid_bundle_is_accepted_and_nothing_is_stored(app, api: ApiClient) -> None:
    from models import ProcessEvent, db

    response = validate(api, leave_bundle())
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"valid": True}
    assert deployed_versions(api) == []
    with app.app_context():
        assert db.session.query(ProcessEvent).filter_by(kind="definition_deployed").count() == 0
    # Validation does not reserve a version either: the first deployment is still version 1.
    assert api.deploy_files(leave_bundle()).get_json()["version"] == 1


def test_bad_condition_is_located_on_its_gateway(api: ApiClient) -> None:
    files = leave_bundle()
    text = files["leave_approval.bpmn"].decode()
    original = 'teacher_approved == True and route == "teacher"'
    assert original in text
    files["leave_approval.bpmn"] = text.replace(original, "teacher_approved ==", 1).encode()
    response = validate(api, files)
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    [problem, *_] = response.get_json()["errors"]
    assert problem["file"] == "leave_approval.bpmn"
    assert problem["element_id"] == "gw_after_teacher"
    assert deployed_versions(api) == []


def test_missing_form_and_dmn_cell_problems_carry_element_ids(api: ApiClient) -> None:
    files = leave_bundle()
    del files["leave_confirm_return.schema.json"]
    files["leave_tiers.dmn"] = files["leave_tiers.dmn"].replace(b"&lt;= 1", b"&lt;= 1 +", 1)
    response = validate(api, files)
    assert response.status_code == 422
    located = {(p.get("file"), p.get("element_id")) for p in response.get_json()["errors"]}
    # Every problem is reported at once, each on its element: the modeler marks them all.
    assert located == {("leave_approval.bpmn", "confirm_return"),
                       ("leave_tiers.dmn", "rule_teacher_days")}


def test_only_administrators_validate(api: ApiClient) -> None:
    assert validate(api, leave_bundle(), as_="zhang").status_code == 403
    assert api.post(URL, as_=None, data={}, content_type="multipart/form-data").status_code == 401


def test_upload_without_files_is_a_field_problem(api: ApiClient) -> None:
    response = api.post(URL, as_="admin", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/files"


def test_process_id_chooses_among_executable_processes(api: ApiClient) -> None:
    assert validate(api, leave_bundle(), process_id="leave_approval").status_code == 200
    response = validate(api, leave_bundle(), process_id="no_such_process")
    assert response.status_code == 422
    assert "no_such_process" in response.get_json()["errors"][0]["message"]
    assert deployed_versions(api) == []


def _leave_with_timer(expression_xml: str) -> dict[str, bytes]:
    """The leave bundle with its first reminder timer's duration replaced."""
    files = leave_bundle()
    original = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P2WD"</bpmn:timeDuration>'
    text = files["leave_approval.bpmn"].decode()
    assert original in text
    files["leave_approval.bpmn"] = text.replace(original, expression_xml, 1).encode()
    return files


def _timer_problem(api: ApiClient, files: dict[str, bytes]) -> dict[str, Any]:
    response = validate(api, files)
    assert response.status_code == 422, response.get_json()
    [problem] = [p for p in response.get_json()["errors"] if "定时器" in p["message"]]
    assert problem["file"] == "leave_approval.bpmn"
    assert problem["element_id"] and problem["line"]
    return problem


def test_a_timer_cycle_is_refused_because_it_would_never_fire(api: ApiClient) -> None:
    files = _leave_with_timer(
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R3/PT1H"</bpmn:timeCycle>')
    problem = _timer_problem(api, files)
    assert "循环定时器" in problem["message"]
    assert deployed_versions(api) == []


def test_a_literal_timer_value_that_is_no_duration_is_refused(api: ApiClient) -> None:
    problem = _timer_problem(api, _leave_with_timer(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P2 days"</bpmn:timeDuration>'))
    assert "'P2 days'" in problem["message"] and "P5WD" in problem["message"]


def test_a_timer_expression_that_does_not_compile_is_refused(api: ApiClient) -> None:
    problem = _timer_problem(api, _leave_with_timer(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">days +</bpmn:timeDuration>'))
    assert problem["message"].startswith("定时器表达式")


def test_timer_values_from_process_data_are_checked_when_they_start(api: ApiClient) -> None:
    """An expression over process data cannot be judged before the instance runs."""
    response = validate(api, _leave_with_timer(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">reminder_after</bpmn:timeDuration>'))
    assert response.status_code == 200, response.get_json()


def test_the_modelers_vocabulary_lists_what_deployment_accepts(app, api: ApiClient) -> None:
    """The properties panel's pickers offer the roles, actions, rules and service functions a
    deployment accepts; each offered one, written into a diagram, validates."""
    response = api.get("/api/v1/definitions/vocabulary", as_="admin")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    roles = {r["id"]: r["name"] for r in body["roles"]}
    assert roles["class_teacher"] == "班主任" and roles["examiner"] == "考评员"
    assert [a["id"] for a in body["anchors"]] == ["applicant", "centre"]
    assert [a["name"] for a in body["approval_actions"]] == ["转交", "退回", "加签", "抄送", "评论"]
    services = {s["name"]: s for s in body["services"]}
    assert {"name": "task", "type": "str", "required": True} in services[
        "certflow.remind_task"]["params"]
    assert "cert.issue_certificate" in services
    assert {r["rule"] for r in body["duty_rules"]} >= {"not_initiator", "differs_from",
                                                       "recusal:class", "excludes"}

    # Every role offered, at either anchor, deploys as the teacher's performer.
    bundle = leave_bundle()
    original = 'name="performer" value="class_teacher(applicant)"'
    assert original.encode() in bundle["leave_approval.bpmn"]
    for role in roles:
        changed = bundle["leave_approval.bpmn"].replace(
            original.encode(), f'name="performer" value="{role}(centre)"'.encode())
        result = validate(api, {**bundle, "leave_approval.bpmn": changed})
        assert result.status_code == 200, (role, result.get_json())
    assert api.get("/api/v1/definitions/vocabulary", as_="zhang").status_code == 403


def test_the_modelers_new_process_template_deploys(api: ApiClient) -> None:
    """The two-tier template the web app starts a new process from (ui/public/templates) is a
    bundle deployment accepts as it is."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    folder = root / "ui" / "public" / "templates" / "two-tier-approval"
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    assert set(files) == {"two_tier_approval.bpmn", "two_tier_request.schema.json",
                          "two_tier_first.schema.json", "two_tier_second.schema.json"}
    response = validate(api, files)
    assert response.status_code == 200, response.get_json()

"""The OpenAPI document: served without sign-in, complete, and honest about errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.api_client import ApiClient
from tests.hardening import HARDENED_BLUEPRINTS, api_endpoints

PROBLEM_REF = "#/components/schemas/Problem"
# Writes an auditor may make (api/audit_hooks.py WRITE_EXEMPT_ENDPOINTS): signing out.
AUDITOR_MAY_WRITE = ("/api/v1/auth/logout", "/api/v1/auth/password")


@pytest.fixture()
def document(api: ApiClient) -> dict[str, Any]:
    response = api.client.get("/api/openapi.json")  # no Authorization header
    assert response.status_code == 200
    return response.get_json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[Any]]]:
    found = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method != "parameters":
                found.append((method.upper(), path, operation,
                              shared + operation.get("parameters", [])))
    return found


def resolve(document: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    ref = response.get("$ref")
    return document["components"]["responses"][ref.rsplit("/", 1)[-1]] if ref else response


def hardened(operation: dict[str, Any]) -> bool:
    return bool(set(operation.get("tags", ())) & set(HARDENED_BLUEPRINTS))


def test_document_is_served_without_sign_in(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "certflow"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_route_of_the_app_is_documented(app: Flask, document: dict[str, Any]) -> None:
    documented = {(method, path) for method, path, _, _ in operations(document)}
    missing = [str(e) for e in api_endpoints(app) if (e.method, e.path) not in documented]
    assert not missing, f"routes missing from /api/openapi.json: {missing}"


# Operations whose answer cannot fail for any caller: it reads only the server's settings.
CANNOT_FAIL = {"GET /api/v1/auth/sso"}  # whether single sign-on is on, and its button


def test_every_error_is_documented_as_a_problem_document(document: dict[str, Any]) -> None:
    """Every operation of every blueprint: each 4xx/5xx and default is problem+json only."""
    wrong, without_errors = [], []
    for method, path, operation, _ in operations(document):
        errors = [s for s in operation["responses"] if s == "default" or int(s) >= 400]
        if not [s for s in errors if s != "default"] and f"{method} {path}" not in CANNOT_FAIL:
            without_errors.append(f"{method} {path}")
        for status in errors:
            content = resolve(document, operation["responses"][status]).get("content", {})
            schema = content.get("application/problem+json", {}).get("schema", {})
            if set(content) != {"application/problem+json"} or schema.get("$ref") != \
                    PROBLEM_REF:
                wrong.append(f"{method} {path} {status}: {sorted(content)}")
    assert not wrong, wrong
    assert not without_errors, f"operations documenting no error at all: {without_errors}"


def test_operations_document_the_errors_they_can_answer(document: dict[str, Any]) -> None:
    """401 when signed in, 404 with path ids, 422 with a body or query, a success response;
    403 on every signed-in write (auditors change nothing, whatever the operation)."""
    gaps = []
    for method, path, operation, parameters in operations(document):
        if not hardened(operation):
            continue
        statuses = set(operation["responses"])
        expected = set()
        if operation.get("security", document.get("security")):
            expected.add("401")
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            expected.add("422")
        if method != "GET" and "401" in expected and path not in AUDITOR_MAY_WRITE:
            expected.add("403")
        if not any(s.startswith(("2", "3")) for s in statuses):  # a redirect is one too
            gaps.append(f"{method} {path}: no success response")
        if "default" not in statuses:
            gaps.append(f"{method} {path}: no default (500) response")
        if expected - statuses:
            gaps.append(f"{method} {path}: missing {sorted(expected - statuses)}")
    assert not gaps, gaps


def test_request_bodies_and_responses_use_the_validating_schemas(
        document: dict[str, Any]) -> None:
    paths = document["paths"]
    deploy = paths["/api/v1/definitions"]["post"]
    upload = deploy["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["$ref"].endswith("/DeployUpload")
    fields = document["components"]["schemas"]["DeployUpload"]["properties"]
    assert fields["files"]["items"]["format"] == "binary" and "process_id" in fields
    assert {"401", "403", "413", "422"} <= set(deploy["responses"])
    start = paths["/api/v1/instances"]["post"]["requestBody"]["content"]["application/json"]
    assert start["schema"]["$ref"].endswith("/InstanceStart")
    sign_in = paths["/api/v1/auth/token"]["post"]
    assert sign_in["security"] == [] and {"401", "429"} <= set(sign_in["responses"])
    claim = paths["/api/v1/tasks/{task_id}/claim"]["post"]["responses"]
    assert {"403", "404", "409"} <= set(claim)
    task_id = paths["/api/v1/tasks/{task_id}/claim"]["parameters"][0]["schema"]
    assert task_id["maximum"] == 2**31 - 1  # larger ids are 404, never a database overflow


def test_ids_beyond_the_integer_range_are_404_not_500(leave_api: ApiClient) -> None:
    for url in ("/api/v1/instances/99999999999999999999", "/api/v1/tasks/2147483648",
                "/api/v1/definitions/leave_approval/versions/99999999999999999999"):
        response = leave_api.get(url, as_="admin")
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"
    start = leave_api.start_leave(as_="xiaoming", version=2**40, days=1,
                            leave_type="personal", reason="x")
    assert start.status_code == 422


def test_method_not_allowed_keeps_the_allow_header(api: ApiClient) -> None:
    response = api.client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_interactive_docs_are_served_from_local_files(api: ApiClient) -> None:
    page = api.client.get("/api/docs")  # no sign-in
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "/api/openapi.json" in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    assert re.search(r'"validatorUrl":\s*null', html)  # no call to validator.swagger.io
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f'"/api/docs/assets/{asset}"' in html
        served = api.client.get(f"/api/docs/assets/{asset}")
        assert served.status_code == 200 and len(served.data) > 10_000, asset
    bundle = api.client.get("/api/docs/assets/swagger-ui-bundle.js").get_data(as_text=True)
    assert '"5.' in bundle  # Swagger UI 5 reads OpenAPI 3.1
    assert api.client.get("/api/docs/assets/swagger-editor.js").status_code == 404


def test_huge_ids_in_query_filters_are_invalid_input_not_a_server_error(
        api: ApiClient) -> None:
    for url in ("/api/v1/incidents", "/api/v1/timers", "/api/v1/notifications"):
        response = api.get(url, as_="admin",
                           query_string={"instance_id": "-3393817686730382583714021376"})
        assert response.status_code == 422, (url, response.get_json())

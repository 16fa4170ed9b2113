"""Malformed input found by the property-based run, pinned down: always a 4xx, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.api_client import ApiClient
from tests.test_support import leave_bundle


@pytest.mark.parametrize("url", [
    "/api/v1/definitions?process_id=%00",
    "/api/v1/instances?business_key=a%00b",
    "/api/v1/tasks?process_id=%00",
])
def test_nul_characters_in_query_parameters_are_422(leave_api: ApiClient, url: str) -> None:
    response = leave_api.get(url, as_="zhang")
    assert response.status_code == 422, response.get_json()
    assert "NUL" in response.get_json()["errors"][0]["message"]


def test_nul_characters_in_path_names_are_404(leave_api: ApiClient) -> None:
    for url in ("/api/v1/definitions/leave%00/versions/1",
                "/api/v1/definitions/leave_approval/versions/1/files/a%00.bpmn"):
        assert leave_api.get(url, as_="zhang").status_code == 404, url


@pytest.mark.parametrize("body", [
    {"process_id": "leave_approval", "business_key": "K\x00", "data": {}},
    {"process_id": "leave_approval", "business_key": "K", "data": {"reason": "x\x00"}},
    {"process_id": "leave_approval", "business_key": "K", "data": {"k\x00": 1}},
])
def test_nul_characters_in_json_bodies_are_422(leave_api: ApiClient, body: dict) -> None:
    response = leave_api.post("/api/v1/instances", as_="xiaoming", json=body)
    assert response.status_code == 422, response.get_json()
    sign_in = leave_api.client.post("/api/v1/auth/token",
                                    json={"username": "zhang\x00", "password": "x"})
    assert sign_in.status_code == 422


def test_nul_characters_in_an_upload_form_field_are_422(api: ApiClient) -> None:
    response = api.deploy_files(leave_bundle(), process_id="leave\x00approval")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/process_id"


@pytest.mark.parametrize("depth", [33, 900, 100_000])
def test_deeply_nested_json_is_422(leave_api: ApiClient, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = f'{{"process_id": "leave_approval", "business_key": "K", "data": {{"a": {nested}}}}}'
    response = leave_api.post("/api/v1/instances", as_="xiaoming", data=body,
                              content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "nested deeper than 32" in json.dumps(response.get_json())
    complete = leave_api.post("/api/v1/tasks/1/complete", as_="zhang",
                              data=f'{{"data": {{"a": {nested}}}}}',
                              content_type="application/json")
    assert complete.status_code == 422


def test_json_nested_within_the_limit_reaches_validation(leave_api: ApiClient) -> None:
    nested = "[" * 30 + "]" * 30
    body = f'{{"process_id": "leave_approval", "business_key": "K", "data": {{"a": {nested}}}}}'
    response = leave_api.post("/api/v1/instances", as_="xiaoming", data=body,
                              content_type="application/json")
    assert response.status_code == 422  # the leave form has no field "a"
    assert "nested deeper" not in json.dumps(response.get_json())

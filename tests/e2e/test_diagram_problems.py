"""Problems an administrator can act on: one real element each, names as the file writes them."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.api_client import ApiClient

HEAD = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" '
        'targetNamespace="http://certflow.dev/tests">')


def both(api: ApiClient, files: list[tuple[str, bytes]]) -> list[Any]:
    """Deploy and validate answers to the same multipart upload (duplicate names allowed)."""
    answers = []
    for url in ("/api/v1/definitions", "/api/v1/definitions/validate"):
        data = {"files": [(io.BytesIO(content), name) for name, content in files]}
        answers.append(api.post(url, as_="admin", data=data, content_type="multipart/form-data"))
    return answers


def test_two_files_of_one_name_in_an_upload_are_refused(api: ApiClient) -> None:
    one = (HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>'
           '</bpmn:process></bpmn:definitions>').encode()
    for response in both(api, [("a.bpmn", one), ("a.bpmn", one.replace(b'"p"', b'"q"'))]):
        assert response.status_code == 422, response.get_json()
        problem = response.get_json()["errors"][0]
        assert problem["file"] == "a.bpmn" and "a.bpmn" in problem["message"]
    assert api.get("/api/v1/definitions", as_="admin").get_json() == []


def test_a_schema_error_names_the_element_with_its_prefix_as_written(api: ApiClient) -> None:
    diagram = (HEAD + '<bpmn:process id="p" isExecutable="true">\n<bpmn:startEvent id="s"/>\n'
               '<bpmn:bogus id="stray"/>\n</bpmn:process></bpmn:definitions>').encode()
    for response in both(api, [("a.bpmn", diagram)]):
        assert response.status_code == 422
        problem = response.get_json()["errors"][0]
        assert "'bpmn:bogus'" in problem["message"] and "{http" not in problem["message"]
        assert problem["element_id"] == "stray" and problem["line"] == 3


@pytest.mark.parametrize("executable", ['isExecutable="true"', 'isExecutable="false"'])
def test_a_choice_of_processes_is_located_on_one_real_process(api: ApiClient,
                                                             executable: str) -> None:
    diagram = (HEAD + f'<bpmn:process id="first" {executable}/>'
               f'<bpmn:process id="second" {executable}/></bpmn:definitions>').encode()
    for response in both(api, [("a.bpmn", diagram)]):
        assert response.status_code == 422
        problem = response.get_json()["errors"][0]
        assert problem["element_id"] == "first"
        assert problem["processes"] == ["first", "second"]

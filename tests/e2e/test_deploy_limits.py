"""Validate and deploy give the same answer, and refuse what could never run."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.runaway_diagrams import HEAD, TAIL, parallel_user_tasks, script_chain

SMALL = (HEAD.format(pid="small") + '<bpmn:sequenceFlow id="f" sourceRef="start" '
         'targetRef="end"/>' + TAIL)


def validate(api: ApiClient, files: dict[str, bytes]) -> Any:
    data = {"files": [(io.BytesIO(c), n) for n, c in files.items()]}
    return api.post("/api/v1/definitions/validate", as_="admin", data=data,
                    content_type="multipart/form-data")


def refused_alike(api: ApiClient, files: dict[str, bytes]) -> list[dict[str, Any]]:
    """Both answer 422 with the same problems; returns them."""
    checked, deployed = validate(api, files), api.deploy_files(files)
    assert checked.status_code == 422, checked.get_json()
    assert deployed.status_code == 422, deployed.get_json()
    assert checked.get_json()["errors"] == deployed.get_json()["errors"]
    return list(checked.get_json()["errors"])


def test_a_chain_too_long_to_parse_is_refused_at_the_element_where_it_gets_too_long(
        api: ApiClient) -> None:
    problems = refused_alike(api, {"chain.bpmn": script_chain(480)})
    assert len(problems) == 1
    assert problems[0]["element_id"] == "t299"
    assert "RecursionError" not in problems[0]["message"] and "300" in problems[0]["message"]


def test_a_chain_within_the_limit_deploys_and_runs_to_its_end(api: ApiClient) -> None:
    files = {"chain.bpmn": script_chain(250)}
    assert validate(api, files).status_code == 200
    assert api.deploy_files(files).status_code == 201
    body = api.start("long_chain", as_="xiaoming").get_json()
    assert body["status"] == "completed" and body["data"]["n"] == 249


def test_a_process_id_longer_than_a_start_accepts_is_refused(api: ApiClient) -> None:
    long_id = "p" * 129
    problems = refused_alike(api, {"long.bpmn": SMALL.replace('id="small"',
                                                              f'id="{long_id}"').encode()})
    assert problems[0]["element_id"] == long_id and "128" in problems[0]["message"]


def test_a_lane_naming_a_group_nobody_can_belong_to_is_refused(api: ApiClient) -> None:
    group = "g" * 65
    diagram = SMALL.replace('<bpmn:startEvent', f'<bpmn:laneSet id="ls"><bpmn:lane id="{group}">'
                            '<bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane>'
                            '</bpmn:laneSet><bpmn:startEvent', 1)
    problems = refused_alike(api, {"lane.bpmn": diagram.encode()})
    assert problems[0]["element_id"] == group and "64" in problems[0]["message"]


@pytest.mark.parametrize(("encoding", "content"), [
    ("utf-7", '<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE definitions+AD4-\n'),
    ("utf-16-le", '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE definitions>\n'),
    ("utf-16-be", '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE definitions>\n'),
])
def test_a_doctype_is_refused_whatever_the_encoding(
        api: ApiClient, encoding: str, content: str) -> None:
    raw = (content + SMALL.split("\n", 1)[1] if SMALL.startswith("<?xml") else
           content + SMALL).encode(encoding)
    problems = refused_alike(api, {"encoded.bpmn": raw})
    assert problems[0]["file"] == "encoded.bpmn"
    assert api.get("/api/v1/definitions", as_="admin").get_json() == []


def test_five_thousand_user_tasks_validate(api: ApiClient) -> None:
    """Once quadratic (an index of the diagram built by libxml2's ``.//*[@id]``)."""
    response = validate(api, {"many.bpmn": parallel_user_tasks(5000)})
    assert response.status_code == 200, response.get_json()


def lane_diagram(lane: str, task_properties: str = "") -> bytes:
    """One user task in a lane named ``lane``."""
    extensions = (f'<bpmn:extensionElements><spiffworkflow:properties>{task_properties}'
                  '</spiffworkflow:properties></bpmn:extensionElements>'
                  if task_properties else "")
    return (HEAD.format(pid="laned").replace(
        'xmlns:bpmn=', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:bpmn=') + f'<bpmn:laneSet id="ls"><bpmn:lane id="{lane}" name="保洁组">'
            '<bpmn:flowNodeRef>sign</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
            f'<bpmn:userTask id="sign" name="签字">{extensions}</bpmn:userTask>'
            '<bpmn:sequenceFlow id="a" sourceRef="start" targetRef="sign"/>'
            '<bpmn:sequenceFlow id="b" sourceRef="sign" targetRef="end"/>' + TAIL).encode()


def test_a_lane_naming_a_group_nobody_holds_is_refused_on_the_lane(api: ApiClient) -> None:
    [problem] = refused_alike(api, {"lane.bpmn": lane_diagram("janitors")})
    assert problem["element_id"] == "janitors" and problem["group"] == "janitors"
    assert "janitors" in problem["message"] and "保洁组" in problem["message"]
    assert problem["file"] == "lane.bpmn" and problem["line"] == 5


def test_a_candidate_group_nobody_holds_is_refused_on_the_task(api: ApiClient) -> None:
    files = {"lane.bpmn": lane_diagram(
        "class_teacher", '<spiffworkflow:property name="candidateGroup" value="janitors"/>')}
    [problem] = refused_alike(api, files)
    assert (problem["element_id"], problem["group"]) == ("sign", "janitors")


@pytest.mark.parametrize("group", ["class_teacher", "teacher", "applicant", "auditor"])
def test_a_lane_naming_a_role_deploys(api: ApiClient, group: str) -> None:
    files = {"lane.bpmn": lane_diagram(group)}
    assert validate(api, files).status_code == 200
    assert api.deploy_files(files).status_code == 201

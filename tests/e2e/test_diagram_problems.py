"""Problems an administrator can act on: one real element each, names as the file writes them."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pytest
from lxml import etree

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


CJK = re.compile(r"[\u4e00-\u9fff]")
RAW = re.compile(r"\w+(?:Error|Exception)\b|\{http|0x[0-9a-f]{6}")


def process(body: str, head: str = HEAD) -> bytes:
    return (head + '<bpmn:process id="p" isExecutable="true">\n<bpmn:startEvent id="s"/>\n'
            + body + '\n</bpmn:process></bpmn:definitions>').encode()


def flow_to(target: str) -> str:
    return f'<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="{target}"/>\n'


# One upload per kind of problem: (files, the element it is located on, a Chinese fragment).
KINDS: dict[str, tuple[list[tuple[str, bytes]], str | None, str]] = {
    "schema": ([("a.bpmn", process('<bpmn:bogus id="stray"/>'))], "stray", "'bpmn:bogus'"),
    "missing attribute": ([("a.bpmn", process(
        '<bpmn:boundaryEvent id="b"><bpmn:timerEventDefinition id="t"/></bpmn:boundaryEvent>'))],
        "b", "attachedToRef"),
    "event definition schema": ([("a.bpmn", process(
        flow_to("c") + '<bpmn:intermediateCatchEvent id="c"><bpmn:conditionalEventDefinition '
        'id="m"/></bpmn:intermediateCatchEvent>'))], "c", "缺少子元素"),
    # SpiffWorkflow fails here with TypeError(...) of its own: refused before it parses.
    "undefined message": ([("a.bpmn", process(
        flow_to("c") + '<bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition '
        'id="m" messageRef="nomsg"/></bpmn:intermediateCatchEvent>'))], "c", "nomsg"),
    "undefined flow target": ([("a.bpmn", process(flow_to("nothing")))], "f", "nothing"),
    "no lane": ([("a.bpmn", process(flow_to("u") + '<bpmn:userTask id="u"/>'))], "u", "泳道"),
    "empty timer": ([("a.bpmn", process(
        flow_to("gw") + '<bpmn:eventBasedGateway id="gw"/><bpmn:sequenceFlow id="g" '
        'sourceRef="gw" targetRef="wait"/><bpmn:intermediateCatchEvent id="wait">'
        '<bpmn:timerEventDefinition id="td"/></bpmn:intermediateCatchEvent>'))], "wait", "定时器"),
    "timer cycle": ([("a.bpmn", process(
        flow_to("wait") + '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition '
        'id="td"><bpmn:timeCycle>"R3/PT1H"</bpmn:timeCycle></bpmn:timerEventDefinition>'
        '</bpmn:intermediateCatchEvent>'))], "wait", "循环定时器"),
    "condition": ([("a.bpmn", process(
        '<bpmn:exclusiveGateway id="gw"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="gw"/>'
        '<bpmn:sequenceFlow id="g" sourceRef="gw" targetRef="e"><bpmn:conditionExpression>'
        'days +</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:endEvent id="e"/>'))],
        "gw", "语法错误"),
    "call activity": ([("a.bpmn", process(flow_to("c") + '<bpmn:callActivity id="c" '
                                          'calledElement="elsewhere"/>'))], "c", "elsewhere"),
    "malformed XML": ([("a.bpmn", b"<a><b></a>")], None, "XML 格式错误"),
    "duplicate names": ([("a.bpmn", process("")), ("a.bpmn", process(""))], None, "a.bpmn"),
}


def refusals(api: ApiClient, files: list[tuple[str, bytes]], query: str = "",
             headers: dict[str, str] | None = None) -> list[Any]:
    bodies = []
    for url in ("/api/v1/definitions", "/api/v1/definitions/validate"):
        data = {"files": [(io.BytesIO(content), name) for name, content in files]}
        response = api.client.post(url + query, data=data, content_type="multipart/form-data",
                                   headers={**api.headers("admin"), **(headers or {})})
        assert response.status_code == 422, response.get_json()
        bodies.append(response.get_json())
    deployed, validated = bodies
    assert deployed["errors"] == validated["errors"] and deployed["detail"] == validated["detail"]
    return bodies


def real_ids(files: list[tuple[str, bytes]]) -> set[str]:
    ids: set[str] = set()
    for _, content in files:
        with contextlib.suppress(etree.XMLSyntaxError):
            ids |= {str(e.get("id")) for e in etree.fromstring(content).iter() if e.get("id")}
    return ids


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_problem_is_chinese_located_and_english_on_request(
        api: ApiClient, kind: str) -> None:
    files, element_id, fragment = KINDS[kind]
    body, _ = refusals(api, files)
    assert CJK.search(body["title"]) and CJK.search(body["detail"]), body
    [problem, *_] = body["errors"]
    assert fragment in problem["message"] and CJK.search(problem["message"]), problem
    for each in body["errors"]:
        assert CJK.search(each["message"]) and not RAW.search(each["message"]), each
        assert each.get("element_id") in real_ids(files) | {None}, each
    assert problem.get("element_id") == element_id, problem
    for query, headers in (("?lang=en", None), ("", {"Accept-Language": "en-US,en;q=0.9"})):
        english, _ = refusals(api, files, query, headers)
        assert english["title"] == "Invalid process definition", english
        assert not CJK.search(english["detail"]), english
        for each in english["errors"]:
            assert not CJK.search(each["message"]) and not RAW.search(each["message"]), each
        assert [e.get("element_id") for e in english["errors"]] == [
            e.get("element_id") for e in body["errors"]]
    browser = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    chinese_browser, _ = refusals(api, files, headers=browser)
    assert chinese_browser == body
    assert api.get("/api/v1/definitions", as_="admin").get_json() == []

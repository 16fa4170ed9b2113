"""Decision tables: a UNIQUE table never silently takes the first of two matching rules."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.api_client import ApiClient

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn_defs" name="等级"
    namespace="http://certflow.dev/tests">
  <decision id="grade" name="等级">
    <decisionTable id="grade_table" hitPolicy="UNIQUE">
      <input id="in_days" label="天数">
        <inputExpression id="in_days_expr" typeRef="number"><text>days</text></inputExpression>
      </input>
      <output id="out_level" label="等级" name="level" typeRef="string"/>
      <rule id="rule_short">
        <inputEntry id="rule_short_days"><text>SHORT_CELL</text></inputEntry>
        <outputEntry id="rule_short_level"><text>"short"</text></outputEntry>
      </rule>
      <rule id="rule_long">
        <inputEntry id="rule_long_days"><text>&gt;= 2</text></inputEntry>
        <outputEntry id="rule_long_level"><text>"long"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""
BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs"
    targetNamespace="http://certflow.dev/tests">
  <bpmn:process id="graded" name="分级" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" name="定级">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>grade</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def bundle(short_cell: str, dmn: str = DMN) -> dict[str, bytes]:
    return {"graded.bpmn": BPMN.encode(),
            "grade.dmn": dmn.replace("SHORT_CELL", escape(short_cell)).encode()}


def test_a_unique_table_matching_two_rules_stops_the_run_with_an_incident(
        api: ApiClient) -> None:
    # Whether the rules overlap depends on data, so deploy cannot tell: the run must.
    deployed = api.deploy_files(bundle("<= short_limit"))
    assert deployed.status_code == 201, deployed.get_json()

    one_match = api.start("graded", as_="xiaoming", days=1, short_limit=3).get_json()
    assert one_match["status"] == "completed" and one_match["data"]["level"] == "short"

    body = api.start("graded", as_="xiaoming", days=2.5, short_limit=3).get_json()
    assert body["status"] == "incident"
    error = body["error"]
    assert error["kind"] == "decision" and error["element_id"] == "decide"
    assert error["rules"] == ["rule_short", "rule_long"]
    assert "UNIQUE" in error["message"]
    assert "level" not in body["data"]  # the first match was not taken
    kinds = [e["kind"] for e in api.events(body["id"])]
    assert kinds == ["instance_started", "incident_raised"]


def validate(api: ApiClient, files: dict[str, bytes]) -> Any:
    data = {"files": [(io.BytesIO(c), n) for n, c in files.items()]}
    return api.post("/api/v1/definitions/validate", as_="admin", data=data,
                    content_type="multipart/form-data")


@pytest.mark.parametrize("short_cell", ["<= 3", "2", "1 < ? <= 5", "? in (2, 3)", "-",
                                        "[0..3]", "not(< 1)", "1, 5", "]1..2]"])
def test_rules_that_overlap_under_unique_are_refused_at_deploy_on_the_rule(
        api: ApiClient, short_cell: str) -> None:
    files = bundle(short_cell)
    deployed, checked = api.deploy_files(files), validate(api, files)
    assert deployed.status_code == checked.status_code == 422, deployed.get_json()
    problem = deployed.get_json()["errors"][0]
    assert checked.get_json()["errors"] == deployed.get_json()["errors"]
    assert problem["file"] == "grade.dmn" and problem["element_id"] == "rule_long"
    assert problem["overlaps"] == "rule_short" and problem["cells"] == ["rule_long_days"]
    assert "UNIQUE" in problem["message"]


@pytest.mark.parametrize("short_cell", ["< 2", "1", "? in (0, 1)", "? <= short_limit",
                                        "[0..2)", "not(>= 2)", "[0..1], (1..2[", "0, 1"])
def test_rules_that_cannot_overlap_deploy(api: ApiClient, short_cell: str) -> None:
    assert api.deploy_files(bundle(short_cell)).status_code == 201


@pytest.mark.parametrize("short_cell", ["[0..2)", "not(>= 2)", "< 1, [1..2["])
def test_feel_cells_decide_at_run_time_as_deploy_read_them(api: ApiClient,
                                                          short_cell: str) -> None:
    assert api.deploy_files(bundle(short_cell)).status_code == 201
    for days, level in [(1, "short"), (1.5, "short"), (2, "long"), (7, "long")]:
        body = api.start("graded", as_="xiaoming", days=days, short_limit=3).get_json()
        assert body["status"] == "completed" and body["data"]["level"] == level, (days, body)


@pytest.mark.parametrize(("short_cell", "long_cell", "uncovered"), [
    ("< 10", ">= 20", ["[10..20)"]),
    ("[0..10)", "[20..100]", ["[10..20)"]),
    ("< 5, > 50", "[10..20]", ["[5..10)", "(20..50]"]),
    ("not([5..60])", "[10..20]", ["[5..10)", "(20..60]"]),
])
def test_numbers_between_the_rules_are_refused_on_the_input(
        api: ApiClient, short_cell: str, long_cell: str, uncovered: list[str]) -> None:
    dmn = DMN.replace("&gt;= 2", escape(long_cell))
    files = bundle(short_cell, dmn)
    deployed, checked = api.deploy_files(files), validate(api, files)
    assert deployed.status_code == checked.status_code == 422, deployed.get_json()
    assert checked.get_json()["errors"] == deployed.get_json()["errors"]
    [problem] = deployed.get_json()["errors"]
    assert problem["file"] == "grade.dmn" and problem["element_id"] == "in_days"
    assert problem["uncovered"] == uncovered
    assert f"{'、'.join(uncovered)} 无规则覆盖" in problem["message"]
    english = api.post("/api/v1/definitions/validate?lang=en", as_="admin", data={
        "files": [(io.BytesIO(c), n) for n, c in files.items()]},
        content_type="multipart/form-data").get_json()["errors"][0]
    assert english["message"].endswith(f"no rule covers {', '.join(uncovered)}")


def test_a_declared_range_the_rules_do_not_fill_is_refused(api: ApiClient) -> None:
    dmn = DMN.replace('<text>days</text></inputExpression>', '<text>days</text>'
                      '</inputExpression><inputValues id="days_values"><text>[0..365]</text>'
                      '</inputValues>')
    dmn = dmn.replace("&gt;= 2", "[2..100]")
    response = api.deploy_files(bundle("[0..2)", dmn))
    assert response.status_code == 422, response.get_json()
    [problem] = response.get_json()["errors"]
    assert (problem["element_id"], problem["uncovered"]) == ("in_days", ["(100..365]"])
    assert api.deploy_files(bundle("[0..2)", dmn.replace("[2..100]", ">= 2"))
                            ).status_code == 201


def test_a_declared_input_value_no_rule_covers_is_refused_on_the_input(api: ApiClient) -> None:
    kind = ('<input id="in_kind" label="类型"><inputExpression id="in_kind_expr" '
            'typeRef="string"><text>kind</text></inputExpression><inputValues id="kind_values">'
            '<text>"事假", "病假", "公假"</text></inputValues></input>')
    dmn = DMN.replace('<output id="out_level"', kind + '<output id="out_level"', 1)
    dmn = dmn.replace('<outputEntry id="rule_short_level">', '<inputEntry id="rule_short_kind">'
                      '<text>"事假"</text></inputEntry><outputEntry id="rule_short_level">')
    dmn = dmn.replace('<outputEntry id="rule_long_level">', '<inputEntry id="rule_long_kind">'
                      '<text>LONG_KIND</text></inputEntry>'
                      '<outputEntry id="rule_long_level">')
    for long_kind in ['? in ("事假", "病假")', '"事假", "病假"', 'not("公假", "婚假")']:
        files = bundle("< 2", dmn.replace("LONG_KIND", escape(long_kind)))
        response, checked = api.deploy_files(files), validate(api, files)
        assert response.status_code == 422, response.get_json()
        problems = response.get_json()["errors"]
        assert checked.get_json()["errors"] == problems
        assert [(p["element_id"], p["value"]) for p in problems] == [("in_kind", "公假")]
        assert problems[0]["file"] == "grade.dmn" and "公假" in problems[0]["message"]
    covering = bundle("< 2", dmn.replace("LONG_KIND", escape('not("婚假")')))
    assert api.deploy_files(covering).status_code == 201

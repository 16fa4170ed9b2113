"""The certification diagrams are complete for bpmn-js: every element has its shape or edge,
every lane is a known group, and every user task names a form and a due time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = sorted((ROOT / "bpmn").glob("certification_*.bpmn"))
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
GROUPS = {g["id"] for g in json.loads((ROOT / "config" / "demo_users.json").read_text(
    encoding="utf-8"))["groups"]}


def test_there_are_four_certification_diagrams() -> None:
    assert [p.stem for p in DIAGRAMS] == ["certification_appeal", "certification_application",
                                          "certification_reissue", "certification_revocation"]


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_every_element_is_drawn(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    process = root.find("bpmn:process", NS)
    drawn = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    nodes = {e.get("id") for e in process if e.get("id") and etree.QName(e).localname not in (
        "laneSet", "sequenceFlow", "documentation")}
    flows = {e.get("id") for e in process.iterfind("bpmn:sequenceFlow", NS)}
    lanes = {e.get("id") for e in process.iterfind(".//bpmn:lane", NS)}
    participants = {e.get("id") for e in root.iterfind(".//bpmn:participant", NS)}
    assert nodes | lanes | participants <= drawn
    assert flows <= edges
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        assert len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_lanes_are_groups_with_chinese_names_and_user_tasks_have_forms(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    for lane in root.iterfind(".//bpmn:lane", NS):
        assert lane.get("id") in GROUPS
        assert any("\u4e00" <= ch <= "\u9fff" for ch in lane.get("name"))
    for task in root.iterfind(".//bpmn:userTask", NS):
        props = {p.get("name"): p.get("value") for p in task.iterfind(".//spiff:property", NS)}
        assert (ROOT / "bpmn" / "forms" / props["formJsonSchemaFilename"]).exists()
        assert task.get("id") == "correct_application" or props.get("dueIn", "").startswith("P")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in task.get("name"))

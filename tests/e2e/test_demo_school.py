"""The demo school: built through the directory's import path, once, and believable."""

from __future__ import annotations

from flask import Flask

from api.demo_school import LEARNERS_PER_CLASS, classes, seed_school
from tests.api_client import ApiClient


def _walk(node: dict, kind: str) -> list[dict]:
    found = [node] if node["kind"] == kind else []
    for child in node["children"]:
        found += _walk(child, kind)
    return found


def test_the_demo_school_has_its_tree_teachers_and_learners(app: Flask, api: ApiClient) -> None:
    with app.test_request_context():
        first = seed_school()
        again = seed_school()
    assert first.problems == [] and again.problems == []
    assert first.people == 8 + 2 + 8 * LEARNERS_PER_CLASS
    assert (again.units, again.people) == (0, 0)  # idempotent
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    assert len(_walk(root, "department")) == 2 and len(_walk(root, "major")) == 4
    assert {c["name"] for c in _walk(root, "class")} == set(classes())
    assert {o["name"] for o in _walk(root, "office")} == {"教务处", "学生工作处", "招生就业处",
                                                           "督导室"}
    # The demo users' classes now sit under their 专业; 刘洋 is still enrolled in 机电2301.
    major = next(m for m in _walk(root, "major") if m["code"] == "M01")
    assert [c["name"] for c in major["children"]] == ["机电2301", "机电2401"]
    me = api.get("/api/v1/me", as_="liuyang").get_json()
    assert [e["unit"]["name"] for e in me["enrolments"]] == ["机电2301"]
    # Every class has its 班主任, who signs in and sees the class.
    for index, name in enumerate(classes()):
        teacher = api.get("/api/v1/me", as_=f"bzr{index + 1:02d}").get_json()
        assert [(p["role"], p["unit"]["name"]) for p in teacher["positions"]] == [
            ("class_teacher", name)]
    unit = next(c for c in _walk(root, "class") if c["name"] == "数控2402")
    learners = api.get("/api/v1/directory/people", as_="admin",
                       query_string={"unit_id": unit["id"], "limit": 100}).get_json()
    assert len(learners) == LEARNERS_PER_CLASS + 1  # and their 班主任
    assert all("*" in p["id_number"] for p in learners if p["id_number"])

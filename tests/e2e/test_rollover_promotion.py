"""Promoting classes at the year's end: each chosen class moves up one 年级, keeping its name,
learners and teachers, in the same previewed, confirmed, digest-checked batch as the
graduations; recorded in the directory's history with before and after."""

from __future__ import annotations

from typing import Any

from flask import Flask

from models import db
from models.directory import OrgUnit, UnitKind
from tests.api_client import ApiClient
from tests.e2e.test_directory_import import upload
from tests.e2e.test_rollover import unit_ids
from tests.sheet_files import learner_rows, xlsx
from workflows.directory.units import add_unit

ON = "2027-07-10"  # the last day of the 2026/27 school year


def units_by_name(api: ApiClient) -> dict[str, dict[str, Any]]:
    """Every unit of the centre's tree, archived ones too, by name."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any]) -> None:
        found[node["name"]] = node
        for child in node["children"]:
            walk(child)

    for root in api.get("/api/v1/directory/units", as_="admin",
                        query_string={"include_inactive": "true"}).get_json():
        walk(root)
    return found


def set_grade(api: ApiClient, unit_id: int, grade: int) -> None:
    answer = api.patch(f"/api/v1/admin/units/{unit_id}", as_="admin", json={"grade": grade})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["grade"] == grade


def test_chosen_classes_move_up_a_grade_beside_a_graduating_class(api: ApiClient) -> None:
    units = unit_ids(api)
    set_grade(api, units["数控2302"], 1)
    # 电商2303 has no grade: its learners' 入学年份 (2025) make it 二年级 in 2026/27.
    imported = upload(api, xlsx(learner_rows(6, classes=["电商2303"], year=2025)),
                      "learners.xlsx").get_json()
    assert api.post(f"/api/v1/directory/imports/{imported['id']}/confirm",
                    as_="admin").status_code == 200
    body = {"on": ON, "graduate_class_ids": [units["机电2301"]],
            "promote_class_ids": [units["数控2302"], units["电商2303"]]}
    preview = api.post("/api/v1/admin/rollover/preview", as_="admin", json=body)
    assert preview.status_code == 200, preview.get_json()
    plan = preview.get_json()
    promoted = {p["name"]: p for p in plan["promotions"]}
    assert set(promoted) == {"数控2302", "电商2303"}
    assert (promoted["数控2302"]["grade_before"], promoted["数控2302"]["grade_after"],
            promoted["数控2302"]["grade_derived"]) == (1, 2, False)
    assert (promoted["电商2303"]["grade_before"], promoted["电商2303"]["grade_after"],
            promoted["电商2303"]["grade_derived"]) == (2, 3, True)
    assert promoted["电商2303"]["learners"] >= 6
    assert [c["name"] for c in plan["classes"]] == ["机电2301"]
    assert {row["class"] for row in plan["learners"]} == {"机电2301"}  # only graduates end
    assert units_by_name(api)["数控2302"]["grade"] == 1  # the preview wrote nothing

    done = api.post("/api/v1/admin/rollover/confirm", as_="admin",
                    json={**body, "digest": plan["digest"]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["promoted"] == 2
    after = units_by_name(api)
    assert (after["数控2302"]["grade"], after["数控2302"]["name"]) == (2, "数控2302")
    assert after["电商2303"]["grade"] == 3 and after["电商2303"]["active"] is True
    assert after["机电2301"]["active"] is False
    assert "数控2302" in unit_ids(api)  # still in the working tree, with its learners
    history = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"limit": 500}).get_json()
    changed = [c for c in history["changes"] if c["kind"] == "unit_changed"
               and c["subject_id"] == units["数控2302"]]
    assert changed and changed[0]["before"]["grade"] == 1
    assert changed[0]["after"]["grade"] == 2
    assert history["intact"] is True


def test_a_grade_changed_after_the_preview_refuses_the_promotion(api: ApiClient) -> None:
    units = unit_ids(api)
    set_grade(api, units["数控2302"], 1)
    body = {"on": ON, "promote_class_ids": [units["数控2302"]]}
    plan = api.post("/api/v1/admin/rollover/preview", as_="admin", json=body).get_json()
    set_grade(api, units["数控2302"], 2)  # someone else moved it up meanwhile
    stale = api.post("/api/v1/admin/rollover/confirm", as_="admin",
                     json={**body, "digest": plan["digest"]})
    assert stale.status_code == 409 and "重新预览" in stale.get_json()["detail"]
    assert units_by_name(api)["数控2302"]["grade"] == 2  # not 3: nothing written


def test_a_class_without_a_known_grade_or_chosen_twice_is_refused(api: ApiClient) -> None:
    units = unit_ids(api)
    unknown = api.post("/api/v1/admin/rollover/preview", as_="admin",
                       json={"on": ON, "promote_class_ids": [units["汽修2304"]]})
    assert unknown.status_code == 422
    assert "请先设置它的年级" in unknown.get_json()["detail"]
    twice = api.post("/api/v1/admin/rollover/preview", as_="admin",
                     json={"on": ON, "graduate_class_ids": [units["汽修2304"]],
                           "promote_class_ids": [units["汽修2304"]]})
    assert twice.status_code == 422 and "既毕业又升级" in twice.get_json()["detail"]
    department = api.post("/api/v1/admin/rollover/preview", as_="admin",
                          json={"on": ON, "promote_class_ids": [units["默认机构"]]})
    assert department.status_code == 422


def test_an_administrator_cannot_promote_another_centres_class(app: Flask,
                                                               api: ApiClient) -> None:
    with app.app_context():
        session = db.session()
        other = add_unit(session, kind=UnitKind.INSTITUTION, code="B-CENTRE", name="乙鉴定站")
        klass = add_unit(session, kind=UnitKind.CLASS, code="B2301", name="乙2301",
                         parent=other)
        klass.grade = 1
        session.commit()
        class_id = klass.id
    body = {"on": ON, "promote_class_ids": [class_id]}
    assert api.post("/api/v1/admin/rollover/preview", as_="admin",
                    json=body).status_code == 404
    assert api.post("/api/v1/admin/rollover/confirm", as_="admin",
                    json={**body, "digest": "0" * 64}).status_code == 404
    assert api.patch(f"/api/v1/admin/units/{class_id}", as_="admin",
                     json={"grade": 3}).status_code == 404
    with app.app_context():
        unit = db.session.get(OrgUnit, class_id)
        assert unit is not None and unit.grade == 1


def test_a_new_class_is_given_its_grade_and_only_a_class_has_one(api: ApiClient) -> None:
    units = units_by_name(api)
    major = next(u for u in units.values()  # the unit the classes hang under
                 if any(c["kind"] == "class" for c in u["children"]))
    created = api.post("/api/v1/admin/units", as_="admin", json={
        "kind": "class", "code": "C-GRADE", "name": "光伏2601", "parent_id": major["id"],
        "grade": 1})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["grade"] == 1
    assert units_by_name(api)["光伏2601"]["grade"] == 1
    not_a_class = api.patch(f"/api/v1/admin/units/{major['id']}", as_="admin",
                            json={"grade": 2})
    assert not_a_class.status_code == 422 and "不是班级" in not_a_class.get_json()["detail"]
    out_of_range = api.patch(f"/api/v1/admin/units/{created.get_json()['id']}", as_="admin",
                             json={"grade": 0})
    assert out_of_range.status_code == 422

"""The school directory over HTTP: who I am, the organisation tree, and people search."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from models import OrgUnit, Person, db
from models.directory import UnitKind
from models.statuses import PersonStatus
from tests.api_client import ApiClient
from workflows.core.errors import Conflict, InvalidInput
from workflows.directory.people import add_person, appoint
from workflows.directory.units import add_unit, default_centre

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
VALID_ID = "11010519491231002X"


def _centre(app: Flask) -> int:
    with app.app_context():
        return default_centre(db.session()).id


def _add_people(app: Flask, **fields: Any) -> int:
    with app.app_context():
        session = db.session()
        person = add_person(session, tenant_id=default_centre(session).id, now=NOW,
                            status=PersonStatus.STUDYING, **fields)
        session.commit()
        return person.id


def test_me_names_the_person_their_centre_and_positions(api: ApiClient) -> None:
    body = api.get("/api/v1/me", as_="qian").get_json()
    assert body["username"] == "qian"
    assert body["person"]["name"] == "钱考评"
    assert body["person"]["status_name"] == "在职"
    assert body["centre"]["kind_name"] == "机构"
    held = {(p["role"], p["unit"]["name"]) for p in body["positions"]}
    assert held == {("examiner", "默认机构"), ("teacher", "机电2301")}
    assert body["enrolments"] == []


def test_me_shows_a_learners_class(api: ApiClient) -> None:
    body = api.get("/api/v1/me", as_="liuyang").get_json()
    assert body["person"]["status_name"] == "在读"
    assert [e["unit"]["name"] for e in body["enrolments"]] == ["机电2301"]
    assert body["enrolments"][0]["unit"]["kind_name"] == "班级"
    assert body["positions"] == []


def test_the_unit_tree_nests_departments_majors_and_classes(app: Flask, api: ApiClient) -> None:
    with app.app_context():
        session = db.session()
        centre = default_centre(session)
        department = add_unit(session, kind=UnitKind.DEPARTMENT, code="D01", name="机电工程系",
                              parent=centre)
        major = add_unit(session, kind=UnitKind.MAJOR, code="M01", name="机电一体化",
                         parent=department)
        add_unit(session, kind=UnitKind.CLASS, code="C2401", name="机电2401", parent=major)
        session.commit()
    [root] = api.get("/api/v1/directory/units", as_="zhang").get_json()
    assert root["name"] == "默认机构" and root["kind"] == "institution"
    department_node = next(c for c in root["children"] if c["code"] == "D01")
    [major_node] = department_node["children"]
    assert major_node["kind_name"] == "专业"
    assert [c["name"] for c in major_node["children"]] == ["机电2401"]
    assert {"机电2301", "数控2302", "电商2303", "汽修2304"} <= {
        c["name"] for c in root["children"]}


def test_people_search_masks_id_numbers_and_mobiles(app: Flask, api: ApiClient) -> None:
    _add_people(app, name="周晓燕", id_number=VALID_ID, number="S2024001", mobile="13812345678")
    for q in ("晓燕", "S2024001", VALID_ID):
        [found] = api.get("/api/v1/directory/people", as_="zhang",
                          query_string={"q": q}).get_json()
        assert found["name"] == "周晓燕"
        assert found["id_number"] == "1101**********002X"
        assert found["mobile"] == "138****5678"
    raw = api.get("/api/v1/directory/people", as_="zhang", query_string={"q": "晓燕"}).data
    assert VALID_ID.encode() not in raw and b"13812345678" not in raw


def test_people_search_by_unit_keeps_its_members(api: ApiClient) -> None:
    tree = api.get("/api/v1/directory/units", as_="admin").get_json()
    unit = next(c for c in tree[0]["children"] if c["name"] == "机电2301")
    found = api.get("/api/v1/directory/people", as_="admin",
                    query_string={"unit_id": unit["id"]}).get_json()
    assert {p["name"] for p in found} == {"刘洋", "钱考评"}
    missing = api.get("/api/v1/directory/people", as_="admin", query_string={"unit_id": 999999})
    assert missing.status_code == 404


def test_learners_may_not_search_people(api: ApiClient) -> None:
    response = api.get("/api/v1/directory/people", as_="xiaoming", query_string={"q": "小"})
    assert response.status_code == 403
    assert "学员" in response.get_json()["detail"]


def test_another_centres_people_and_units_stay_out_of_sight(app: Flask, api: ApiClient) -> None:
    with app.app_context():
        session = db.session()
        other = add_unit(session, kind=UnitKind.INSTITUTION, code="B", name="乙鉴定站")
        add_unit(session, kind=UnitKind.CLASS, code="B01", name="乙班", parent=other)
        add_person(session, tenant_id=other.id, name="外站学员", now=NOW,
                   status=PersonStatus.STUDYING, id_number=VALID_ID)
        session.commit()
    assert api.get("/api/v1/directory/people", as_="admin",
                   query_string={"q": "外站"}).get_json() == []
    tree = api.get("/api/v1/directory/units", as_="admin").get_json()
    assert [root["name"] for root in tree] == ["默认机构"]
    assert "乙班" not in str(tree)


def test_an_id_number_is_checked_and_unique_within_a_centre(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        centre = default_centre(session)
        with pytest.raises(InvalidInput, match="校验码"):
            add_person(session, tenant_id=centre.id, name="甲", now=NOW,
                       status=PersonStatus.STUDYING, id_number="110105194912310021")
        add_person(session, tenant_id=centre.id, name="乙", now=NOW,
                   status=PersonStatus.STUDYING, id_number=VALID_ID.lower())
        with pytest.raises(Conflict):
            add_person(session, tenant_id=centre.id, name="丙", now=NOW,
                       status=PersonStatus.STUDYING, id_number=VALID_ID)
        stored = session.scalar(sa.select(Person.id_number).where(Person.name == "乙"))
        assert stored == VALID_ID
        other = add_unit(session, kind=UnitKind.INSTITUTION, code="B", name="乙鉴定站")
        add_person(session, tenant_id=other.id, name="丁", now=NOW,
                   status=PersonStatus.STUDYING, id_number=VALID_ID)  # another centre: fine
        with pytest.raises(InvalidInput, match="未知的岗位角色"):
            appoint(session, session.get(Person, 1) or Person(), "janitor", centre)
        session.rollback()


def test_positions_outside_their_dates_are_not_shown(app: Flask, api: ApiClient) -> None:
    from datetime import date
    with app.app_context():
        session = db.session()
        person = session.scalar(sa.select(Person).where(Person.name == "张老师"))
        unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "数控2302"))
        assert person is not None and unit is not None
        appoint(session, person, "class_teacher", unit, valid_from=date(2020, 9, 1),
                valid_to=date(2021, 7, 1))
        session.commit()
    roles = {(p["role"], p["unit"]["name"])
             for p in api.get("/api/v1/me", as_="zhang").get_json()["positions"]}
    assert ("class_teacher", "数控2302") not in roles
    assert ("class_teacher", "默认机构") in roles

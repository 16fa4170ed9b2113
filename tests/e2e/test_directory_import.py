"""Importing learners and staff from Excel and CSV over HTTP: templates, preview, confirm."""

from __future__ import annotations

import io
from typing import Any

import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from models import DirectoryChange, Enrolment, OrgUnit, Person, Position, db
from tests.api_client import ApiClient
from tests.sheet_files import csv_bytes, id_number, learner_rows, wrong_check_digit, xlsx
from workflows.onboarding.sheets import STAFF_COLUMNS

CLASSES = ["机电2301", "数控2302", "电商2303", "汽修2304"]


def upload(api: ApiClient, content: bytes, name: str, *, kind: str = "learners",
           as_: str = "admin") -> TestResponse:
    return api.post("/api/v1/directory/imports", as_=as_, query_string={"kind": kind},
                    data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def confirm(api: ApiClient, import_id: int, *, as_: str = "admin") -> TestResponse:
    return api.post(f"/api/v1/directory/imports/{import_id}/confirm", as_=as_)


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session().scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_templates_carry_the_chinese_headers(api: ApiClient) -> None:
    response = api.get("/api/v1/directory/import-templates/learners", as_="admin")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["姓名", "性别", "身份证号", "学号", "班级", "专业",
                                           "系部", "手机号", "入学年份"]
    staff = api.get("/api/v1/directory/import-templates/staff", as_="admin",
                    query_string={"format": "csv"})
    assert staff.mimetype == "text/csv"
    text = staff.data.decode("utf-8")
    assert text.startswith("\ufeff姓名,性别,身份证号,工号,部门,岗位,手机号")
    assert api.get("/api/v1/directory/import-templates/learners",
                   as_="zhang").status_code == 403


def test_a_2000_row_sheet_with_bad_rows_is_refused_then_fixed_imports_once(
        app: Flask, api: ApiClient) -> None:
    rows = learner_rows(2000, classes=CLASSES)
    good = [list(r) for r in rows]
    rows[99][2] = wrong_check_digit(rows[99][2])  # sheet row 101
    rows[700][2] = rows[10][2]  # sheet row 702 repeats row 12's 身份证号
    rows[1499][4] = "机电9999"  # sheet row 1501: no such class
    people_before = count(app, Person)

    preview = upload(api, xlsx(rows), "学员.xlsx")
    assert preview.status_code == 201, preview.get_json()
    body = preview.get_json()
    assert body["status"] == "previewed"
    assert body["summary"]["add"] == 1997 and body["summary"]["invalid"] == 3
    located = {(p["row"], p["column"]) for p in body["problems"]}
    assert located == {(101, "身份证号"), (702, "身份证号"), (1501, "班级")}
    reasons = {p["row"]: p["reason"] for p in body["problems"]}
    assert "校验码" in reasons[101]
    assert "第 12 行重复" in reasons[702]
    assert "机电9999" in reasons[1501] and "不存在" in reasons[1501]

    refused = confirm(api, body["id"])
    assert refused.status_code == 422
    problem = refused.get_json()
    assert "3 处问题" in problem["detail"] and "未写入" in problem["detail"]
    assert {(e["row"], e["column"]) for e in problem["errors"]} == located
    assert count(app, Person) == people_before
    assert count(app, DirectoryChange) == 0

    fixed = upload(api, xlsx(good), "学员-改正.xlsx").get_json()
    assert fixed["summary"] == {"rows": 2000, "add": 2000, "update": 0, "unchanged": 0,
                                "invalid": 0, "problems": 0}
    done = confirm(api, fixed["id"])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "confirmed"
    assert count(app, Person) == people_before + 2000
    changes = count(app, DirectoryChange)
    assert changes == 4000  # each learner added, and enrolled in a class
    assert confirm(api, fixed["id"]).status_code == 409  # one confirmation per upload

    again = upload(api, xlsx(good), "学员-再次.xlsx").get_json()
    assert again["summary"]["unchanged"] == 2000 and again["rows"] == []
    assert confirm(api, again["id"]).status_code == 200
    assert count(app, Person) == people_before + 2000
    assert count(app, DirectoryChange) == changes
    with app.app_context():
        session = db.session()
        person = session.scalar(sa.select(Person).where(Person.number == good[5][3]))
        assert person is not None and person.name == good[5][0]
        [class_name] = session.scalars(sa.select(OrgUnit.name).join(
            Enrolment, Enrolment.unit_id == OrgUnit.id).where(Enrolment.person_id == person.id))
        assert class_name == good[5][4]


def test_gbk_csv_updates_move_a_learner_and_history_keeps_before_and_after(
        app: Flask, api: ApiClient) -> None:
    rows = learner_rows(3, classes=["机电2301"], prefix="G")
    first = upload(api, csv_bytes(rows, encoding="gbk"), "学员.csv").get_json()
    assert first["summary"]["add"] == 3, first
    assert first["rows"][0]["name"] == rows[0][0]  # the Chinese name read from GBK
    assert confirm(api, first["id"]).status_code == 200

    rows[1][4] = "数控2302"  # moved to another class
    rows[1][7] = "13700000000"
    preview = upload(api, csv_bytes(rows, encoding="gbk"), "学员.csv").get_json()
    assert preview["summary"]["update"] == 1 and preview["summary"]["unchanged"] == 2
    [row] = preview["rows"]
    assert row["row"] == 3 and row["action"] == "update"
    assert row["changes"]["班级"] == ["机电2301", "数控2302"]
    assert row["changes"]["手机号"] == [rows[1][7][:0] + "139" + f"{1:08d}", "13700000000"]
    assert confirm(api, preview["id"]).status_code == 200

    history = api.get("/api/v1/directory/history", as_="auditor",
                      query_string={"person_id": row["person_id"]}).get_json()
    assert history["intact"] is True
    kinds = [c["kind"] for c in history["changes"]]
    assert kinds[:3] == ["enrolled", "enrolment_ended", "person_changed"]
    changed = history["changes"][2]
    assert changed["actor_name"] == "系统管理员"
    assert changed["before"] == {"mobile": "139****0001"}
    assert changed["after"] == {"mobile": "137****0000"}
    assert history["changes"][0]["after"]["class"] == "数控2302"
    assert api.get("/api/v1/directory/history", as_="zhang").status_code == 403


def test_a_number_that_belongs_to_someone_else_is_named(app: Flask, api: ApiClient) -> None:
    rows = learner_rows(1, classes=["机电2301"], prefix="N")
    assert confirm(api, upload(api, xlsx(rows), "a.xlsx").get_json()["id"]).status_code == 200
    other = [list(rows[0])]
    other[0][2] = id_number(499, male=True)  # a different person, same 学号
    other[0][0] = "冒名"
    body = upload(api, xlsx(other), "b.xlsx").get_json()
    [problem] = body["problems"]
    assert problem["row"] == 2 and problem["column"] == "学号"
    assert "已属于另一人员" in problem["reason"]


def test_staff_import_appoints_positions(app: Flask, api: ApiClient) -> None:
    staff = [["新老师", "女", id_number(321, born="19850101", male=False), "T9001", "机电2301",
              "班主任", "13600000000"],
             ["坏岗位", "", "", "T9002", "机电2301", "校长", ""]]
    body = upload(api, csv_bytes(staff, STAFF_COLUMNS), "staff.csv", kind="staff").get_json()
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(3, "岗位")]
    staff.pop()
    body = upload(api, csv_bytes(staff, STAFF_COLUMNS), "staff.csv", kind="staff").get_json()
    assert body["summary"]["add"] == 1
    assert confirm(api, body["id"]).status_code == 200
    with app.app_context():
        session = db.session()
        person = session.scalar(sa.select(Person).where(Person.number == "T9001"))
        assert person is not None and person.status == "employed"
        [(role, unit)] = session.execute(sa.select(Position.role, OrgUnit.name).join(
            OrgUnit, OrgUnit.id == Position.unit_id).where(Position.person_id == person.id))
        assert (role, unit) == ("class_teacher", "机电2301")


def test_only_administrators_import_and_bad_files_are_refused(api: ApiClient) -> None:
    rows = learner_rows(1, classes=["机电2301"])
    assert upload(api, xlsx(rows), "a.xlsx", as_="zhang").status_code == 403
    assert upload(api, xlsx(rows), "a.xlsx", as_="auditor").status_code == 403
    broken = upload(api, b"PK\x03\x04not a zip", "a.xlsx")
    assert broken.status_code == 422 and "Excel" in broken.get_json()["detail"]
    missing = upload(api, "姓名,学号\n张三,S1\n".encode(), "a.csv")
    assert missing.status_code == 422 and "缺少列" in missing.get_json()["detail"]
    assert api.get("/api/v1/directory/imports/999", as_="admin").status_code == 404

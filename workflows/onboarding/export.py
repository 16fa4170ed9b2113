"""The directory of a centre as one workbook: the organisation tree, learners, staff and
positions, with Chinese headers.

It is the administrator's overview and the hand-over to other systems, so 身份证号 and 手机号
are masked as everywhere else they are shown; 学号/工号 stay whole (they are what a row is
matched by when a corrected sheet is imported again).
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, tzinfo
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from models import Enrolment, OrgUnit, Person, Position
from models.directory import UNIT_KIND_NAMES, UnitKind, role_name
from models.statuses import PERSON_STATUS_NAMES, PersonStatus
from workflows.directory.masking import mask_id_number, mask_mobile
from workflows.directory.validity import not_ended_by
from workflows.onboarding.accounts import HandedOver

UNIT_COLUMNS = ("代码", "名称", "类型", "上级代码", "状态")
LEARNER_COLUMNS = ("姓名", "学号", "身份证号", "班级", "专业", "系部", "手机号", "状态",
                   "入班日期")
STAFF_COLUMNS = ("姓名", "工号", "身份证号", "手机号", "工作单位", "状态")
POSITION_COLUMNS = ("姓名", "工号", "岗位", "单元代码", "单元名称", "起始日期", "结束日期")


def directory_workbook(session: Session, tenant_id: int, *, today: date) -> bytes:
    """The centre's directory as ``.xlsx`` bytes (four worksheets)."""
    units = {u.id: u for u in session.scalars(
        sa.select(OrgUnit).where(OrgUnit.tenant_id == tenant_id).order_by(OrgUnit.path))}
    people = {p.id: p for p in session.scalars(
        sa.select(Person).where(Person.tenant_id == tenant_id).order_by(Person.name, Person.id))}
    enrolments = _current(session, Enrolment, units, today)
    positions = list(session.scalars(sa.select(Position).where(
        Position.unit_id.in_(units)).order_by(Position.person_id, Position.id)))
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _sheet(book, "组织机构", UNIT_COLUMNS, [
        (u.code, u.name, UNIT_KIND_NAMES[UnitKind(u.kind)],
         units[u.parent_id].code if u.parent_id in units else "",
         "启用" if u.active else "停用") for u in units.values()])
    class_of = {e.person_id: e for e in enrolments}
    learners = [p for p in people.values() if p.id in class_of]
    _sheet(book, "学员", LEARNER_COLUMNS, [
        (p.name, p.number or "", mask_id_number(p.id_number) or "",
         *_class_line(units, class_of[p.id].unit_id), mask_mobile(p.mobile) or "",
         _status(p), class_of[p.id].valid_from) for p in learners])
    held = defaultdict(list)
    for position in positions:
        held[position.person_id].append(position)
    staff = [p for p in people.values() if p.id in held]
    _sheet(book, "教职工", STAFF_COLUMNS, [
        (p.name, p.number or "", mask_id_number(p.id_number) or "",
         mask_mobile(p.mobile) or "", p.employer or "", _status(p)) for p in staff])
    _sheet(book, "岗位", POSITION_COLUMNS, [
        (people[pos.person_id].name, people[pos.person_id].number or "",
         role_name(pos.role), units[pos.unit_id].code, units[pos.unit_id].name,
         pos.valid_from, pos.valid_to)
        for p in staff for pos in held[p.id]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HANDOVER_COLUMNS = ("姓名", "学号/工号", "班级", "用户名", "初始密码")
CODE_HANDOVER_COLUMNS = ("姓名", "学号/工号", "班级", "用户名", "激活码", "有效期至")


def handover_workbook(handed: list[HandedOver], *, zone: tzinfo) -> bytes:
    """The sheet a class teacher prints and cuts into slips: each person's user name and the
    password they must replace at their first sign-in, or the activation code (with its
    expiry, in the school's time) they choose their password with."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    if any(h.activation_code for h in handed):
        sheet = _sheet(book, "账号激活单", CODE_HANDOVER_COLUMNS, [
            (h.name, h.number or "", h.unit or "", h.username, h.activation_code or "",
             h.expires_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if h.expires_at else "")
            for h in handed])
        sheet.append([])
        sheet.append(["在登录页点“激活账号”，输入用户名（或学号/工号）、激活码并设置自己的密码。"
                      "激活码只能使用一次，过期作废；本表只生成一次，请妥善保管，发放后销毁。"])
    else:
        sheet = _sheet(book, "账号交接单", HANDOVER_COLUMNS, [
            (h.name, h.number or "", h.unit or "", h.username, h.password or "")
            for h in handed])
        sheet.append([])
        sheet.append(["首次登录须修改密码；本表只生成一次，请妥善保管，发放后销毁。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _current(session: Session, model: type[Enrolment], units: dict[int, OrgUnit],
             today: date) -> list[Enrolment]:
    return list(session.scalars(sa.select(model).where(
        model.unit_id.in_(units), not_ended_by(model, today))
        .order_by(model.person_id, model.valid_from)))


def _class_line(units: dict[int, OrgUnit], class_id: int) -> tuple[str, str, str]:
    """班级, 专业, 系部 of a class: its own name and the names of the ancestors of those kinds."""
    unit = units[class_id]
    names = {UnitKind(u.kind): u.name for u in (
        units[int(i)] for i in unit.path.strip("/").split("/") if int(i) in units)}
    return (unit.name, names.get(UnitKind.MAJOR, ""), names.get(UnitKind.DEPARTMENT, ""))


def _status(person: Person) -> str:
    return PERSON_STATUS_NAMES[PersonStatus(person.status)]


def _sheet(book: Workbook, title: str, columns: tuple[str, ...],
           rows: list[tuple[Any, ...]]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
    for column in range(1, len(columns) + 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 16
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, str):
                cell.number_format = "@"  # 学号 stays text, never a number
    sheet.freeze_panes = "A2"
    return sheet

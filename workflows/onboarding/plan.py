"""What an import sheet would do to the directory: per row, add, update or leave unchanged,
and every problem with its row, column and reason in Chinese.

The plan is made against one snapshot of the centre (its units, people, open enrolments and
positions, read in a few queries), so previewing 10,000 rows costs no query per row. A row is
matched by 学号/工号 first, then by 身份证号. An empty optional cell leaves the stored value as
it is (an import never erases); the same sheet imported again plans nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, OrgUnit, Person, Position
from models.directory import ROLE_NAMES, PositionRole, UnitKind
from models.onboarding import PersonDetail
from workflows.core import id_numbers
from workflows.directory.masking import mask_id_number
from workflows.onboarding.sheets import REQUIRED, SheetKind

_ROLE_BY_NAME = {**{name: role.value for role, name in ROLE_NAMES.items()},
                 **{role.value: role.value for role in PositionRole}}
PROGRESS_EVERY = 500  # rows planned between two progress reports of a background import
_SPLIT = re.compile(r"[、,，;；/]")
_MOBILE = re.compile(r"^1\d{10}$")


@dataclass
class RowPlan:
    row: int
    action: str = "unchanged"  # add | update | unchanged | invalid
    person_id: int | None = None
    name: str = ""
    number: str = ""
    # field -> [before, after] as shown (masked); what the administrator confirms
    changes: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    # what to write: person fields, detail fields, class unit id, positions (role, unit id)
    person: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    class_id: int | None = None
    positions: list[tuple[str, int]] = field(default_factory=list)

    def problem(self, column: str, reason: str) -> None:
        self.problems.append({"row": self.row, "column": column, "reason": reason})

    def view(self) -> dict[str, Any]:
        return {"row": self.row, "action": self.action, "person_id": self.person_id,
                "name": self.name, "number": self.number, "changes": self.changes}


@dataclass
class Snapshot:
    """The centre as the plan sees it."""

    units: dict[int, OrgUnit]
    by_number: dict[str, Person]
    by_id_number: dict[str, Person]
    details: dict[int, PersonDetail]
    enrolled: dict[int, int]  # person id -> the class of their open enrolment
    held: set[tuple[int, str, int]]  # (person id, role, unit id) of open positions

    @classmethod
    def load(cls, session: Session, tenant_id: int, today: date) -> Snapshot:
        units = {u.id: u for u in session.scalars(
            sa.select(OrgUnit).where(OrgUnit.tenant_id == tenant_id))}
        people = list(session.scalars(sa.select(Person).where(Person.tenant_id == tenant_id)))
        ids = sa.select(Person.id).where(Person.tenant_id == tenant_id)
        details = {d.person_id: d for d in session.scalars(
            sa.select(PersonDetail).where(PersonDetail.person_id.in_(ids)))}
        open_end = sa.or_(Enrolment.valid_to.is_(None), Enrolment.valid_to >= today)
        enrolled = dict(session.execute(
            sa.select(Enrolment.person_id, Enrolment.unit_id)
            .where(Enrolment.person_id.in_(ids), open_end)
            .order_by(Enrolment.id)).all())
        held = {(row[0], row[1], row[2]) for row in session.execute(
            sa.select(Position.person_id, Position.role, Position.unit_id)
            .where(Position.person_id.in_(ids),
                   sa.or_(Position.valid_to.is_(None), Position.valid_to >= today)))}
        return cls(units, {p.number: p for p in people if p.number},
                   {p.id_number: p for p in people if p.id_number}, details, enrolled, held)

    def unit_named(self, text: str, kinds: set[str] | None = None) -> OrgUnit | None:
        """An active unit whose code or name is ``text`` (codes first)."""
        found = [u for u in self.units.values() if u.active and (kinds is None or u.kind in kinds)
                 and (u.code == text or u.name == text)]
        found.sort(key=lambda u: (u.code != text, u.id))
        return found[0] if found else None

    def ancestors(self, unit: OrgUnit) -> list[OrgUnit]:
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        return [self.units[i] for i in ids if i in self.units and i != unit.id]


def plan_rows(snapshot: Snapshot, kind: SheetKind, rows: list[dict[str, Any]], *,
              today: date, progress: Callable[[int], None] | None = None) -> list[RowPlan]:
    """One plan per row, in the sheet's order; ``progress`` hears every 500th row planned."""
    number_column = "学号" if kind is SheetKind.LEARNERS else "工号"
    seen_numbers: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    plans: list[RowPlan] = []
    for entry in rows:
        if progress is not None and len(plans) % PROGRESS_EVERY == 0:
            progress(len(plans))
        values: dict[str, str] = entry["values"]
        plan = RowPlan(entry["row"], name=values.get("姓名", ""),
                       number=values.get(number_column, ""))
        for column in REQUIRED[kind]:
            if not values.get(column):
                plan.problem(column, f"{column}不能为空")
        id_number = values.get("身份证号", "")
        if id_number:
            reason = id_numbers.problem(id_number, today=today)
            if reason is not None:
                plan.problem("身份证号", reason)
            id_number = id_numbers.normalize(id_number)
            if id_number in seen_ids:
                plan.problem("身份证号", f"身份证号与第 {seen_ids[id_number]} 行重复")
            else:
                seen_ids[id_number] = plan.row
        if plan.number:
            if plan.number in seen_numbers:
                plan.problem(number_column,
                             f"{number_column}与第 {seen_numbers[plan.number]} 行重复")
            else:
                seen_numbers[plan.number] = plan.row
        person = _match(snapshot, plan, number_column, id_number)
        _plan_details(plan, values, id_number, today)
        if kind is SheetKind.LEARNERS:
            _plan_class(snapshot, plan, values)
        else:
            _plan_positions(snapshot, plan, values)
        plan.person = {"name": plan.name, "number": plan.number or None}
        if id_number:
            plan.person["id_number"] = id_number
        if values.get("手机号"):
            plan.person["mobile"] = values["手机号"]
        if plan.problems:
            plan.action = "invalid"
        else:
            _compare(snapshot, plan, person, number_column)
        plans.append(plan)
    return plans


def _match(snapshot: Snapshot, plan: RowPlan, number_column: str,
           id_number: str) -> Person | None:
    """The person the row is about: by 学号/工号, else by 身份证号; a number and an identity
    number that point at two different people are a problem."""
    by_number = snapshot.by_number.get(plan.number) if plan.number else None
    by_id = snapshot.by_id_number.get(id_number) if id_number else None
    if by_number is not None and by_number.id_number and id_number \
            and by_number.id_number != id_number:
        plan.problem(number_column, f"{number_column} {plan.number} 已属于另一人员"
                                    f"（{by_number.name}，身份证号 "
                                    f"{mask_id_number(by_number.id_number)}）")
        return None
    if by_number is not None and by_id is not None and by_id.id != by_number.id:
        plan.problem("身份证号", f"此身份证号已属于另一人员（{by_id.name}，"
                                 f"{number_column} {by_id.number or '无'}）")
        return None
    person = by_number or by_id
    plan.person_id = person.id if person is not None else None
    return person


def _plan_details(plan: RowPlan, values: dict[str, str], id_number: str, today: date) -> None:
    gender = values.get("性别", "")
    if gender:
        if gender not in ("男", "女"):
            plan.problem("性别", "性别应为“男”或“女”")
        elif len(id_number) == 18 and id_number[16].isdigit():
            by_id = "男" if int(id_number[16]) % 2 else "女"
            if by_id != gender:
                plan.problem("性别", f"性别与身份证号不符（身份证号表明为{by_id}性）")
        plan.detail["gender"] = gender
    year = values.get("入学年份", "")
    if year:
        if not (year.isdigit() and 1950 <= int(year) <= today.year + 1):
            plan.problem("入学年份", f"入学年份应为1950至{today.year + 1}之间的四位年份")
        else:
            plan.detail["entry_year"] = int(year)
    mobile = values.get("手机号", "")
    if mobile and not _MOBILE.match(mobile):
        plan.problem("手机号", "手机号应为以 1 开头的11位数字")


def _plan_class(snapshot: Snapshot, plan: RowPlan, values: dict[str, str]) -> None:
    name = values.get("班级", "")
    if not name:
        return
    unit = snapshot.unit_named(name, {UnitKind.CLASS})
    if unit is None:
        plan.problem("班级", f"班级“{name}”不存在（请先在组织机构中建立）")
        return
    plan.class_id = unit.id
    above = snapshot.ancestors(unit)
    for column, kind in (("专业", UnitKind.MAJOR), ("系部", UnitKind.DEPARTMENT)):
        given = values.get(column, "")
        if given and not any(u.kind == kind and given in (u.name, u.code) for u in above):
            plan.problem(column, f"班级“{unit.name}”不属于{column}“{given}”")


def _plan_positions(snapshot: Snapshot, plan: RowPlan, values: dict[str, str]) -> None:
    name = values.get("部门", "")
    if not name:
        return
    unit = snapshot.unit_named(name)
    if unit is None:
        plan.problem("部门", f"部门“{name}”不存在（请先在组织机构中建立）")
        return
    for title in filter(None, (t.strip() for t in _SPLIT.split(values.get("岗位", "")))):
        role = _ROLE_BY_NAME.get(title)
        if role is None:
            plan.problem("岗位", f"未知岗位“{title}”")
        elif role == PositionRole.CLASS_TEACHER and unit.kind != UnitKind.CLASS:
            plan.problem("岗位", f"班主任须任职于班级，“{unit.name}”不是班级")
        else:
            plan.positions.append((role, unit.id))


def _compare(snapshot: Snapshot, plan: RowPlan, person: Person | None,
             number_column: str) -> None:
    """Decide add, update or unchanged, listing each changed field before and after."""
    shown = {"name": "姓名", "number": number_column, "id_number": "身份证号",
             "mobile": "手机号", "gender": "性别", "entry_year": "入学年份"}

    def show(key: str, value: Any) -> Any:
        return mask_id_number(value) if key == "id_number" else value

    if person is None:
        plan.action = "add"
        for key, value in {**plan.person, **plan.detail}.items():
            if value is not None:
                plan.changes[shown[key]] = [None, show(key, value)]
        if plan.class_id is not None:
            plan.changes["班级"] = [None, snapshot.units[plan.class_id].name]
        for role, unit_id in plan.positions:
            plan.changes[f"岗位:{role}"] = [None, _position_name(snapshot, role, unit_id)]
        return
    detail = snapshot.details.get(person.id)
    for key, value in plan.person.items():
        if value is not None and getattr(person, key) != value:
            plan.changes[shown[key]] = [show(key, getattr(person, key)), show(key, value)]
    for key, value in plan.detail.items():
        before = getattr(detail, key) if detail is not None else None
        if before != value:
            plan.changes[shown[key]] = [before, value]
    current = snapshot.enrolled.get(person.id)
    if plan.class_id is not None and current != plan.class_id:
        plan.changes["班级"] = [snapshot.units[current].name if current in snapshot.units
                                else None, snapshot.units[plan.class_id].name]
    for role, unit_id in plan.positions:
        if (person.id, role, unit_id) not in snapshot.held:
            plan.changes[f"岗位:{role}"] = [None, _position_name(snapshot, role, unit_id)]
    plan.action = "update" if plan.changes else "unchanged"


def _position_name(snapshot: Snapshot, role: str, unit_id: int) -> str:
    return f"{snapshot.units[unit_id].name}{ROLE_NAMES[PositionRole(role)]}"

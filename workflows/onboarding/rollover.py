"""The end of a school year: classes graduate, the other classes move up a 年级, their
teachers' positions end, the year's positions of chosen roles end — previewed first, then
confirmed as one batch.

Promoting a class raises its grade by one (一年级 → 二年级); it keeps its name (机电2301 names
its 入学年份 and number, not its grade), its learners and its teachers. A class whose grade was
never set gets it from its learners' 入学年份 (the school year of ``on``, which starts on
1 September); one with neither is refused until an administrator sets its grade.

Graduating a class ends its learners' enrolments on the day, makes them 毕业 (their accounts
stay: they follow their own cases and later follow-ups), ends the positions held at the class
and archives (deactivates) it with its history. The preview carries a digest of what it
found; the confirmation plans again and refuses when the directory changed in between, so
what the administrator read is exactly what is written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, OrgUnit, Person, Position
from models.directory import PositionRole, UnitKind, role_name
from models.onboarding import PersonDetail
from models.statuses import PersonStatus
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.onboarding.history import ChangeKind, ChangeLog, centre_log
from workflows.onboarding.imports import centre_of
from workflows.onboarding.position_end import after_position_end


@dataclass(frozen=True)
class RolloverRequest:
    on: date  # the last day of the year: enrolments and positions end on it
    graduate_class_ids: tuple[int, ...] = ()
    end_roles: tuple[str, ...] = ()  # every position of these roles ends on ``on``
    promote_class_ids: tuple[int, ...] = ()  # up one 年级


def plan_rollover(session: Session, request: RolloverRequest, *, actor: Actor
                  ) -> dict[str, Any]:
    """What confirming would do: classes, learners and positions, with a digest."""
    tenant_id = centre_of(actor)
    if not (request.graduate_class_ids or request.end_roles or request.promote_class_ids):
        raise InvalidInput("请选择要毕业的班级、要升级的班级或要结束的岗位")
    both = set(request.graduate_class_ids) & set(request.promote_class_ids)
    if both:
        raise InvalidInput(f"组织单元 {min(both)} 不能既毕业又升级：请只选其一")
    unknown = [r for r in request.end_roles if r not in PositionRole.__members__.values()]
    if unknown:
        raise InvalidInput(f"未知的岗位：{unknown[0]}")
    classes = _classes(session, tenant_id, request.graduate_class_ids)
    class_ids = [c.id for c in classes]
    learners = session.execute(
        sa.select(Person, Enrolment, OrgUnit.name).join(Enrolment, Enrolment.person_id == Person.id)
        .join(OrgUnit, OrgUnit.id == Enrolment.unit_id)
        .where(Enrolment.unit_id.in_(class_ids), _open_on(Enrolment, request.on))
        .order_by(OrgUnit.code, Person.number, Person.id)).all()
    ending = session.execute(
        sa.select(Position, Person, OrgUnit).join(Person, Person.id == Position.person_id)
        .join(OrgUnit, OrgUnit.id == Position.unit_id)
        .where(OrgUnit.tenant_id == tenant_id, _open_on(Position, request.on),
               sa.or_(Position.unit_id.in_(class_ids), Position.role.in_(request.end_roles)))
        .order_by(OrgUnit.code, Position.role, Person.name)).all()
    plan: dict[str, Any] = {
        "on": request.on.isoformat(),
        "classes": [{"id": c.id, "code": c.code, "name": c.name} for c in classes],
        "promotions": _promotions(session, tenant_id, request),
        "learners": [{"person_id": p.id, "name": p.name, "number": p.number, "class": name,
                      "enrolment_id": e.id, "status": p.status} for p, e, name in learners],
        "positions": [{"position_id": pos.id, "person_id": p.id, "name": p.name,
                       "role": pos.role, "role_name": role_name(pos.role), "unit": u.name}
                      for pos, p, u in ending],
    }
    plan["digest"] = hashlib.sha256(json.dumps(plan, sort_keys=True, ensure_ascii=False)
                                    .encode()).hexdigest()
    return plan


def confirm_rollover(request: RolloverRequest, *, digest: str, actor: Actor,
                     uow: UnitOfWork) -> dict[str, Any]:
    """Write the previewed rollover in one transaction, or nothing when it changed."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        plan = plan_rollover(session, request, actor=actor)
        if plan["digest"] != digest:
            raise Conflict("预览之后名录已有变化，请重新预览后再确认")
        _graduate(session, plan, log, on=request.on)
        _promote(session, plan, log)
        for row in plan["positions"]:
            position = session.get(Position, row["position_id"])
            assert position is not None
            before = {"position_id": position.id, "role": position.role,
                      "valid_to": position.valid_to.isoformat() if position.valid_to else None}
            position.valid_to = request.on
            revoked = after_position_end(session, position, now=uow.runtime.now())
            log.add(ChangeKind.POSITION_ENDED, "person", row["person_id"], before=before,
                    after={"valid_to": request.on.isoformat(), **revoked})
        for row in plan["classes"]:
            unit = session.get(OrgUnit, row["id"])
            assert unit is not None
            unit.active = False
            log.add(ChangeKind.UNIT_DEACTIVATED, "unit", unit.id, before={"active": True},
                    after={"active": False, "reason": "毕业归档"})
        changes = log.flush()
        uow.commit()
        return {"classes": len(plan["classes"]), "promoted": len(plan["promotions"]),
                "learners": len(plan["learners"]),
                "positions": len(plan["positions"]), "changes": changes}


def _graduate(session: Session, plan: dict[str, Any], log: ChangeLog, *, on: date) -> None:
    for row in plan["learners"]:
        enrolment = session.get(Enrolment, row["enrolment_id"])
        person = session.get(Person, row["person_id"])
        assert enrolment is not None and person is not None
        log.add(ChangeKind.ENROLMENT_ENDED, "person", person.id,
                before={"class": row["class"]}, after={"valid_to": on.isoformat()})
        enrolment.valid_to = on
        if person.status == PersonStatus.STUDYING:
            log.add(ChangeKind.PERSON_CHANGED, "person", person.id,
                    before={"status": person.status}, after={"status": PersonStatus.GRADUATED})
            person.status = PersonStatus.GRADUATED


def _promotions(session: Session, tenant_id: int, request: RolloverRequest
                ) -> list[dict[str, Any]]:
    """Each class to promote with its grade now and next, and the learners moving with it."""
    classes = _classes(session, tenant_id, request.promote_class_ids)
    ids = [c.id for c in classes]
    counts: dict[int, int] = {}
    years: dict[int, list[int]] = {}
    rows = session.execute(
        sa.select(Enrolment.unit_id, PersonDetail.entry_year)
        .outerjoin(PersonDetail, PersonDetail.person_id == Enrolment.person_id)
        .where(Enrolment.unit_id.in_(ids), _open_on(Enrolment, request.on))).all()
    for unit_id, entry_year in rows:
        counts[unit_id] = counts.get(unit_id, 0) + 1
        if entry_year is not None:
            years.setdefault(unit_id, []).append(entry_year)
    school_year = request.on.year if request.on.month >= 9 else request.on.year - 1
    promotions = []
    for unit in classes:
        grade, derived = unit.grade, False
        if grade is None and years.get(unit.id):
            cohort = Counter(years[unit.id]).most_common(1)[0][0]
            grade, derived = max(1, school_year - cohort + 1), True
        if grade is None:
            raise InvalidInput(f"班级“{unit.name}”没有年级，学员的入学年份也不能推算："
                               "请先设置它的年级")
        promotions.append({"id": unit.id, "code": unit.code, "name": unit.name,
                           "grade_before": grade, "grade_after": grade + 1,
                           "grade_derived": derived, "learners": counts.get(unit.id, 0)})
    return promotions


def _promote(session: Session, plan: dict[str, Any], log: ChangeLog) -> None:
    for row in plan["promotions"]:
        unit = session.get(OrgUnit, row["id"])
        assert unit is not None
        unit.grade = row["grade_after"]
        log.add(ChangeKind.UNIT_CHANGED, "unit", unit.id,
                before={"name": unit.name, "grade": row["grade_before"]},
                after={"name": unit.name, "grade": row["grade_after"], "reason": "升级"})


def _classes(session: Session, tenant_id: int, ids: tuple[int, ...]) -> list[OrgUnit]:
    units = {u.id: u for u in session.scalars(sa.select(OrgUnit).where(
        OrgUnit.id.in_(ids), OrgUnit.tenant_id == tenant_id, OrgUnit.active.is_(True)))}
    for unit_id in ids:
        if unit_id not in units:
            raise NotFound(f"组织单元 {unit_id} 不存在")
        if units[unit_id].kind != UnitKind.CLASS:
            raise InvalidInput(f"“{units[unit_id].name}”不是班级")
    return sorted(units.values(), key=lambda u: u.code)


def _open_on(model: type[Enrolment] | type[Position], day: date) -> sa.ColumnElement[bool]:
    """Held on ``day`` or later (and begun by then): what ending on ``day`` changes."""
    return sa.and_(sa.or_(model.valid_to.is_(None), model.valid_to > day),
                   sa.or_(model.valid_from.is_(None), model.valid_from <= day))

"""An administrator's work on the organisation tree of their centre: add, rename, move and
deactivate units.

A unit's ``path`` is the chain of ids from the root, so a move rewrites the paths of the whole
subtree in the same transaction. A unit is deactivated only when nobody studies or holds a
position in it or below it any more: otherwise open tasks addressed to it would lose their
holders, so the administrator is told who is still there. Every change is an entry of the
centre's directory history, with the values before and after.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, OrgUnit, Position
from models.directory import UNIT_KIND_NAMES, UnitKind
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at
from workflows.directory.imports import move_unit as hang_under
from workflows.directory.units import add_unit, allowed_parent, unit_of_centre
from workflows.directory.validity import not_ended_by
from workflows.onboarding.history import ChangeKind, centre_log
from workflows.onboarding.imports import centre_of


def create_unit(*, kind: str, code: str, name: str, parent_id: int, actor: Actor,
                uow: UnitOfWork, grade: int | None = None) -> int:
    """A new 系部, 专业, 班级 (with its 年级, if known) or 职能部门 under an active unit of
    the centre."""
    tenant_id = centre_of(actor)
    if kind == UnitKind.INSTITUTION:
        raise InvalidInput("机构由系统管理员在部署时建立，不能在机构内新增")
    if grade is not None and kind != UnitKind.CLASS:
        raise InvalidInput("只有班级有年级")
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        parent = unit_of_centre(session, parent_id, tenant_id)
        unit = add_unit(session, kind=UnitKind(kind), code=code, name=name, parent=parent)
        unit.grade = grade
        log.add(ChangeKind.UNIT_ADDED, "unit", unit.id,
                after={**_shown(unit), "parent": parent.name})
        log.flush()
        uow.commit()
        return unit.id


def rename_unit(unit_id: int, *, name: str | None, code: str | None, actor: Actor,
                uow: UnitOfWork, grade: int | None = None) -> None:
    """A new name or code (codes stay unique within the centre), or a class's 年级."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        unit = unit_of_centre(session, unit_id, tenant_id)
        before = _shown(unit)
        if name is not None:
            if not name.strip():
                raise InvalidInput("组织单元的名称不能为空")
            unit.name = name.strip()
        if code is not None and code.strip() != unit.code:
            code = code.strip()
            if not code:
                raise InvalidInput("组织单元的代码不能为空")
            taken = session.scalar(sa.select(OrgUnit.id).where(
                OrgUnit.tenant_id == tenant_id, OrgUnit.code == code, OrgUnit.id != unit.id))
            if taken is not None:
                raise Conflict(f"本机构已有代码为 {code} 的组织单元")
            unit.code = code
        if grade is not None:
            if unit.kind != UnitKind.CLASS:
                raise InvalidInput(f"“{unit.name}”不是班级，没有年级")
            unit.grade = grade
        after = _shown(unit)
        if after != before:
            log.add(ChangeKind.UNIT_CHANGED, "unit", unit.id, before=before, after=after)
            log.flush()
        uow.commit()


def move_unit(unit_id: int, *, parent_id: int, actor: Actor, uow: UnitOfWork) -> None:
    """Hang a unit and everything below it under another parent of the same centre (a 专业 to
    another 系部, a 班级 to another 专业); the kinds must still fit."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        unit = unit_of_centre(session, unit_id, tenant_id)
        parent = unit_of_centre(session, parent_id, tenant_id)
        if unit.parent_id is None:
            raise InvalidInput("机构是组织树的根，不能移动")
        if parent.path.startswith(unit.path):
            raise InvalidInput(f"不能把“{unit.name}”移到它自己或它的下级单元之下")
        if not allowed_parent(UnitKind(unit.kind), UnitKind(parent.kind)):
            raise InvalidInput(f"{UNIT_KIND_NAMES[UnitKind(unit.kind)]}不能设在"
                               f"{UNIT_KIND_NAMES[UnitKind(parent.kind)]}之下")
        if unit.parent_id == parent.id:
            uow.commit()
            return
        old_parent = session.get(OrgUnit, unit.parent_id)
        before = {"parent": old_parent.name if old_parent else None}
        hang_under(session, unit, parent)
        log.add(ChangeKind.UNIT_MOVED, "unit", unit.id,
                before=before, after={"parent": parent.name})
        log.flush()
        uow.commit()


def deactivate_unit(unit_id: int, *, actor: Actor, uow: UnitOfWork) -> None:
    """停用 a unit and the units below it, once nobody studies or holds a position there."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        unit = unit_of_centre(session, unit_id, tenant_id)
        if unit.parent_id is None:
            raise InvalidInput("不能停用机构本身")
        today = today_at(uow.runtime.now())
        subtree = list(session.scalars(sa.select(OrgUnit).where(
            OrgUnit.tenant_id == tenant_id, OrgUnit.path.startswith(unit.path))))
        ids = [u.id for u in subtree]
        learners = _current(session, Enrolment, ids, today)
        holders = _current(session, Position, ids, today)
        if learners or holders:
            raise Conflict(f"“{unit.name}”仍有 {learners} 名在读学员、{holders} 个在任岗位，"
                           "请先调班或结束岗位再停用")
        for below in subtree:
            if below.active:
                below.active = False
                log.add(ChangeKind.UNIT_DEACTIVATED, "unit", below.id,
                        before={"active": True}, after={"active": False})
        log.flush()
        uow.commit()


def _current(session: Session, model: type[Enrolment] | type[Position], unit_ids: list[int],
             today: date) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(
        model.unit_id.in_(unit_ids), not_ended_by(model, today))) or 0


def _shown(unit: OrgUnit) -> dict[str, Any]:
    shown: dict[str, Any] = {"code": unit.code, "name": unit.name, "kind": unit.kind}
    if unit.grade is not None:
        shown["grade"] = unit.grade
    return shown

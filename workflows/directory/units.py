"""Building the organisation tree: a unit knows its tenant and its path from the root."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.directory import OrgUnit, UnitKind
from workflows.core.errors import Conflict, InvalidInput, NotFound

DEFAULT_CENTRE_CODE = "DEFAULT"
DEFAULT_CENTRE_NAME = "默认机构"
# Which kind of unit may sit under which (a 班级 may also hang directly under a 系部 or centre).
_PARENTS = {
    UnitKind.DEPARTMENT: {UnitKind.INSTITUTION},
    UnitKind.OFFICE: {UnitKind.INSTITUTION},
    UnitKind.MAJOR: {UnitKind.INSTITUTION, UnitKind.DEPARTMENT},
    UnitKind.CLASS: {UnitKind.INSTITUTION, UnitKind.DEPARTMENT, UnitKind.MAJOR},
}


def allowed_parent(kind: UnitKind, parent_kind: UnitKind) -> bool:
    """Whether a unit of ``kind`` may sit directly under one of ``parent_kind``."""
    return parent_kind in _PARENTS.get(kind, set())


def unit_of_centre(session: Session, unit_id: int, tenant_id: int) -> OrgUnit:
    """An active unit of this centre; another centre's or a deactivated one is not found."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None or unit.tenant_id != tenant_id or not unit.active:
        raise NotFound(f"组织单元 {unit_id} 不存在")
    return unit


def add_unit(session: Session, *, kind: UnitKind, code: str, name: str,
             parent: OrgUnit | None = None) -> OrgUnit:
    """A new unit under ``parent`` (a 机构 has none); codes are unique within a tenant."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise InvalidInput("组织单元的代码和名称不能为空")
    if kind is UnitKind.INSTITUTION:
        if parent is not None:
            raise InvalidInput("机构是组织树的根，不能有上级单元")
    elif parent is None or not allowed_parent(kind, UnitKind(parent.kind)):
        raise InvalidInput(f"单元“{name}”的上级单元类型不对")
    tenant_id = parent.tenant_id if parent is not None else None
    if tenant_id is not None and session.scalar(sa.select(OrgUnit.id).where(
            OrgUnit.tenant_id == tenant_id, OrgUnit.code == code)) is not None:
        raise Conflict(f"本机构已有代码为 {code} 的组织单元")
    unit = OrgUnit(kind=kind, code=code, name=name, active=True, path="",
                   parent_id=parent.id if parent is not None else None, tenant_id=tenant_id)
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent is not None else '/'}{unit.id}/"
    if unit.tenant_id is None:
        unit.tenant_id = unit.id
    session.flush()
    return unit


def default_centre(session: Session) -> OrgUnit:
    """The centre accounts without another home belong to (created once, by the migration
    or here on a database built without it)."""
    centre = session.scalar(sa.select(OrgUnit).where(
        OrgUnit.code == DEFAULT_CENTRE_CODE, OrgUnit.parent_id.is_(None)))
    if centre is None:
        centre = add_unit(session, kind=UnitKind.INSTITUTION, code=DEFAULT_CENTRE_CODE,
                          name=DEFAULT_CENTRE_NAME)
    return centre


def unit_by_code(session: Session, tenant_id: int, code: str) -> OrgUnit:
    unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.tenant_id == tenant_id,
                                                   OrgUnit.code == code))
    if unit is None:
        raise NotFound(f"本机构没有代码为 {code} 的组织单元")
    return unit


def ancestor_ids(unit: OrgUnit) -> list[int]:
    """The unit and every unit above it, nearest first (read from its path, no query)."""
    return [int(part) for part in reversed(unit.path.strip("/").split("/")) if part]

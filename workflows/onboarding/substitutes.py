"""代理 (substitutes): who stands in for whom, named, listed and ended.

A staff member names a colleague of their centre for the days they are away; an administrator
of the centre may do it for any staff member of it (someone fell ill and cannot). Naming and
ending are entries of the centre's directory history, so auditors see who gave whom the right
to act on someone else's tasks, and for which days. Ending sets the last day to yesterday (a
substitution that had not begun is withdrawn): standing in is decided by whole days, so that is
the earliest it stops.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from models import Person
from models.directory import Substitution
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotAllowed, NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at
from workflows.onboarding.history import ChangeKind, centre_log


def name_substitute(substitute_id: int, *, valid_from: date, valid_to: date,
                    person_id: int | None, actor: Actor, uow: UnitOfWork) -> int:
    """``substitute_id`` also receives and may complete the tasks of ``person_id``'s positions
    (default: the actor's own) from ``valid_from`` to ``valid_to``, whole days."""
    tenant_id = _staff_centre(actor, "只有教职工可以指定代理人", "only staff name a substitute")
    absent_id = person_id or actor.person_id
    if absent_id is None:
        raise InvalidInput("请指明外出的人员（person_id）",
                           detail_en="say who is away (person_id)")
    if absent_id != actor.person_id and not actor.is_admin:
        raise NotAllowed("只有系统管理员可以为他人指定代理人",
                         detail_en="only administrators name a substitute for someone else")
    if valid_to < valid_from:
        raise InvalidInput("代理结束日期早于开始日期",
                           detail_en="the substitution ends before it begins")
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        absent = _person_of_centre(session, absent_id, tenant_id)
        substitute = _person_of_centre(session, substitute_id, tenant_id)
        if substitute.id == absent.id:
            raise InvalidInput("代理人不能是本人",
                               detail_en="the substitute cannot be the person who is away")
        row = Substitution(person_id=absent.id, substitute_id=substitute.id,
                           valid_from=valid_from, valid_to=valid_to,
                           created_at=uow.runtime.now())
        session.add(row)
        session.flush()
        log.add(ChangeKind.SUBSTITUTE_NAMED, "person", absent.id,
                after=_shown(row, absent.name, substitute.name))
        log.flush()
        row_id = row.id
        uow.commit()
        return row_id


def list_substitutions(session: Session, *, actor: Actor, today: date) -> list[dict[str, Any]]:
    """Substitutions not yet over: the whole centre's for its administrators and auditors,
    otherwise those where the actor is away or stands in."""
    tenant_id = actor.tenant_id
    if tenant_id is None or actor.role == "applicant" or (
            actor.person_id is None and not (actor.is_admin or actor.is_auditor)):
        raise NotAllowed("只有教职工可以查看代理", detail_en="only staff see substitutions")
    absent, substitute = aliased(Person), aliased(Person)
    query = (sa.select(Substitution, absent.name, substitute.name)
             .join(absent, absent.id == Substitution.person_id)
             .join(substitute, substitute.id == Substitution.substitute_id)
             .where(absent.tenant_id == tenant_id, Substitution.valid_to >= today)
             .order_by(Substitution.valid_from, Substitution.id))
    if not (actor.is_admin or actor.is_auditor):
        query = query.where(sa.or_(Substitution.person_id == actor.person_id,
                                   Substitution.substitute_id == actor.person_id))
    return [{"id": row.id, "person_id": row.person_id, "person": absent_name,
             "substitute_person_id": row.substitute_id, "substitute": substitute_name,
             "valid_from": row.valid_from, "valid_to": row.valid_to,
             "current": row.valid_from <= today,
             "may_end": actor.is_admin or row.person_id == actor.person_id}
            for row, absent_name, substitute_name in session.execute(query)]


def end_substitution(substitution_id: int, *, actor: Actor, uow: UnitOfWork) -> None:
    """The absent person (or an administrator of the centre) ends a substitution: its last
    day becomes yesterday, or it is withdrawn if it had not begun by then."""
    tenant_id = _staff_centre(actor, "只有教职工可以结束代理", "only staff end a substitution")
    with uow:
        session = uow.session
        log = centre_log(uow, tenant_id, actor)
        row = session.get(Substitution, substitution_id)
        absent = session.get(Person, row.person_id) if row is not None else None
        if row is None or absent is None or absent.tenant_id != tenant_id:
            raise NotFound(f"代理 {substitution_id} 不存在",
                           detail_en=f"substitution {substitution_id} does not exist")
        if row.person_id != actor.person_id and not actor.is_admin:
            raise NotFound(f"代理 {substitution_id} 不存在",
                           detail_en=f"substitution {substitution_id} does not exist")
        yesterday = today_at(uow.runtime.now()) - timedelta(days=1)
        if row.valid_to <= yesterday:
            raise InvalidInput(
                f"代理 {substitution_id} 已于 {row.valid_to.isoformat()} 结束",
                detail_en=f"substitution {substitution_id} ended on {row.valid_to.isoformat()}")
        substitute = session.get(Person, row.substitute_id)
        before = _shown(row, absent.name, substitute.name if substitute else "")
        if row.valid_from > yesterday:
            session.delete(row)
            after = {**before, "withdrawn": True}
        else:
            row.valid_to = yesterday
            after = {**before, "valid_to": yesterday.isoformat()}
        log.add(ChangeKind.SUBSTITUTE_ENDED, "person", absent.id, before=before, after=after)
        log.flush()
        uow.commit()


def _shown(row: Substitution, absent: str, substitute: str) -> dict[str, Any]:
    return {"person": absent, "substitute": substitute,
            "valid_from": row.valid_from.isoformat(), "valid_to": row.valid_to.isoformat()}


def _staff_centre(actor: Actor, refusal: str, refusal_en: str) -> int:
    """Substitutes are named by staff (or administrators) of a centre, never by applicants or
    auditors."""
    if actor.role == "applicant" or actor.is_auditor or actor.tenant_id is None:
        raise NotAllowed(refusal, detail_en=refusal_en)
    if actor.person_id is None and not actor.is_admin:
        raise NotAllowed(refusal, detail_en=refusal_en)
    return actor.tenant_id


def _person_of_centre(session: Session, person_id: int | None, tenant_id: int) -> Person:
    person = session.get(Person, person_id) if person_id is not None else None
    if person is None or person.tenant_id != tenant_id:
        raise NotFound(f"人员 {person_id} 不存在", detail_en=f"person {person_id} does not exist")
    return person

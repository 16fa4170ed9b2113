"""Importing people from a school's sheets: preview first, write only on confirmation.

``preview_import`` reads the file, plans every row against the centre and keeps the parsed
rows; nothing of the directory changes. ``confirm_import`` plans the kept rows again against
the centre as it is now (someone may have changed it since) and, only if no row has a problem,
writes every row in one transaction with one history entry per change: all or nothing.
Confirming the same sheet again finds every row unchanged and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Enrolment, Person, Position
from models.directory import OrgUnit
from models.onboarding import DirectoryImport, PersonDetail
from models.statuses import ImportStatus, PersonStatus
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.acting import today_at
from workflows.directory.masking import mask_id_number, mask_mobile
from workflows.directory.people import appoint, enrol
from workflows.onboarding.history import ChangeKind, ChangeLog, digest_of, lock_centre
from workflows.onboarding.plan import RowPlan, Snapshot, plan_rows
from workflows.onboarding.sheets import SheetKind, read_sheet

PROBLEMS_SHOWN = 500
WRITE_CHUNK = 1000  # new people inserted per round (the progress moves between rounds)
# (phase, done, total): a background confirmation reports planning, writing and committing.
Progress = Callable[[str, int, int], None]


def _silent(phase: str, done: int, total: int) -> None:
    return None


def centre_of(actor: Actor) -> int:
    """The centre an administrator administers: their own, and only theirs."""
    if not actor.is_admin:
        raise NotAllowed("只有本机构的系统管理员可以管理人员名录")
    if actor.tenant_id is None:
        raise NotAllowed("此账号不属于任何机构，不能管理人员名录")
    return actor.tenant_id


def preview_import(kind: SheetKind, filename: str, data: bytes, *, actor: Actor,
                   uow: UnitOfWork) -> dict[str, Any]:
    """Read an uploaded sheet and say what confirming it would do; writes only the preview."""
    tenant_id = centre_of(actor)
    sheet = read_sheet(kind, filename, data)
    with uow:
        now = uow.runtime.now()
        today = today_at(now)
        plans = plan_rows(Snapshot.load(uow.session, tenant_id, today), kind, sheet.rows,
                          today=today)
        record = DirectoryImport(tenant_id=tenant_id, actor_id=actor.id, kind=kind,
                                 filename=(filename or "")[:255], digest=digest_of(data),
                                 status=ImportStatus.PREVIEWED, rows=sheet.rows,
                                 summary=_counts(plans), created_at=now)
        uow.session.add(record)
        uow.session.flush()
        result = _view(record, plans)
        uow.commit()
    return result


def show_import(import_id: int, *, actor: Actor, session: Session,
                today: date, plan: bool = True) -> dict[str, Any]:
    """An import as it stands: a preview is planned again against the centre as it is now
    (unless ``plan`` is false: then its summary is the last preview's)."""
    record = own_import(session, import_id, centre_of(actor))
    if record.status != ImportStatus.PREVIEWED or not plan:
        return _view(record, None)
    plans = plan_rows(Snapshot.load(session, record.tenant_id, today), SheetKind(record.kind),
                      record.rows, today=today)
    return _view(record, plans)


def confirm_import(import_id: int, *, actor: Actor, uow: UnitOfWork,
                   progress: Progress = _silent) -> dict[str, Any]:
    """Write a previewed import, all rows or none; refused while any row has a problem.

    ``progress`` hears how far it got (a background confirmation reports it to the web app);
    the writes stay one transaction whatever it is told."""
    tenant_id = centre_of(actor)
    with uow:
        session = uow.session
        lock_centre(session, tenant_id)
        record = own_import(session, import_id, tenant_id)
        if record.status != ImportStatus.PREVIEWED:
            done = "确认" if record.status == ImportStatus.CONFIRMED else "作废"
            raise Conflict(f"导入 {import_id} 已{done}，不能再次确认；如需再次导入请重新上传文件")
        now = uow.runtime.now()
        today = today_at(now)
        total = len(record.rows)
        progress("planning", 0, total)
        snapshot = Snapshot.load(session, tenant_id, today)
        plans = plan_rows(snapshot, SheetKind(record.kind), record.rows, today=today,
                          progress=lambda done: progress("planning", done, total))
        problems = [p for plan in plans for p in plan.problems]
        if problems:
            raise InvalidInput(
                f"文件中还有 {len(problems)} 处问题，未写入任何数据：请改正后重新上传",
                problems=[Problem(p["reason"], pointer=f"/rows/{p['row']}/{p['column']}",
                                  extra={"row": p["row"], "column": p["column"]})
                          for p in problems[:PROBLEMS_SHOWN]])
        log = ChangeLog(session, tenant_id, actor_id=actor.id, at=now,
                        key=uow.runtime.chain_key, import_id=record.id)
        progress("writing", 0, total)
        added = [p for p in plans if p.action == "add"]
        written = 0
        for start in range(0, len(added), WRITE_CHUNK):  # a few statements per chunk
            chunk = added[start:start + WRITE_CHUNK]
            _add_all(session, snapshot, chunk, SheetKind(record.kind), log, now=now,
                     today=today)
            written += len(chunk)
            progress("writing", written, total)
        for plan in plans:
            if plan.action == "update":
                _update(session, snapshot, plan, log, today=today)
                written += 1
                if written % 500 == 0:
                    progress("writing", written, total)
        progress("committing", total, total)
        record.status, record.confirmed_at = ImportStatus.CONFIRMED, now
        record.summary = {**_counts(plans), "changes": len(log.rows)}
        log.flush()
        result = _view(record, plans)
        uow.commit()
    return result


def discard_import(import_id: int, *, actor: Actor, uow: UnitOfWork) -> None:
    """Throw a preview away (its parsed rows are forgotten)."""
    tenant_id = centre_of(actor)
    with uow:
        record = own_import(uow.session, import_id, tenant_id)
        if record.status != ImportStatus.PREVIEWED:
            raise Conflict(f"导入 {import_id} 已确认，不能作废")
        record.status, record.rows = ImportStatus.DISCARDED, []
        uow.commit()


def own_import(session: Session, import_id: int, tenant_id: int) -> DirectoryImport:
    record = session.get(DirectoryImport, import_id)
    if record is None or record.tenant_id != tenant_id:
        raise NotFound(f"导入 {import_id} 不存在")
    return record


def _counts(plans: list[RowPlan]) -> dict[str, int]:
    counts = {"rows": len(plans), "add": 0, "update": 0, "unchanged": 0, "invalid": 0,
              "problems": 0}
    for plan in plans:
        counts[plan.action] += 1
        counts["problems"] += len(plan.problems)
    return counts


def _view(record: DirectoryImport, plans: list[RowPlan] | None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": record.id, "kind": record.kind, "filename": record.filename,
        "status": record.status, "created_at": record.created_at,
        "confirmed_at": record.confirmed_at, "summary": record.summary,
        "rows": [], "problems": []}
    if plans is not None:
        view["summary"] = {**_counts(plans), **({"changes": record.summary["changes"]}
                                                if "changes" in record.summary else {})}
        view["rows"] = [plan.view() for plan in plans if plan.action in ("add", "update")]
        view["problems"] = [p for plan in plans for p in plan.problems]
    return view


def shown_values(values: dict[str, Any]) -> dict[str, Any]:
    """A person's values as the history keeps them: personal numbers masked."""
    shown = dict(values)
    if shown.get("id_number"):
        shown["id_number"] = mask_id_number(shown["id_number"])
    if shown.get("mobile"):
        shown["mobile"] = mask_mobile(shown["mobile"])
    return shown


def _add_all(session: Session, snapshot: Snapshot, plans: list[RowPlan], kind: SheetKind,
             log: ChangeLog, *, now: Any, today: date) -> None:
    """Insert the new people and their enrolments, details and positions, a few statements
    for all rows: the plan has checked every row as ``add_person``, ``enrol`` and ``appoint``
    would (check digit, uniqueness in the centre, a 班级 of the centre, a known role)."""
    if not plans:
        return
    status = PersonStatus.STUDYING if kind is SheetKind.LEARNERS else PersonStatus.EMPLOYED
    values = [{"tenant_id": log.tenant_id, "name": plan.person["name"],
               "id_number": plan.person.get("id_number"), "number": plan.person.get("number"),
               "mobile": plan.person.get("mobile"), "employer": None, "status": status,
               "created_at": now} for plan in plans]
    ids = list(session.scalars(sa.insert(Person).returning(Person.id,
                                                            sort_by_parameter_order=True),
                               values))
    enrolments, details, positions = [], [], []
    for plan, person_id in zip(plans, ids, strict=True):
        plan.person_id = person_id
        log.add(ChangeKind.PERSON_ADDED, "person", person_id,
                after=shown_values({**plan.person, **plan.detail, "status": status.value}))
        if plan.detail:
            details.append({"person_id": person_id, "gender": plan.detail.get("gender"),
                            "entry_year": plan.detail.get("entry_year")})
        if plan.class_id is not None:
            year = plan.detail.get("entry_year")
            start = date(year, 9, 1) if year and date(year, 9, 1) <= today else today
            enrolments.append({"person_id": person_id, "unit_id": plan.class_id,
                               "valid_from": start, "valid_to": None})
            log.add(ChangeKind.ENROLLED, "person", person_id,
                    after={"class": snapshot.units[plan.class_id].name,
                           "valid_from": start.isoformat()})
        for role, unit_id in plan.positions:
            positions.append({"person_id": person_id, "unit_id": unit_id, "role": role,
                              "valid_from": today, "valid_to": None, "scope": None})
            log.add(ChangeKind.POSITION_ADDED, "person", person_id,
                    after={"role": role, "unit": snapshot.units[unit_id].name,
                           "valid_from": today.isoformat()})
    for model, rows in ((PersonDetail, details), (Enrolment, enrolments),
                        (Position, positions)):
        if rows:
            session.execute(sa.insert(model), rows)


def _update(session: Session, snapshot: Snapshot, plan: RowPlan, log: ChangeLog, *,
            today: date) -> None:
    assert plan.person_id is not None
    person = session.get(Person, plan.person_id)
    assert person is not None
    before, after = {}, {}
    for key, value in plan.person.items():
        if value is not None and getattr(person, key) != value:
            before[key], after[key] = getattr(person, key), value
            setattr(person, key, value)
    detail = snapshot.details.get(person.id)
    if plan.detail and detail is None:
        detail = PersonDetail(person_id=person.id)
        session.add(detail)
    for key, value in plan.detail.items():
        assert detail is not None
        if getattr(detail, key) != value:
            before[key], after[key] = getattr(detail, key), value
            setattr(detail, key, value)
    if after:
        log.add(ChangeKind.PERSON_CHANGED, "person", person.id, before=shown_values(before),
                after=shown_values(after))
    if plan.class_id is not None and snapshot.enrolled.get(person.id) != plan.class_id:
        end_enrolments(session, snapshot.units, person, log, today=today)
        _enrol(session, snapshot, person, plan.class_id, log, start=today)
    for role, unit_id in plan.positions:
        if (person.id, role, unit_id) not in snapshot.held:
            _appoint(session, snapshot, person, role, unit_id, log, start=today)


def end_enrolments(session: Session, units: dict[int, OrgUnit], person: Person,
                   log: ChangeLog, *, today: date) -> None:
    """End a learner's open enrolments yesterday (one that had not begun is withdrawn)."""
    for old in session.scalars(sa.select(Enrolment).where(
            Enrolment.person_id == person.id,
            sa.or_(Enrolment.valid_to.is_(None), Enrolment.valid_to >= today))):
        unit = units.get(old.unit_id)
        ended = today - timedelta(days=1)
        log.add(ChangeKind.ENROLMENT_ENDED, "person", person.id,
                before={"class": unit.name if unit else old.unit_id,
                        "valid_from": _day(old.valid_from), "valid_to": _day(old.valid_to)},
                after={"valid_to": ended.isoformat()})
        if old.valid_from is not None and old.valid_from > ended:
            session.delete(old)
        else:
            old.valid_to = ended


def _enrol(session: Session, snapshot: Snapshot, person: Person, unit_id: int, log: ChangeLog,
           *, start: date) -> None:
    unit = snapshot.units[unit_id]
    enrolment = enrol(session, person, unit, valid_from=start)
    log.add(ChangeKind.ENROLLED, "person", person.id,
            after={"enrolment_id": enrolment.id, "class": unit.name,
                   "valid_from": start.isoformat()})


def _appoint(session: Session, snapshot: Snapshot, person: Person, role: str, unit_id: int,
             log: ChangeLog, *, start: date) -> Position:
    unit = snapshot.units[unit_id]
    position = appoint(session, person, role, unit, valid_from=start)
    log.add(ChangeKind.POSITION_ADDED, "person", person.id,
            after={"position_id": position.id, "role": role, "unit": unit.name,
                   "valid_from": start.isoformat()})
    return position


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None

"""The certificate register: numbering, issue, reissue (补发), revocation and public verification.

Numbers follow one documented rule (``docs/certificates.md``)::

    <issuing body code, 6 characters><year, 4 digits><level, 1 digit><sequence, 6 digits>
    CF3201 2026 5 000001  ->  CF320120265000001

The sequence counts per issuing body, year and level and is allocated under a row lock
(``certificate_sequence``), and ``certificate_no`` is unique, so a number is never handed out
twice. Every change appends a ``certificate_event``; rows are never deleted.

Functions here work inside the caller's unit of work, whose runtime gives the issuing body
code (setting ``certificate_issuer_code``) and the calendar's time zone (which year a number
belongs to); the BPMN service tasks that call them are in ``workflows/certification/services.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Certificate, CertificateEvent, CertificateSequence, Person, User
from models.statuses import CertificateStatus
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, NotFound, Problem
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory import scope

LEVEL_NAMES = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师",
               1: "一级/高级技师"}
NUMBER = re.compile(r"^(?P<issuer>[A-Z0-9]{6})(?P<year>\d{4})(?P<level>[1-5])(?P<seq>\d{6})$")
# Groups that keep the register and may read all of it; others see their own certificates.
REGISTER_READERS = frozenset({"certificate_officer", "quality_supervisor", "leading_group"})
_ISSUER = re.compile(r"^[A-Z0-9]{6}$")


class RegistryRefusal(Exception):
    """The register cannot do what was asked (unknown number, wrong status): a business answer."""


def format_number(issuer: str, year: int, level: int, sequence: int) -> str:
    if not (_ISSUER.match(issuer) and 1000 <= year <= 9999 and level in LEVEL_NAMES
            and 1 <= sequence <= 999_999):
        raise ValueError("certificate number parts out of range")
    return f"{issuer}{year:04d}{level}{sequence:06d}"


def parse_number(number: str) -> dict[str, Any] | None:
    match = NUMBER.match(number.strip().upper()) if isinstance(number, str) else None
    if match is None:
        return None
    return {"issuer": match["issuer"], "year": int(match["year"]), "level": int(match["level"]),
            "sequence": int(match["seq"])}


def allocate_number(session: Session, *, issuer: str, level: int, at: datetime,
                    zone: ZoneInfo) -> tuple[str, int, int]:
    """The next number for this body, the local year of ``at`` and ``level`` (locked)."""
    year = at.astimezone(zone).year
    key = (CertificateSequence.issuer_code == issuer, CertificateSequence.year == year,
           CertificateSequence.level == level)
    query = sa.select(CertificateSequence).where(*key).execution_options(populate_existing=True)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        row = CertificateSequence(issuer_code=issuer, year=year, level=level,
                                  last_sequence=0)
        session.add(row)
    row.last_sequence += 1
    session.flush()
    return format_number(issuer, year, level, row.last_sequence), year, row.last_sequence


@dataclass(frozen=True)
class NewCertificate:
    holder_name: str
    id_number: str
    occupation: str
    level: int
    exam_session: str | None
    scores: dict[str, Any]
    holder_user_id: int | None


def issue(uow: UnitOfWork, new: NewCertificate, *, source_instance_id: int | None,
          business_key: str | None, now: datetime) -> tuple[Certificate, bool]:
    """Register a certificate for a case; the same case gets the same certificate back."""
    session = uow.session
    existing = by_source(session, source_instance_id) if source_instance_id else None
    if existing is not None:
        return existing, False
    certificate = _create(uow, new, source_instance_id, business_key, now)
    _event(session, certificate, "issued", now, source_instance_id, {
        "business_key": business_key})
    return certificate, True


def reissue(uow: UnitOfWork, old_number: str, *, source_instance_id: int, now: datetime
            ) -> tuple[Certificate, bool]:
    """Replace a lost valid certificate: the old number becomes ``reissued``, linked to new."""
    session = uow.session
    existing = by_source(session, source_instance_id)
    if existing is not None:
        return existing, False
    old = find(session, old_number)
    if old is None:
        raise RegistryRefusal(f"证书编号 {old_number} 不存在")
    if old.status != CertificateStatus.VALID:
        raise RegistryRefusal(f"证书 {old.certificate_no} 状态为 {old.status}，不能补发")
    new = _create(uow, NewCertificate(
        old.holder_name, old.id_number, old.occupation, old.level, old.exam_session,
        dict(old.scores or {}), old.holder_user_id), source_instance_id, old.business_key, now)
    new.replaces_id = old.id
    old.status, old.replaced_by_id = CertificateStatus.REISSUED, new.id
    _event(session, old, "replaced", now, source_instance_id, {"by": new.certificate_no})
    _event(session, new, "reissued", now, source_instance_id, {"replaces": old.certificate_no})
    return new, True


def revoke(uow: UnitOfWork, number: str, *, reason: str, instance_id: int | None,
           now: datetime) -> list[str]:
    """Revoke a certificate and every reissue of it (fraud voids the qualification)."""
    session = uow.session
    certificate = find(session, number)
    if certificate is None:
        raise RegistryRefusal(f"证书编号 {number} 不存在")
    chain = _lineage(session, certificate)
    for item in chain:
        if item.status != CertificateStatus.REVOKED:  # a retried call changes nothing twice
            item.status = CertificateStatus.REVOKED
            item.revoked_at, item.revoked_reason = now, reason
            _event(session, item, "revoked", now, instance_id, {"reason": reason})
    return [item.certificate_no for item in chain]


def _lineage(session: Session, certificate: Certificate) -> list[Certificate]:
    """The certificate, the ones it replaced and the ones that replaced it."""
    first = certificate
    while first.replaces_id is not None:
        first = session.get_one(Certificate, first.replaces_id)
    chain = [first]
    while chain[-1].replaced_by_id is not None:
        chain.append(session.get_one(Certificate, chain[-1].replaced_by_id))
    return chain


def _create(uow: UnitOfWork, new: NewCertificate, source_instance_id: int | None,
            business_key: str | None, now: datetime) -> Certificate:
    session, issuer, zone = uow.session, uow.runtime.issuer_code, uow.runtime.calendar.zone
    number, year, sequence = allocate_number(session, issuer=issuer, level=new.level, at=now,
                                             zone=zone)
    certificate = Certificate(
        certificate_no=number, issuer_code=issuer, year=year, level=new.level,
        sequence=sequence, holder_name=new.holder_name.strip(),
        id_number=new.id_number.strip().upper(), holder_user_id=new.holder_user_id,
        occupation=new.occupation, exam_session=new.exam_session, scores=new.scores,
        issued_on=now.astimezone(zone).date(), issued_at=now,
        status=CertificateStatus.VALID, source_instance_id=source_instance_id,
        business_key=business_key)
    session.add(certificate)
    session.flush()
    return certificate


def _event(session: Session, certificate: Certificate, kind: str, now: datetime,
           instance_id: int | None, payload: dict[str, Any]) -> None:
    session.add(CertificateEvent(certificate_id=certificate.id, kind=kind, at=now,
                                 instance_id=instance_id, payload=payload))


def by_source(session: Session, instance_id: int) -> Certificate | None:
    return session.scalar(sa.select(Certificate)
                          .where(Certificate.source_instance_id == instance_id))


def find(session: Session, number: str) -> Certificate | None:
    if not isinstance(number, str) or not number.strip():
        return None
    return session.scalar(sa.select(Certificate)
                          .where(Certificate.certificate_no == number.strip().upper()))


# --- reading ------------------------------------------------------------------------------
def verify(session: Session, number: str, holder_name: str) -> dict[str, Any]:
    """The public answer for a number and a name: the same "no match" for unknown numbers
    and wrong names, and no personal data beyond what the asker already typed."""
    certificate = find(session, number)
    if certificate is None or _name(certificate.holder_name) != _name(holder_name):
        return {"certificate_no": number.strip().upper() if isinstance(number, str) else number,
                "match": False, "valid": False, "status": None,
                "message": "未查到与该证书编号和姓名相符的证书"}
    replaced_by = (session.get_one(Certificate, certificate.replaced_by_id).certificate_no
                   if certificate.replaced_by_id else None)
    messages = {"valid": "证书有效", "revoked": "证书已撤销", "reissued": "证书已补发，原证书作废"}
    return {"certificate_no": certificate.certificate_no, "match": True,
            "valid": certificate.status == CertificateStatus.VALID, "status": certificate.status,
            "message": messages[certificate.status], "holder_name": certificate.holder_name,
            "occupation": certificate.occupation, "level": certificate.level,
            "level_name": LEVEL_NAMES[certificate.level],
            "issued_on": certificate.issued_on.isoformat(), "replaced_by": replaced_by}


def _name(value: str) -> str:
    return "".join(value.split()) if isinstance(value, str) else ""


def may_read_register(actor: Actor) -> bool:
    return actor.is_admin or actor.is_auditor or bool(REGISTER_READERS & actor.groups)


def of_centre(actor: Actor) -> sa.ColumnElement[bool]:
    """SQL: a certificate of the actor's centre: issued from one of its cases, or (issued
    outside a case) held by one of its people. The public check (``verify``) asks no centre."""
    holders = (sa.select(User.id).join(Person, Person.id == User.person_id)
               .where(scope.in_centre(Person.tenant_id, actor)))
    return sa.or_(scope.case_in_centre(Certificate.source_instance_id, actor),
                  sa.and_(Certificate.source_instance_id.is_(None),
                          Certificate.holder_user_id.in_(holders)))


@dataclass(frozen=True)
class CertificateFilter:
    status: str | None = None
    occupation: str | None = None
    level: int | None = None
    holder_name: str | None = None
    exam_session: str | None = None
    # A number (or its beginning) or part of a holder's name: what a person types in a search.
    q: str | None = None


def list_certificates(session: Session, actor: Actor, filters: CertificateFilter, *,
                      page: int = 1, per_page: int = 50) -> tuple[list[Certificate], int]:
    """The register (keepers) or my own certificates (everyone else), newest first."""
    query = sa.select(Certificate).where(of_centre(actor))
    if not may_read_register(actor):
        query = query.where(Certificate.holder_user_id == actor.id)
    for column, value in ((Certificate.status, filters.status),
                          (Certificate.occupation, filters.occupation),
                          (Certificate.level, filters.level),
                          (Certificate.holder_name, filters.holder_name),
                          (Certificate.exam_session, filters.exam_session)):
        if value is not None:
            query = query.where(column == value)
    if filters.q and filters.q.strip():
        typed = filters.q.strip()
        query = query.where(sa.or_(
            Certificate.certificate_no.startswith(typed.upper(), autoescape=True),
            Certificate.holder_name.contains(typed, autoescape=True)))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Certificate.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def get_certificate(session: Session, number: str, actor: Actor
                    ) -> tuple[Certificate, list[CertificateEvent]]:
    """One register entry with its history, for keepers of the register or its holder."""
    if parse_number(number) is None:
        raise InvalidInput(f"'{number}' is not a certificate number", problems=[
            Problem("expected <issuer 6><year 4><level 1><sequence 6>", pointer="/number")])
    certificate = find(session, number)
    if certificate is None or not (may_read_register(actor)
                                   or certificate.holder_user_id == actor.id) or (
            session.scalar(sa.select(Certificate.id).where(Certificate.id == certificate.id,
                                                           of_centre(actor))) is None):
        raise NotFound(f"certificate {number} does not exist")
    events = list(session.scalars(sa.select(CertificateEvent)
                                  .where(CertificateEvent.certificate_id == certificate.id)
                                  .order_by(CertificateEvent.id)))
    return certificate, events


def number_of(session: Session, certificate_id: int | None) -> str | None:
    if certificate_id is None:
        return None
    return session.scalar(sa.select(Certificate.certificate_no)
                          .where(Certificate.id == certificate_id))

"""Rules an application must meet before it starts, beyond its form and its plan.

- One 身份证号, one name: a number already used under another name (in an application or in the
  certificate register) is refused.
- One open application per person, occupation and level.
- A prior certificate of this centre (its number starts with the centre's issuer code) must be
  in the register, held by the applicant, of the level stated and still valid (a revoked one is
  refused; a reissued one names its successor). One from elsewhere cannot be checked here: it is
  flagged (``prior_certificate_check = "external"``) for the eligibility reviewer to verify.

The messages name the rule, never another person's data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Certificate, ProcessInstance
from models.statuses import CertificateStatus, InstanceStatus
from workflows.certification import plans
from workflows.certification.register import LEVEL_NAMES
from workflows.core.actors import Actor
from workflows.core.errors import InvalidInput, Problem
from workflows.core.working_days import WorkCalendar

PROCESS = "certification_application"
OPEN_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.INCIDENT, InstanceStatus.SUSPENDED)


class ApplicationRefused(InvalidInput):
    title = "申报不予受理"


def check_application(session: Session, data: dict[str, Any], *, now: datetime,
                      issuer_code: str, actor: Actor | None = None,
                      calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """The plan's check (``plans.check_application``), then the person's: the data to start
    with, or ``ApplicationRefused`` naming the rule."""
    data = plans.check_application(session, data, now=now, calendar=calendar)
    id_number = str(data.get("id_number", "")).upper()
    name = str(data.get("applicant_name", "")).strip()
    _one_name_per_id_number(session, id_number, name)
    _no_second_open_application(session, id_number, data)
    return {**data, **_prior_certificate(session, id_number, data, issuer_code)}


def _one_name_per_id_number(session: Session, id_number: str, name: str) -> None:
    id_field = ProcessInstance.data["id_number"].as_string()
    name_field = ProcessInstance.data["applicant_name"].as_string()
    other_application = session.scalar(sa.select(ProcessInstance.id).where(
        ProcessInstance.process_id == PROCESS, sa.func.upper(id_field) == id_number,
        name_field != name).limit(1))
    other_certificate = session.scalar(sa.select(Certificate.id).where(
        sa.func.upper(Certificate.id_number) == id_number,
        Certificate.holder_name != name).limit(1))
    if other_application is not None or other_certificate is not None:
        raise ApplicationRefused(
            "该身份证号已以另一姓名申报或持证，同一身份证号只能对应一个姓名；如姓名有变更，"
            "请持户籍证明到认定机构办理",
            problems=[Problem("身份证号与姓名不一致", pointer="/applicant_name")])


def _no_second_open_application(session: Session, id_number: str,
                                data: dict[str, Any]) -> None:
    occupation, level = data.get("occupation"), data.get("level")
    rows = session.execute(sa.select(ProcessInstance.business_key, ProcessInstance.data).where(
        ProcessInstance.process_id == PROCESS, ProcessInstance.status.in_(OPEN_STATUSES),
        sa.func.upper(ProcessInstance.data["id_number"].as_string()) == id_number,
        ProcessInstance.data["occupation"].as_string() == occupation))
    for key, other in rows:
        if (other or {}).get("level") == level:
            raise ApplicationRefused(
                f"您已有一份「{occupation} {LEVEL_NAMES.get(int(level or 0), '')}」的申报正在办理"
                f"（申报编号 {key}），办结前不能重复申报",
                problems=[Problem("重复申报", pointer="/level")])


def _prior_certificate(session: Session, id_number: str, data: dict[str, Any],
                       issuer_code: str) -> dict[str, Any]:
    number = str(data.get("prior_certificate_no") or "").strip().upper()
    if not number or int(data.get("prior_certificate_level") or 0) == 0:
        return {}
    if not number.startswith(issuer_code):
        return {"prior_certificate_check": "external"}
    certificate = session.scalar(sa.select(Certificate).where(
        Certificate.certificate_no == number))
    pointer = [Problem("已有证书未通过登记簿核验", pointer="/prior_certificate_no")]
    if certificate is None or certificate.id_number.upper() != id_number:
        # One answer for "no such number" and "someone else's": the form is no lookup oracle.
        raise ApplicationRefused(
            f"本中心证书登记簿中没有编号为 {number}、持证人为申报人本人的证书，请核对证书编号",
            problems=pointer)
    if certificate.status == CertificateStatus.REVOKED:
        raise ApplicationRefused(f"证书 {number} 已被撤销，不能作为申报依据", problems=pointer)
    if certificate.status == CertificateStatus.REISSUED:
        raise ApplicationRefused(f"证书 {number} 已补发新证，原证书作废，请填写补发后的证书编号",
                                 problems=pointer)
    if certificate.level != int(data["prior_certificate_level"]):
        raise ApplicationRefused(
            f"证书 {number} 的等级为{LEVEL_NAMES[certificate.level]}，与填写的已有证书等级不符",
            problems=[Problem("已有证书等级不符", pointer="/prior_certificate_level")])
    return {"prior_certificate_check": "verified"}

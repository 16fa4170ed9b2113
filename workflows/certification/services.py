"""Service functions the certification diagrams call (``spiffworkflow:serviceTaskOperator``).

``cert.notify_candidate`` only records a notification effect, as the registry asks. The register
functions (``cert.issue_certificate``, ``cert.reissue_certificate``, ``cert.revoke_certificate``)
must write the register, so each opens its own short transaction and is **idempotent per
calling instance** (``certificate.source_instance_id`` is unique; revoking twice changes nothing):
a retry after a crash between the register write and the task completion returns the same
certificate instead of numbering a second one. ``cert.lookup_certificate`` only reads.

Results land in process data and history, so they never carry the full 身份证号.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models import ProcessInstance, User
from models.statuses import CertificateStatus
from workflows.automation.service_registry import Param, ServiceContext, service
from workflows.certification import register as certificates
from workflows.certification.register import NewCertificate, RegistryRefusal
from workflows.core import id_numbers


def _initiator(session: Any, instance_id: int) -> User | None:
    started_by = session.scalar(sa.select(ProcessInstance.started_by)
                                .where(ProcessInstance.id == instance_id))
    return session.get(User, started_by) if started_by is not None else None


def initiator_username(session: Any, instance_id: int) -> str | None:
    """The account name of whoever started the case (None for a case started by the system)."""
    user = _initiator(session, instance_id)
    return user.username if user is not None else None


@service("cert.notify_candidate", params={
    "subject": Param("str", description="notification subject"),
    "body": Param("str", required=False, default="", description="notification text"),
})
def notify_candidate(ctx: ServiceContext, *, subject: str, body: str) -> dict[str, Any]:
    """Notify the applicant who started the case (e.g. of the exam arrangements)."""
    uow = ctx.unit_of_work(write=False)
    with uow:
        user = _initiator(uow.session, ctx.instance_id)
        username = user.username if user else None
    if username is None:
        return {"notified": None}
    ctx.add_effect("notification", user=username, subject=subject, body=body, kind="info")
    return {"notified": username}


# Why a certificate that is no longer valid cannot be reissued or revoked again, in words.
STATUS_REASONS: dict[str, str] = {CertificateStatus.REVOKED: "证书已撤销",
                                  CertificateStatus.REISSUED: "证书已补发（原证书已失效）"}


def _summary(certificate: Any) -> dict[str, Any]:
    return {"certificate_no": certificate.certificate_no, "status": certificate.status,
            "issued_on": certificate.issued_on.isoformat(), "level": certificate.level,
            "level_name": certificates.LEVEL_NAMES[certificate.level],
            "occupation": certificate.occupation}


@service("cert.issue_certificate", params={
    "holder_name": "str", "id_number": "str", "occupation": "str", "level": "int",
    "exam_session": Param("str", required=False),
    "theory_score": Param("float", required=False),
    "practical_score": Param("float", required=False),
    "comprehensive_score": Param("float", required=False),
})
def issue_certificate(ctx: ServiceContext, *, holder_name: str, id_number: str,
                      occupation: str, level: int, exam_session: str | None,
                      theory_score: float | None, practical_score: float | None,
                      comprehensive_score: float | None) -> dict[str, Any]:
    """Number and register the certificate of a certified case (once per case)."""
    scores = {k: v for k, v in {"theory": theory_score, "practical": practical_score,
                                "comprehensive": comprehensive_score}.items() if v is not None}
    uow = ctx.unit_of_work()
    with uow:
        holder = _initiator(uow.session, ctx.instance_id)
        certificate, _ = certificates.issue(uow, NewCertificate(
            holder_name, id_numbers.normalize(id_number), occupation, level, exam_session,
            scores, holder.id if holder else None), source_instance_id=ctx.instance_id,
            business_key=ctx.business_key, now=ctx.now)
        result = _summary(certificate)
        uow.commit()
    return result


@service("cert.lookup_certificate", params={
    "certificate_no": "str",
    "holder_name": Param("str", required=False),
    "id_number": Param("str", required=False),
})
def lookup_certificate(ctx: ServiceContext, *, certificate_no: str, holder_name: str | None,
                       id_number: str | None) -> dict[str, Any]:
    """What the register says about a number, and whether the given holder data match it."""
    uow = ctx.unit_of_work(write=False)
    with uow:
        certificate = certificates.find(uow.session, certificate_no)
        if certificate is None:
            return {"found": False, "status": None, "reason": f"证书编号 {certificate_no} 不存在"}
        return {
            "found": True, "status": certificate.status,
            "reason": STATUS_REASONS.get(certificate.status),
            "holder_matches": None if holder_name is None
            else "".join(holder_name.split()) == "".join(certificate.holder_name.split()),
            "id_matches": None if id_number is None
            else id_numbers.normalize(id_number) == certificate.id_number,
            **_summary(certificate),
        }


@service("cert.reissue_certificate", params={"certificate_no": "str"})
def reissue_certificate(ctx: ServiceContext, *, certificate_no: str) -> dict[str, Any]:
    """Replace a lost certificate (补发); refused for numbers that are not valid."""
    uow = ctx.unit_of_work()
    with uow:
        try:
            new, _ = certificates.reissue(uow, certificate_no,
                                          source_instance_id=ctx.instance_id, now=ctx.now)
        except RegistryRefusal as refusal:
            return {"reissued": False, "reason": str(refusal)}
        result = {"reissued": True, "replaces": certificates.number_of(uow.session,
                                                                        new.replaces_id),
                  **_summary(new)}
        uow.commit()
    return result


@service("cert.revoke_certificate", params={"certificate_no": "str", "reason": "str"})
def revoke_certificate(ctx: ServiceContext, *, certificate_no: str,
                       reason: str) -> dict[str, Any]:
    """Revoke a certificate obtained by fraud, with every reissue of it."""
    uow = ctx.unit_of_work()
    with uow:
        try:
            numbers = certificates.revoke(uow, certificate_no, reason=reason,
                                          instance_id=ctx.instance_id, now=ctx.now)
        except RegistryRefusal as refusal:
            return {"revoked": False, "reason": str(refusal), "numbers": []}
        uow.commit()
    return {"revoked": True, "reason": None, "numbers": numbers}

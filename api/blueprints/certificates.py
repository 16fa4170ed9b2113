"""The certificate register: public verification, the register list and one entry."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from api import rate_limits
from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.certification import (
    CertificateDetailSchema,
    CertificatePageSchema,
    CertificateQuerySchema,
    VerifyQuerySchema,
    VerifyResultSchema,
)
from models import Certificate, db
from workflows.certification import certificate_pdf
from workflows.certification import register as certificates

bp = CertflowBlueprint("certificates", __name__, url_prefix="/api/v1",
               description="Certificate register and public verification")


@bp.get("/certificates/verify")
@bp.arguments(VerifyQuerySchema, location="query")
@bp.response(200, VerifyResultSchema)
@problems(422, 429)
@bp.doc(security=[])
def verify(query: dict[str, str]) -> dict[str, Any]:
    """Public check of a certificate number with the holder's name, without sign-in.

    An unknown number and a wrong name get the same answer; a match shows only the status,
    occupation, level and issue date (no ID number, no scores). Limited per client address
    (default 30 a minute): past it, 429 with ``Retry-After``.
    """
    settings = runtime().settings
    rate_limits.hit("certificate_verify", request.remote_addr or "unknown",
                    limit=settings.verify_rate_limit, window_s=settings.verify_rate_window_s,
                    uow=unit_of_work())
    result = certificates.verify(db.session(), query["certificate_no"], query["holder_name"])
    db.session.rollback()
    return result


def _entry(certificate: Certificate) -> dict[str, Any]:
    fields = {column.key: getattr(certificate, column.key)
              for column in Certificate.__table__.columns}
    fields["replaces"] = certificates.number_of(db.session(), certificate.replaces_id)
    fields["replaced_by"] = certificates.number_of(db.session(), certificate.replaced_by_id)
    return fields


@bp.get("/certificates")
@login_required()
@bp.arguments(CertificateQuerySchema, location="query")
@bp.response(200, CertificatePageSchema)
@problems(422)
def list_all(query: dict[str, Any]) -> dict[str, Any]:
    """The register (certificate officers, supervisors, leading group, admins, auditors) or,
    for everyone else, their own certificates; newest first, ID numbers masked."""
    filters = certificates.CertificateFilter(
        status=query.get("status"), occupation=query.get("occupation"),
        level=query.get("level"), holder_name=query.get("holder_name"),
        exam_session=query.get("exam_session"), q=query.get("q"))
    rows, total = certificates.list_certificates(db.session(), current_actor(), filters,
                                                 page=query["page"], per_page=query["per_page"])
    return {"items": [_entry(row) for row in rows], "total": total, "page": query["page"],
            "per_page": query["per_page"]}


@bp.get("/certificates/<string(length=17):certificate_no>")
@login_required()
@bp.response(200, CertificateDetailSchema)
@problems(404, 422)
def get(certificate_no: str) -> dict[str, Any]:
    """One register entry with its history (issued, reissued, replaced, revoked)."""
    certificate, events = certificates.get_certificate(db.session(), certificate_no,
                                                       current_actor())
    return {**_entry(certificate), "events": events}


@bp.get("/certificates/<string(length=17):certificate_no>/pdf")
@login_required()
@problems(404, 422)
@bp.doc(responses={"200": {"description": "the certificate as an A4 PDF with a QR code that "
                                          "opens the public check",
                           "content": {"application/pdf": {"schema": {"type": "string",
                                                                      "format": "binary"}}}}})
def pdf(certificate_no: str) -> Response:
    """Print or download a certificate (keepers of the register, or its holder). Its QR code
    opens ``/certificates/verify`` on this site, filled in with the number and the name."""
    certificate, _ = certificates.get_certificate(db.session(), certificate_no, current_actor())
    body = certificate_pdf.render(certificate, site=request.host_url)
    name = f"certificate-{certificate.certificate_no}.pdf"
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store"})

"""Uploading attachments (the documents forms cite) and reading them back."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.attachments import AttachmentSchema, CaseAttachmentsQuerySchema
from api.uploads import FIELD_NAME, receive_file
from workflows.attachments import uploads
from workflows.instances import attachments as reading

bp = CertflowBlueprint("attachments", __name__, url_prefix="/api/v1",
                       description="Attachments: documents uploaded for forms")

UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": [FIELD_NAME],
        "properties": {FIELD_NAME: {"type": "string", "format": "binary",
                                    "description": "PDF, JPEG, PNG or OFD"}}}}},
}


@bp.post("/attachments")
@login_required()
@bp.doc(requestBody=UPLOAD_BODY)
@bp.response(201, AttachmentSchema)
@problems(403, 413, 415, 422)
def upload() -> Any:
    """Upload one file; its type is decided from its content (PDF, JPEG, PNG or OFD).

    The upload stays yours until a form you submit cites it; never cited, it is removed after
    a day. Larger than ``CERTFLOW_ATTACHMENT_MAX_BYTES``: 413, and nothing is kept.
    """
    spool = uploads.open_spool(runtime())
    try:
        filename = receive_file(request, spool)
    except BaseException:
        spool.discard()
        raise
    return uploads.save_upload(spool, filename=filename, actor=current_actor(),
                               uow=unit_of_work())


@bp.get("/attachments")
@login_required()
@bp.arguments(CaseAttachmentsQuerySchema, location="query")
@bp.response(200, AttachmentSchema(many=True))
@problems(404)
def list_for_case(query: dict[str, Any]) -> Any:
    """The files attached to a case you may see, in the order they were attached."""
    return reading.list_case_attachments(query["instance_id"], actor=current_actor(),
                                         uow=unit_of_work())


@bp.get("/attachments/<attachment_id>")
@login_required()
@bp.response(200, AttachmentSchema)
@problems(404)
def describe(attachment_id: str) -> Any:
    """An attachment's name, type, size and SHA-256, if you may see its case (or uploaded it)."""
    return reading.describe_attachment(attachment_id, actor=current_actor(), uow=unit_of_work())


# Extensions offered to a browser saving the file; the name itself is the uploader's.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
              "application/ofd": ".ofd"}


@bp.get("/attachments/<attachment_id>/content")
@login_required()
@bp.response(200, description="the file, as a download", content_type="application/octet-stream")
@problems(404)
def download(attachment_id: str) -> Response:
    """The file itself, streamed, as a download that can never run in the app's origin."""
    found = reading.open_attachment(attachment_id, actor=current_actor(), uow=unit_of_work())
    row = found.attachment
    fallback = "attachment" + EXTENSIONS.get(row.media_type, "")
    response = Response(found.content, mimetype=_safe_type(row.media_type),
                        direct_passthrough=True)
    response.headers["Content-Length"] = str(row.size)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(row.filename)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _safe_type(media_type: str) -> str:
    """Only the sniffed types, which no browser runs as script; anything else as bytes."""
    return media_type if media_type in EXTENSIONS and media_type != "application/ofd" \
        else "application/octet-stream"

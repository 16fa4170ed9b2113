"""Uploading attachments (the documents forms cite) and reading them back."""

from __future__ import annotations

from typing import Any

from flask import request

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.attachments import AttachmentSchema
from api.uploads import FIELD_NAME, receive_file
from workflows.attachments import uploads

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

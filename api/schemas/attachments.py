from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.openapi import MAX_ID
from api.schemas.common import RequestSchema


class AttachmentSchema(Schema):
    """An upload as its uploader and the case's readers see it; ``id`` is what forms cite."""

    id = fields.String(attribute="public_id",
                       metadata={"description": "random id; cite it in a form's attachment field"})
    filename = fields.String(metadata={"description": "the name it was uploaded with, "
                                                      "for display only"})
    media_type = fields.String(metadata={"description": "decided from the content"})
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()
    attached = fields.Function(lambda row: row.instance_id is not None,
                               metadata={"type": "boolean"})


class CaseAttachmentsQuerySchema(RequestSchema):
    instance_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                                 metadata={"description": "the case whose attachments to list"})

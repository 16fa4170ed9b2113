"""The 质量监督小组's view of its centre's cases."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import PageQuerySchema
from models.statuses import InstanceStatus


class CentreCaseQuerySchema(PageQuerySchema):
    process_id = fields.String(validate=validate.Length(max=128))
    status = fields.String(validate=validate.OneOf([str(s) for s in InstanceStatus]))
    business_key = fields.String(validate=validate.Length(max=128), metadata={
        "description": "exact, or a prefix ending in * (NC-RZ*)"})


class OpenStepSchema(Schema):
    title = fields.String()
    group = fields.String(allow_none=True)
    held_by = fields.String(allow_none=True, metadata={"description": "who claimed it"})
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()


class CentreCaseSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    business_key = fields.String()
    status = fields.String()
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    applicant = fields.String(allow_none=True)
    occupation = fields.String(allow_none=True)
    level = fields.Integer(allow_none=True)
    open_steps = fields.List(fields.Nested(OpenStepSchema))


class CentreCasePageSchema(Schema):
    items = fields.List(fields.Nested(CentreCaseSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()

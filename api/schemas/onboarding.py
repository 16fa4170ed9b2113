"""Importing people from sheets, and the directory's history."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

KINDS = ("learners", "staff")


class TemplateQuerySchema(RequestSchema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))


class ImportQuerySchema(RequestSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS),
                         metadata={"description": "learners (学员) or staff (教职工)"})


class ImportSummarySchema(Schema):
    rows = fields.Integer()
    add = fields.Integer()
    update = fields.Integer()
    unchanged = fields.Integer()
    invalid = fields.Integer()
    problems = fields.Integer()
    changes = fields.Integer(metadata={"description": "history entries written (confirmed)"})


class ImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "row number in the sheet (header is 1)"})
    action = fields.String(metadata={"description": "add or update"})
    person_id = fields.Integer(allow_none=True)
    name = fields.String()
    number = fields.String(metadata={"description": "学号 / 工号"})
    changes = fields.Dict(metadata={"description": "column -> [before, after] (masked)"})


class ImportProblemSchema(Schema):
    row = fields.Integer()
    column = fields.String()
    reason = fields.String()


class ImportSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    status = fields.String(metadata={"description": "previewed, confirmed or discarded"})
    created_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    summary = fields.Nested(ImportSummarySchema)
    rows = fields.List(fields.Nested(ImportRowSchema))
    problems = fields.List(fields.Nested(ImportProblemSchema))


class HistoryQuerySchema(RequestSchema):
    person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class ChangeSchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    kind_name = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    subject_type = fields.String()
    subject_id = fields.Integer()
    import_id = fields.Integer(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class HistorySchema(Schema):
    intact = fields.Boolean(metadata={"description": "the centre's history chain verifies"})
    broken_at_seq = fields.Integer(allow_none=True)
    total = fields.Integer()
    changes = fields.List(fields.Nested(ChangeSchema))

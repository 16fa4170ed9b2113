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


class ImportJobSchema(Schema):
    import_id = fields.Integer()
    state = fields.String(metadata={"description": "queued, running, done or failed"})
    phase = fields.String(metadata={"description": "queued, planning, writing, committing, "
                                                   "done"})
    done = fields.Integer(metadata={"description": "rows of the phase done so far"})
    total = fields.Integer(metadata={"description": "rows of the sheet"})
    percent = fields.Integer()
    queued_at = fields.DateTime(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    heartbeat_at = fields.DateTime(allow_none=True, metadata={
        "description": "the last progress report of the process running it"})
    summary = fields.Nested(ImportSummarySchema, allow_none=True)
    problem = fields.Dict(allow_none=True, metadata={
        "description": "why it failed (a problem document; nothing was written)"})


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
    subject_name = fields.String(allow_none=True, metadata={
        "description": "the person's or unit's name now"})
    import_id = fields.Integer(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class HistorySchema(Schema):
    intact = fields.Boolean(metadata={"description": "the centre's history chain verifies"})
    broken_at_seq = fields.Integer(allow_none=True)
    total = fields.Integer()
    changes = fields.List(fields.Nested(ChangeSchema))


STATUSES = ("studying", "graduated", "employed", "left", "disabled")
_ID = validate.Range(min=1, max=2**31 - 1)


class AdminSearchSchema(RequestSchema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "part of 姓名, a 学号/工号 or its beginning, or the last 4+ digits of "
                       "a 身份证号"})


class AccountRefSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    active = fields.Boolean()
    awaiting_activation = fields.Boolean(metadata={
        "description": "an activation code was handed over and not used yet: the account has "
                       "no password to sign in with until its holder activates it"})


class HeldEnrolmentSchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    class_name = fields.String()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class HeldPositionSchema(Schema):
    id = fields.Integer()
    role = fields.String()
    role_name = fields.String()
    unit_id = fields.Integer()
    unit = fields.String()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class PersonCardSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked"})
    mobile = fields.String(allow_none=True, metadata={"description": "masked"})
    employer = fields.String(allow_none=True)
    status = fields.String()
    status_name = fields.String()
    accounts = fields.List(fields.Nested(AccountRefSchema))
    enrolments = fields.List(fields.Nested(HeldEnrolmentSchema))
    positions = fields.List(fields.Nested(HeldPositionSchema))


class _PersonFields(RequestSchema):
    number = fields.String(allow_none=True, validate=validate.Length(max=32))
    id_number = fields.String(allow_none=True, validate=validate.Length(max=18))
    mobile = fields.String(allow_none=True, validate=validate.Length(max=20))
    employer = fields.String(allow_none=True, validate=validate.Length(max=128))
    status = fields.String(validate=validate.OneOf(STATUSES))


class PersonCreateSchema(_PersonFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    class_id = fields.Integer(validate=_ID, metadata={"description": "enrol in this 班级"})


class PersonEditSchema(_PersonFields):
    name = fields.String(validate=validate.Length(min=1, max=64))




class MoveSchema(RequestSchema):
    unit_id = fields.Integer(required=True, validate=_ID, metadata={"description": "the 班级"})
    valid_from = fields.Date(load_default=None, metadata={"description": "default: today"})


class PositionGiveSchema(RequestSchema):
    unit_id = fields.Integer(required=True, validate=_ID)
    role = fields.String(required=True, validate=validate.Length(min=1, max=32))
    valid_from = fields.Date(load_default=None, metadata={"description": "default: today"})
    valid_to = fields.Date(load_default=None)


class PositionEndSchema(RequestSchema):
    valid_to = fields.Date(load_default=None, metadata={"description": "default: yesterday"})


class NewPasswordSchema(Schema):
    password = fields.String(metadata={"description": "shown once; hand it over in person"})

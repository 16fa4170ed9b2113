"""The school directory as the API shows it: personal numbers arrive masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema


class UnitTreeQuerySchema(RequestSchema):
    include_inactive = fields.Boolean(load_default=False, metadata={
        "description": "also the deactivated units (graduated classes, closed offices)"})


class UnitRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "institution, department, major, class, office"})
    kind_name = fields.String(metadata={"description": "机构、系部、专业、班级、职能部门"})


class UnitNodeSchema(UnitRefSchema):
    grade = fields.Integer(allow_none=True, metadata={"description": "a class's 年级"})
    active = fields.Boolean(metadata={"description": "false: deactivated (archived)"})
    children = fields.List(fields.Nested(lambda: UnitNodeSchema()))


class DirectoryPersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True, metadata={"description": "学号 / 工号"})
    id_number = fields.String(allow_none=True, metadata={"description": "身份证号, masked"})
    mobile = fields.String(allow_none=True, metadata={"description": "masked"})
    employer = fields.String(allow_none=True)
    status = fields.String()
    status_name = fields.String()


class PositionSchema(Schema):
    id = fields.Integer()
    role = fields.String()
    role_name = fields.String()
    unit = fields.Nested(UnitRefSchema)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    scope = fields.Dict(allow_none=True)


class EnrolmentSchema(Schema):
    id = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class ProfileFieldsMixin:
    """What /me adds about the person behind the account."""

    person = fields.Nested(DirectoryPersonSchema, allow_none=True)
    centre = fields.Nested(UnitRefSchema, allow_none=True)
    positions = fields.List(fields.Nested(PositionSchema))
    enrolments = fields.List(fields.Nested(EnrolmentSchema))


class PeopleQuerySchema(RequestSchema):
    q = fields.String(validate=validate.Length(min=1, max=64),
                      metadata={"description": "part of a name, a 学号/工号 or a full 身份证号"})
    unit_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class AppointmentRequestSchema(RequestSchema):
    person_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    role = fields.String(required=True, validate=validate.Length(min=1, max=32),
                         metadata={"description": "a position role (docs/directory.md)"})
    valid_from = fields.Date(load_default=None, metadata={"description": "default: today"})
    valid_to = fields.Date(load_default=None)
    replace = fields.Boolean(load_default=False, metadata={
        "description": "end the current holders' positions the day before and hand their open "
                       "tasks over (e.g. a new 班主任)"})


class AppointmentSchema(Schema):
    position_id = fields.Integer()
    ended = fields.List(fields.Integer(), metadata={"description": "positions that ended"})
    handed_over = fields.List(fields.Integer(), metadata={"description": "open tasks moved"})
    groups_joined = fields.List(fields.String(), metadata={
        "description": "the role's group, given to the appointee's accounts (position held "
                       "today and not yet a member)"})


class ConflictRequestSchema(RequestSchema):
    subject_person_id = fields.Integer(required=True,
                                       validate=validate.Range(min=1, max=2**31 - 1))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255),
                           metadata={"description": "回避理由 (亲属、师生、同事…)"})


class ConflictSchema(Schema):
    id = fields.Integer()


class SubstituteRequestSchema(RequestSchema):
    substitute_person_id = fields.Integer(required=True,
                                          validate=validate.Range(min=1, max=2**31 - 1))
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)
    person_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                               metadata={"description": "who is away (default: me; someone "
                                                        "else: administrators only)"})


class SubstitutionSchema(Schema):
    id = fields.Integer()
    person_id = fields.Integer(metadata={"description": "who is away"})
    person = fields.String()
    substitute_person_id = fields.Integer()
    substitute = fields.String()
    valid_from = fields.Date()
    valid_to = fields.Date()
    current = fields.Boolean(metadata={"description": "true: it has begun (today is in it)"})
    may_end = fields.Boolean(metadata={"description": "the caller may end it (the one away, "
                                                     "or an administrator)"})

"""Requests and answers of the organisation tree's administration."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

_ID = validate.Range(min=1, max=2**31 - 1)
_CODE = validate.Length(min=1, max=32)
_NAME = validate.Length(min=1, max=128)
CREATABLE_KINDS = ("department", "major", "class", "office")


class UnitCreateSchema(RequestSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CREATABLE_KINDS), metadata={
        "description": "department 系部, major 专业, class 班级, office 职能部门"})
    code = fields.String(required=True, validate=_CODE)
    name = fields.String(required=True, validate=_NAME)
    parent_id = fields.Integer(required=True, validate=_ID)
    grade = fields.Integer(validate=validate.Range(min=1, max=9), metadata={
        "description": "a class's 年级 (1 = 一年级)"})


class UnitEditSchema(RequestSchema):
    code = fields.String(validate=_CODE)
    name = fields.String(validate=_NAME)
    grade = fields.Integer(validate=validate.Range(min=1, max=9), metadata={
        "description": "a class's 年级 (1 = 一年级)"})


class UnitMoveSchema(RequestSchema):
    parent_id = fields.Integer(required=True, validate=_ID)


class AdminUnitSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    parent_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    grade = fields.Integer(allow_none=True, metadata={"description": "a class's 年级"})


class AccountsRequestSchema(RequestSchema):
    person_ids = fields.List(fields.Integer(validate=_ID), validate=validate.Length(max=500),
                             metadata={"description": "these people, or"})
    unit_id = fields.Integer(validate=_ID, metadata={
        "description": "everyone studying or holding a position in this unit or below it"})
    mode = fields.String(load_default="password",
                         validate=validate.OneOf(("password", "activation_code")), metadata={
                             "description": "password: a random initial password each; "
                                            "activation_code: a one-time code instead, with "
                                            "which the person chooses their password (accounts "
                                            "still waiting for activation get a new code)"})


class AccountsQuerySchema(RequestSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")),
                           metadata={"description": "xlsx: the hand-over sheet to print"})


class HandedOverSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"description": "the learner's 班级"})
    username = fields.String()
    password = fields.String(allow_none=True, metadata={
        "description": "shown this once; replaced at the first sign-in"})
    activation_code = fields.String(allow_none=True, metadata={
        "description": "instead of a password: shown this once (ABCDE-FGHJK), used once at "
                       "POST /api/v1/auth/activate"})
    expires_at = fields.DateTime(allow_none=True, metadata={
        "description": "when the activation code stops working"})


class SkippedSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    reason = fields.String()


class AccountsOpenedSchema(Schema):
    accounts = fields.List(fields.Nested(HandedOverSchema))
    skipped = fields.List(fields.Nested(SkippedSchema))


class RolloverRequestSchema(RequestSchema):
    on = fields.Date(required=True, metadata={
        "description": "the last day of the year: enrolments and positions end on it"})
    graduate_class_ids = fields.List(fields.Integer(validate=_ID), load_default=list,
                                     validate=validate.Length(max=200))
    promote_class_ids = fields.List(fields.Integer(validate=_ID), load_default=list,
                                    validate=validate.Length(max=500), metadata={
                                        "description": "classes moving up one 年级 (they "
                                                       "keep their name and learners)"})
    end_roles = fields.List(fields.String(validate=validate.Length(min=1, max=32)),
                            load_default=list, validate=validate.Length(max=20), metadata={
                                "description": "every position of these roles ends on `on` "
                                               "(e.g. class_teacher for a new year)"})


class RolloverConfirmSchema(RolloverRequestSchema):
    digest = fields.String(required=True, validate=validate.Length(equal=64), metadata={
        "description": "the preview's digest: refused (409) when the directory changed"})


class RolloverLearnerSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    status = fields.String()
    enrolment_id = fields.Integer()
    class_ = fields.String(data_key="class", attribute="class")


class RolloverPositionSchema(Schema):
    position_id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    role = fields.String()
    role_name = fields.String()
    unit = fields.String()


class RolloverClassSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class RolloverPromotionSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    grade_before = fields.Integer()
    grade_after = fields.Integer()
    grade_derived = fields.Boolean(metadata={
        "description": "the grade before was worked out from the learners' 入学年份"})
    learners = fields.Integer(metadata={"description": "learners enrolled, who move up with it"})


class RolloverPlanSchema(Schema):
    on = fields.String()
    digest = fields.String()
    classes = fields.List(fields.Nested(RolloverClassSchema))
    promotions = fields.List(fields.Nested(RolloverPromotionSchema))
    learners = fields.List(fields.Nested(RolloverLearnerSchema))
    positions = fields.List(fields.Nested(RolloverPositionSchema))


class RolloverDoneSchema(Schema):
    classes = fields.Integer()
    promoted = fields.Integer()
    learners = fields.Integer()
    positions = fields.Integer()
    changes = fields.Integer(metadata={"description": "history entries written"})

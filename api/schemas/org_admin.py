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


class UnitEditSchema(RequestSchema):
    code = fields.String(validate=_CODE)
    name = fields.String(validate=_NAME)


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


class AccountsRequestSchema(RequestSchema):
    person_ids = fields.List(fields.Integer(validate=_ID), validate=validate.Length(max=500),
                             metadata={"description": "these people, or"})
    unit_id = fields.Integer(validate=_ID, metadata={
        "description": "everyone studying or holding a position in this unit or below it"})


class AccountsQuerySchema(RequestSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")),
                           metadata={"description": "xlsx: the hand-over sheet to print"})


class HandedOverSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"description": "the learner's 班级"})
    username = fields.String()
    password = fields.String(metadata={"description": "shown this once; replaced at the first "
                                                      "sign-in"})


class SkippedSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    reason = fields.String()


class AccountsOpenedSchema(Schema):
    accounts = fields.List(fields.Nested(HandedOverSchema))
    skipped = fields.List(fields.Nested(SkippedSchema))

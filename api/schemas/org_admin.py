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

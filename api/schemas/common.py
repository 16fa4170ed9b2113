"""Schemas shared by several areas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ProblemDetailSchema(Schema):
    pointer = fields.String(metadata={"description": "JSON pointer into the request"})
    message = fields.String(required=True)
    file = fields.String()
    element_id = fields.String()
    line = fields.Integer()


class ProblemSchema(Schema):
    """RFC 9457 problem document."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Dict())


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class UserRefSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()

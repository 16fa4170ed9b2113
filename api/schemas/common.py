"""Schemas shared by several areas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from api.masking import mask_text


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class RequestSchema(Schema):
    """Base of every request schema: text holding NUL characters is refused with 422.

    PostgreSQL can neither store nor compare such text (the driver raises), so without this a
    ``?process_id=%00`` is a 500 there and a silent miss on SQLite.
    """

    @validates_schema
    def _no_nul_characters(self, data: dict[str, Any], **kwargs: Any) -> None:
        bad = {name: ["must not contain NUL (\\0) characters"]
               for name, value in data.items() if _holds_nul(value)}
        if bad:
            raise ValidationError(bad)


class ProblemDetailSchema(Schema):
    """One located problem; rules may add keys of their own (``rule``, ``tag``...)."""

    class Meta:
        unknown = INCLUDE

    pointer = fields.String(metadata={"description": "JSON pointer into the request"})
    message = fields.String(required=True)
    file = fields.String()
    element_id = fields.String()
    line = fields.Integer()


class ClaimHolderSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()


class ProblemSchema(Schema):
    """RFC 9457 problem document."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(ProblemDetailSchema))
    claimed_by = fields.Nested(ClaimHolderSchema, metadata={
        "description": "who holds the task, on a 409 for a task already claimed"})


class PageQuerySchema(RequestSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class UserRefSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True, metadata={"description": "the SQL dialect in use"})


class MaskedString(fields.String):
    """A string dumped with personal data masked (for lists; detail views show it in full)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        text = super()._serialize(value, attr, obj, **kwargs)
        return mask_text(text) if text is not None else None

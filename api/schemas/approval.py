"""Bodies and answers of the approval actions: 转交, 退回, 加签, 撤回, 催办, 抄送, comments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

_TEXT = validate.Length(max=1000)
_NAME = validate.Length(min=1, max=64)


class TransferSchema(RequestSchema):
    to = fields.String(required=True, validate=_NAME,
                       metadata={"description": "user name of the colleague"})
    reason = fields.String(load_default=None, allow_none=True, validate=_TEXT)


class SendBackSchema(RequestSchema):
    to_step = fields.String(required=True, validate=validate.Length(min=1, max=128),
                            metadata={"description": "BPMN id of an earlier step (sendBackTo)"})
    reason = fields.String(required=True, validate=_TEXT)


class OpinionRequestSchema(RequestSchema):
    to = fields.String(required=True, validate=_NAME)
    question = fields.String(required=True, validate=_TEXT)


class OpinionAnswerSchema(RequestSchema):
    answer = fields.String(required=True, validate=_TEXT)


class OpinionSchema(Schema):
    instance_id = fields.Integer()
    request_seq = fields.Integer()
    task_id = fields.Integer()
    task_title = fields.String()
    business_key = fields.String()
    asked_by = fields.String()
    asked_at = fields.DateTime()
    to_user_id = fields.Integer()
    to = fields.String()
    question = fields.String()
    answer = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class WithdrawSchema(RequestSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=_TEXT)


class RemindedSchema(Schema):
    reminded = fields.List(fields.String(), metadata={"description": "the steps reminded"})


class CopySchema(RequestSchema):
    to = fields.List(fields.String(validate=_NAME), required=True,
                     validate=validate.Length(min=1, max=20))
    note = fields.String(load_default=None, allow_none=True, validate=_TEXT)


class CopiedSchema(Schema):
    copied_to = fields.List(fields.String())


class CommentBodySchema(RequestSchema):
    text = fields.String(required=True, validate=_TEXT)


class CommentSchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    author_id = fields.Integer(allow_none=True)
    author = fields.String()
    text = fields.String()
    task_name = fields.String(allow_none=True)


class PeopleQuerySchema(RequestSchema):
    q = fields.String(validate=validate.Length(max=64))


class PersonSchema(Schema):
    username = fields.String()
    display_name = fields.String()


class TaskActionsSchema(Schema):
    """What the task's diagram allows its holder to do besides completing it."""

    actions = fields.List(fields.String())
    send_back_to = fields.List(fields.Nested(
        Schema.from_dict({"step": fields.String(), "title": fields.String()})))
    transfer_to = fields.List(fields.Nested(PersonSchema))

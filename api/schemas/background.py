"""Schemas for messages, notifications, incidents and timers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.openapi import MAX_ID
from api.schemas.common import PageQuerySchema, RequestSchema
from models.statuses import IncidentStatus, TimerStatus

# Ids are database INTEGERs: anything outside is refused with 422, never sent to the database.
ID_RANGE = validate.Range(min=1, max=MAX_ID)


class MessageSendSchema(RequestSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=128),
                         metadata={"description": "the BPMN message name"})
    business_key = fields.String(required=True, validate=validate.Length(min=1, max=128))
    payload = fields.Dict(keys=fields.String(), load_default=dict)


class DeliverySchema(Schema):
    message_name = fields.String()
    business_key = fields.String()
    instance_ids = fields.List(fields.Integer())


class UnmatchedMessageSchema(Schema):
    id = fields.Integer()
    message_name = fields.String()
    business_key = fields.String()
    payload = fields.Dict()
    sent_by = fields.Integer(allow_none=True)
    received_at = fields.DateTime()


class UnmatchedQuerySchema(RequestSchema):
    business_key = fields.String(validate=validate.Length(max=128))


class NotificationSchema(Schema):
    id = fields.Integer()
    recipient_user_id = fields.Integer(allow_none=True)
    recipient_group = fields.String(allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    task_name = fields.String(allow_none=True)
    kind = fields.String()
    subject = fields.String()
    body = fields.String()
    created_at = fields.DateTime()


class NotificationQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(["info", "reminder", "escalation", "copy",
                                                 "consult"]))
    instance_id = fields.Integer(validate=ID_RANGE)


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class IncidentSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    job_id = fields.Integer(allow_none=True)
    task_name = fields.String()
    operation = fields.String()
    error_type = fields.String()
    message = fields.String()
    stack = fields.List(fields.Dict())
    attempts = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()
    retried_at = fields.DateTime(allow_none=True)
    retried_by = fields.Integer(allow_none=True)


class IncidentQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf([str(s) for s in IncidentStatus]))
    instance_id = fields.Integer(validate=ID_RANGE)


class IncidentPageSchema(Schema):
    items = fields.List(fields.Nested(IncidentSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class TimerSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    task_name = fields.String()
    element_id = fields.String()
    kind = fields.String()
    interrupting = fields.Boolean(allow_none=True)
    attached_to = fields.String(allow_none=True)
    escalates_to = fields.String(allow_none=True)
    expression = fields.String()
    due_at = fields.DateTime()
    calendar_version = fields.String(allow_none=True, metadata={
        "description": "the working-day calendar the due time was computed with"})
    status = fields.String()
    fired_at = fields.DateTime(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)


class TimerQuerySchema(RequestSchema):
    instance_id = fields.Integer(validate=ID_RANGE)
    status = fields.String(validate=validate.OneOf([str(s) for s in TimerStatus]))


class FireReportSchema(Schema):
    claimed = fields.Integer()
    fired = fields.Integer()
    skipped = fields.Integer()
    errors = fields.Integer()


class NotificationEmailSchema(Schema):
    email = fields.Email(required=True, allow_none=True, validate=validate.Length(max=320),
                         metadata={"description": "where my notifications are e-mailed; null: "
                                                  "nowhere"})


class NotificationChannelsSchema(Schema):
    email = fields.String(allow_none=True)
    email_enabled = fields.Boolean(metadata={"description": "the server sends e-mail"})
    webhook_enabled = fields.Boolean(metadata={"description": "the school's webhook is set"})

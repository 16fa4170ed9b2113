"""我的申请 and a task's guidance (reason, deadline, prefilled answers)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema
from models.statuses import InstanceStatus


class MyCasesQuerySchema(RequestSchema):
    status = fields.String(validate=validate.OneOf([str(s) for s in InstanceStatus]))


class CurrentStepSchema(Schema):
    task_id = fields.Integer()
    title = fields.String()
    holder = fields.String(metadata={"description": "a person's name, or the group"})
    held_by_person = fields.Boolean()
    mine = fields.Boolean()
    due_at = fields.DateTime(allow_none=True)


class OutcomeSchema(Schema):
    code = fields.String()
    words = fields.String()
    reason = fields.String(allow_none=True)
    failed_parts = fields.List(fields.String())
    certificate_no = fields.String(allow_none=True)


class CaseNoticeSchema(Schema):
    at = fields.DateTime()
    subject = fields.String()
    body = fields.String()


class ApplicantCaseSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    business_key = fields.String()
    status = fields.String()
    status_words = fields.String()
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    current = fields.List(fields.Nested(CurrentStepSchema))
    outcome = fields.Nested(OutcomeSchema, allow_none=True)
    notices = fields.List(fields.Nested(CaseNoticeSchema))
    can_withdraw = fields.Boolean()
    can_remind = fields.Boolean()
    can_appeal = fields.Boolean()


class TaskGuidanceSchema(Schema):
    reason_label = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    prefill = fields.Dict()

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


class PublishedResultSchema(Schema):
    words = fields.String(metadata={"description": "合格 / 不合格"})
    scores = fields.Dict(keys=fields.String(), values=fields.Float())
    failed_parts = fields.List(fields.String())
    recheck_until = fields.DateTime(allow_none=True, metadata={
        "description": "成绩复查申请截止时间（复查期内）"})
    rechecked = fields.Boolean()


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
    result = fields.Nested(PublishedResultSchema, allow_none=True, metadata={
        "description": "成绩公布后的结果；公布前为空"})


class TaskGuidanceSchema(Schema):
    reason_label = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    prefill = fields.Dict()

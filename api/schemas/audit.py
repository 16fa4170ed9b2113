"""Schemas of the auditor API (verify, replay, timeline, diff, search, activity, export)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from api.openapi import MAX_ID
from api.schemas.common import PageQuerySchema, UserRefSchema

# Ids and seqs fit the database's INTEGER columns; larger values are invalid input, not a 500.
ID_RANGE = validate.Range(min=1, max=MAX_ID)


def _utc(**kwargs: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(default_timezone=UTC, **kwargs)


class VerifyQuerySchema(Schema):
    anchor = fields.Boolean(load_default=True, metadata={
        "description": "when the trail is intact, anchor the verified heads (default true)"})


class FindingSchema(Schema):
    scope = fields.String(metadata={"description": "anchor, definitions or instance"})
    instance_id = fields.Integer()
    seq = fields.Integer()
    anchor_id = fields.Integer()
    attachment_id = fields.String()
    filename = fields.String()
    problem = fields.String()


class AnchorSummarySchema(Schema):
    id = fields.Integer()
    created_at = fields.String()
    created_by = fields.String()
    hash = fields.String()
    instances_in_delta = fields.Integer()
    instance_count = fields.Integer()


class VerifyReportSchema(Schema):
    ok = fields.Boolean()
    first_broken = fields.Nested(FindingSchema, allow_none=True)
    findings = fields.List(fields.Nested(FindingSchema))
    findings_truncated = fields.Boolean()
    anchors_checked = fields.Integer()
    instances_checked = fields.Integer()
    events_checked = fields.Integer()
    files_checked = fields.Integer()
    latest_anchor = fields.Nested(AnchorSummarySchema, allow_none=True)
    new_anchor = fields.Nested(AnchorSummarySchema, allow_none=True)


class ReplayQuerySchema(Schema):
    upto = fields.Integer(validate=ID_RANGE, metadata={
        "description": "event seq to replay to (default: the last event)"})


class OpenTaskStateSchema(Schema):
    task_name = fields.String()
    title = fields.String()
    bpmn_id = fields.String()
    group = fields.String(allow_none=True)
    task_id = fields.Integer(allow_none=True)


class IntegritySchema(Schema):
    checked = fields.Boolean()
    matches = fields.Boolean(allow_none=True)
    differences = fields.List(fields.Dict())
    note = fields.String()


class ReplaySchema(Schema):
    instance_id = fields.Integer()
    process_id = fields.String()
    definition_id = fields.Integer()
    definition_version = fields.Integer()
    upto = fields.Integer()
    last_seq = fields.Integer()
    status = fields.String()
    data = fields.Dict()
    open_tasks = fields.List(fields.Nested(OpenTaskStateSchema))
    path = fields.List(fields.String(), metadata={
        "description": "BPMN ids of completed elements, in completion order"})
    error = fields.Dict(allow_none=True)
    integrity = fields.Nested(IntegritySchema)


class AuditInstanceQuerySchema(PageQuerySchema):
    business_key = fields.String(validate=validate.Length(max=129),
                                 metadata={"description": "exact, or a prefix ending in *"})
    applicant = fields.String(validate=validate.Length(max=128),
                              metadata={"description": "user id, user name or display name"})
    process_id = fields.String()
    status = fields.String()
    started_from = _utc()
    started_to = _utc()


class AuditInstanceSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    definition_id = fields.Integer()
    definition_version = fields.Integer(allow_none=True)
    business_key = fields.String()
    status = fields.String()
    started_by = fields.Nested(UserRefSchema, allow_none=True)
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    last_event_seq = fields.Integer()


class AuditInstancePageSchema(Schema):
    items = fields.List(fields.Nested(AuditInstanceSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class TimelineEntrySchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    actor = fields.Nested(UserRefSchema, allow_none=True)
    task_name = fields.String(allow_none=True)
    task_title = fields.String(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    data = fields.Dict(allow_none=True)
    outcome = fields.Raw(allow_none=True)
    payload = fields.Dict()
    hash = fields.String()


class TimelineSchema(Schema):
    instance = fields.Nested(AuditInstanceSchema)
    chain = fields.Dict()
    events = fields.List(fields.Nested(TimelineEntrySchema))


class DiffQuerySchema(Schema):
    from_ = fields.Integer(data_key="from", required=True, validate=ID_RANGE)
    to = fields.Integer(required=True, validate=ID_RANGE)


class DiffSchema(Schema):
    instance_id = fields.Integer()
    from_ = fields.Dict(data_key="from", attribute="from")
    to = fields.Dict()
    changes = fields.List(fields.Dict())
    findings = fields.List(fields.Dict())


class TimeRangePageQuerySchema(PageQuerySchema):
    from_ = _utc(data_key="from")
    to = _utc()


class ActivityItemSchema(Schema):
    at = fields.DateTime()
    kind = fields.String()
    instance_id = fields.Integer(allow_none=True)
    seq = fields.Integer()
    business_key = fields.String(allow_none=True)
    process_id = fields.String(allow_none=True)
    task_name = fields.String(allow_none=True)
    task_title = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)


class ActivitySchema(Schema):
    user = fields.Dict()
    items = fields.List(fields.Nested(ActivityItemSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class ExportQuerySchema(Schema):
    instance_id = fields.Integer(validate=ID_RANGE)
    from_ = _utc(data_key="from")
    to = _utc()

    @validates_schema
    def _one_scope(self, data: dict[str, object], **_: object) -> None:
        has_range = data.get("from_") is not None or data.get("to") is not None
        if (data.get("instance_id") is None) == (not has_range):
            raise ValidationError("give instance_id, or from/to, but not both",
                                  field_name="instance_id")


class AccessLogQuerySchema(PageQuerySchema):
    actor_id = fields.Integer(validate=ID_RANGE)
    instance_id = fields.Integer(validate=ID_RANGE)


class AccessLogEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Nested(UserRefSchema, allow_none=True)
    role = fields.String()
    action = fields.String()
    resource = fields.String()
    instance_id = fields.Integer(allow_none=True)
    detail = fields.Dict()


class AccessLogPageSchema(Schema):
    items = fields.List(fields.Nested(AccessLogEntrySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()

"""Schemas of the certificate register, bulk task work and certification reports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import MaskedString, PageQuerySchema, ProblemSchema, RequestSchema
from models.statuses import CertificateStatus

LEVEL = validate.Range(min=1, max=5)


# --- certificates -------------------------------------------------------------------------
class VerifyQuerySchema(RequestSchema):
    certificate_no = fields.String(required=True, validate=validate.Length(min=1, max=40),
                                   metadata={"description": "证书编号"})
    holder_name = fields.String(required=True, validate=validate.Length(min=1, max=64),
                                metadata={"description": "持证人姓名"})


class VerifyResultSchema(Schema):
    certificate_no = fields.String(allow_none=True)
    match = fields.Boolean(required=True, metadata={
        "description": "a certificate with this number and holder name exists"})
    valid = fields.Boolean(required=True)
    status = fields.String(allow_none=True, metadata={"description": "valid, revoked, reissued"})
    message = fields.String()
    holder_name = fields.String()
    occupation = fields.String()
    level = fields.Integer()
    level_name = fields.String()
    issued_on = fields.String()
    replaced_by = fields.String(allow_none=True)


class CertificateQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf([str(s) for s in CertificateStatus]))
    occupation = fields.String(validate=validate.Length(max=64))
    level = fields.Integer(validate=LEVEL)
    holder_name = fields.String(validate=validate.Length(max=64))
    exam_session = fields.String(validate=validate.Length(max=32))
    q = fields.String(validate=validate.Length(max=64), metadata={
        "description": "a certificate number or its beginning, or part of the holder's name"})


class CertificateSchema(Schema):
    certificate_no = fields.String()
    holder_name = fields.String()
    id_number = MaskedString()
    occupation = fields.String()
    level = fields.Integer()
    level_name = fields.Method("_level_name")
    exam_session = fields.String(allow_none=True)
    issued_on = fields.Date()
    status = fields.String()
    business_key = fields.String(allow_none=True)
    source_instance_id = fields.Integer(allow_none=True)
    replaces = fields.String(allow_none=True)
    replaced_by = fields.String(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)

    def _level_name(self, certificate: object) -> str | None:
        from workflows.certification.register import LEVEL_NAMES

        return LEVEL_NAMES.get(getattr(certificate, "level", 0))


class CertificatePageSchema(Schema):
    items = fields.List(fields.Nested(CertificateSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class CertificateEventSchema(Schema):
    kind = fields.String()
    at = fields.DateTime()
    instance_id = fields.Integer(allow_none=True)
    payload = fields.Dict()


class CertificateDetailSchema(CertificateSchema):
    scores = fields.Dict()
    events = fields.List(fields.Nested(CertificateEventSchema))


# --- bulk work ----------------------------------------------------------------------------
class BatchTaskQuerySchema(RequestSchema):
    task_name = fields.String(required=True, validate=validate.Length(min=1, max=128),
                             metadata={"description": "BPMN id of the user task, e.g. score_exam"})
    process_id = fields.String(validate=validate.Length(max=128))
    exam_session = fields.String(validate=validate.Length(max=32))
    occupation = fields.String(validate=validate.Length(max=64))
    level = fields.Integer(validate=LEVEL)


class BatchTaskSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    task_name = fields.String()
    title = fields.String()
    business_key = MaskedString()
    candidate_group = fields.String(allow_none=True)
    status = fields.String()
    assignee_id = fields.Integer(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    case = fields.Dict(metadata={"description": "who the task is about (no ID number)"})


class BatchTaskListSchema(Schema):
    items = fields.List(fields.Nested(BatchTaskSchema))
    total = fields.Integer()


class BatchItemSchema(RequestSchema):
    task_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class BatchCompleteSchema(RequestSchema):
    items = fields.List(fields.Nested(BatchItemSchema), required=True,
                        validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={
        "description": "form data common to every task; an item's own data wins"})
    claim = fields.Boolean(load_default=True, metadata={
        "description": "claim unclaimed tasks of my groups in the same transaction"})


class ItemProblemSchema(ProblemSchema):
    """The problem document the single call would have answered (errors keep ``rule`` etc.)."""

    errors = fields.List(fields.Dict())


class BatchItemResultSchema(Schema):
    task_id = fields.Integer()
    ok = fields.Boolean()
    status = fields.Integer(metadata={"description": "HTTP status the single call would give"})
    instance_id = fields.Integer(allow_none=True)
    instance_status = fields.String(allow_none=True)
    problem = fields.Nested(ItemProblemSchema, allow_none=True)


class BatchResultSchema(Schema):
    completed = fields.Integer()
    failed = fields.Integer()
    results = fields.List(fields.Nested(BatchItemResultSchema))


# --- reports ------------------------------------------------------------------------------
class CaseCountSchema(Schema):
    occupation = fields.String()
    level = fields.Integer(allow_none=True)
    level_name = fields.String(allow_none=True)
    status = fields.String()
    count = fields.Integer()


class SessionRateSchema(Schema):
    exam_session = fields.String()
    candidates = fields.Integer()
    absent = fields.Integer()
    scored = fields.Integer()
    passed = fields.Integer()
    failed = fields.Integer()
    pass_rate = fields.Float(allow_none=True)


class PassRateSchema(Schema):
    occupation = fields.String()
    level = fields.Integer(allow_none=True)
    level_name = fields.String(allow_none=True)
    scored = fields.Integer()
    passed = fields.Integer()
    failed = fields.Integer()
    pass_rate = fields.Float(allow_none=True)


class StepCountSchema(Schema):
    task_name = fields.String()
    step = fields.String()
    cases = fields.Integer()


class OverdueSchema(Schema):
    candidate_group = fields.String(allow_none=True)
    process_id = fields.String()
    overdue = fields.Integer()
    oldest_due_at = fields.DateTime(allow_none=True)

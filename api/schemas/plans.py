"""Schemas of the published certification plans (认定计划)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

LEVELS = validate.OneOf([5, 4, 3, 2, 1])
TEXT = validate.Length(min=1, max=200)
# A plan's days lie in this century: older or later dates are typing errors, and their local
# time (Beijing's historical offsets) would not even be a valid RFC 3339 instant.
PLAN_DAY = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31),
                          error="日期应在 2000-01-01 至 2099-12-31 之间")


class PlanOccupationSchema(RequestSchema):
    occupation = fields.String(required=True, validate=validate.Length(min=2, max=40),
                               metadata={"description": "职业（工种）"})
    levels = fields.List(fields.Integer(validate=LEVELS), required=True,
                         validate=validate.Length(min=1, max=5),
                         metadata={"description": "开设的等级，5 = 五级 … 1 = 一级"})


class PlanExamSchema(RequestSchema):
    part = fields.String(required=True,
                         validate=validate.OneOf(["theory", "practical", "comprehensive"]),
                         metadata={"description": "theory 理论知识考试, practical 操作技能考核, "
                                                  "comprehensive 综合评审"})
    date = fields.Date(required=True, validate=PLAN_DAY)
    venue = fields.String(required=True, validate=TEXT, metadata={"description": "考点"})


class PlanPublishSchema(RequestSchema):
    code = fields.String(required=True, validate=[
        validate.Length(min=2, max=40), validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")],
        metadata={"description": "计划编号；再次发布同一编号即为新版本"})
    title = fields.String(required=True, validate=TEXT)
    centre = fields.String(load_default="", validate=validate.Length(max=100),
                           metadata={"description": "认定机构"})
    occupations = fields.List(fields.Nested(PlanOccupationSchema), required=True,
                              validate=validate.Length(min=1, max=50))
    apply_from = fields.Date(required=True, validate=PLAN_DAY,
                             metadata={"description": "报名开始日（北京时间）"})
    apply_until = fields.Date(required=True, validate=PLAN_DAY,
                              metadata={"description": "报名截止日（北京时间，当日 24:00 截止）"})
    apply_until_extends = fields.Boolean(load_default=True, metadata={
        "description": "截止日逢法定节假日或休息日顺延至下一个工作日（民法典第二百零三条）"})
    exams = fields.List(fields.Nested(PlanExamSchema), required=True,
                        validate=validate.Length(min=1, max=20))
    exam_mode = fields.String(required=True, validate=validate.OneOf(["closed_book", "computer"]),
                              metadata={"description": "closed_book 闭卷 / computer 机考"})
    requirements = fields.String(load_default="", validate=validate.Length(max=5000),
                                 metadata={"description": "申报条件与要求"})


class PlanListQuerySchema(RequestSchema):
    open = fields.Boolean(metadata={"description": "true: only plans taking applications now"})


class PlanSchema(Schema):
    code = fields.String()
    version = fields.Integer()
    title = fields.String()
    centre = fields.String()
    occupations = fields.List(fields.Dict())
    apply_from = fields.Date()
    apply_until = fields.Date()
    apply_until_extends = fields.Boolean()
    last_apply_day = fields.Date(metadata={"description": "实际报名截止日（含节假日顺延）"})
    window_ends_at = fields.DateTime(
        metadata={"description": "报名截止时刻（实际截止日次日 0 时，北京时间）"})
    open = fields.Boolean(metadata={"description": "现在是否在报名时间内"})
    exams = fields.List(fields.Dict())
    exam_mode = fields.String()
    exam_mode_name = fields.String()
    requirements = fields.String()
    published_at = fields.DateTime()


class PlanListSchema(Schema):
    items = fields.List(fields.Nested(PlanSchema))


class PlanVersionsSchema(Schema):
    code = fields.String()
    current = fields.Nested(PlanSchema)
    versions = fields.List(fields.Nested(PlanSchema))


def plan_payload(plan: Any, *, open_now: bool, ends_at: Any, last_day: Any,
                 mode_name: str) -> dict[str, Any]:
    fields_ = {name: getattr(plan, name) for name in (
        "code", "version", "title", "centre", "occupations", "apply_from", "apply_until",
        "apply_until_extends", "exams", "exam_mode", "requirements", "published_at")}
    return {**fields_, "open": open_now, "window_ends_at": ends_at, "last_apply_day": last_day,
            "exam_mode_name": mode_name}


# --- 公示 and objections -------------------------------------------------------------------
class NoticeEntrySchema(Schema):
    business_key = fields.String(metadata={"description": "申报编号"})
    masked_name = fields.String(metadata={"description": "姓名（仅显示姓）"})
    occupation = fields.String()
    level = fields.Integer()
    level_name = fields.String()
    result = fields.String()
    notice_ends_at = fields.DateTime(allow_none=True, metadata={
        "description": "公示截止时刻；异议处理中为空（处理完毕重新公示）"})
    under_review = fields.Boolean(metadata={"description": "异议处理中"})


class NoticeSchema(Schema):
    plan = fields.Nested(PlanSchema)
    items = fields.List(fields.Nested(NoticeEntrySchema))


class ObjectionRaiseSchema(RequestSchema):
    business_key = fields.String(required=True, validate=validate.Length(min=1, max=128),
                                 metadata={"description": "公示名单中的申报编号"})
    reason = fields.String(required=True, validate=validate.Length(min=5, max=2000),
                           metadata={"description": "异议事实与理由"})
    name = fields.String(validate=validate.Length(min=2, max=64),
                         metadata={"description": "未登录时必填：异议人真实姓名"})
    contact = fields.String(validate=validate.Length(min=5, max=100),
                            metadata={"description": "未登录时必填：联系电话或电子邮箱"})


class ObjectionReceiptSchema(Schema):
    objection_no = fields.Integer(metadata={"description": "异议受理编号"})
    business_key = fields.String()
    routing = fields.String(metadata={
        "description": "new_task 新建异议处理任务；joined 并入正在处理的异议"})
    message = fields.String()


class ObjectionQuerySchema(RequestSchema):
    business_key = fields.String(validate=validate.Length(min=1, max=128))


class ObjectionSchema(Schema):
    objection_no = fields.Integer()
    business_key = fields.String()
    instance_id = fields.Integer()
    reason = fields.String()
    objector = fields.String()
    objector_contact = fields.String(allow_none=True)
    signed_in = fields.Boolean()
    routing = fields.String()
    received_at = fields.DateTime()

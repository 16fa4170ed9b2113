"""Schemas of the published certification plans (认定计划)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

LEVELS = validate.OneOf([5, 4, 3, 2, 1])
TEXT = validate.Length(min=1, max=200)


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
    date = fields.Date(required=True)
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
    apply_from = fields.Date(required=True, metadata={"description": "报名开始日（北京时间）"})
    apply_until = fields.Date(required=True,
                              metadata={"description": "报名截止日（北京时间，当日 24:00 截止）"})
    exams = fields.List(fields.Nested(PlanExamSchema), required=True,
                        validate=validate.Length(min=1, max=20))
    exam_mode = fields.String(required=True, validate=validate.OneOf(["closed_book", "computer"]),
                              metadata={"description": "closed_book 闭卷 / computer 机考"})
    requirements = fields.String(load_default="", validate=validate.Length(max=5000),
                                 metadata={"description": "申报条件与要求"})


class PlanSchema(Schema):
    code = fields.String()
    version = fields.Integer()
    title = fields.String()
    centre = fields.String()
    occupations = fields.List(fields.Dict())
    apply_from = fields.Date()
    apply_until = fields.Date()
    window_ends_at = fields.DateTime(
        metadata={"description": "报名截止时刻（截止日次日 0 时，北京时间）"})
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


def plan_payload(plan: Any, *, open_now: bool, ends_at: Any, mode_name: str) -> dict[str, Any]:
    fields_ = {name: getattr(plan, name) for name in (
        "code", "version", "title", "centre", "occupations", "apply_from", "apply_until",
        "exams", "exam_mode", "requirements", "published_at")}
    return {**fields_, "open": open_now, "window_ends_at": ends_at,
            "exam_mode_name": mode_name}

"""Schemas of the holiday calendar (节假日日历)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

NAME = validate.Length(min=1, max=40)


class CalendarYearBodySchema(RequestSchema):
    holidays = fields.Dict(keys=fields.String(validate=validate.Length(equal=10)),
                           values=fields.String(validate=NAME), load_default=dict,
                           validate=validate.Length(max=120),
                           metadata={"description": "放假日期 → 名称（如 国庆节）"})
    workdays = fields.Dict(keys=fields.String(validate=validate.Length(equal=10)),
                           values=fields.String(validate=NAME), load_default=dict,
                           validate=validate.Length(max=60),
                           metadata={"description": "调休上班的周六、周日 → 名称"})
    note = fields.String(load_default="", validate=validate.Length(max=500),
                         metadata={"description": "依据（国务院办公厅的节假日安排通知）"})


class CalendarDayBodySchema(RequestSchema):
    kind = fields.String(required=True, validate=validate.OneOf(["holiday", "workday"]),
                         metadata={"description": "holiday 放假 / workday 调休上班"})
    name = fields.String(required=True, validate=NAME)


class CalendarYearSchema(Schema):
    year = fields.Integer()
    source = fields.String(metadata={"description": "bundled 随版本发布 / database 管理员录入 / "
                                                    "missing 无调休数据"})
    revision = fields.Integer(allow_none=True)
    holidays = fields.Dict(keys=fields.String(), values=fields.String())
    workdays = fields.Dict(keys=fields.String(), values=fields.String())
    note = fields.String()
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.Integer(allow_none=True)


class CalendarYearListSchema(Schema):
    items = fields.List(fields.Nested(CalendarYearSchema))
    version = fields.String(metadata={"description": "当前日历版本（记入每个计算出的期限）"})


class CalendarRevisionSchema(Schema):
    revision = fields.Integer()
    year = fields.Integer()
    note = fields.String()
    created_at = fields.DateTime()
    created_by = fields.Integer(allow_none=True)
    created_by_name = fields.String(allow_none=True)
    holidays = fields.Integer(metadata={"description": "放假天数"})
    workdays = fields.Integer(metadata={"description": "调休上班天数"})
    added = fields.Dict(keys=fields.String(), values=fields.String(),
                        metadata={"description": "本次新增或改动的日期"})
    removed = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "本次删除的日期"})


class CalendarRevisionListSchema(Schema):
    items = fields.List(fields.Nested(CalendarRevisionSchema))

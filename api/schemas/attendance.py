"""Attendance (考勤) as the API speaks it: courses, sessions, records, totals, measures."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import RequestSchema

_ID = validate.Range(min=1, max=2**31 - 1)
_HALF = validate.OneOf(["am", "pm"])
_KIND = validate.OneOf(["lecture", "computer", "lab", "exam"])
_MARK = validate.OneOf(["present", "late", "absent", "leave"])


class CourseRequestSchema(RequestSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "课程名称"})
    term = fields.String(required=True, validate=validate.Regexp(
        r"^\d{4}-\d{4}-[12]$", error="学期格式应为 2026-2027-1"),
        metadata={"description": "学期，如 2026-2027-1"})
    contact_hours = fields.Integer(required=True, validate=validate.Range(min=1, max=2000),
                                   metadata={"description": "面授学时"})
    teacher_person_id = fields.Integer(load_default=None, allow_none=True, validate=_ID,
                                       metadata={"description": "任课教师"})


class CourseSchema(Schema):
    id = fields.Integer()
    class_unit_id = fields.Integer()
    name = fields.String()
    term = fields.String()
    contact_hours = fields.Integer()
    teacher_person_id = fields.Integer(allow_none=True)


class SessionRequestSchema(RequestSchema):
    course_id = fields.Integer(required=True, validate=_ID)
    date = fields.Date(required=True)
    half = fields.String(required=True, validate=_HALF,
                         metadata={"description": "am 上午 / pm 下午"})
    period = fields.String(load_default="", validate=validate.Length(max=16),
                           metadata={"description": "节次，如 1-2"})
    kind = fields.String(required=True, validate=_KIND,
                         metadata={"description": "lecture 面授课, computer 上机课, lab 实验课, "
                                                  "exam 考试"})
    hours = fields.Integer(required=True, validate=validate.Range(min=1, max=12),
                           metadata={"description": "学时"})


class SessionsRequestSchema(RequestSchema):
    sessions = fields.List(fields.Nested(SessionRequestSchema), required=True,
                           validate=validate.Length(min=1, max=500))


class SessionsQuerySchema(RequestSchema):
    start = fields.Date(load_default=None, data_key="from")
    end = fields.Date(load_default=None, data_key="to")


class SessionSnapshotSchema(Schema):
    """A session as a change log keeps it (before/after), its day as ISO text."""

    course_id = fields.Integer()
    course = fields.String()
    date = fields.String()
    half = fields.String()
    half_name = fields.String()
    period = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    hours = fields.Integer()


class SessionSchema(SessionSnapshotSchema):
    id = fields.Integer()
    class_unit_id = fields.Integer()
    date = fields.Date()  # type: ignore[assignment]


class SessionChangeRequestSchema(RequestSchema):
    date = fields.Date(load_default=None)
    half = fields.String(load_default=None, validate=_HALF,
                         metadata={"description": "am 上午 / pm 下午"})
    period = fields.String(load_default=None, validate=validate.Length(max=16),
                           metadata={"description": "节次，如 1-2"})
    kind = fields.String(load_default=None, validate=_KIND)
    hours = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200),
                           metadata={"description": "修改原因（留档）"})


class SessionDeleteQuerySchema(RequestSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200),
                           metadata={"description": "删除原因（留档）"})




class SessionChangeSchema(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    action = fields.String(metadata={"description": "changed 修改 / deleted 删除"})
    action_name = fields.String()
    before = fields.Nested(SessionSnapshotSchema)
    after = fields.Nested(SessionSnapshotSchema, allow_none=True)
    reason = fields.String()
    actor = fields.String()
    at = fields.DateTime()


class CreatedSchema(Schema):
    ids = fields.List(fields.Integer())


class ClassRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    role = fields.String()
    role_name = fields.String()


class MarkRequestSchema(RequestSchema):
    person_id = fields.Integer(required=True, validate=_ID)
    mark = fields.String(required=True, validate=_MARK,
                         metadata={"description": "present 出勤, late 迟到, absent 缺勤, "
                                                  "leave 请假"})
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=200))


class RecordRequestSchema(RequestSchema):
    marks = fields.List(fields.Nested(MarkRequestSchema), load_default=list,
                        validate=validate.Length(max=500),
                        metadata={"description": "only the learners not present; everyone "
                                                 "else is recorded present"})


class RosterLearnerSchema(Schema):
    person_id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    mark = fields.String()
    counted = fields.String(allow_none=True)
    counted_name = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class RosterSchema(Schema):
    session = fields.Nested(SessionSchema)
    recorded = fields.Boolean()
    learners = fields.List(fields.Nested(RosterLearnerSchema))


class MeasureSchema(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    kind_name = fields.String()
    school_year = fields.String()
    course_id = fields.Integer(allow_none=True)
    course = fields.String(allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    reason = fields.String()
    opened_at = fields.DateTime()
    facts = fields.Dict()


class RecordedSchema(Schema):
    session_id = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    measures = fields.List(fields.Nested(MeasureSchema))
    thresholds_version = fields.Integer(allow_none=True)
    thresholds_problem = fields.String(allow_none=True)


class TotalsSchema(Schema):
    absence_days = fields.Float(metadata={"description": "缺勤天数（请假 + 旷课）"})
    truancy_days = fields.Float(metadata={"description": "旷课天数"})
    leave_days = fields.Float(metadata={"description": "请假天数"})
    late = fields.Integer(metadata={"description": "迟到次数"})


class CourseHoursSchema(Schema):
    course_id = fields.Integer()
    course = fields.String()
    term = fields.String()
    contact_hours = fields.Integer()
    absent_hours = fields.Integer()


class MyRecordSchema(Schema):
    session_id = fields.Integer()
    date = fields.Date()
    half = fields.String()
    half_name = fields.String()
    course = fields.String()
    kind_name = fields.String()
    hours = fields.Integer()
    counted = fields.String()
    counted_name = fields.String()


class MyAttendanceSchema(Schema):
    school_year = fields.String()
    totals = fields.Nested(TotalsSchema)
    courses = fields.List(fields.Nested(CourseHoursSchema))
    records = fields.List(fields.Nested(MyRecordSchema))
    measures = fields.List(fields.Nested(MeasureSchema))


class OverviewLearnerSchema(TotalsSchema):
    person_id = fields.Integer()
    name = fields.String()
    number = fields.String(allow_none=True)
    near = fields.List(fields.String(), metadata={
        "description": "measures a little more absence would reach (repeat_year, withdrawal, "
                       "discipline): highlighted"})
    measures = fields.List(fields.Nested(MeasureSchema))


class OverviewSchema(Schema):
    school_year = fields.String()
    learners = fields.List(fields.Nested(OverviewLearnerSchema))


class WeekSchema(Schema):
    week_start = fields.Date()
    leave_days = fields.Float()
    truancy_days = fields.Float()

"""Attendance (考勤): courses and sessions of a class, taking attendance, totals and reports."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request

from api.auth import current_actor, login_required
from api.context import now, runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.attendance import (
    ClassRefSchema,
    CourseRequestSchema,
    CourseSchema,
    CreatedSchema,
    MyAttendanceSchema,
    OverviewSchema,
    RecordedSchema,
    RecordRequestSchema,
    RosterSchema,
    SessionChangeRequestSchema,
    SessionChangeSchema,
    SessionDeleteQuerySchema,
    SessionSchema,
    SessionsQuerySchema,
    SessionsRequestSchema,
    WeekSchema,
)
from models import db
from workflows.attendance import (
    access,
    courses,
    proposals,
    records,
    reports,
    session_changes,
    timetable,
    views,
)
from workflows.core.errors import InvalidInput, NotAllowed
from workflows.core.unit_of_work import units_of
from workflows.directory.acting import today_at

bp = CertflowBlueprint("attendance", __name__, url_prefix="/api/v1/attendance",
                       description="Attendance: courses, sessions, records, totals, reports")


@bp.get("/classes")
@login_required()
@bp.response(200, ClassRefSchema(many=True))
def my_classes() -> list[dict[str, Any]]:
    """The classes I teach today (班主任 or 任课教师)."""
    return access.my_classes(db.session(), current_actor(), today=today_at(now()))


@bp.get("/classes/<int:unit_id>/courses")
@login_required()
@bp.response(200, CourseSchema(many=True))
@problems(403, 404)
def class_courses(unit_id: int) -> list[Any]:
    """The class's courses with their 面授学时 per term."""
    session = db.session()
    unit = access.require_reader(session, current_actor(), unit_id, today=today_at(now()))
    return courses.courses_of(session, unit.id)


@bp.post("/classes/<int:unit_id>/courses")
@login_required()
@bp.arguments(CourseRequestSchema)
@bp.response(201, CourseSchema)
@problems(403, 404, 409, 422)
def add_course(body: dict[str, Any], unit_id: int) -> Any:
    """Add a course to the class (its 班主任 or an administrator)."""
    course_id = courses.add_course(unit_id, actor=current_actor(), uow=unit_of_work(), **body)
    return next(c for c in courses.courses_of(db.session(), unit_id) if c.id == course_id)


@bp.get("/classes/<int:unit_id>/sessions")
@login_required()
@bp.arguments(SessionsQuerySchema, location="query")
@bp.response(200, SessionSchema(many=True))
@problems(403, 404, 422)
def class_sessions(query: dict[str, Any], unit_id: int) -> list[dict[str, Any]]:
    """The class's sessions (课次), optionally between two dates."""
    session = db.session()
    unit = access.require_reader(session, current_actor(), unit_id, today=today_at(now()))
    return courses.sessions_of(session, unit.id, start=query["start"], end=query["end"])


@bp.post("/classes/<int:unit_id>/sessions")
@login_required()
@bp.arguments(SessionsRequestSchema)
@bp.response(201, CreatedSchema)
@problems(403, 404, 409, 422)
def add_sessions(body: dict[str, Any], unit_id: int) -> dict[str, Any]:
    """Add sessions to the class's timetable (all or nothing)."""
    items = [courses.NewSession(course_id=s["course_id"], on_date=s["date"], half=s["half"],
                                kind=s["kind"], hours=s["hours"], period=s["period"])
             for s in body["sessions"]]
    return {"ids": courses.add_sessions(unit_id, items, actor=current_actor(),
                                        uow=unit_of_work())}


@bp.get("/sessions/<int:session_id>")
@login_required()
@bp.response(200, RosterSchema)
@problems(403, 404)
def roster(session_id: int) -> dict[str, Any]:
    """The session and the class's learners with what is recorded (出勤 when nothing is)."""
    return records.roster_of(db.session(), session_id, actor=current_actor(),
                             today=today_at(now()))


@bp.patch("/sessions/<int:session_id>")
@login_required()
@bp.arguments(SessionChangeRequestSchema)
@bp.response(200, SessionSchema)
@problems(403, 404, 409, 422)
def change_session(body: dict[str, Any], session_id: int) -> dict[str, Any]:
    """Move or correct a session (date, half day, 节次, kind, hours) with a reason kept in the
    class's change log; refused (409) once attendance is recorded for it."""
    reason = body.pop("reason")
    session_changes.change_session(session_id, body, reason=reason, actor=current_actor(),
                                   uow=unit_of_work())
    row, course = access.session_of(db.session(), current_actor(), session_id)
    return courses.session_view(row, course)


@bp.delete("/sessions/<int:session_id>")
@login_required()
@bp.arguments(SessionDeleteQuerySchema, location="query")
@bp.response(204)
@problems(403, 404, 409, 422)
def delete_session(query: dict[str, Any], session_id: int) -> None:
    """Delete a session with a reason kept in the class's change log; refused (409) once
    attendance is recorded for it."""
    session_changes.delete_session(session_id, reason=query["reason"], actor=current_actor(),
                                   uow=unit_of_work())


@bp.get("/classes/<int:unit_id>/session-changes")
@login_required()
@bp.response(200, SessionChangeSchema(many=True))
@problems(403, 404)
def session_change_log(unit_id: int) -> list[dict[str, Any]]:
    """Sessions of the class changed or deleted: before, after, who, when and why."""
    session = db.session()
    unit = access.require_reader(session, current_actor(), unit_id, today=today_at(now()))
    return session_changes.changes_of(session, unit.id)


@bp.put("/sessions/<int:session_id>/records")
@login_required()
@bp.arguments(RecordRequestSchema)
@bp.response(200, RecordedSchema)
@problems(403, 404, 409, 422)
def record(body: dict[str, Any], session_id: int) -> dict[str, Any]:
    """Take attendance for the whole class: everyone present but those marked.

    A 缺勤 or 请假 counts as 请假 only under an approved leave covering the session, else as
    旷课. The learners whose absence changed are checked against the thresholds table: a
    threshold crossed opens its measure once (and its proposal process).
    """
    marks = [records.MarkIn(m["person_id"], m["mark"], m["note"]) for m in body["marks"]]
    actor = current_actor()
    done = records.record_session(session_id, marks, actor=actor, uow=unit_of_work())
    checked = proposals.check_thresholds(done, actor=actor, uows=units_of(runtime()))
    return {"session_id": done.session_id, "counts": done.counts,
            "measures": checked.opened, "thresholds_version": checked.version,
            "thresholds_problem": checked.problem}


@bp.get("/me")
@login_required()
@bp.response(200, MyAttendanceSchema)
@problems(404)
def mine() -> dict[str, Any]:
    """My own attendance this school year: records, totals, 学时 missed per course, and any
    measure taken (with why: e.g. the course whose final exam result is void)."""
    return views.my_attendance(db.session(), current_actor(), today=today_at(now()))


@bp.get("/classes/<int:unit_id>/overview")
@login_required()
@bp.response(200, OverviewSchema)
@problems(403, 404, 422)
def overview(unit_id: int) -> dict[str, Any]:
    """The class's learners with their totals and measures; ``near`` flags those close to a
    threshold of the thresholds table."""
    session = db.session()
    today = today_at(now())
    unit = access.require_reader(session, current_actor(), unit_id, today=today)
    return views.class_overview(session, runtime(), unit.id, today=today)


@bp.get("/classes/<int:unit_id>/weekly")
@login_required()
@bp.response(200, WeekSchema(many=True))
@problems(403, 404)
def weekly(unit_id: int) -> list[dict[str, Any]]:
    """Days of 请假 and 旷课 in the class per week, the last 12 weeks (for the chart)."""
    session = db.session()
    today = today_at(now())
    unit = access.require_reader(session, current_actor(), unit_id, today=today)
    return views.weekly_absences(session, unit.id, today=today)


SHEET_UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}},
    "required": ["file"]}}}}}
DOWNLOAD_DOC = {"responses": {"200": {"description": "the sheet (CSV: UTF-8 with BOM)",
                                      "content": {"text/csv": {"schema": {"type": "string"}}}}}}


@bp.post("/classes/<int:unit_id>/sessions/import")
@login_required()
@bp.doc(**SHEET_UPLOAD)
@bp.response(201, CreatedSchema)
@problems(403, 404, 409, 413, 422)
def import_sessions(unit_id: int) -> dict[str, Any]:
    """Add the sessions of a timetable sheet (.xlsx or CSV; 课程, 日期, 半天, 节次, 类型, 学时),
    all or nothing; a bad row is refused with its row number."""
    session = db.session()
    actor = current_actor()
    unit = access.require_reader(session, actor, unit_id, today=today_at(now()))
    if not request.mimetype.startswith("multipart/form-data"):
        raise InvalidInput("请以 multipart/form-data 上传，文件放在名为 file 的字段中")
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("请选择要导入的课表文件（字段名 file）")
    items = timetable.read_sessions(upload.filename or "", upload.read(),
                                    courses.courses_of(session, unit.id))
    return {"ids": courses.add_sessions(unit.id, items, actor=actor, uow=unit_of_work())}


@bp.get("/timetable-template.csv")
@login_required()
@bp.doc(**DOWNLOAD_DOC)
def timetable_template() -> Response:
    """An empty timetable sheet with its Chinese headers and one example row."""
    return _download(timetable.template_csv(), "课表模板.csv", "text/csv")


def _download(data: bytes, name: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(unit_id: int, fmt: str, *, department: bool) -> Response:
    session = db.session()
    actor = current_actor()
    today = today_at(now())
    if department:
        unit = access.unit_of_centre(session, actor, unit_id)
        if not access.oversees(session, actor, unit, today=today):
            raise NotAllowed(f"只有{unit.name}的主管（系部主任、班级办公室、分管领导）或管理员可以"
                             "导出此报表")
    else:
        unit = access.require_reader(session, actor, unit_id, today=today)
    rows = reports.rows_for(session, unit, today=today)
    name = f"考勤统计-{unit.name}"
    if fmt == "xlsx":
        return _download(reports.to_xlsx(rows, unit.name), f"{name}.xlsx", XLSX)
    return _download(reports.to_csv(rows), f"{name}.csv", "text/csv")


@bp.get("/reports/classes/<int:unit_id>.<any(csv, xlsx):fmt>")
@login_required()
@bp.doc(**DOWNLOAD_DOC)
@problems(403, 404)
def class_report(unit_id: int, fmt: str) -> Response:
    """One row per learner of the class: days absent, on leave, 旷课, times late, measures."""
    return _report(unit_id, fmt, department=False)


@bp.get("/reports/departments/<int:unit_id>.<any(csv, xlsx):fmt>")
@login_required()
@bp.doc(**DOWNLOAD_DOC)
@problems(403, 404)
def department_report(unit_id: int, fmt: str) -> Response:
    """The same rows for every class of a 系部 (or any unit), for whoever oversees it."""
    return _report(unit_id, fmt, department=True)

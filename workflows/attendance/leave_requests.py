"""The leave process's own rules: a leave's school days from its dates, 销假 and 超假.

- Asking (the start form): the learner gives the start date and half, the end date and half,
  the sessions it affects and proof; the server looks up the sessions of the learner's class
  timetable in the period (``affected_sessions``: each session's id, date, half day, course,
  kind and 学时; the learner's own lines stay as they typed them, and are filled from the
  timetable when they typed none), counts the school days (never typed) and adds
  what the process runs on: ``days`` (the DMN tiers), ``period`` (shown to approvers),
  ``return_due_at`` (销假 is due when the leave ends), ``overstay_close_at`` (the end of the
  2nd school day after it, when an unclosed leave is closed as 超假) and
  ``overstay_if_unclosed`` (the 超假 recorded then).
- 销假 (``confirm_return``): the return date and half; the school days missed after the leave
  ended are recorded as ``overstay_days`` (超假).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models.attendance import SESSION_KIND_NAMES, ClassSession, Course, SessionKind
from models.directory import Enrolment
from workflows.attendance.leave_periods import (
    AM,
    PM,
    half_after,
    half_before,
    half_days_between,
)
from workflows.core.errors import InvalidTaskData, Problem
from workflows.core.working_days import WorkCalendar
from workflows.directory.validity import held_on

PROCESS = "leave_approval"
RETURN_TASK = "confirm_return"
MAX_HALF_DAYS = 60  # 30 school days
# An unclosed leave is closed as 超假 after this many school half days past its end.
OVERSTAY_WINDOW_HALF_DAYS = 4
HALF_NAMES = {AM: "上午", PM: "下午"}
MAX_LINES = 50  # the form's limit on the 影响的课程 lines


class LeaveRefused(InvalidTaskData):
    title = "请假申请需要修改"


class ReturnRefused(InvalidTaskData):
    title = "销假信息需要修改"


def days_value(half_days: int) -> int | float:
    """A JSON number of days: 3 for 6 half days, 2.5 for 5."""
    return half_days // 2 if half_days % 2 == 0 else half_days / 2


def _date(data: dict[str, Any], name: str, error: type[InvalidTaskData]) -> date:
    try:
        return date.fromisoformat(str(data[name]))
    except ValueError:
        message = "日期的格式不对，请按 YYYY-MM-DD 填写"
        raise error(message, problems=[Problem(message, pointer=f"/data/{name}")]) from None


def check_leave_request(session: Session, data: dict[str, Any], *, now: datetime,
                        calendar: WorkCalendar, person_id: int | None = None) -> dict[str, Any]:
    """The request with its school days counted and the sessions of the learner's timetable
    it affects, or ``LeaveRefused`` naming the field."""
    if not data.get("start_date") or not data.get("end_date"):
        return data  # a form of an earlier version, whose learner typed the days
    start, end = _date(data, "start_date", LeaveRefused), _date(data, "end_date", LeaveRefused)
    start_half, end_half = str(data.get("start_half", AM)), str(data.get("end_half", PM))
    for name, half in (("start_half", start_half), ("end_half", end_half)):
        if half not in (AM, PM):
            raise _refused("请选择上午或下午", f"/data/{name}")
    today = now.astimezone(calendar.zone).date()
    if (end, end_half == PM) < (start, start_half == PM):
        where = "/data/end_half" if end == start else "/data/end_date"
        raise _refused("结束时间不能早于开始时间", where)
    if end < today:
        raise _refused(f"请假须事先提出：结束日期 {end.isoformat()} 已过", "/data/end_date")
    half_days = half_days_between(calendar, start, start_half, end, end_half)
    if half_days == 0:
        raise _refused("所选时间内没有上课日（周末和法定节假日不计），无需请假",
                       "/data/start_date")
    if half_days > MAX_HALF_DAYS:
        raise _refused(f"请假最多 {MAX_HALF_DAYS // 2} 个上课日，所选时间共 "
                       f"{days_value(half_days)} 个上课日", "/data/end_date")
    affected = affected_sessions(session, person_id, (start, start_half), (end, end_half))
    typed = [line for line in data.get("sessions") or [] if str(line).strip()]
    return {
        **data,
        "sessions": typed or [_line(item) for item in affected][:MAX_LINES],
        "affected_sessions": affected,
        "start_half": start_half,
        "end_half": end_half,
        "days": days_value(half_days),
        "period": f"{start.isoformat()} {HALF_NAMES[start_half]} 至 "
                  f"{end.isoformat()} {HALF_NAMES[end_half]}",
        "return_due_at": _end_of(calendar, end, end_half).isoformat(),
        "overstay_close_at": _close_at(calendar, end, end_half).isoformat(),
        "overstay_if_unclosed": days_value(OVERSTAY_WINDOW_HALF_DAYS),
    }


# The learner's class on the leave's first day (the latest enrolment then), as a column.
_CLASS_ON_FIRST_DAY = (sa.select(Enrolment.unit_id)
                       .where(Enrolment.person_id == sa.bindparam("person"),
                              held_on(Enrolment, sa.bindparam("first", type_=sa.Date)))
                       .order_by(Enrolment.id.desc()).limit(1).scalar_subquery())
# That class's sessions from the first to the last day of the leave, with their course, in
# timetable order: one statement, built once (none when the learner is in no class).
_AFFECTED = (sa.select(ClassSession.id, ClassSession.on_date, ClassSession.half,
                       ClassSession.period, ClassSession.kind, ClassSession.hours,
                       Course.name.label("course"))
             .join(Course, Course.id == ClassSession.course_id)
             .where(ClassSession.class_unit_id == _CLASS_ON_FIRST_DAY,
                    ClassSession.on_date >= sa.bindparam("first", type_=sa.Date),
                    ClassSession.on_date <= sa.bindparam("last", type_=sa.Date))
             .order_by(ClassSession.on_date, ClassSession.half, ClassSession.period,
                       ClassSession.id))


def affected_sessions(session: Session, person_id: int | None, start: tuple[date, str],
                      end: tuple[date, str]) -> list[dict[str, Any]]:
    """The sessions of the learner's class (enrolled on the leave's first day) from the start
    half day to the end half day, in timetable order; none for someone in no class."""
    if person_id is None:
        return []
    rows = session.connection().execute(_AFFECTED, {
        "person": person_id, "first": start[0], "last": end[0]}).all()
    return [{"session_id": row.id, "date": row.on_date.isoformat(), "half": row.half,
             "half_name": HALF_NAMES.get(row.half, row.half), "period": row.period,
             "course": row.course, "kind_name": SESSION_KIND_NAMES[SessionKind(row.kind)],
             "hours": row.hours}
            for row in rows
            if start <= (row.on_date, row.half) <= end]


def _line(item: dict[str, Any]) -> str:
    """One affected session as the approvers read it: 2026-11-05 下午 电工基础 面授课 2 学时."""
    return (f"{item['date']} {item['half_name']} {item['course']} {item['kind_name']} "
            f"{item['hours']} 学时")[:100]


def _refused(message: str, pointer: str) -> LeaveRefused:
    return LeaveRefused(message, problems=[Problem(message, pointer=pointer)])


def _end_of(calendar: WorkCalendar, day: date, half: str) -> datetime:
    """The moment a half day ends: noon for the morning, midnight for the afternoon."""
    local = (datetime.combine(day, time(12), calendar.zone) if half == AM
             else datetime.combine(day + timedelta(days=1), time(0), calendar.zone))
    return local.astimezone(UTC)


def _close_at(calendar: WorkCalendar, end: date, end_half: str) -> datetime:
    """The end of the ``OVERSTAY_WINDOW_HALF_DAYS``-th school half day after the leave."""
    day, half, counted = end, end_half, 0
    while counted < OVERSTAY_WINDOW_HALF_DAYS:
        day, half = half_after(day, half)
        if calendar.is_working_day(day):
            counted += 1
    return _end_of(calendar, day, half)


def check_return(session: Session, data: dict[str, Any], *, instance_data: dict[str, Any],
                 now: datetime, calendar: WorkCalendar) -> dict[str, Any]:
    """销假 with the 超假 it records: school half days after the leave's end and before the
    return. A return date in the future is refused."""
    del session
    if not data.get("returned_on"):
        return data
    returned = _date(data, "returned_on", ReturnRefused)
    returned_half = str(data.get("returned_half", AM))
    today = now.astimezone(calendar.zone).date()
    if returned > today:
        message = f"返校日期不能晚于今天（{today.isoformat()}）"
        raise ReturnRefused(message, problems=[Problem(message, pointer="/data/returned_on")])
    if not instance_data.get("end_date"):  # a leave asked before leave had dates
        return {**data, "returned_half": returned_half}
    end = _date(instance_data, "end_date", ReturnRefused)
    end_half = str(instance_data.get("end_half", PM))
    missed = half_days_between(calendar, *half_after(end, end_half),
                               *half_before(returned, returned_half))
    return {**data, "returned_half": returned_half, "overstay_days": days_value(missed)}

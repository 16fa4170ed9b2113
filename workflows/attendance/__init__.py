"""Attendance (考勤): leave as periods of school days, a class's courses and sessions, taking
attendance, totals and the thresholds of the rules.

Use cases:
- ``leave_requests.check_leave_request``: a leave's school days counted from its dates (start
  check of ``leave_approval``); ``leave_requests.check_return``: 销假 with the 超假 it records;
- ``leave_records.keep_leave_period``: the leave process keeps its case's ``leave_period`` row
  current (requested, approved or refused, withdrawn, returned or overstay) and tells the class
  teacher of 超假;
- ``courses.add_course``, ``courses.add_sessions`` (one, or a whole sheet via ``timetable``);
- ``records.record_session``: the class's teacher takes attendance for a session, everyone
  present but those marked; 请假 only under a granted leave (``coverage``), else 旷课;
- ``proposals.check_thresholds``: the latest thresholds table (``thresholds``) decides; a
  threshold crossed opens its measure once and starts its proposal process.
Readers: ``leave_periods.school_days_between`` (school days of a period, half days included,
by the working-day calendar), ``leave_periods.leave_periods_of`` (a learner's leave periods
overlapping some dates, as ``LeavePeriod`` values), ``access`` (who teaches or oversees a
class), ``totals`` (days per school year, 学时 per course), ``views`` (a learner's own
attendance, a class overview, absences per week), ``reports`` (per class and per 系部, CSV and
xlsx).
"""

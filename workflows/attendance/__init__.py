"""Attendance (考勤): a class's courses and sessions, taking attendance, totals, thresholds.

Use cases:
- ``courses.add_course``, ``courses.add_sessions`` (one, or a whole sheet via ``timetable``);
- ``records.record_session``: the class's teacher takes attendance for a session, everyone
  present but those marked; 请假 only under a granted leave (``coverage``), else 旷课;
- ``proposals.check_thresholds``: the latest thresholds table (``thresholds``) decides; a
  threshold crossed opens its measure once and starts its proposal process.
Readers: ``access`` (who teaches or oversees a class), ``totals`` (days per school year, 学时
per course), ``views`` (a learner's own attendance, a class overview, absences per week),
``reports`` (per class and per 系部, CSV and xlsx). ``leave_periods`` is how leave is read.
"""

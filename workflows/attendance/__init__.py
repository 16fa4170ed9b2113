"""Attendance: leave as periods of school days, and what attendance reads of them.

Use cases and readers:
- ``leave_periods.school_days_between``: the school days (half days included) of a period, by
  the working-day calendar (weekends and statutory holidays do not count, 调休 workdays do);
- ``leave_periods.leave_periods_of``: a learner's leave periods overlapping some dates, as
  ``LeavePeriod`` values (the contract attendance records and totals build on);
- ``leave_periods.sync_leave_period``: the leave process keeps its case's row current
  (requested, approved or refused, then returned or overstay).
"""

"""Attendance: leave as periods of school days, and what attendance reads of them.

Use cases and readers:
- ``leave_requests.check_leave_request``: a leave's school days counted from its dates (start
  check of ``leave_approval``); ``leave_requests.check_return``: 销假 with the 超假 it records;
- ``leave_records.keep_leave_period``: the leave process keeps its case's ``leave_period`` row
  current (requested, approved or refused, withdrawn, returned or overstay) and tells the class
  teacher of 超假;
- ``leave_periods.school_days_between``: the school days (half days included) of a period, by
  the working-day calendar (weekends and statutory holidays do not count, 调休 workdays do);
- ``leave_periods.leave_periods_of``: a learner's leave periods overlapping some dates, as
  ``LeavePeriod`` values (the contract attendance records and totals build on).
"""

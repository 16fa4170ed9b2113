"""What a mark counts as: 请假 when an approved leave covers the session, else 旷课.

The rules: leave must be asked in advance and approved; an absence under a leave that was
refused, withdrawn or never asked for is 旷课, and so are the days after a leave's end until the
learner is back (超假), which lie outside its period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from models.attendance import Counted, HalfDay, Mark
from workflows.attendance.leave_periods import LeavePeriod

# A leave granted (and possibly closed since): its period covers the sessions within it.
GRANTED = frozenset({"approved", "returned", "overstay"})


def _slot(day: date, half: str) -> tuple[date, int]:
    return day, 0 if half == HalfDay.AM else 1


def covering_leave(leaves: Iterable[LeavePeriod], day: date, half: str) -> LeavePeriod | None:
    """The granted leave whose period (half days included) contains this half day."""
    slot = _slot(day, half)
    for leave in leaves:
        if leave.status not in GRANTED:
            continue
        if _slot(leave.start, leave.start_half) <= slot <= _slot(leave.end, leave.end_half):
            return leave
    return None


def counted_as(mark: str, leave: LeavePeriod | None) -> Counted:
    """Present and late count as themselves; any absence is 请假 under a granted leave, else
    旷课 (whatever the teacher was told)."""
    if mark == Mark.PRESENT:
        return Counted.PRESENT
    if mark == Mark.LATE:
        return Counted.LATE
    return Counted.LEAVE if leave is not None else Counted.TRUANCY

"""Leave as a period of school days: the ``leave_period`` rows and how they are read.

A leave runs from a start date and half (``am``: from the morning, ``pm``: from the afternoon)
to an end date and half (``am``: until noon, ``pm``: until the end of the day). Its length is
counted in school days, by half days, on the working-day calendar: weekends and statutory
holidays do not count, 调休 workdays do. Attendance reads the periods through
``leave_periods_of`` and the frozen ``LeavePeriod`` value, never the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import LeavePeriodRow, User
from models.statuses import LeaveStatus
from workflows.core.working_days import WorkCalendar

AM, PM = "am", "pm"
HALVES = (AM, PM)
LEAVE_TYPES = ("sick", "personal")


@dataclass(frozen=True)
class LeavePeriod:
    instance_id: str  # the leave case
    person_id: int  # directory person (models/directory.py Person.id) of the learner
    leave_type: str  # "sick" | "personal"
    start: date
    start_half: str  # "am" = from the morning, "pm" = from the afternoon
    end: date
    end_half: str  # "am" = until noon, "pm" = until the end of the day
    days: Decimal  # school days computed, multiple of 0.5
    status: str  # "requested" | "approved" | "refused" | "withdrawn" | "returned" | "overstay"
    returned_on: date | None
    overstay_days: Decimal  # 0 unless returned late / auto-closed


def half_days_between(calendar: WorkCalendar, start: date, start_half: str, end: date,
                      end_half: str) -> int:
    """Half school days from (``start``, ``start_half``) to (``end``, ``end_half``), both
    included; 0 when the end comes before the start."""
    if start_half not in HALVES or end_half not in HALVES:
        raise ValueError("a half day is 'am' or 'pm'")
    counted, day = 0, start
    while day <= end:
        if calendar.is_working_day(day):
            first = 1 if (day == start and start_half == PM) else 0
            last = 0 if (day == end and end_half == AM) else 1
            counted += max(0, last - first + 1)
        day += timedelta(days=1)
    return counted


def school_days_between(calendar: WorkCalendar, start: date, start_half: str, end: date,
                        end_half: str) -> Decimal:
    """School days from (``start``, ``start_half``) to (``end``, ``end_half``), both included,
    as a multiple of 0.5: Thursday afternoon to Tuesday evening across a weekend is 2.5."""
    return Decimal(half_days_between(calendar, start, start_half, end, end_half)) / 2


def half_after(day: date, half: str) -> tuple[date, str]:
    """The half day that follows (``day``, ``half``)."""
    return (day, PM) if half == AM else (day + timedelta(days=1), AM)


def half_before(day: date, half: str) -> tuple[date, str]:
    """The half day that precedes (``day``, ``half``)."""
    return (day, AM) if half == PM else (day - timedelta(days=1), PM)


def to_days(half_days: int) -> Decimal:
    return Decimal(half_days) / 2


def _value(row: LeavePeriodRow) -> LeavePeriod:
    return LeavePeriod(
        instance_id=str(row.instance_id), person_id=row.person_id, leave_type=row.leave_type,
        start=row.start_date, start_half=row.start_half, end=row.end_date,
        end_half=row.end_half, days=to_days(row.half_days), status=row.status,
        returned_on=row.returned_on, overstay_days=to_days(row.overstay_half_days))


def leave_periods_of(session: Session, person_id: int, start: date,
                     end: date) -> list[LeavePeriod]:
    """The person's leave periods that overlap ``start``..``end`` (both included), in every
    status, oldest first. A leave returned late (超假) reaches up to its return date."""
    rows = session.scalars(
        sa.select(LeavePeriodRow)
        .where(LeavePeriodRow.person_id == person_id, LeavePeriodRow.start_date <= end,
               sa.or_(LeavePeriodRow.end_date >= start, LeavePeriodRow.returned_on >= start))
        .order_by(LeavePeriodRow.start_date, LeavePeriodRow.id))
    return [_value(row) for row in rows]


def _half_days(value: object) -> int:
    """Half days of a JSON number of days (2.5 -> 5)."""
    return int((Decimal(str(value or 0)) * 2).to_integral_value())


def status_of(data: dict[str, object], *, terminated: bool, awaiting_return: bool) -> str:
    """A leave case's period status, from its data and where the process stands."""
    if terminated:
        return LeaveStatus.WITHDRAWN
    if data.get("outcome") == "rejected":
        return LeaveStatus.REFUSED
    if data.get("outcome") == "overstay" or data.get("returned_on"):
        return (LeaveStatus.OVERSTAY if _half_days(data.get("overstay_days")) > 0
                else LeaveStatus.RETURNED)
    if awaiting_return or data.get("outcome") == "approved":
        return LeaveStatus.APPROVED
    return LeaveStatus.REQUESTED


# The period's row brought in step with its case in one round trip, built once per dialect:
# a new row is inserted (its learner read from the starter's account, or kept from the row);
# an existing one takes the new status, return date and 超假 only when its status changes.
_PERIOD = cast(sa.Table, LeavePeriodRow.__table__)
_KEPT = ("status", "returned_on", "overstay_half_days", "updated_at")
_UPSERTS: dict[str, sa.Insert] = {}


def _upsert(dialect: str) -> sa.Insert:
    if dialect not in _UPSERTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        learner = sa.func.coalesce(
            sa.select(User.person_id).where(User.id == sa.bindparam("started_by"))
            .scalar_subquery(),
            sa.select(LeavePeriodRow.person_id)
            .where(LeavePeriodRow.instance_id == sa.bindparam("instance_id")).scalar_subquery())
        values = [sa.bindparam(c.name, type_=c.type) for c in _PERIOD.c
                  if c.name not in ("id", "person_id")]
        names = [c.name for c in _PERIOD.c if c.name not in ("id", "person_id")]
        source = (sa.select(learner.label("person_id"), *values)
                  .where(learner.is_not(None)))
        statement = insert(_PERIOD).from_select(["person_id", *names], source)
        _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=[_PERIOD.c.instance_id],
            set_={name: statement.excluded[name] for name in _KEPT},
            where=_PERIOD.c.status != statement.excluded.status,
        ).returning(*_PERIOD.c)
    return _UPSERTS[dialect]


_UPDATE = (sa.update(_PERIOD)
           .where(_PERIOD.c.instance_id == sa.bindparam("case_id"),
                  _PERIOD.c.status != sa.bindparam("new_status"))
           .values(status=sa.bindparam("new_status"), returned_on=sa.bindparam("returned"),
                   overstay_half_days=sa.bindparam("overstay"),
                   updated_at=sa.bindparam("now", type_=_PERIOD.c.updated_at.type))
           .returning(*_PERIOD.c))


def sync_leave_period(session: Session, instance_id: int, started_by: int | None,
                      data: dict[str, object], *, status: str,
                      now: datetime) -> sa.Row[Any] | None:
    """Create or update the case's row from its data, in one statement (nothing for a case
    without dates, such as one started before leave had dates, or a starter outside the
    directory). Returns the row when its status changed to one other than requested (a new
    row with the status requested has not changed)."""
    returned = data.get("returned_on")
    kept = dict(returned_on=date.fromisoformat(str(returned)) if returned else None,
                overstay_half_days=_half_days(data.get("overstay_days")))
    connection = session.connection()
    if not data.get("start_date") or not data.get("end_date"):  # only a row already there
        row = connection.execute(_UPDATE, {
            "case_id": instance_id, "new_status": status, "returned": kept["returned_on"],
            "overstay": kept["overstay_half_days"], "now": now}).first()
        return row if row is not None and row.status != LeaveStatus.REQUESTED else None
    row = connection.execute(_upsert(connection.dialect.name), dict(
        instance_id=instance_id, started_by=started_by,
        leave_type=str(data.get("leave_type")),
        start_date=date.fromisoformat(str(data["start_date"])),
        start_half=str(data.get("start_half") or AM),
        end_date=date.fromisoformat(str(data["end_date"])),
        end_half=str(data.get("end_half") or PM),
        half_days=_half_days(data.get("days")),
        sessions=list(data.get("sessions") or []),  # type: ignore[call-overload]
        status=status, created_at=now, updated_at=now, **kept)).first()
    return row if row is not None and row.status != LeaveStatus.REQUESTED else None

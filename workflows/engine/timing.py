"""ISO 8601 durations as SpiffWorkflow understands them, anchored at an explicit 'now'."""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from workflows.core import working_days


def add_iso_duration(start: datetime, expression: str) -> datetime:
    """``start`` plus an ISO 8601 duration such as ``P2D`` or ``PT4H`` (calendar time)."""
    parsed = TimerEventDefinition.parse_iso_duration(expression)
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)


def add_duration(start: datetime, expression: str,
                 calendar: working_days.WorkCalendar | None = None) -> datetime:
    """``start`` plus ``P<n>WD`` working days (the holiday calendar) or an ISO 8601 duration;
    a window ``<period>;<rule>`` ends at 24:00 of its last day (``window_end``)."""
    deadline = working_days.parse_deadline(expression)
    if deadline is not None:
        return window_end(start, *deadline, calendar=calendar)
    days = working_days.parse_working_days(expression.strip())
    if days is not None:
        return working_days.add_working_days(start, days, calendar)
    return add_iso_duration(start, expression)


def window_end(start: datetime, period: str, rule: str, *,
               calendar: working_days.WorkCalendar | None = None) -> datetime:
    """The instant a window opened at ``start`` closes: 24:00 local time of the period's last
    day (moved to the next working day under ``next_working_day``). ``period`` counts whole
    days: ``P<n>WD`` or a date-based ISO 8601 duration (``P15D``, ``P1M``), never hours."""
    if start.tzinfo is None:
        raise ValueError("a window needs an aware start")
    zone = working_days.local_zone(calendar)
    days = working_days.parse_working_days(period)
    if days is not None:
        last_day = working_days.add_working_days(start, days, calendar).astimezone(zone).date()
    elif "T" in period.upper():
        raise ValueError(f"a window counts whole days, not hours: {period!r}")
    else:
        last_day = add_iso_duration(start.astimezone(zone), period).date()
    return working_days.last_day_end(last_day, rule, calendar)

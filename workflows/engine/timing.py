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
    """``start`` plus ``P<n>WD`` working days (the holiday calendar) or an ISO 8601 duration."""
    days = working_days.parse_working_days(expression.strip())
    if days is not None:
        return working_days.add_working_days(start, days, calendar)
    return add_iso_duration(start, expression)

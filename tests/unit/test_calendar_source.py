"""The calendar source's cache of administrators' revisions (workflows.core.calendar_store)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from config.paths import PROJECT_ROOT
from workflows.core.calendar_store import CalendarSource, Revision

FILE = PROJECT_ROOT / "config" / "holidays_cn.json"
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def revision(day: date, name: str) -> Revision:
    return Revision(id=1, year=day.year, created_at=AT, holidays={day: name}, workdays={})


def test_a_revision_stored_after_a_restore_under_a_reused_id_is_read_afresh() -> None:
    """A restored (or emptied) database numbers revisions from 1 again: the same id with other
    days must not be served from the cache."""
    stored = [revision(date(2026, 11, 5), "校庆放假")]
    source = CalendarSource(FILE, reader=lambda: list(stored), newest=lambda: 1)
    assert not source.get().is_working_day(date(2026, 11, 5))

    stored[:] = [revision(date(2026, 11, 6), "运动会放假")]  # the same id, other content
    source.invalidate()
    calendar = source.get()
    assert not calendar.is_working_day(date(2026, 11, 6))
    assert calendar.is_working_day(date(2026, 11, 5))

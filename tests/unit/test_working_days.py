"""Working days in the calendar's zone, with China's holidays and 调休 makeup workdays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workflows.core.working_days import (
    add_working_days,
    default_calendar,
    parse_working_days,
)
from workflows.engine.deferred import timer_due


@pytest.mark.parametrize(("start", "days", "due"), [
    # Monday + 5: Tue..Fri, then Monday — the weekend does not count.
    (datetime(2026, 11, 2, 2, tzinfo=UTC), 5, datetime(2026, 11, 9, 2, tzinfo=UTC)),
    # Friday + 1 is Monday.
    (datetime(2026, 11, 6, 2, tzinfo=UTC), 1, datetime(2026, 11, 9, 2, tzinfo=UTC)),
    # Saturday + 1 is Monday (counting starts the next day, weekend days are skipped).
    (datetime(2026, 11, 7, 2, tzinfo=UTC), 1, datetime(2026, 11, 9, 2, tzinfo=UTC)),
    # 调休: Sunday 2026-09-20 is a workday, Friday 09-25 (中秋) is not.
    (datetime(2026, 9, 18, 2, tzinfo=UTC), 5, datetime(2026, 9, 24, 2, tzinfo=UTC)),
    (datetime(2026, 9, 23, 2, tzinfo=UTC), 2, datetime(2026, 9, 28, 2, tzinfo=UTC)),
    # 国庆: 10-01..10-07 off, Saturday 10-10 is a workday.
    (datetime(2026, 9, 30, 2, tzinfo=UTC), 1, datetime(2026, 10, 8, 2, tzinfo=UTC)),
    (datetime(2026, 10, 9, 2, tzinfo=UTC), 1, datetime(2026, 10, 10, 2, tzinfo=UTC)),
    (datetime(2026, 11, 2, 2, tzinfo=UTC), 0, datetime(2026, 11, 2, 2, tzinfo=UTC)),
])
def test_working_days_skip_weekends_and_holidays_and_count_makeup_days(
        start: datetime, days: int, due: datetime) -> None:
    assert add_working_days(start, days) == due


def test_the_calendar_zone_decides_the_day_not_utc() -> None:
    # Friday 20:00 UTC is already Saturday 04:00 in Beijing: +1 working day is Monday 04:00.
    due = add_working_days(datetime(2026, 11, 6, 20, tzinfo=UTC), 1)
    assert due == datetime(2026, 11, 8, 20, tzinfo=UTC)


def test_years_beyond_the_shipped_file_fall_back_to_the_holidays_package() -> None:
    calendar = default_calendar()
    assert 2027 not in calendar.years
    assert not calendar.is_working_day(date(2027, 10, 1))  # National Day
    assert calendar.is_working_day(date(2027, 10, 12))


def test_working_day_expressions_are_recognised_and_others_left_to_iso() -> None:
    assert parse_working_days("P5WD") == 5
    assert parse_working_days(" p12wd ") == 12
    assert parse_working_days("P5D") is None
    assert parse_working_days("PT5H") is None


@pytest.mark.parametrize(("expression", "due"), [
    ("P5WD", datetime(2026, 11, 9, 9, tzinfo=UTC)),
    ("P2D", datetime(2026, 11, 4, 9, tzinfo=UTC)),
    ("PT90M", datetime(2026, 11, 2, 10, 30, tzinfo=UTC)),
    ("P1M", datetime(2026, 12, 2, 9, tzinfo=UTC)),
    ("2026-11-20T09:00:00", datetime(2026, 11, 20, 1, tzinfo=UTC)),  # naive: Beijing time
    ("2026-11-20T09:00:00+00:00", datetime(2026, 11, 20, 9, tzinfo=UTC)),
])
def test_timer_expressions_resolve_against_an_explicit_start(expression: str,
                                                             due: datetime) -> None:
    assert timer_due(expression, start=datetime(2026, 11, 2, 9, tzinfo=UTC)) == due


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_days(datetime(2026, 11, 2, 9), 1)

"""A leave's length in school days, by half days, on the shipped holiday calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workflows.attendance.leave_periods import school_days_between
from workflows.core.working_days import default_calendar


@pytest.mark.parametrize(("start", "start_half", "end", "end_half", "days"), [
    # One morning, one afternoon, one whole day.
    (date(2026, 11, 2), "am", date(2026, 11, 2), "am", "0.5"),
    (date(2026, 11, 2), "pm", date(2026, 11, 2), "pm", "0.5"),
    (date(2026, 11, 2), "am", date(2026, 11, 2), "pm", "1"),
    # Thursday afternoon to Tuesday evening: Thu ½ + Fri + Mon + Tue; the weekend does not count.
    (date(2026, 11, 5), "pm", date(2026, 11, 10), "pm", "3.5"),
    # Thursday afternoon 09-24, 中秋 Friday 09-25 off, weekend, then Monday and Tuesday.
    (date(2026, 9, 24), "pm", date(2026, 9, 29), "pm", "2.5"),
    # 调休: Sunday 2026-09-20 is a school day.
    (date(2026, 9, 19), "am", date(2026, 9, 20), "pm", "1"),
    # A leave over a weekend only counts nothing; an end before the start counts nothing.
    (date(2026, 11, 7), "am", date(2026, 11, 8), "pm", "0"),
    (date(2026, 11, 3), "am", date(2026, 11, 2), "pm", "0"),
    (date(2026, 11, 2), "pm", date(2026, 11, 2), "am", "0"),
])
def test_school_days_count_half_days_and_skip_weekends_and_holidays(
        start: date, start_half: str, end: date, end_half: str, days: str) -> None:
    counted = school_days_between(default_calendar(), start, start_half, end, end_half)
    assert counted == Decimal(days)
    assert isinstance(counted, Decimal)


def test_a_half_is_am_or_pm() -> None:
    with pytest.raises(ValueError):
        school_days_between(default_calendar(), date(2026, 11, 2), "morning",
                            date(2026, 11, 2), "pm")

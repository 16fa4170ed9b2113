"""Working-day arithmetic for notice windows and SLAs (公示 5 个工作日, 2 个工作日内审批).

ISO 8601 has no "working day" designator, so certflow adds one: ``P<n>WD`` means *n working
days later, same local time of day*. Working days are Monday–Friday in the calendar's time zone
(China: Asia/Shanghai), minus public holidays, plus the weekend days that are declared workdays
(调休上班). The calendar comes from ``config/holidays_cn.json`` — shipped and versioned so a
deadline computed today is the deadline computed in a test or a replay next year — and falls back
to the ``holidays`` package (public holidays only, no makeup days) for years the file lacks.
Regenerate the file with ``python -m workflows.core.working_days 2024 2026``.

Windows a person must act within (公示期, 复查期, 补正期) end as the law counts them (民法典
第二百零一条、第二百零三条): ``<period>;last_day`` ends at 24:00 local time of the period's last
day; ``<period>;next_working_day`` does too, but a last day that is a statutory holiday or rest
day moves to the next working day first. ``<period>`` is ``P<n>WD`` or a day-based ISO 8601
duration (``P15D``, ``P1M``); a bare period (no ``;``) keeps plain instant arithmetic (SLAs,
reminders).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "config" / "holidays_cn.json"
WORKING_DAYS = re.compile(r"^P(\d{1,4})WD$", re.IGNORECASE)
DEADLINE = re.compile(r"^\s*(P[0-9A-Z]+)\s*;\s*(last_day|next_working_day)\s*$", re.IGNORECASE)
LAST_DAY, NEXT_WORKING_DAY = "last_day", "next_working_day"
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@dataclass
class WorkCalendar:
    """Which local dates are working days, and the zone that decides what "local" means."""

    timezone: str = "Asia/Shanghai"
    weekend: frozenset[int] = frozenset({6, 7})  # ISO weekday numbers
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)  # weekend days that are workdays
    years: frozenset[int] = frozenset()
    # Which calendar this is (the bundled file's digest, plus the newest database revision it
    # includes, e.g. ``3f9a2c1b+r4``): recorded with every deadline computed with it.
    version: str = "bundled"
    _fallback: set[int] = field(default_factory=set)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        self._ensure_year(day.year)
        if day in self.workdays:
            return True
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def covers(self, year: int) -> bool:
        """Whether the year's holidays and 调休 workdays are known (file or database); other
        years fall back to the public holidays of the ``holidays`` package, without 调休."""
        return year in self.years

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """The years from ``first`` to ``last`` (inclusive) the calendar has no 调休 data for."""
        return [year for year in range(first.year, last.year + 1) if not self.covers(year)]

    def overlay(self, years: dict[int, tuple[dict[date, str], dict[date, str]]],
                version: str) -> WorkCalendar:
        """This calendar with whole years replaced (or added): ``{year: (holidays, workdays)}``."""
        holidays_ = {d: n for d, n in self.holidays.items()
                     if d.year not in years and d.year not in self._fallback}
        workdays = {d: n for d, n in self.workdays.items() if d.year not in years}
        for year_holidays, year_workdays in years.values():
            holidays_.update(year_holidays)
            workdays.update(year_workdays)
        return WorkCalendar(timezone=self.timezone, weekend=self.weekend, holidays=holidays_,
                            workdays=workdays, years=self.years | frozenset(years),
                            version=version)

    def _ensure_year(self, year: int) -> None:
        """Years the file does not cover come from the ``holidays`` package (no 调休 data)."""
        if year in self.years or year in self._fallback:
            return
        with _lock:
            if year in self._fallback:
                return
            import holidays

            for day, name in holidays.China(years=[year], language="zh_CN").items():
                self.holidays.setdefault(day, name)
            self._fallback.add(year)


def add_working_days(start: datetime, days: int, calendar: WorkCalendar | None = None
                     ) -> datetime:
    """``start`` moved forward by ``days`` working days, keeping its local time of day.

    Counting starts on the day after ``start``'s local date: Monday 10:00 + 1 working day is
    Tuesday 10:00; Friday + 1 is Monday; a holiday or weekend is skipped, a 调休 workday counts.
    """
    if start.tzinfo is None:
        raise ValueError("working-day arithmetic needs an aware datetime")
    calendar = calendar or default_calendar()
    local = start.astimezone(calendar.zone)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    moved = datetime.combine(day, local.timetz().replace(tzinfo=None), calendar.zone)
    return moved.astimezone(UTC)


def parse_working_days(expression: str) -> int | None:
    """``n`` for a ``P<n>WD`` expression, None for anything else (plain ISO 8601)."""
    match = WORKING_DAYS.match(expression.strip())
    return int(match.group(1)) if match else None


def parse_deadline(expression: str) -> tuple[str, str] | None:
    """``(period, rule)`` for a window expression ``<period>;<rule>``, None for anything else."""
    match = DEADLINE.match(expression)
    if match is None:
        return None
    return match.group(1).upper(), match.group(2).lower()


def last_day_end(last_day: date, rule: str, calendar: WorkCalendar | None = None) -> datetime:
    """24:00 local time of a window's last day, as an aware UTC instant; under
    ``next_working_day`` a last day that is no working day moves to the next working day first
    (民法典 第二百零三条)."""
    calendar = calendar or default_calendar()
    if rule == NEXT_WORKING_DAY:
        while not calendar.is_working_day(last_day):
            last_day += timedelta(days=1)
    return datetime.combine(last_day + timedelta(days=1), time(0), calendar.zone).astimezone(UTC)


def local_zone(calendar: WorkCalendar | None = None) -> ZoneInfo:
    """The zone naive dates in diagrams are read in (the calendar's, not the server's)."""
    return (calendar or default_calendar()).zone


def load_calendar(path: Path) -> WorkCalendar:
    content = path.read_bytes()
    raw = json.loads(content.decode("utf-8"))
    holidays_, workdays = {}, {}
    for year in raw.get("years", {}).values():
        holidays_.update({date.fromisoformat(d): n for d, n in year.get("holidays", {}).items()})
        workdays.update({date.fromisoformat(d): n for d, n in year.get("workdays", {}).items()})
    return WorkCalendar(timezone=raw.get("timezone", "Asia/Shanghai"),
                        weekend=frozenset(raw.get("weekend", [6, 7])), holidays=holidays_,
                        workdays=workdays, years=frozenset(int(y) for y in raw.get("years", {})),
                        version=hashlib.sha256(content).hexdigest()[:8])


_lock = threading.RLock()


@functools.cache
def default_calendar() -> WorkCalendar:
    """The calendar shipped with certflow (``config/holidays_cn.json``), read once.

    A runtime reads its own (setting ``holidays_file``, ``Runtime.calendar``); this one serves
    deploy-time checks and tools that have no runtime.
    """
    return load_calendar(DEFAULT_FILE)


def build_calendar_file(years: list[int]) -> dict[str, object]:
    """The file's content from the ``holidays`` package: public holidays and 调休 workdays."""
    import holidays

    out: dict[str, object] = {}
    for year in years:
        names = holidays.China(years=[year], language="zh_CN")
        english = holidays.China(years=[year], language="en_US")
        workdays = {}
        for day, name in sorted(english.items()):
            for month, dom, yr in _SUBSTITUTED.findall(name):
                workdays[f"{yr}-{month}-{dom}"] = f"调休上班（{day.isoformat()} 放假）"
        out[str(year)] = {"holidays": {d.isoformat(): n for d, n in sorted(names.items())},
                          "workdays": dict(sorted(workdays.items()))}
    return {
        "description": "中国法定节假日与调休上班日，用于工作日计算（P<n>WD）。"
                       "Generated by `python -m workflows.core.working_days`; edit by hand "
                       "when the State Council publishes next year's schedule.",
        "timezone": "Asia/Shanghai",
        "weekend": [6, 7],
        "years": out,
    }


if __name__ == "__main__":  # pragma: no cover - maintenance command
    first, last = int(sys.argv[1]), int(sys.argv[2])
    content = build_calendar_file(list(range(first, last + 1)))
    DEFAULT_FILE.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
    print(f"wrote {DEFAULT_FILE}")

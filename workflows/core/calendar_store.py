"""The working-day calendar in effect at an instant: the bundled file overlaid with the
administrators' revisions stored in the database (``models.CalendarRevision``).

Revisions are append-only and each replaces one year. ``CalendarSource.at(instant)`` is the
calendar made of the revisions created by ``instant``: live use cases ask for ``now``; replay
asks for each recorded event's time, so a case replays with the calendar it ran with even after
an administrator changed the year since. Each calendar carries its ``version`` (the file's
digest plus the newest revision included), which is stored with every timer's due time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from models import CalendarRevision, Notification, db
from workflows.core.working_days import WorkCalendar, load_calendar

ADMINS = "admin"
RECHECK_SECONDS = 5.0  # how stale another process's view of the revisions may get


@dataclass(frozen=True)
class Revision:
    id: int
    year: int
    created_at: datetime
    holidays: dict[date, str]
    workdays: dict[date, str]


def read_revisions() -> list[Revision]:
    """Every stored revision, oldest first (through the current session)."""
    rows = db.session.execute(sa.select(
        CalendarRevision.id, CalendarRevision.year, CalendarRevision.created_at,
        CalendarRevision.holidays, CalendarRevision.workdays).order_by(CalendarRevision.id))
    return [Revision(id_, year, created,
                     {date.fromisoformat(d): n for d, n in (holidays or {}).items()},
                     {date.fromisoformat(d): n for d, n in (workdays or {}).items()})
            for id_, year, created, holidays, workdays in rows]


def newest_revision_id() -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(CalendarRevision.id),
                                                             0))) or 0)


class CalendarSource:
    """The calendars of one runtime: the file (read once) and its overlays by revision set."""

    def __init__(self, path: Path, *, reader: Callable[[], list[Revision]] = read_revisions,
                 newest: Callable[[], int] = newest_revision_id) -> None:
        self.path = path
        self._reader, self._newest = reader, newest
        self._base: WorkCalendar | None = None
        self._revisions: list[Revision] = []
        self._seen = -1  # newest revision id read; -1: never read
        self._checked = 0.0
        self._built: dict[tuple[tuple[int, datetime], ...], WorkCalendar] = {}
        self._lock = threading.RLock()

    def base(self) -> WorkCalendar:
        """The bundled file's calendar alone."""
        with self._lock:
            if self._base is None:
                self._base = load_calendar(self.path)
            return self._base

    def get(self) -> WorkCalendar:
        """The calendar with every revision stored (the newest view)."""
        return self._build(self._current())

    def at(self, instant: datetime) -> WorkCalendar:
        """The calendar in effect at ``instant``: revisions created by then only."""
        return self._build([r for r in self._current() if r.created_at <= instant])

    def invalidate(self) -> None:
        """A revision was just stored: read them all again on next use, and build afresh (a
        restored database may reuse revision ids for other content)."""
        with self._lock:
            self._checked, self._seen = 0.0, -1
            self._built.clear()

    def _current(self) -> list[Revision]:
        with self._lock:
            if time.monotonic() - self._checked < RECHECK_SECONDS and self._seen >= 0:
                return self._revisions
            try:
                newest = self._newest()
                if newest != self._seen:
                    self._revisions, self._seen = self._reader(), newest
            except (RuntimeError, sa.exc.OperationalError, sa.exc.ProgrammingError):
                return self._revisions  # no app context or no table yet: the file alone
            self._checked = time.monotonic()
            return self._revisions

    def _build(self, revisions: list[Revision]) -> WorkCalendar:
        key = tuple((r.id, r.created_at) for r in revisions)
        with self._lock:
            built = self._built.get(key)
            if built is None:
                base = self.base()
                if not revisions:
                    built = base
                else:
                    years = {r.year: (r.holidays, r.workdays) for r in revisions}  # newest wins
                    built = base.overlay(years, f"{base.version}+r{revisions[-1].id}")
                self._built[key] = built
            return built


def warn_uncovered(session: sa.orm.Session, calendar: WorkCalendar, start: datetime,
                   due: datetime, *, what: str, now: datetime) -> None:
    """A deadline reaching into a year without 调休 data: tell the administrators, once per
    year (working days there count only the public holidays, without makeup workdays)."""
    zone = calendar.zone
    for year in calendar.uncovered_years(start.astimezone(zone).date(),
                                         due.astimezone(zone).date()):
        subject = f"{year} 年的节假日与调休安排尚未录入"
        known = session.scalar(sa.select(Notification.id).where(
            Notification.recipient_group == ADMINS, Notification.subject == subject).limit(1))
        if known is not None:
            continue
        session.add(Notification(
            recipient_group=ADMINS, kind="info", subject=subject, created_at=now,
            body=(f"{what}的期限（{due.astimezone(zone):%Y-%m-%d %H:%M}）已进入 {year} 年，"
                  f"但系统中没有 {year} 年的节假日与调休上班安排，工作日只按法定节假日推算。"
                  "请在“节假日日历”中录入该年安排；已算出的期限不变，录入后新算的期限按新安排。")))

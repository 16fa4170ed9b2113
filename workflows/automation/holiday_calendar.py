"""节假日日历: administrators keep the holidays and 调休 workdays of each year current.

The bundled file covers the years it shipped with; a year saved here (a whole year, or one day
added to or removed from it) is a new ``CalendarRevision`` that replaces the year from the
moment it is saved. Deadlines computed before keep their due time (they record the calendar
version they were computed with, and replay recomputes them with the calendar of their time);
deadlines computed afterwards count with the new year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import CalendarRevision, User
from workflows.core.actors import Actor
from workflows.core.calendar_store import CalendarSource
from workflows.core.errors import InvalidInput, NotAllowed, Problem
from workflows.core.unit_of_work import UnitOfWork

HOLIDAY, WORKDAY = "holiday", "workday"
WEEKDAYS = "一二三四五六日"


class CalendarRefused(InvalidInput):
    title = "节假日安排有误"


@dataclass(frozen=True)
class YearView:
    year: int
    source: str  # bundled (the shipped file) or database (saved by an administrator)
    revision: int | None
    holidays: dict[str, str]
    workdays: dict[str, str]
    note: str
    updated_at: datetime | None
    updated_by: int | None


def _bundled_year(source: CalendarSource, year: int) -> tuple[dict[str, str], dict[str, str]]:
    base = source.base()
    if not base.covers(year):
        return {}, {}
    return ({d.isoformat(): n for d, n in sorted(base.holidays.items()) if d.year == year},
            {d.isoformat(): n for d, n in sorted(base.workdays.items()) if d.year == year})


def _latest(session: Session, year: int) -> CalendarRevision | None:
    return session.scalar(sa.select(CalendarRevision).where(CalendarRevision.year == year)
                          .order_by(CalendarRevision.id.desc()).limit(1))


def year_view(session: Session, source: CalendarSource, year: int) -> YearView:
    """One year as it stands: the newest saved revision, else the bundled file, else empty."""
    row = _latest(session, year)
    if row is not None:
        return YearView(year, "database", row.id, dict(sorted(row.holidays.items())),
                        dict(sorted(row.workdays.items())), row.note, row.created_at,
                        row.created_by)
    holidays, workdays = _bundled_year(source, year)
    return YearView(year, "bundled" if source.base().covers(year) else "missing", None,
                    holidays, workdays, "", None, None)


@dataclass(frozen=True)
class RevisionView:
    """One saved revision of a year: who saved it when, why, and what it changed."""

    revision: int
    year: int
    note: str
    created_at: datetime
    created_by: int | None
    created_by_name: str | None
    holidays: int
    workdays: int
    added: dict[str, str]  # day -> "放假：国庆节" / "调休上班：…"
    removed: dict[str, str]


def _marks(holidays: dict[str, str], workdays: dict[str, str]) -> dict[str, str]:
    return {**{d: f"放假：{n}" for d, n in holidays.items()},
            **{d: f"调休上班：{n}" for d, n in workdays.items()}}


def list_revisions(session: Session, source: CalendarSource, year: int) -> list[RevisionView]:
    """A year's saved revisions, newest first, each with what it changed against the one
    before it (the first against the bundled file)."""
    rows = list(session.scalars(sa.select(CalendarRevision).where(CalendarRevision.year == year)
                                .order_by(CalendarRevision.id)))
    names = {user.id: user.display_name for user in session.scalars(
        sa.select(User).where(User.id.in_({r.created_by for r in rows if r.created_by})))}
    before = _marks(*_bundled_year(source, year))
    views = []
    for row in rows:
        now = _marks(row.holidays, row.workdays)
        views.append(RevisionView(
            row.id, row.year, row.note, row.created_at, row.created_by,
            names.get(row.created_by) if row.created_by else None, len(row.holidays),
            len(row.workdays),
            {d: m for d, m in sorted(now.items()) if before.get(d) != m},
            {d: m for d, m in sorted(before.items()) if d not in now}))
        before = now
    return list(reversed(views))


def list_years(session: Session, source: CalendarSource) -> list[YearView]:
    """Every year the calendar knows (bundled or saved), newest first."""
    saved = set(session.scalars(sa.select(CalendarRevision.year).distinct()))
    years = sorted(saved | set(source.base().years), reverse=True)
    return [year_view(session, source, year) for year in years]


def save_year(year: int, holidays: dict[str, str], workdays: dict[str, str], *, note: str,
              actor: Actor, uow: UnitOfWork, source: CalendarSource) -> YearView:
    """Replace a year's holidays and 调休 workdays (a new revision, in effect from now)."""
    if not actor.is_admin:
        raise NotAllowed("只有系统管理员可以维护节假日日历")
    checked_holidays, checked_workdays = _check(year, holidays, workdays)
    with uow:
        row = CalendarRevision(year=year, holidays=checked_holidays, workdays=checked_workdays,
                               note=note.strip(), created_by=actor.id,
                               created_at=uow.runtime.now())
        uow.session.add(row)
        uow.commit()
    source.invalidate()
    return year_view(uow.session, source, year)


def change_day(day: date, kind: str | None, name: str, *, actor: Actor, uow: UnitOfWork,
               source: CalendarSource) -> YearView:
    """Add one holiday or 调休 workday to its year (``kind`` None: remove the day)."""
    current = year_view(uow.session, source, day.year)
    holidays, workdays = dict(current.holidays), dict(current.workdays)
    key = day.isoformat()
    holidays.pop(key, None)
    workdays.pop(key, None)
    if kind == HOLIDAY:
        holidays[key] = name
    elif kind == WORKDAY:
        workdays[key] = name
    action = "删除" if kind is None else "添加"
    return save_year(day.year, holidays, workdays, note=f"{action} {key} {name}".strip(),
                     actor=actor, uow=uow, source=source)


def _check(year: int, holidays: dict[str, str], workdays: dict[str, str]
           ) -> tuple[dict[str, str], dict[str, str]]:
    problems: list[Problem] = []
    out: dict[str, dict[str, str]] = {HOLIDAY: {}, WORKDAY: {}}
    for kind, days in ((HOLIDAY, holidays), (WORKDAY, workdays)):
        for text, name in days.items():
            pointer = f"/{kind}s/{text}"
            try:
                day = date.fromisoformat(text)
            except ValueError:
                problems.append(Problem(f"“{text}”不是日期（YYYY-MM-DD）", pointer=pointer))
                continue
            if day.year != year:
                problems.append(Problem(f"{text} 不在 {year} 年", pointer=pointer))
            elif kind == WORKDAY and day.isoweekday() < 6:
                problems.append(Problem(
                    f"{text} 是星期{WEEKDAYS[day.weekday()]}，本来就是工作日；"
                    "调休上班日只能是周六或周日",
                    pointer=pointer))
            elif not str(name).strip():
                problems.append(Problem(f"{text} 须写明名称（如 国庆节、调休上班）",
                                        pointer=pointer))
            else:
                out[kind][day.isoformat()] = str(name).strip()[:40]
    both = sorted(set(out[HOLIDAY]) & set(out[WORKDAY]))
    problems += [Problem(f"{text} 不能既是假日又是调休上班日", pointer=f"/workdays/{text}")
                 for text in both]
    if problems:
        raise CalendarRefused("节假日安排有误：" + "；".join(p.message for p in problems),
                              problems=problems)
    return dict(sorted(out[HOLIDAY].items())), dict(sorted(out[WORKDAY].items()))

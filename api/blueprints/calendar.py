"""节假日日历: administrators keep the holidays and 调休 workdays current (docs/calendar.md)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.calendar import (
    CalendarDayBodySchema,
    CalendarRevisionListSchema,
    CalendarYearBodySchema,
    CalendarYearListSchema,
    CalendarYearSchema,
)
from models import db
from workflows.automation import holiday_calendar as calendar
from workflows.core.errors import InvalidInput

bp = CertflowBlueprint("calendar", __name__, url_prefix="/api/v1",
                       description="The holiday calendar (节假日日历) of working-day deadlines")

YEAR = "<int(min=2000,max=2100):year>"


@bp.get("/calendar/years")
@login_required()
@bp.response(200, CalendarYearListSchema)
def years() -> dict[str, Any]:
    """Every year the calendar knows, newest first, and the version in effect now."""
    source = runtime().calendar_source
    items = [asdict(view) for view in calendar.list_years(db.session(), source)]
    result = {"items": items, "version": runtime().calendar.version}
    db.session.rollback()
    return result


@bp.get(f"/calendar/years/{YEAR}")
@login_required()
@bp.response(200, CalendarYearSchema)
def year(year: int) -> dict[str, Any]:
    """One year's holidays and 调休 workdays (``source`` missing: no data for it)."""
    view = asdict(calendar.year_view(db.session(), runtime().calendar_source, year))
    db.session.rollback()
    return view


@bp.get(f"/calendar/years/{YEAR}/revisions")
@login_required()
@bp.response(200, CalendarRevisionListSchema)
def revisions(year: int) -> dict[str, Any]:
    """A year's saved revisions, newest first, with who saved each, when, why and which days
    it changed (deadlines keep the calendar version they were computed with)."""
    items = [asdict(view) for view in calendar.list_revisions(
        db.session(), runtime().calendar_source, year)]
    db.session.rollback()
    return {"items": items}


@bp.put(f"/calendar/years/{YEAR}")
@login_required("admin")
@bp.arguments(CalendarYearBodySchema)
@bp.response(200, CalendarYearSchema)
@problems(403, 422)
def save(body: dict[str, Any], year: int) -> dict[str, Any]:
    """Replace a year's holidays and 调休 workdays; deadlines computed from now on count
    with it, those computed before keep theirs."""
    return asdict(calendar.save_year(year, body["holidays"], body["workdays"],
                                     note=body["note"], actor=current_actor(),
                                     uow=unit_of_work(), source=runtime().calendar_source))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"“{text}”不是日期（YYYY-MM-DD）") from None


@bp.put("/calendar/days/<string(length=10):day>")
@login_required("admin")
@bp.arguments(CalendarDayBodySchema)
@bp.response(200, CalendarYearSchema)
@problems(403, 422)
def put_day(body: dict[str, Any], day: str) -> dict[str, Any]:
    """Add one holiday or 调休 workday to its year (a new revision of the year)."""
    return asdict(calendar.change_day(_day(day), body["kind"], body["name"],
                                      actor=current_actor(), uow=unit_of_work(),
                                      source=runtime().calendar_source))


@bp.delete("/calendar/days/<string(length=10):day>")
@login_required("admin")
@bp.response(200, CalendarYearSchema)
@problems(403, 422)
def delete_day(day: str) -> dict[str, Any]:
    """Remove one day from its year's holidays or 调休 workdays."""
    return asdict(calendar.change_day(_day(day), None, "", actor=current_actor(),
                                      uow=unit_of_work(), source=runtime().calendar_source))

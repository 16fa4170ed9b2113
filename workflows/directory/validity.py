"""When a dated row of the directory holds: enrolments, positions and substitutions are valid by
day, with open ends. One definition, so "today's class teacher" means the same to the inbox, the
account sheet and the year-end rollover."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from models.directory import Enrolment, Position

Dated = type[Position] | type[Enrolment]
Day = date | sa.BindParameter[Any]


def today_param() -> sa.BindParameter[Any]:
    """The day as a bound parameter named ``today``, for statements built once and reused."""
    return sa.bindparam("today", type_=sa.Date)


def held_on(model: Dated, day: Day) -> sa.ColumnElement[bool]:
    """Rows whose validity period includes ``day`` (open ends count as valid)."""
    return sa.and_(sa.or_(model.valid_from.is_(None), model.valid_from <= day),
                   sa.or_(model.valid_to.is_(None), model.valid_to >= day))


def not_ended_by(model: Dated, day: Day) -> sa.ColumnElement[bool]:
    """Rows still valid on ``day`` or starting later: what a unit still has in it."""
    return sa.or_(model.valid_to.is_(None), model.valid_to >= day)

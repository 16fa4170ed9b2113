"""Attendance reports per class and per 系部: one row per learner, as CSV (UTF-8 with BOM) and
xlsx, with Chinese headers."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from models.attendance import MEASURE_NAMES, MeasureKind
from models.directory import OrgUnit, UnitKind
from workflows.attendance import totals
from workflows.attendance.views import measures_of

COLUMNS = ("系部", "班级", "学号", "姓名", "缺勤天数", "请假天数", "旷课天数", "迟到次数", "处理")


def _department(session: Session, unit: OrgUnit) -> str:
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    found = session.scalar(sa.select(OrgUnit.name).where(
        OrgUnit.id.in_(ids), OrgUnit.kind == UnitKind.DEPARTMENT.value).limit(1))
    return found or ""


def _classes_under(session: Session, unit: OrgUnit) -> list[OrgUnit]:
    if unit.kind == UnitKind.CLASS:
        return [unit]
    prefix = unit.path or f"/{unit.id}/"
    return list(session.scalars(sa.select(OrgUnit).where(
        OrgUnit.path.startswith(prefix), OrgUnit.kind == UnitKind.CLASS.value)
        .order_by(OrgUnit.code)))


def rows_for(session: Session, unit: OrgUnit, *, today: date) -> list[dict[str, Any]]:
    """One row per learner of every class at or below ``unit`` (a 班级 or a 系部)."""
    year = totals.school_year_of(today)
    rows: list[dict[str, Any]] = []
    for klass in _classes_under(session, unit):
        department = _department(session, klass)
        learners = totals.learners_of(session, klass.id, on=today)
        ids = [p.id for p in learners]
        year_totals = totals.totals_of(session, ids, year)
        measures = measures_of(session, ids)
        for person in learners:
            t = year_totals[person.id]
            taken = "、".join(
                MEASURE_NAMES[MeasureKind(m["kind"])] + (f"（{m['course']}）" if m["course"]
                                                         else "")
                for m in measures.get(person.id, []))
            rows.append({"系部": department, "班级": klass.name, "学号": person.number or "",
                         "姓名": person.name, "缺勤天数": float(t.absence_days),
                         "请假天数": float(t.leave_days), "旷课天数": float(t.truancy_days),
                         "迟到次数": t.late, "处理": taken})
    return rows


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "考勤"  # Excel's rules
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    for column in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

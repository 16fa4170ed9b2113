"""Every certification report in one .xlsx workbook, one sheet per report, Chinese headers:
what a 领导小组 or 考务 opens in Excel or WPS (openpyxl, no formulas, nothing executable)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from workflows.certification import reports
from workflows.core.actors import Actor


def _safe(value: Any) -> Any:
    """A cell value; text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def workbook(session: Session, actor: Actor, *, now: datetime) -> bytes:
    """The workbook's bytes (times in UTC, as the API gives them)."""
    sheets: list[tuple[str, tuple[str, ...], list[dict[str, Any]]]] = [
        ("案件统计", reports.CASE_COLUMNS, reports.case_counts(session, actor)),
        ("通过率（职业与等级）", reports.PASS_RATE_COLUMNS, reports.pass_rates(session, actor)),
        ("考试批次", reports.SESSION_COLUMNS, reports.session_pass_rates(session, actor)),
        ("当前环节", reports.STEP_COLUMNS, reports.cases_per_step(session, actor)),
        ("超期任务", reports.OVERDUE_COLUMNS, reports.overdue_tasks(session, actor, now=now)),
    ]
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([reports.HEADERS.get(column, column) for column in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe(reports.shown(column, row.get(column))) for column in columns])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                12, len(reports.HEADERS.get(column, column)) * 2 + 4)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

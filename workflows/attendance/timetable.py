"""A timetable sheet (.xlsx or CSV, Chinese headers) read into sessions of a class's courses.

Columns: 课程, 日期, 半天 (上午/下午), 节次, 类型 (面授课/上机课/实验课/考试), 学时. Every row must
name a course of the class; the whole sheet is added or nothing (``courses.add_sessions``).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from models.attendance import SESSION_KIND_NAMES, Course
from workflows.attendance.courses import NewSession
from workflows.core.errors import InvalidInput

COLUMNS = ("课程", "日期", "半天", "节次", "类型", "学时")
REQUIRED = ("课程", "日期", "半天", "类型", "学时")
HALVES = {"上午": "am", "下午": "pm", "am": "am", "pm": "pm"}
KINDS = {name: kind.value for kind, name in SESSION_KIND_NAMES.items()}
MAX_ROWS = 2000


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(("机械制图", "2026-11-02", "上午", "1-2", "面授课", "2"))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _table(filename: str, data: bytes) -> list[tuple[Any, ...]]:
    if data.startswith(b"PK\x03\x04"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise InvalidInput("无法读取此 Excel 文件：请另存为 .xlsx 后再上传") from None
        sheet = book.worksheets[0]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    if filename.lower().endswith((".xls", ".xlsx")):
        raise InvalidInput("无法读取此 Excel 文件：请另存为 .xlsx 后再上传")
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV")
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise InvalidInput("CSV 文件格式有误") from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{where}日期“{_text(value)}”应写成 2026-11-02") from None


def read_sessions(filename: str, data: bytes, courses: list[Course]) -> list[NewSession]:
    """The sheet's sessions; the first problem found is refused with its row number."""
    if not data:
        raise InvalidInput("上传的文件是空的")
    table = [row for row in _table(filename, data) if any(_text(v) for v in row)]
    if not table:
        raise InvalidInput("表格是空的")
    header = [_text(v) for v in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput("表头缺少：" + "、".join(missing)
                           + "（应为 " + "、".join(COLUMNS) + "）")
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput(f"一次最多导入 {MAX_ROWS} 个课次")
    by_name = {c.name: c for c in courses}
    items = []
    for number, raw in enumerate(table[1:], start=2):
        values = {h: raw[i] if i < len(raw) else None for i, h in enumerate(header)}
        where = f"第 {number} 行："
        course = by_name.get(_text(values.get("课程")))
        if course is None:
            raise InvalidInput(f"{where}课程“{_text(values.get('课程'))}”不是本班的课程")
        half = HALVES.get(_text(values.get("半天")))
        if half is None:
            raise InvalidInput(f"{where}半天应为“上午”或“下午”")
        kind = KINDS.get(_text(values.get("类型")))
        if kind is None:
            raise InvalidInput(f"{where}类型应为面授课、上机课、实验课或考试")
        try:
            hours = int(float(_text(values.get("学时"))))
        except (ValueError, OverflowError):
            raise InvalidInput(f"{where}学时应为数字") from None
        items.append(NewSession(course_id=course.id, on_date=_date(values.get("日期"), where),
                                half=half, kind=kind, hours=hours,
                                period=_text(values.get("节次"))[:16]))
    return items

"""The import sheets: templates with Chinese headers, and reading .xlsx and CSV uploads.

A sheet is read into plain rows (``{"row": 2, "values": {"姓名": …}}``, row numbers as the
spreadsheet shows them, the header being row 1). CSV comes in UTF-8 (with or without the BOM
Excel writes) or GBK, which is what Excel on a Chinese Windows saves; which one is decided
from the bytes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook

from workflows.core.errors import InvalidInput


class SheetKind(StrEnum):
    LEARNERS = "learners"
    STAFF = "staff"


LEARNER_COLUMNS = ("姓名", "性别", "身份证号", "学号", "班级", "专业", "系部", "手机号", "入学年份")
STAFF_COLUMNS = ("姓名", "性别", "身份证号", "工号", "部门", "岗位", "手机号")
COLUMNS = {SheetKind.LEARNERS: LEARNER_COLUMNS, SheetKind.STAFF: STAFF_COLUMNS}
REQUIRED = {SheetKind.LEARNERS: ("姓名", "学号", "班级"), SheetKind.STAFF: ("姓名", "工号", "部门")}
SAMPLES = {
    SheetKind.LEARNERS: ("张三", "男", "11010120080101001X", "S2026001", "机电2601", "机电一体化",
                         "机电工程系", "13800000000", "2026"),
    SheetKind.STAFF: ("李老师", "女", "110101198501010020", "T0001", "机电工程系", "班主任",
                      "13900000000"),
}
MAX_ROWS = 20000
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Sheet:
    kind: SheetKind
    rows: list[dict[str, Any]]  # {"row": n, "values": {header: text}}


def template_xlsx(kind: SheetKind) -> bytes:
    """An empty sheet with the headers and one example row (to be overwritten)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "学员" if kind is SheetKind.LEARNERS else "教职工"
    sheet.append(list(COLUMNS[kind]))
    sheet.append(list(SAMPLES[kind]))
    for column in range(1, len(COLUMNS[kind]) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    for cell in sheet[2]:  # numbers kept as text: a 身份证号 or 学号 must not become a number
        cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(kind: SheetKind) -> bytes:
    """The same template as UTF-8 CSV with a BOM (Excel then opens it with the right encoding)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[kind])
    writer.writerow(SAMPLES[kind])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def read_sheet(kind: SheetKind, filename: str, data: bytes) -> Sheet:
    """The rows of an uploaded .xlsx or CSV file; a file that cannot be read is refused with a
    reason in Chinese. Blank rows are skipped; every column of the template must be present."""
    if not data:
        raise InvalidInput("上传的文件是空的")
    table = _xlsx_rows(data) if data.startswith(_XLSX_MAGIC) else _csv_rows(data, filename)
    if not table:
        raise InvalidInput("文件中没有表头")
    header = [_text(cell) for cell in table[0]]
    missing = [column for column in COLUMNS[kind] if column not in header]
    if missing:
        raise InvalidInput(f"缺少列：{'、'.join(missing)}（请使用下载的模板）")
    index = {column: header.index(column) for column in COLUMNS[kind]}
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(table[1:], start=2):
        values = {column: _text(cells[i]) if i < len(cells) else ""
                  for column, i in index.items()}
        if any(values.values()):
            rows.append({"row": number, "values": values})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
    return Sheet(kind, rows)


def _xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The cells of the first sheet: read by calamine (Rust; a 10,000-row sheet in about half a
    second, where openpyxl takes fifteen), or by openpyxl when calamine cannot, which then
    says what is wrong with the file."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            return []
        return [tuple(row) for row in book.get_sheet_by_index(0).to_python()]
    except (CalamineError, ValueError, TypeError, OSError):
        return _openpyxl_rows(data)


def _openpyxl_rows(data: bytes) -> list[tuple[Any, ...]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("无法读取此 Excel 文件：请另存为 .xlsx 后再上传") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
        raise InvalidInput("无法读取此 Excel 文件：内容已损坏") from None
    finally:
        book.close()


def _csv_rows(data: bytes, filename: str) -> list[tuple[Any, ...]]:
    if filename.lower().endswith((".xls", ".xlsx")):
        raise InvalidInput("无法读取此 Excel 文件：请另存为 .xlsx 后再上传")
    text = _decode(data)
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise InvalidInput("CSV 文件格式有误") from None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):  # GB18030 reads every GBK file
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InvalidInput("无法识别文件编码：请以 UTF-8 或 GBK 编码保存 CSV")


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0`` (Excel stores 2026 as 2026.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()

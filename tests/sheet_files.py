"""Real import files for tests and the benchmark: .xlsx written by openpyxl, CSV in UTF-8 or GBK,
and valid 身份证号 made up for made-up people."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from workflows.core.id_numbers import check_character
from workflows.onboarding.sheets import LEARNER_COLUMNS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def id_number(serial: int, *, born: str = "20080101", male: bool = True) -> str:
    """A valid 身份证号 (Beijing Dongcheng, born ``born``); ``serial`` < 500 keeps it unique."""
    sequence = serial * 2 + (1 if male else 0)
    first17 = f"110101{born}{sequence % 1000:03d}"
    return first17 + check_character(first17)


def wrong_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def learner_rows(count: int, *, classes: Sequence[str], year: int = 2026,
                 prefix: str = "S") -> list[list[str]]:
    """``count`` valid learners spread over ``classes``."""
    rows = []
    for i in range(count):
        born = f"{2006 + i // 500 % 4}0{1 + i // 100 % 5}{10 + i % 18:02d}"
        male = i % 2 == 0
        rows.append([SURNAMES[i % len(SURNAMES)] + GIVEN[i // len(SURNAMES) % len(GIVEN)]
                     + GIVEN[i % len(GIVEN)],
                     "男" if male else "女", id_number(i % 100 * 4 + i // 500, born=born,
                                                     male=male),
                     f"{prefix}{year}{i:05d}", classes[i % len(classes)], "", "",
                     f"139{i:08d}", str(year)])
    return rows


def xlsx(rows: list[list[str]], header: Sequence[str] = LEARNER_COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], header: Sequence[str] = LEARNER_COLUMNS, *,
              encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)

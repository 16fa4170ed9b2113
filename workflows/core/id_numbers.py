"""Citizen identity numbers (公民身份号码, GB 11643-1999) checked before an application is stored.

An 18-character number is six digits of address code, eight of birth date (YYYYMMDD), three of
sequence, and one check character computed from the first seventeen (ISO 7064 MOD 11-2):
``sum(digit_i * weight_i) mod 11`` indexes ``"10X98765432"``. A typo in any one digit, or two
swapped neighbours, changes the check character, so checking it at submission stops most
mistyped numbers before an eligibility reviewer sees them.

The check is exposed to JSON Schema as the custom format ``cn-resident-id`` (registered in
``workflows/definitions/forms.py``), so any form can say ``"format": "cn-resident-id"`` and
the server answers 422 with the reason. A lower-case ``x`` is accepted (people type it) and stored
as typed; ``normalize`` upper-cases it where numbers are compared.
"""

from __future__ import annotations

import re
from datetime import date

FORMAT = "cn-resident-id"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dXx]$")


def check_character(first17: str) -> str:
    """The check character for the first seventeen digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the check character needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def problem(value: object, *, today: date | None = None) -> str | None:
    """Why ``value`` is not a valid identity number, or None when it is."""
    if not isinstance(value, str):
        return "身份证号必须是字符串"
    if not _SHAPE.match(value):
        return "身份证号应为18位：17位数字加1位校验码（数字或X）"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {value[6:14]} 不是有效日期"
    if born.year < 1900 or born > (today or date.today()):
        return f"身份证号中的出生日期 {born.isoformat()} 不合理"
    expected = check_character(value[:17])
    if value[17].upper() != expected:
        return f"身份证号校验码错误：按前17位计算应为 {expected}"
    return None


def is_valid(value: object) -> bool:
    return problem(value) is None


def normalize(value: str) -> str:
    """The comparable form: surrounding spaces removed, ``x`` upper-cased."""
    return value.strip().upper()


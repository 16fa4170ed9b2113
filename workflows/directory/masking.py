"""How personal numbers are shown: never in full outside the person's own record."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    """``110101199003071234`` -> ``1101**********1234`` (first four, last four)."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``."""
    if not value:
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]

"""Mask personal data (身份证号, mobile numbers) wherever text leaves the system in bulk.

Lists, logs and error messages are read by people who need the case, not the applicant's
identity; a detail view shows the full value to those allowed to see the instance. Masking is
shape-based (no checksum test), so it errs on the side of hiding: anything that looks like an
ID or mobile number is masked, and masking masked text changes nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Not preceded or followed by an ASCII letter, digit or underscore: hashes and identifiers
# (``Activity_0123...``) stay intact; "ID:", "LV-", spaces and Chinese text are edges.
_EDGE_BEFORE = r"(?<![0-9A-Za-z_])"
_EDGE_AFTER = r"(?![0-9A-Za-z_])"
# 18-digit resident ID (last character may be X) and the legacy 15-digit form.
_ID_NUMBER = re.compile(_EDGE_BEFORE + r"([0-9]{4})([0-9]{10}|[0-9]{7})([0-9]{3}[0-9Xx]|[0-9]{4})"
                        + _EDGE_AFTER)
# Mainland mobile numbers, optionally with the country code.
_MOBILE = re.compile(_EDGE_BEFORE + r"((?:\+?86[- ]?)?1[3-9][0-9])([0-9]{4})([0-9]{4})"
                     + _EDGE_AFTER)


def _mask_id(match: re.Match[str]) -> str:
    head, middle, tail = match.groups()
    return head + "*" * len(middle) + tail


# Both shapes hold a run of at least 11 ASCII digits (a mobile number's own digits, an ID
# number's first 14 or 15): text without one is returned as it is, after one quick search
# (lists mask a business key per row).
_LONG_DIGIT_RUN = re.compile(r"[0-9]{11}")


def mask_text(text: str) -> str:
    """``110101199003071234`` -> ``1101**********1234``; ``13812345678`` -> ``138****5678``."""
    if _LONG_DIGIT_RUN.search(text) is None:
        return text
    text = _ID_NUMBER.sub(_mask_id, text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_value(value: Any) -> Any:
    """Mask every string inside a JSON-like value (dicts, lists, strings); others unchanged."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item) for item in value]
    return value


class MaskingFilter(logging.Filter):
    """Masks the message, and a traceback's text, of every record it sees; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it for logging to report
            return True
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


_FILTER = MaskingFilter()


def install_log_masking() -> None:
    """Mask every log record when it is created, whichever logger or handler it goes to.

    A filter on a logger misses records of its children and a filter on a handler misses
    handlers added later (gunicorn, pytest), so the record factory applies it instead.
    Idempotent: building several apps installs it once.
    """
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_certflow_masking", False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    masked_record._certflow_masking = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked_record)

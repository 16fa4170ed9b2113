"""Masking 身份证号 and mobile numbers: what is hidden, and what must stay intact."""

from __future__ import annotations

import logging

import pytest

from api.masking import MaskingFilter, mask_text, mask_value


@pytest.mark.parametrize(("text", "masked"), [
    ("110101199003071234", "1101**********1234"),
    ("11010119900307123X", "1101**********123X"),
    ("身份证号110101199003071234，请核对", "身份证号1101**********1234，请核对"),
    ("'110101199003071234' is not a 'number'", "'1101**********1234' is not a 'number'"),
    ("110101900307123", "1101*******7123"),  # legacy 15 digits
    ("电话13812345678", "电话138****5678"),
    ("LV-110101199003071234", "LV-1101**********1234"),
    ("+86 13812345678", "+86 138****5678"),
    ("1101**********1234", "1101**********1234"),  # masking twice changes nothing
])
def test_personal_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "instance 42 does not exist",
    "2026-11-02T09:00:00+00:00",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # a hash
    "ab110101199003071234cd",  # digits inside a token are not an ID number
    "Activity_110101199003071234",  # nor inside an element id
    "1101011990030712345",  # 19 digits: not an ID number
    "LV-00042",
])
def test_other_text_is_left_alone(text: str) -> None:
    assert mask_text(text) == text


def test_nested_values_are_masked() -> None:
    value = {"errors": [{"message": "13812345678 bad", "line": 3}], "n": 110101199003071234}
    assert mask_value(value) == {"errors": [{"message": "138****5678 bad", "line": 3}],
                                 "n": 110101199003071234}


def test_filter_masks_message_args_and_traceback() -> None:
    try:
        raise ValueError("bad id 110101199003071234")
    except ValueError:
        import sys

        record = logging.LogRecord("certflow", logging.ERROR, __file__, 1,
                                   "applicant %s failed", ("110101199003071234",), sys.exc_info())
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "applicant 1101**********1234 failed"
    assert "110101199003071234" not in record.exc_text
    assert "1101**********1234" in record.exc_text

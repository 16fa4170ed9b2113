"""Pure rules of skill-level certification: ID check digits, duty rules, certificate numbers."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.certification.register import format_number, parse_number
from workflows.core import id_numbers
from workflows.core.errors import InvalidTaskData
from workflows.definitions import forms
from workflows.engine.duty_rules import InvalidDutyRule, parse_rules, rule_names


def test_the_check_character_follows_iso_7064() -> None:
    # The published example of GB 11643-1999: 11010519491231002X.
    assert id_numbers.check_character("11010519491231002") == "X"
    assert id_numbers.is_valid("11010519491231002X")
    assert id_numbers.is_valid("11010519491231002x")  # typed lower case
    assert id_numbers.normalize(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(("value", "reason"), [
    ("110105194912310021", "校验码错误：按前17位计算应为 X"),
    ("11010519491231002", "应为18位"),
    ("01010519491231002X", "应为18位"),
    ("110105194913310020", "不是有效日期"),
    ("110105189912310020", "不合理"),
    (12345, "必须是字符串"),
])
def test_bad_numbers_say_why(value: object, reason: str) -> None:
    assert reason in (id_numbers.problem(value, today=date(2026, 11, 1)) or "")


def test_a_swapped_pair_of_digits_is_caught() -> None:
    good = "11010519491231002X"
    swapped = good[:7] + good[8] + good[7] + good[9:]
    assert not id_numbers.is_valid(swapped)


def test_forms_use_the_custom_format_with_its_reason() -> None:
    schema = {"type": "object", "properties": {"id_number": {"type": "string",
                                                             "format": "cn-resident-id"}}}
    forms.validate(schema, {"id_number": "11010519491231002X"}, where="test")
    with pytest.raises(InvalidTaskData) as caught:
        forms.validate(schema, {"id_number": "110105194912310021"}, where="test")
    problem = caught.value.problems[0]
    assert problem.pointer == "/data/id_number" and "校验码错误" in problem.message


def test_duty_rules_parse_to_canonical_names() -> None:
    assert rule_names(" differs_from:score_exam ;recusal:class,not_initiator ") == [
        "differs_from:score_exam", "recusal:class", "not_initiator"]
    assert rule_names("excludes:appeal_case.excluded_user_ids") == [
        "excludes:appeal_case.excluded_user_ids"]
    assert parse_rules("") == [] and parse_rules(None) == []


@pytest.mark.parametrize("value", ["same_as:x", "differs_from", "not_initiator:x",
                                   "recusal:school", "excludes:a-b", "differs_from:1abc"])
def test_bad_duty_rules_are_refused(value: str) -> None:
    with pytest.raises(InvalidDutyRule):
        parse_rules(value)


def test_certificate_numbers_round_trip() -> None:
    number = format_number("CF3201", 2026, 5, 123)
    assert number == "CF320120265000123"
    assert parse_number(number) == {"issuer": "CF3201", "year": 2026, "level": 5,
                                    "sequence": 123}
    assert parse_number("cf320120265000123") is not None
    for bad in ("CF32012026600012", "CF320120266000123", "CF3201-2026-5-000123", ""):
        assert parse_number(bad) is None
    with pytest.raises(ValueError):
        format_number("CF3201", 2026, 5, 1_000_000)

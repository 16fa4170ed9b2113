"""orjson writes engine state, task data and answers only where it gives what ``json`` would.

Each value orjson refuses or writes differently (an integer beyond 64 bits, NaN, a lone
surrogate, a key that is not a string, a date, a UUID) must come back exactly as the standard
library brought it back before.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from api.safe_json import encode_json, install_safe_json
from workflows.core import fast_json
from workflows.engine import ParsedBundle, Run, parse_bundle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BIG = 2**70
AWKWARD: dict[str, Any] = {
    "big": BIG, "below_i64": -(2**63) - 1, "nan": float("nan"), "inf": float("inf"),
    "surrogate": "\ud800", "int_keys": {1: "一"}, "uuid": UUID(int=7), "tuple": (1, 2),
    "at": datetime(2026, 12, 7, 8, 30, tzinfo=UTC),
}


def bundle() -> ParsedBundle:
    return parse_bundle({"rework_loop.bpmn": (FIXTURES / "rework_loop.bpmn").read_bytes()})


def roundtrip(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    parsed = bundle()
    run = Run.start(parsed.spec, parsed.subprocess_specs, data)
    run.advance()
    state = run.dump()
    return state, Run.resume(state, parsed.spec, parsed.subprocess_specs).data()


def test_plain_values_are_copied_by_orjson_and_64_bit_integers_stay_exact() -> None:
    value = {"名字": "小明", "n": [1, 2.5, None, True], "max_u64": 2**64 - 1,
             "min_i64": -(2**63), "nested": {"a": {"b": []}}}
    copy = fast_json.exact_copy(value)
    assert copy is not None and copy[1] == value
    assert json.loads(copy[0]) == value


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_a_value_orjson_refuses_or_changes_is_left_to_the_standard_library(name: str) -> None:
    assert fast_json.exact_copy({name: AWKWARD[name]}) is None
    assert fast_json.dumps_exact({name: AWKWARD[name]}) is None


@pytest.mark.parametrize("name", sorted(set(AWKWARD) - {"uuid", "surrogate"}))
def test_engine_state_keeps_every_awkward_value_across_storage(name: str) -> None:
    state, data = roundtrip({"rounds": 0, name: AWKWARD[name]})
    assert not fast_json.compact(state)  # written by the standard library
    expected = json.loads(json.dumps({name: AWKWARD[name]}, default=datetime.isoformat))[name]
    if name in ("nan", "inf"):
        assert math.isnan(data[name]) if name == "nan" else data[name] == math.inf
    elif name == "big" or name == "below_i64":
        assert data[name] == AWKWARD[name] and type(data[name]) is int
    else:
        assert data[name] == expected


def test_plain_engine_state_is_written_by_orjson_and_read_back_exactly() -> None:
    state, data = roundtrip({"rounds": 0, "applicant": "小明", "max_u64": 2**64 - 1})
    assert fast_json.compact(state)
    assert (data["applicant"], data["max_u64"]) == ("小明", 2**64 - 1)


def test_state_stored_by_the_standard_library_with_big_integers_is_read_exactly() -> None:
    parsed = bundle()
    state, _ = roundtrip({"rounds": 0})
    old = json.loads(state)  # as stored before orjson: default separators, any integer
    old["data"]["big"] = BIG
    for task in old["tasks"].values():
        task["data"]["big"] = BIG
    text = json.dumps(old)
    assert not fast_json.compact(text)
    data = Run.resume(text, parsed.spec, parsed.subprocess_specs).data()
    assert data["big"] == BIG and type(data["big"]) is int


def test_answers_keep_big_integers_surrogates_and_flask_dates() -> None:
    app = Flask("answers")
    install_safe_json(app)
    with app.app_context():
        body = {"big": BIG, "s": "\ud800", "when": datetime(2026, 12, 7, tzinfo=UTC),
                "nan": float("nan"), "int_keys": {1: "一"}, "名": "小明"}
        answer = app.json.response(body).get_data()
    assert json.loads(answer) == {"big": BIG, "s": "\ud800", "nan": None, "名": "小明",
                                  "when": "Mon, 07 Dec 2026 00:00:00 GMT",
                                  "int_keys": {"1": "一"}}
    plain = encode_json({"b": 1, "a": "小明", "when": datetime(2026, 12, 7, tzinfo=UTC)},
                        default=app.json.default, sort_keys=True)  # type: ignore[attr-defined]
    assert plain == '{"a":"小明","b":1,"when":"Mon, 07 Dec 2026 00:00:00 GMT"}'.encode()

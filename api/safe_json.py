"""JSON in and out that no request can break.

In: every JSON request body is parsed here (``CertflowParser``), and refused (422, naming the
reason) unless it is data certflow can store, compare and send back unchanged on both
databases: nested at most ``MAX_JSON_DEPTH`` deep (deeper only serves to exhaust recursion in
whatever walks the data next), numbers finite and integers within 64 bits (``NaN``,
``Infinity``, ``1e400`` and 5,000-digit integers parse in Python but are invalid JSON on the
way out, unstorable in PostgreSQL's ``jsonb``, or overflow a float comparison), and no lone
UTF-16 surrogate (``"\\ud800"``) in any key or string (it cannot be encoded as UTF-8, so any
later write or read of it fails).

Out: rows stored before these checks may still hold such values. Every JSON answer is encoded
by ``encode_json``: a lone surrogate is sent escaped (``\\ud800``, still valid JSON) and a
non-finite number as ``null``, so one bad row never turns a list into a 500 for everyone.
orjson writes the answer when it can (several times faster); what it refuses (an integer
beyond 64 bits, a lone surrogate, a key that is not a string, an indented answer) is written
by the standard library as before. Dates and dataclasses still go through the provider's
``default``, as with the standard library.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any

import orjson
from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

log = logging.getLogger("certflow.api")

MAX_JSON_DEPTH = 32
# Integers beyond 64 bits are refused: no field needs them and ids are far smaller.
MAX_INT_DIGITS = 19
MAX_INT = 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnsafeJson(ValueError):
    """A body that is JSON but not data certflow accepts; the message says why."""


def _refuse_constant(name: str) -> Any:
    raise UnsafeJson(f"{name} is not a number: JSON has no NaN or infinities")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS or abs(value := int(text)) > MAX_INT:
        raise UnsafeJson(f"the integer {text[:24]}... is out of range (at most 64 bits)")
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJson(f"the number {text[:24]} is too large to be stored")
    return value


def load_request_json(data: bytes) -> Any:
    """Parse a request body; ``UnsafeJson`` for data refused, ``JSONDecodeError`` /
    ``UnicodeDecodeError`` for text that is not JSON at all."""
    text = data.decode("utf-8")
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=_refuse_constant)
    except RecursionError:  # nested past the interpreter's limit: refuse, do not crash
        raise UnsafeJson(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    check_parsed(value)
    return value


def check_parsed(value: Any) -> None:
    """Depth and text checks over parsed JSON, without recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                raise UnsafeJson("text holds a lone UTF-16 surrogate (e.g. \\ud800), which is "
                                 "not a character")
        elif isinstance(item, dict | list):
            if depth + 1 > MAX_JSON_DEPTH:
                raise UnsafeJson(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)


# The standard library's ``default`` sees these as it always did (Flask: HTTP dates).
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def encode_json(obj: Any, **kwargs: Any) -> bytes:
    """UTF-8 JSON of ``obj`` (non-ASCII kept), whatever a stored row holds."""
    kwargs.pop("ensure_ascii", None)  # decided here: kept, escaped only when it must be
    kwargs.pop("allow_nan", None)
    if set(kwargs) <= {"default", "sort_keys"}:
        options = _ORJSON_OPTIONS | (orjson.OPT_SORT_KEYS if kwargs.get("sort_keys") else 0)
        try:  # a non-finite number becomes null here too
            return orjson.dumps(obj, default=kwargs.get("default"), option=options)
        except orjson.JSONEncodeError:  # refused: the standard library's way, below
            pass
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False, **kwargs)
    except ValueError:  # a NaN or infinity stored before inputs were checked
        log.warning("a non-finite number in an answer was sent as null")
        obj = _finite(obj)
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False, **kwargs)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate stored before inputs were checked: escaped
        return json.dumps(obj, ensure_ascii=True, allow_nan=False, **kwargs).encode("ascii")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider whose answers always encode (``encode_json``)."""

    ensure_ascii = False
    # Keys keep the order they were built in: a form's JSON Schema lists its fields in the
    # order people fill them in, and the web app renders them in that order.
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return encode_json(obj, **kwargs).decode("utf-8")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        dump_args: dict[str, Any] = {"default": self.default, "sort_keys": self.sort_keys}
        if self.compact is False or (self.compact is None and self._app.debug):
            dump_args["indent"] = 2
        # certflow keeps Flask's response class (the app's ``response_class`` is typed as
        # werkzeug's body-less base, so it is named here).
        return Response(encode_json(obj, **dump_args) + b"\n", mimetype=self.mimetype)


def install_safe_json(app: Flask) -> None:
    """Answers of ``app`` (and ``flask.json.dumps``) through ``SafeJSONProvider``."""
    app.json = SafeJSONProvider(app)

"""JSON through orjson where it gives exactly what the standard library gives, else the latter.

orjson encodes and parses several times faster than ``json`` (engine state of a leave: dump ×2,
load ×3.9 in one run, ``bench/README.md``), but it is not the same function everywhere:

- it refuses integers beyond 64 bits, dict keys that are not strings, lone UTF-16 surrogates
  and types it does not know: the standard library then does the work, as before;
- it writes NaN and the infinities as ``null`` and a ``UUID`` or an ``Enum`` as their value,
  where the standard library writes ``NaN`` or asks its ``default``: ``exact_copy`` reads the
  output back and keeps it only if it equals the input, so such values take the standard path;
- it parses integers beyond 64 bits as floats: ``loads`` is only for text known to come from
  ``dumps_exact`` (``compact``); other text is parsed by the standard library.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def exact_copy(value: Any) -> tuple[bytes, Any] | None:
    """orjson's text of ``value`` and that text parsed, if parsing gives back ``value`` (so
    ``json.dumps`` would have written the same data); None when it does not."""
    try:
        text = orjson.dumps(value)
    except orjson.JSONEncodeError:  # a big integer, a non-string key, a surrogate, a set...
        return None
    parsed = orjson.loads(text)
    return (text, parsed) if parsed == value else None  # NaN != NaN, UUID != str, ...


def dumps_exact(value: Any) -> str | None:
    """Compact JSON of ``value`` by orjson, or None where only ``json.dumps`` writes it right."""
    copy = exact_copy(value)
    return copy[0].decode("utf-8") if copy is not None else None


def compact(text: str) -> bool:
    """Whether ``text``, a JSON object whose first key holds no quote (such as engine state),
    was written by ``dumps_exact``: compact, where ``json.dumps`` with its default separators
    puts a space after the first key's colon."""
    colon = text.find('":')
    return colon > 0 and text[colon + 2:colon + 3] != " "


def loads_written(text: str) -> Any:
    """Parse a JSON object (its first key as for ``compact``) written by ``dumps_exact``
    (orjson: every integer in it fits in 64 bits) or by ``json.dumps`` (the standard library:
    it may hold bigger ones, or NaN)."""
    if compact(text):
        return orjson.loads(text)
    return json.loads(text)

"""Bounds for C calls whose cost grows faster than their input: hashing values that collide,
and building or converting big integers.

A set of 60,000 distinct integers that all hash alike (multiples of 2**61 - 1) costs one
C call and 60,000**2 / 2 comparisons; dividing integers of millions of digits, or converting
them to or from Decimal, is quadratic too. The watchdog cannot interrupt a C call, so the
sandbox refuses such work before the call:

* ``MAX_SAME_HASH``: a set, frozenset or dict built in one call (``set(...)``, ``dict(...)``,
  ``dict.fromkeys``, ``update``/``union``... and set and dict comprehensions) may hold at most
  this many *different* values with the same hash;
* integers may not be made longer than ``guards.MAX_INT_DIGITS`` digits by ``int(text, base)``,
  ``int.from_bytes`` or ``Decimal`` (arithmetic is checked in ``guards.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from workflows.engine.sandbox.errors import ScriptError
from workflows.engine.sandbox.guards import MAX_INT_DIGITS, bounded, too_big

MAX_SAME_HASH = 64
MAX_INT_BITS = math.ceil(MAX_INT_DIGITS * math.log2(10))


def _colliding() -> ScriptError:
    return ScriptError("resource", f"More than {MAX_SAME_HASH} different values with the same "
                                   "hash in one set or dict; that would take quadratic time.")


def hash_safe(values: Any) -> list[Any]:
    """``values`` as a list (at most MAX_ITEMS of them) if hashing them all is linear work."""
    items = list(bounded(values))
    if len(items) <= MAX_SAME_HASH:
        return items
    try:
        counts = Counter(map(hash, items))  # hashes are ints: counting them never collides
    except TypeError:
        return items  # unhashable: the constructor itself refuses it
    if max(counts.values()) <= MAX_SAME_HASH:
        return items
    for digest, count in counts.items():
        if count > MAX_SAME_HASH:
            group = [item for item in items if hash(item) == digest]
            if group.count(group[0]) != len(group):  # equal values do not collide
                raise _colliding()
    return items


def _keys_safe(source: Any) -> Any:
    """A dict's source (a mapping or pairs) whose keys hash safely."""
    if isinstance(source, dict):
        hash_safe(source.keys())
        return source
    pairs = [tuple(pair) if isinstance(pair, (list, tuple)) else pair
             for pair in bounded(source)]
    hash_safe([pair[0] for pair in pairs if isinstance(pair, tuple) and len(pair) == 2])
    return pairs


def safe_set(values: Iterable[Any] = ()) -> set[Any]:
    return set(hash_safe(values))


def safe_frozenset(values: Iterable[Any] = ()) -> frozenset[Any]:
    return frozenset(hash_safe(values))


def safe_dict(*source: Any, **items: Any) -> dict[Any, Any]:
    return dict(*(_keys_safe(s) for s in source), **items)


def dict_comprehension(pairs: Iterable[Any]) -> dict[Any, Any]:
    """``{k: v for ...}``, rewritten by the policy: the loop runs in Python, the build is safe."""
    return safe_dict(pairs)


def _fromkeys(keys: Any, value: Any = None) -> dict[Any, Any]:
    return dict.fromkeys(hash_safe(keys), value)


def _set_method(name: str) -> Callable[..., Any]:
    def call(target: Any, *others: Any) -> Any:
        return getattr(target, name)(*(hash_safe(other) for other in others))
    return call


def _dict_update(target: dict[Any, Any], *source: Any, **items: Any) -> None:
    target.update(*(_keys_safe(s) for s in source), **items)


def _check_int_text(value: Any, base: int) -> None:
    if isinstance(value, (str, bytes)):
        bits_per_digit = math.log2(base) if base >= 2 else math.log2(36)  # base 0: any prefix
        if len(value) * bits_per_digit > MAX_INT_BITS + 64:
            raise too_big("digits", MAX_INT_DIGITS)


def safe_int(value: Any = 0, base: Any = None) -> int:
    if base is None:
        _check_int_text(value, 10)
        return int(value)
    _check_int_text(value, base if isinstance(base, int) else 10)
    return int(value, base)


def _from_bytes(data: Any, byteorder: Any = "big", *, signed: bool = False) -> int:
    data = bounded(data)
    if len(data) * 8 > MAX_INT_BITS:
        raise too_big("digits", MAX_INT_DIGITS)
    return int.from_bytes(data, byteorder, signed=signed)


def check_decimal_source(value: Any) -> None:
    """``Decimal(n)`` of a huge int is quadratic: refuse it before the conversion."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise too_big("digits", MAX_INT_DIGITS)
    if isinstance(value, str) and len(value) > 2 * MAX_INT_DIGITS:
        raise too_big("characters", 2 * MAX_INT_DIGITS)


SET_METHODS = ("update", "union", "intersection", "difference", "symmetric_difference",
               "intersection_update", "difference_update", "symmetric_difference_update",
               "issubset", "issuperset", "isdisjoint")
BULK_METHOD_GUARDS: dict[tuple[type, str], Callable[..., Any]] = {
    **{(kind, name): _set_method(name) for kind in (set, frozenset) for name in SET_METHODS
       if hasattr(kind, name)},
    (dict, "update"): _dict_update,
}
CLASS_GUARDS: dict[tuple[Any, str], Callable[..., Any]] = {
    (int, "from_bytes"): _from_bytes, (dict, "fromkeys"): _fromkeys}

__all__ = ["BULK_METHOD_GUARDS", "CLASS_GUARDS", "Decimal", "check_decimal_source",
           "dict_comprehension", "hash_safe", "safe_dict", "safe_frozenset", "safe_int",
           "safe_set"]

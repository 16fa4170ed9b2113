"""What a sandboxed script can touch: attributes, item writes and RestrictedPython's hooks.

Attributes: only public attributes of ordinary data values (str, numbers, containers, dates,
Decimal) plus a few alternative constructors on the exposed classes; everything else, and
every name starting with ``_``, is refused. Expressions (gateway conditions, DMN cells) get a
read-only view: they cannot call methods that modify data. What a script can *name* is in
``safe_builtins.py``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import Any

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from workflows.engine.sandbox.bulk import (
    BULK_METHOD_GUARDS,
    CLASS_GUARDS,
    dict_comprehension,
    safe_set,
)
from workflows.engine.sandbox.errors import ScriptError
from workflows.engine.sandbox.guards import (
    METHOD_GUARDS,
    binop,
    bounded,
    check_size,
    format_value,
    inplace,
    sized,
)
from workflows.engine.sandbox.safe_builtins import (
    SAFE_BUILTINS,
    LazyRange,
    SafeDecimal,
    SafeDict,
    SafeInt,
    SafeStr,
)

_DATA_TYPES = frozenset({
    type(None), bool, int, float, str, bytes, list, tuple, dict, set, frozenset, range,
    LazyRange, Decimal, date, datetime, time, timedelta, timezone,
    type({}.keys()), type({}.values()), type({}.items())})
_MUTATORS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
    "setdefault", "popitem", "add", "discard", "intersection_update", "difference_update",
    "symmetric_difference_update"})
_CLASS_ATTRIBUTES: dict[Any, frozenset[str]] = {
    datetime: frozenset({"now", "today", "utcnow", "fromisoformat", "strptime", "combine",
                         "fromtimestamp", "fromordinal", "min", "max"}),
    date: frozenset({"today", "fromisoformat", "fromordinal", "fromtimestamp", "min", "max"}),
    timedelta: frozenset({"min", "max", "resolution"}),
    SafeDecimal: frozenset({"from_float"}), SafeDict: frozenset({"fromkeys"}),
    SafeStr: frozenset({"maketrans"}), SafeInt: frozenset({"from_bytes"}),
    int: frozenset({"from_bytes"}),
    float: frozenset({"fromhex"})}


def _refuse_attribute(name: str, owner: str) -> ScriptError:
    return ScriptError("forbidden", f"Attribute '{name}' of {owner} is not accessible in "
                                    "process scripts.")


def make_getattr(read_only: bool) -> Callable[[Any, str], Any]:
    """RestrictedPython's ``_getattr_``: every ``obj.name`` in a script goes through this."""

    def guarded_getattr(obj: Any, name: str) -> Any:
        if not isinstance(name, str) or name.startswith("_") or name in INSPECT_ATTRIBUTES:
            raise _refuse_attribute(str(name), "any value")
        if name in ("format", "format_map"):
            raise ScriptError("forbidden", "str.format() is not allowed; use an f-string.")
        if isinstance(obj, type):
            if name in _CLASS_ATTRIBUTES.get(obj, ()):
                guard = CLASS_GUARDS.get((getattr(obj, "_real", obj), name))
                return guard if guard is not None else getattr(obj, name)
            raise _refuse_attribute(name, f"the class '{obj.__name__}'")
        kind = type(obj)
        if kind in _DATA_TYPES:
            if read_only and name in _MUTATORS and kind in (list, dict, set):
                raise ScriptError("forbidden", f"Expressions cannot change data ('{name}'); "
                                               "use a script task for that.")
            guard = METHOD_GUARDS.get((kind, name)) or BULK_METHOD_GUARDS.get((kind, name))
            return partial(guard, obj) if guard is not None else getattr(obj, name)
        if isinstance(obj, BaseException) and name == "args":
            return obj.args
        raise _refuse_attribute(name, f"a '{kind.__name__}' value")

    return guarded_getattr


class _ListWriter:
    """``_write_`` proxy for lists: ``l[len(l):] = l`` must not double a list without a check."""

    __slots__ = ("_target",)

    def __init__(self, target: list[Any]) -> None:
        self._target = target

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, slice):
            value = bounded(value)
            replaced = len(range(*key.indices(len(self._target))))
            check_size(len(self._target) - replaced + len(value))
        self._target[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._target[key]


def _guarded_write(obj: Any) -> Any:
    """RestrictedPython's ``_write_``: item assignment and ``del`` on dicts and lists only."""
    if type(obj) is dict:
        return obj
    if type(obj) is list:
        return _ListWriter(obj)
    raise ScriptError("forbidden", f"A '{type(obj).__name__}' value cannot be modified here.")


class _DiscardPrint:
    """Stands in for RestrictedPython's PrintCollector: ``print()`` is accepted and its output
    dropped, so nothing reaches the worker's stdout and nothing piles up in memory."""

    def __init__(self, _getattr_: Any = None) -> None:
        pass

    def _call_print(self, *objects: Any, **options: Any) -> None:
        return None

    def __call__(self) -> str:
        return ""


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def hooks(read_only: bool) -> dict[str, Any]:
    """The names RestrictedPython-compiled code calls; merged last into every namespace so
    that task data can never replace them."""
    return {
        "__builtins__": SAFE_BUILTINS, "_getattr_": make_getattr(read_only),
        "_getitem_": operator.getitem, "_getiter_": lambda values: values,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence, "_write_": _guarded_write,
        "_inplacevar_": inplace, "_apply_": _apply, "_print_": _DiscardPrint,
        "_print": _DiscardPrint(), "_binop_": binop, "_format_": format_value,
        "_sized_": sized, "_bounded_": bounded, "_set_": safe_set,
        "_dictcomp_": dict_comprehension,
    }


__all__ = ["hooks", "make_getattr"]

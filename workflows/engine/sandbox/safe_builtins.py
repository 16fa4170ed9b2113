"""What a sandboxed script can name: an allow-list of builtins, never a deny-list.

Only the names in ``_ALLOWED`` work; every other builtin name is bound to a stub that refuses
with a clear message ("'open' is not available ..."), so the failure says why and a data field
that happens to be called ``input`` or ``type`` still works. Builtin types are replaced by
stand-ins that refuse to materialise more than MAX_ITEMS elements but still satisfy
``isinstance(x, list)``; huge ranges become ``LazyRange`` so C code cannot loop over them.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from workflows.engine.sandbox.bulk import (
    check_decimal_source,
    safe_dict,
    safe_frozenset,
    safe_int,
    safe_set,
)
from workflows.engine.sandbox.errors import ScriptError
from workflows.engine.sandbox.guards import (
    MAX_INT_DIGITS,
    MAX_ITEMS,
    binop,
    bounded,
    check_render,
    too_big,
)


class _StandIn(type):
    """Metaclass of the sandbox's replacements for builtin types, so that
    ``isinstance(x, list)`` in a script is still true for a real list."""

    _real: type | tuple[type, ...]

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._real)


class LazyRange:
    """A range too long for C code: each element costs a Python step, so the watchdog can stop
    any loop over it, and list()/sum()/sorted() refuse it by its length."""

    __slots__ = ("_range",)

    def __init__(self, values: range) -> None:
        self._range = values

    def __iter__(self) -> Iterator[int]:
        # Not "yield from": resuming after a plain yield checks for the watchdog's abort.
        for value in self._range:  # noqa: UP028
            yield value

    def __reversed__(self) -> Iterator[int]:
        for value in reversed(self._range):  # noqa: UP028
            yield value

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, value: object) -> bool:
        if type(value) in (int, bool):
            return value in self._range
        return any(item == value for item in self)

    def __getitem__(self, index: Any) -> Any:
        item = self._range[index]
        return SafeRange(item.start, item.stop, item.step) if isinstance(item, range) else item

    def __repr__(self) -> str:
        return repr(self._range)

    start = property(lambda self: self._range.start)
    stop = property(lambda self: self._range.stop)
    step = property(lambda self: self._range.step)


class SafeRange(metaclass=_StandIn):
    _real = (range, LazyRange)

    def __new__(cls, *args: int) -> Any:
        values = range(*args)
        try:
            small = len(values) <= MAX_ITEMS
        except OverflowError:
            small = False
        return values if small else LazyRange(values)


class SafeList(list[Any], metaclass=_StandIn):
    _real = list

    def __new__(cls, values: Any = (), /) -> Any:
        return list(bounded(values))


class SafeTuple(tuple[Any, ...], metaclass=_StandIn):
    _real = tuple

    def __new__(cls, values: Any = (), /) -> Any:
        return tuple(bounded(values))


class SafeSet(set[Any], metaclass=_StandIn):
    _real = set

    def __new__(cls, values: Any = (), /) -> Any:
        return safe_set(values)


class SafeFrozenset(frozenset[Any], metaclass=_StandIn):
    _real = frozenset

    def __new__(cls, values: Any = (), /) -> Any:
        return safe_frozenset(values)


class SafeDict(dict[Any, Any], metaclass=_StandIn):
    _real = dict

    def __new__(cls, *source: Any, **items: Any) -> Any:
        return safe_dict(*source, **items)


class SafeInt(int, metaclass=_StandIn):
    """``int('f' * 10**6, 16)`` builds a 4-million-bit int in one call: bound the digits."""

    _real = int

    def __new__(cls, value: Any = 0, base: Any = None) -> Any:
        return safe_int(value, base)


class SafeStr(str, metaclass=_StandIn):
    _real = str

    def __new__(cls, value: Any = "", *decoding: Any, **options: Any) -> Any:
        if decoding or options:
            return str(value, *decoding, **options)
        check_render(value)
        return str(value)


class SafeDecimal(Decimal, metaclass=_StandIn):
    """Decimal('1e999999999') is cheap, but int() or f"{:f}" of it is not: bound the exponent.
    Arithmetic is bounded by the decimal context the environment installs (same limit)."""

    _real = Decimal

    def __new__(cls, value: Any = "0", context: Any = None) -> Any:
        check_decimal_source(value)  # converting a huge int is quadratic
        number = Decimal(value, context)
        if number.is_finite() and abs(number.adjusted()) > MAX_INT_DIGITS:
            raise too_big("digits", MAX_INT_DIGITS)
        return number


def _sorted(values: Any, /, **options: Any) -> list[Any]:
    return sorted(bounded(values), **options)


def _sum(values: Any, /, start: Any = 0) -> Any:
    items = bounded(values)
    if isinstance(start, (int, float, Decimal)) and all(
            type(item) in (int, float, bool, Decimal) for item in items):
        return sum(items, start)
    total = start  # sequences: add one by one so each step is size-checked
    for item in items:
        total = binop("+", total, item)
    return total


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def choose(*values: Any, **options: Any) -> Any:
        return pick(bounded(values[0]) if len(values) == 1 else values, **options)
    return choose


def _round(number: Any, ndigits: int | None = None) -> Any:
    if isinstance(number, int) and ndigits is not None and ndigits < -MAX_INT_DIGITS:
        raise too_big("digits", MAX_INT_DIGITS)  # round(1, -n) computes 10**n
    return round(number) if ndigits is None else round(number, ndigits)


class _Unavailable:
    """Bound to every builtin name that is not allowed, so the error names it."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise ScriptError("forbidden", f"'{self._name}' is not available in process scripts.")

    def __repr__(self) -> str:
        return f"<unavailable {self._name}>"


_C_IMPORTS = frozenset({"time", "_strptime"})


def _import_for_c_code(name: str, globals: Any = None, locals: Any = None,
                       fromlist: Any = (), level: int = 0) -> Any:
    """``__import__`` for C code only: ``date.today()`` and ``datetime.strptime()`` import
    'time' and '_strptime' through the calling frame's builtins. Scripts cannot reach it, as
    names starting with ``_`` are refused at compile time and by ``_getattr_``."""
    if name in _C_IMPORTS and level == 0:
        return builtins.__import__(name, globals, locals, fromlist, level)
    raise ScriptError("forbidden", "import is not available in process scripts.")


_ALLOWED: dict[str, Any] = {
    "len": len, "abs": abs, "any": any, "all": all, "enumerate": enumerate, "zip": zip,
    "reversed": reversed, "int": SafeInt, "float": float, "bool": bool, "isinstance": isinstance,
    "chr": chr, "ord": ord, "divmod": divmod, "round": _round, "sorted": _sorted, "sum": _sum,
    "min": _extreme(min), "max": _extreme(max), "range": SafeRange, "str": SafeStr,
    "list": SafeList, "tuple": SafeTuple, "set": SafeSet, "frozenset": SafeFrozenset,
    "dict": SafeDict, "datetime": datetime, "date": date, "timedelta": timedelta,
    "Decimal": SafeDecimal, "None": None, "True": True, "False": False,
    **{error.__name__: error for error in (
        Exception, ArithmeticError, AssertionError, AttributeError, IndexError, KeyError,
        LookupError, NameError, OverflowError, RecursionError, RuntimeError, StopIteration,
        TypeError, ValueError, ZeroDivisionError)},
}
SAFE_BUILTINS: dict[str, Any] = {
    name: _Unavailable(name) for name in dir(builtins) if not name.startswith("_")}
SAFE_BUILTINS.update(_ALLOWED)
SAFE_BUILTINS["__import__"] = _import_for_c_code


for _stand_in, _real_name in ((SafeRange, "range"), (SafeList, "list"), (SafeTuple, "tuple"),
                              (SafeSet, "set"), (SafeFrozenset, "frozenset"), (SafeInt, "int"),
                              (SafeDict, "dict"), (SafeStr, "str"), (SafeDecimal, "Decimal")):
    _stand_in.__name__ = _stand_in.__qualname__ = _real_name  # error messages name the type

__all__ = ["SAFE_BUILTINS", "LazyRange", "SafeDecimal", "SafeDict", "SafeInt", "SafeStr"]

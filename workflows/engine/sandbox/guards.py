"""Size checks for work that runs inside one C call, where no time limit can interrupt it.

``10**10**10``, ``'a' * 10**10`` or ``s.replace('', s)`` each take a single step of the
interpreter and then minutes of CPU or gigabytes of memory. The policy in ``policy.py``
rewrites the operators that can amplify (``**``, ``*``, ``<<``, ``+``, ``%`` and their
augmented forms, f-strings, starred literals) into calls to the functions here, and
``namespace.py`` and ``safe_builtins.py`` wrap the few methods and builtins that can, so the
size of the result is known, and refused, before any work is done.

Documented limits:

* ``MAX_ITEMS``: at most 10**5 elements (characters, bytes, list/tuple/set/dict entries)
  in anything one operation builds or consumes;
* ``MAX_INT_DIGITS``: at most 5,000 decimal digits in an int built by ``**``, ``*``, ``<<``,
  ``round()``, ``int()`` or ``int.from_bytes`` (``bulk.py``), and in the exponent of a
  Decimal: division and Decimal conversion are quadratic, and at this size each stays in the
  milliseconds (``bench/script_bombs.py``);
* ``MAX_DATA_DEPTH``: containers nested at most 64 deep in anything a script leaves behind
  or an expression returns (deeper data would exhaust recursion when it is copied, stored
  or shown);
* ``MAX_DATA_UNITS``: at most 10**6 units (one per value plus one per character) in the data
  a script leaves behind or an expression returns, so a structure that shares one big list
  many times cannot blow up the serializer later.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from workflows.engine.sandbox.errors import ScriptError

MAX_ITEMS = 10**5  # a C call over this many items (a sort, a hash table) takes milliseconds
MAX_INT_DIGITS = 5_000
MAX_DATA_UNITS = 10**6
MAX_DATA_DEPTH = 64
_MAX_INT_BITS = math.ceil(MAX_INT_DIGITS * math.log2(10))
_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (list, tuple, set, frozenset, dict)
_SCALARS = frozenset({type(None), bool, int, float, str, bytes, Decimal, date, datetime, time,
                      timedelta})


def too_big(what: str = "elements", limit: int = MAX_ITEMS) -> ScriptError:
    return ScriptError("resource", f"The operation would produce more than {limit:,} {what}, "
                                   "which is over the sandbox limit.")


def check_size(size: int, what: str = "elements") -> None:
    if size > MAX_ITEMS:
        raise too_big(what)


def _check_bits(bits: int) -> None:
    if bits > _MAX_INT_BITS:
        raise too_big("digits", MAX_INT_DIGITS)


def bounded(values: Iterable[Any]) -> Any:
    """``values`` itself if it has at most MAX_ITEMS elements, else refuse.

    Iterables without a length are drained into a list, at most MAX_ITEMS + 1 of them, so C
    code that consumes the result afterwards has bounded work to do.
    """
    try:
        size = len(values)  # type: ignore[arg-type]
    except OverflowError:
        raise too_big() from None
    except TypeError:
        items = list(islice(values, MAX_ITEMS + 1))
        check_size(len(items))
        return items
    check_size(size)
    return values


# --- operators -------------------------------------------------------------------------------

def _check_pow(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        _check_bits(base.bit_length() * exponent)


def _check_mul(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        _check_bits(left.bit_length() + right.bit_length())
    elif isinstance(left, _SEQUENCES) and isinstance(right, int):
        check_size(len(left) * right)
    elif isinstance(left, int) and isinstance(right, _SEQUENCES):
        check_size(left * len(right))


def _check_lshift(value: Any, shift: Any) -> None:
    if isinstance(value, int) and isinstance(shift, int) and value:
        _check_bits(value.bit_length() + shift)


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        check_size(len(left) + len(right))


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGIT_RUN = re.compile(r"\d+")


def _check_number(text: str) -> None:
    if len(text) > 7 or int(text) > MAX_ITEMS:
        raise too_big("characters")


def _check_mod(template: Any, values: Any) -> None:
    """``'%0999999999d' % 1`` pads in C: refuse widths/precisions over the limit."""
    if not isinstance(template, (str, bytes)):
        return
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    for match in _PRINTF_FIELD.finditer(text):
        for number in match.groups():
            if number == "*":
                raise ScriptError("forbidden", "A '*' width in %-formatting is not allowed; "
                                               "write the width as a number.")
            if number:
                _check_number(number)
    check_render(values)


_CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "**": _check_pow, "*": _check_mul, "<<": _check_lshift, "+": _check_add, "%": _check_mod}
_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "**": operator.pow, "*": operator.mul, "<<": operator.lshift, "+": operator.add,
    "%": operator.mod}
_IN_PLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
    "<<=": operator.ilshift, ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior,
    "^=": operator.ixor, "@=": operator.imatmul}


def binop(symbol: str, left: Any, right: Any) -> Any:
    """``left <symbol> right`` for the amplifying operators, after checking the result size."""
    _CHECKS[symbol](left, right)
    return _OPERATORS[symbol](left, right)


def inplace(symbol: str, target: Any, value: Any) -> Any:
    """RestrictedPython's ``_inplacevar_``: ``x += y`` and friends, size-checked."""
    if symbol == "+=" and isinstance(target, list):
        value = bounded(value)  # list += <any iterable> extends in C
        check_size(len(target) + len(value))
    elif symbol[:-1] in _CHECKS:
        _CHECKS[symbol[:-1]](target, value)
    return _IN_PLACE[symbol](target, value)


def sized(value: Any) -> Any:
    """Post-check for f-strings and starred literals: each part was bounded, check the sum."""
    check_size(len(value))
    return value


# --- turning values into text ----------------------------------------------------------------

def _children(container: Any) -> Iterator[Any]:
    return chain.from_iterable(container.items()) if isinstance(container, dict) else iter(
        container)


def data_units(root: Any, budget: int, *, stored: bool = False) -> int:
    """Size of ``root`` as it would be serialised: one per value plus one per character.

    A sub-structure shared N times counts N times, as a serializer would write it N times,
    but is walked once (sizes are memoised), so ``a = [a, a]`` repeated 80 times costs 80
    steps, not 2**80. A container met again inside itself counts 1 (``str()`` shows a cycle
    as ``[...]``), unless the data is to be ``stored``: JSON has no cycles, so that is refused.
    Returns early once ``budget`` is exceeded; refuses data nested deeper than
    ``MAX_DATA_DEPTH``.
    """
    if not isinstance(root, _CONTAINERS):
        return 1 + (len(root) if isinstance(root, (str, bytes)) else 0)
    sizes: dict[int, int] = {}
    open_ids = {id(root)}
    frames: list[list[Any]] = [[root, _children(root), 1]]  # container, children, total
    while frames:
        frame = frames[-1]
        if len(frame[0]) > budget:
            return budget + 1
        for child in frame[1]:
            if isinstance(child, _CONTAINERS):
                known = sizes.get(id(child))
                if stored and id(child) in open_ids:
                    raise ScriptError("resource", "The data contains itself (a cycle); "
                                                  "it cannot be stored.")
                if known is None and id(child) not in open_ids:
                    if len(frames) >= MAX_DATA_DEPTH:
                        raise ScriptError("resource", "The data is nested deeper than the "
                                          f"sandbox limit of {MAX_DATA_DEPTH} levels.")
                    open_ids.add(id(child))
                    frames.append([child, _children(child), 1])
                    break
                frame[2] += known or 1
            else:
                frame[2] += 1 + (len(child) if isinstance(child, (str, bytes)) else 0)
            if frame[2] > budget:
                return frame[2]
        else:
            frames.pop()
            open_ids.discard(id(frame[0]))
            sizes[id(frame[0])] = frame[2]
            if not frames:
                return int(frame[2])
            frames[-1][2] += frame[2]
            if frames[-1][2] > budget:
                return int(frames[-1][2])
    return budget + 1  # not reached


def check_render(value: Any) -> None:
    """Refuse ``str()`` of a structure whose text would exceed MAX_ITEMS characters."""
    if type(value) not in _SCALARS and data_units(value, MAX_ITEMS) > MAX_ITEMS:
        raise too_big("characters of text")


def format_value(value: Any, conversion: int, spec: str) -> str:
    """One ``{value!conversion:spec}`` field of an f-string; ``f"{1:999999999}"`` pads in C."""
    check_render(value)
    if conversion == ord("s"):
        value = str(value)
    elif conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    for number in _DIGIT_RUN.findall(spec):
        _check_number(number)
    return format(value, spec)


# --- methods of str/bytes/list/int that amplify in C -------------------------------------------

def _replace(text: Any, old: Any, new: Any, count: int = -1, /) -> Any:
    hits = text.count(old)
    if count >= 0:
        hits = min(hits, count)
    check_size(len(text) + hits * (len(new) - len(old)))
    return text.replace(old, new, count)


def _padding(name: str) -> Callable[..., Any]:
    def pad(text: Any, width: int, *fill: Any) -> Any:
        check_size(width)
        return getattr(text, name)(width, *fill)
    return pad


def _expandtabs(text: Any, tabsize: int = 8) -> Any:
    tab = "\t" if isinstance(text, str) else b"\t"
    check_size(len(text) + text.count(tab) * max(tabsize, 0))
    return text.expandtabs(tabsize)


def _join(separator: Any, values: Iterable[Any]) -> Any:
    items = bounded(values)
    try:
        total = sum(map(len, items))
    except TypeError:
        total = 0  # join() itself will refuse the non-string
    check_size(total + len(separator) * max(len(items) - 1, 0))
    return separator.join(items)


def _translate(text: Any, table: Any) -> Any:
    if isinstance(text, str) and isinstance(table, dict):
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        check_size(len(text) * max(longest, 1))
    return text.translate(table)


def _extend(target: list[Any], values: Iterable[Any]) -> None:
    items = bounded(values)
    check_size(len(target) + len(items))
    target.extend(items)


def _to_bytes(number: int, length: int = 1, byteorder: str = "big", *,
              signed: bool = False) -> bytes:
    check_size(length, "bytes")
    return number.to_bytes(length, byteorder, signed=signed)  # type: ignore[arg-type]


METHOD_GUARDS: dict[tuple[type, str], Callable[..., Any]] = {
    (list, "extend"): _extend, (int, "to_bytes"): _to_bytes, (bool, "to_bytes"): _to_bytes,
    (str, "translate"): _translate}
for _kind in (str, bytes):
    METHOD_GUARDS.update({(_kind, "replace"): _replace, (_kind, "expandtabs"): _expandtabs,
                          (_kind, "join"): _join})
    for _name in ("ljust", "rjust", "center", "zfill"):
        METHOD_GUARDS[(_kind, _name)] = _padding(_name)

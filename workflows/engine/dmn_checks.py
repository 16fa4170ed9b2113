"""Deploy-time checks of decision tables that need no data: rules that overlap under hit
policy UNIQUE, and values of an input that no rule covers.

Cells are read as SpiffWorkflow evaluates them (``?`` is the input; a cell that is a whole
Python expression is compared with ``==``), after FEEL simple unary tests (``[5..10]``,
``"a", "b"``, ``not(...)``) are rewritten as certflow runs them (``unary_tests.py``). What can
be decided without data is: ``-`` or an empty cell (any value), number and string literals,
comparisons with numbers (``< 5``, ``1 < ? <= 3``), ``in (...)`` of literals and any ``or`` /
``not`` of those. A cell with anything else is never judged: only what is certain is refused.

Uncovered values of an input column (whatever the other columns say, no rule can match them):

* declared values (``inputValues``): an enumeration (``"事假", "病假"``) each of whose values
  some rule must accept, or a numeric domain (``[0..365]``, ``>= 0``) that the rules must
  cover entirely;
* numbers without a declared domain: holes between the ranges the rules cover (``< 10`` and
  ``>= 20`` leave ``[10..20)``); a hole with no integer in it (``<= 1`` and ``>= 2`` for whole
  numbers) is not reported.

At run time a UNIQUE table that still matches two rules stops the run (``decisions.py``).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from lxml import etree

from workflows.core.errors import Problem
from workflows.engine.unary_tests import to_python

_INPUT = "dmninputexpr"


@dataclass(frozen=True)
class _Range:
    low: float
    low_closed: bool
    high: float
    high_closed: bool

    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and not (
            self.low_closed and self.high_closed))

    def meet(self, other: _Range) -> _Range:
        low = max((self.low, not self.low_closed), (other.low, not other.low_closed))
        high = min((self.high, self.high_closed), (other.high, other.high_closed))
        return _Range(low[0], not low[1], high[0], high[1])

    def point(self) -> bool:
        return self.low == self.high

    def has_integer(self) -> bool:
        if math.isinf(self.low) or math.isinf(self.high):
            return True
        first = math.floor(self.low) + 1 if not self.low_closed else math.ceil(self.low)
        return first < self.high or (first == self.high and self.high_closed)

    def feel(self) -> str:
        low = "-∞" if math.isinf(self.low) else _number_text(self.low)
        high = "+∞" if math.isinf(self.high) else _number_text(self.high)
        if self.point():
            return low
        return f"{'[' if self.low_closed else '('}{low}..{high}{']' if self.high_closed else ')'}"


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


_ALL = _Range(-math.inf, False, math.inf, False)


def _normal(spans: list[_Range]) -> tuple[_Range, ...]:
    """Sorted, non-empty, merged where they touch."""
    ordered = sorted((s for s in spans if not s.empty()),
                     key=lambda s: (s.low, not s.low_closed))
    merged: list[_Range] = []
    for span in ordered:
        if merged:
            last = merged[-1]
            touches = span.low < last.high or (span.low == last.high and (
                last.high_closed or span.low_closed))
            if touches:
                high = max((last.high, last.high_closed), (span.high, span.high_closed))
                merged[-1] = _Range(last.low, last.low_closed, high[0], high[1])
                continue
        merged.append(span)
    return tuple(merged)


def _complement(spans: tuple[_Range, ...], within: _Range = _ALL) -> tuple[_Range, ...]:
    holes, low, low_closed = [], within.low, within.low_closed
    for span in spans:
        holes.append(_Range(low, low_closed, span.low, not span.low_closed))
        low, low_closed = span.high, not span.high_closed
    holes.append(_Range(low, low_closed, within.high, within.high_closed))
    return _normal([hole.meet(within) for hole in holes])


@dataclass(frozen=True)
class Cell:
    """The values one cell accepts: numbers in ``spans``; other values (strings, booleans)
    in ``words``, or, when ``cofinite``, every other value except ``words``."""

    spans: tuple[_Range, ...]
    words: frozenset[Any]
    cofinite: bool = False

    def union(self, other: Cell) -> Cell:
        spans = _normal([*self.spans, *other.spans])
        if self.cofinite and other.cofinite:
            return Cell(spans, self.words & other.words, True)
        if self.cofinite or other.cofinite:
            excluded, added = (self, other) if self.cofinite else (other, self)
            return Cell(spans, excluded.words - added.words, True)
        return Cell(spans, self.words | other.words)

    def negate(self) -> Cell:
        return Cell(_complement(self.spans), self.words, not self.cofinite)

    def meets(self, other: Cell) -> bool:
        if any(not a.meet(b).empty() for a in self.spans for b in other.spans):
            return True
        if self.cofinite and other.cofinite:
            return True
        if self.cofinite or other.cofinite:
            excluded, finite = (self, other) if self.cofinite else (other, self)
            return bool(finite.words - excluded.words)
        return bool(self.words & other.words)

    def accepts(self, value: Any) -> bool:
        if isinstance(value, float):
            point = _Range(value, True, value, True)
            return any(not span.meet(point).empty() for span in self.spans)
        return (value not in self.words) if self.cofinite else (value in self.words)


ANY = Cell((_ALL,), frozenset(), True)


def _number(node: ast.expr) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _literal(node: ast.expr) -> Any:
    number = _number(node)
    if number is not None:
        return number
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bool)):
        return node.value
    raise ValueError("not a literal")


def _of_literal(value: Any) -> Cell:
    if isinstance(value, float):
        return Cell((_Range(value, True, value, True),), frozenset())
    return Cell((), frozenset({value}))


_BOUNDS = {ast.Lt: (False, "high"), ast.LtE: (True, "high"), ast.Gt: (False, "low"),
           ast.GtE: (True, "low")}


def _is_input(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == _INPUT


def _compare(node: ast.Compare) -> Cell | None:
    operands = [node.left, *node.comparators]
    span = _ALL
    for left, op, right in zip(operands, node.ops, operands[1:], strict=False):
        if (isinstance(op, (ast.In, ast.NotIn)) and len(node.ops) == 1 and _is_input(left)
                and isinstance(right, (ast.Tuple, ast.List, ast.Set))):
            try:
                cell = Cell((), frozenset())
                for item in right.elts:
                    cell = cell.union(_of_literal(_literal(item)))
            except ValueError:
                return None
            return cell.negate() if isinstance(op, ast.NotIn) else cell
        if _is_input(left):
            other, flip = right, False
        elif _is_input(right):
            other, flip = left, True
        else:
            return None
        if isinstance(op, (ast.Eq, ast.NotEq)) and len(node.ops) == 1:
            try:
                cell = _of_literal(_literal(other))
            except ValueError:
                return None
            return cell.negate() if isinstance(op, ast.NotEq) else cell
        number = _number(other)
        if number is None or type(op) not in _BOUNDS:
            return None
        closed, side = _BOUNDS[type(op)]
        if flip:
            side = "low" if side == "high" else "high"
        span = span.meet(_Range(-math.inf, False, number, closed) if side == "high"
                         else _Range(number, closed, math.inf, False))
    return Cell(_normal([span]), frozenset())


def _read(node: ast.expr) -> Cell | None:
    if isinstance(node, ast.BoolOp):
        cells = [_read(value) for value in node.values]
        if any(cell is None for cell in cells):
            return None
        if isinstance(node.op, ast.Or):
            result = Cell((), frozenset())
            for cell in cells:
                result = result.union(cell)  # type: ignore[arg-type]
            return result
        return None  # ``and`` across ranges: ``1 < ? and ? < 3`` is written chained instead
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _read(node.operand)
        return None if inner is None else inner.negate()
    if isinstance(node, ast.Compare):
        return _compare(node)
    return None


def read_cell(text: str) -> Cell | None:
    """What values of the input one cell accepts, if that is certain without data."""
    text = to_python(text or "").strip()
    if text in ("", "-"):
        return ANY
    source = text.replace("?", _INPUT) if "?" in text else None
    try:
        if source is None:
            try:
                return _of_literal(_literal(ast.parse(text, mode="eval").body))
            except (SyntaxError, ValueError):
                source = f"{_INPUT} {text}"
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return None
    return _read(node)


def _local(element: etree._Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element) -> str:
    texts = _children(element, "text")
    return (texts[0].text or "") if texts else ""


def table_problems(table: etree._Element, dmn_file: str) -> list[Problem]:
    """Overlapping UNIQUE rules and uncovered input values of one decision table."""
    inputs = _children(table, "input")
    rules = _children(table, "rule")
    cells = [[read_cell(_text(entry)) for entry in _children(rule, "inputEntry")]
             for rule in rules]
    decision = table.getparent()
    label = str((decision.get("name") if decision is not None else None)
                or table.get("id") or "")
    problems: list[Problem] = []
    if table.get("hitPolicy", "UNIQUE").upper() == "UNIQUE":
        problems += _overlaps(rules, cells, len(inputs), label, dmn_file)
    for column, element in enumerate(inputs):
        column_cells = [row[column] if len(row) > column else ANY for row in cells]
        if not rules or any(cell is None for cell in column_cells):
            continue
        problems += _uncovered(element, column_cells, label, dmn_file)  # type: ignore[arg-type]
    return problems


def _overlaps(rules: list[etree._Element], cells: list[list[Cell | None]], width: int,
              label: str, dmn_file: str) -> list[Problem]:
    problems = []
    for later in range(len(rules)):
        row = cells[later]
        if None in row or len(row) != width:
            continue
        for earlier in range(later):
            other = cells[earlier]
            if None in other or len(other) != len(row):
                continue
            if all(a.meets(b) for a, b in zip(row, other, strict=True)):  # type: ignore[union-attr,arg-type]
                problems.append(Problem(
                    f"决策表“{label}”的命中策略是 UNIQUE，但第 {later + 1} 条规则与第 "
                    f"{earlier + 1} 条规则可能同时匹配（输入条件重叠）",
                    english=f"decision table '{label}' has hit policy UNIQUE, but rule "
                            f"{later + 1} and rule {earlier + 1} can both match (their input "
                            "conditions overlap)",
                    file=dmn_file, element_id=rules[later].get("id"),
                    line=rules[later].sourceline,
                    extra={"overlaps": rules[earlier].get("id"), "row": later + 1,
                           "overlaps_row": earlier + 1, "cells": [
                               entry.get("id") for entry in _children(rules[later],
                                                                      "inputEntry")]}))
                break
    return problems


def _uncovered(element: etree._Element, column: list[Cell], label: str,
               dmn_file: str) -> list[Problem]:
    covered = Cell((), frozenset())
    for cell in column:
        covered = covered.union(cell)
    name = element.get("label") or element.get("id") or ""
    declared = _children(element, "inputValues")
    domain = read_cell(_text(declared[0])) if declared else None
    where: dict[str, Any] = {"file": dmn_file, "element_id": element.get("id"),
                             "line": element.sourceline}
    if domain is not None and domain.words and not domain.cofinite:
        missing = [value for value in sorted(domain.words, key=str)
                   if not covered.accepts(value)]
        return [Problem(
            f"决策表“{label}”的输入“{name}”声明了取值 {value!r}，但没有任何规则覆盖它",
            english=f"input '{name}' of decision table '{label}' declares the value {value!r}, "
                    "but no rule covers it", **where, extra={"value": value})
            for value in missing]
    if domain is not None and domain.spans:
        holes = [hole for span in domain.spans for hole in _complement(covered.spans, span)]
    elif covered.spans and not covered.words:
        hull = _Range(covered.spans[0].low, covered.spans[0].low_closed,
                      covered.spans[-1].high, covered.spans[-1].high_closed)
        holes = [hole for hole in _complement(covered.spans, hull) if hole.has_integer()]
    else:
        return []
    if not holes:
        return []
    ranges = "、".join(hole.feel() for hole in holes)
    return [Problem(
        f"决策表“{label}”的输入“{name}”：{ranges} 无规则覆盖（这些值没有任何规则能匹配）",
        english=f"input '{name}' of decision table '{label}': no rule covers "
                f"{', '.join(hole.feel() for hole in holes)}",
        **where, extra={"uncovered": [hole.feel() for hole in holes]})]


def dmn_problems(root: etree._Element, dmn_file: str) -> list[Problem]:
    return [problem for table in root.iter() if _local(table) == "decisionTable"
            for problem in table_problems(table, dmn_file)]

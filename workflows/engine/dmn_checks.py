"""Deploy-time checks of decision tables that need no data: rules that overlap under hit
policy UNIQUE, and declared input values (``inputValues``) that no rule covers.

Cells are read as SpiffWorkflow evaluates them (``?`` is the input; a cell that is a whole
Python expression is compared with ``==``). What can be decided without data is: ``-`` or an
empty cell (any value), a number or string literal, comparisons with numbers (``< 5``,
``1 < ? <= 3``) and ``in (...)`` of literals. A rule with any other cell is never reported:
only what is certain is refused. At run time a UNIQUE table that still matches two rules stops
the run (``decisions.py``).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from lxml import etree

from workflows.core.errors import Problem

_ANY = "any"
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

    def holds(self, value: float) -> bool:
        return not self.meet(_Range(value, True, value, True)).empty()


_ALL = _Range(-math.inf, False, math.inf, False)
Cell = Any  # _ANY, a _Range, a frozenset of literals, or None (cannot be decided)


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


_BOUNDS = {ast.Lt: (False, "high"), ast.LtE: (True, "high"), ast.Gt: (False, "low"),
           ast.GtE: (True, "low")}


def _compare(node: ast.Compare) -> Cell:
    operands = [node.left, *node.comparators]
    cell = _ALL
    for left, op, right in zip(operands, node.ops, operands[1:], strict=False):
        if (isinstance(op, ast.In) and len(node.ops) == 1 and isinstance(left, ast.Name)
                and left.id == _INPUT and isinstance(right, (ast.Tuple, ast.List, ast.Set))):
            try:
                return frozenset(_literal(item) for item in right.elts)
            except ValueError:
                return None
        if isinstance(left, ast.Name) and left.id == _INPUT:
            number, flip = _number(right), False
        elif isinstance(right, ast.Name) and right.id == _INPUT:
            number, flip = _number(left), True
        else:
            return None
        if number is None:
            return None
        if isinstance(op, ast.Eq):
            bound = _Range(number, True, number, True)
        elif type(op) in _BOUNDS:
            closed, side = _BOUNDS[type(op)]
            if flip:
                side = "low" if side == "high" else "high"
            bound = (_Range(-math.inf, False, number, closed) if side == "high"
                     else _Range(number, closed, math.inf, False))
        else:
            return None
        cell = cell.meet(bound)
    return cell


def read_cell(text: str) -> Cell:
    """What values of the input one cell accepts, if that is certain without data."""
    text = (text or "").strip()
    if text in ("", "-"):
        return _ANY
    source = text.replace("?", _INPUT) if "?" in text else None
    try:
        if source is None:
            try:
                node = ast.parse(text, mode="eval").body
                value = _literal(node)
                return (_Range(value, True, value, True) if isinstance(value, float)
                        else frozenset({value}))
            except (SyntaxError, ValueError):
                source = f"{_INPUT} {text}"
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return None
    return _compare(node) if isinstance(node, ast.Compare) else None


def _meet(first: Cell, second: Cell) -> bool:
    if first == _ANY or second == _ANY:
        return True
    if isinstance(first, _Range) and isinstance(second, _Range):
        return not first.meet(second).empty()
    if isinstance(first, frozenset) and isinstance(second, frozenset):
        return bool(first & second)
    values, span = (first, second) if isinstance(first, frozenset) else (second, first)
    return any(isinstance(v, float) and span.holds(v) for v in values)


def _covers(cell: Cell, value: Any) -> bool | None:
    if cell is None:
        return None
    if cell == _ANY:
        return True
    if isinstance(cell, frozenset):
        return value in cell
    return isinstance(value, float) and cell.holds(value)


def _local(element: etree._Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element) -> str:
    texts = _children(element, "text")
    return (texts[0].text or "") if texts else ""


def table_problems(table: etree._Element, dmn_file: str) -> list[Problem]:
    """Overlapping UNIQUE rules and uncovered declared input values of one decision table."""
    problems: list[Problem] = []
    inputs = _children(table, "input")
    rules = _children(table, "rule")
    cells = [[read_cell(_text(entry)) for entry in _children(rule, "inputEntry")]
             for rule in rules]
    decision = table.getparent()
    label = (decision.get("name") if decision is not None else None) or table.get("id", "")
    if table.get("hitPolicy", "UNIQUE").upper() == "UNIQUE":
        for later in range(len(rules)):
            row = cells[later]
            if None in row or len(row) != len(inputs):
                continue
            for earlier in range(later):
                other = cells[earlier]
                if None in other or len(other) != len(row):
                    continue
                if all(_meet(a, b) for a, b in zip(row, other, strict=True)):
                    problems.append(Problem(
                        f"决策表“{label}”的命中策略是 UNIQUE，但第 {later + 1} 条规则与第 "
                        f"{earlier + 1} 条规则可能同时匹配（输入条件重叠）",
                        english=f"decision table '{label}' has hit policy UNIQUE, but rule "
                                f"{later + 1} and rule {earlier + 1} can both match (their "
                                "input conditions overlap)",
                        file=dmn_file, element_id=rules[later].get("id"),
                        line=rules[later].sourceline,
                        extra={"overlaps": rules[earlier].get("id"), "cells": [
                            entry.get("id") for entry in _children(rules[later], "inputEntry")]}))
                    break
    for column, element in enumerate(inputs):
        declared = _children(element, "inputValues")
        if not declared:
            continue
        try:
            values = [_literal(v) for v in _declared(_text(declared[0]))]
        except (SyntaxError, ValueError):
            continue
        column_cells = [row[column] for row in cells if len(row) > column]
        for value in values:
            covered = [_covers(cell, value) for cell in column_cells]
            if None in covered or any(covered):
                continue
            problems.append(Problem(
                f"决策表“{label}”的输入“{element.get('label') or element.get('id')}”声明了取值 "
                f"{value!r}，但没有任何规则覆盖它",
                english=f"input '{element.get('label') or element.get('id')}' of decision "
                        f"table '{label}' declares the value {value!r}, but no rule covers it",
                file=dmn_file, element_id=element.get("id"),
                line=element.sourceline, extra={"value": value}))
    return problems


def _declared(text: str) -> list[ast.expr]:
    node = ast.parse(f"({text},)", mode="eval").body
    return list(node.elts) if isinstance(node, ast.Tuple) else []


def dmn_problems(root: etree._Element, dmn_file: str) -> list[Problem]:
    return [problem for table in root.iter() if _local(table) == "decisionTable"
            for problem in table_problems(table, dmn_file)]

"""DMN input cells written as FEEL simple unary tests, as SpiffWorkflow evaluates them.

SpiffWorkflow reads a cell as Python (``?`` is the input; ``< 5`` is appended to the input; a
whole expression is compared with ``==``). Modellers (and dmn-js) write FEEL simple unary
tests: intervals ``[5..10]``, ``(5..10]``, ``]5..10[``, lists ``"a", "b"`` or ``< 5, > 10``
meaning "any of", and ``not(...)``. ``to_python`` rewrites those cells into the Python form
the engine evaluates, so deploy checks and run time read a cell the same way; a cell that
uses none of them is returned unchanged.
"""

from __future__ import annotations

import re

_INTERVAL = re.compile(r"^([\[\](])\s*(.+?)\s*\.\.\s*(.+?)\s*([\[\])])$", re.DOTALL)
_COMPARISON = re.compile(r"^(<=|>=|<|>|!=|=)\s*(.+)$", re.DOTALL)
_NOT = re.compile(r"^not\s*\((.*)\)$", re.DOTALL)


def split_top_level(text: str) -> list[str]:
    """Split on commas outside quotes and brackets (``[1..2], "a,b"`` is two tests).
    Intervals may open with ``]`` and close with ``[`` (``]5..10[``): only ``(`` and ``)``
    and brace/bracket pairs that match are counted."""
    parts, depth, quote, start = [], 0, "", 0
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif char == "[" and not _closes_interval(text, index):
            depth += 1
        elif char == "]" and not _opens_interval(text, index):
            depth -= 1
        elif char == "," and depth <= 0:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _opens_interval(text: str, index: int) -> bool:
    """``]`` opening an interval (``]5..10]``): at the start of a test."""
    before = text[:index].rstrip()
    return (not before or before.endswith(",")) and ".." in text[index:]


def _closes_interval(text: str, index: int) -> bool:
    """``[`` closing an interval (``[5..10[``): at the end of a test."""
    after = text[index + 1:].lstrip()
    return (not after or after.startswith(",")) and ".." in text[:index]


def is_feel(cell: str) -> bool:
    """Whether a cell uses FEEL syntax SpiffWorkflow would not read as intended."""
    text = cell.strip()
    if not text or text == "-":
        return False
    return bool(_NOT.match(text)) or len(split_top_level(text)) > 1 or any(
        _INTERVAL.match(part) for part in split_top_level(text))


def to_python(cell: str) -> str:
    """The cell as the Python test SpiffWorkflow evaluates (``?`` standing for the input)."""
    text = cell.strip()
    if not is_feel(text):
        return cell
    return _tests(text)


def _tests(text: str) -> str:
    negated = _NOT.match(text)
    if negated:
        return f"not ({_tests(negated.group(1).strip())})"
    parts = [_test(part) for part in split_top_level(text) if part]
    return parts[0] if len(parts) == 1 else " or ".join(f"({part})" for part in parts)


def _test(text: str) -> str:
    interval = _INTERVAL.match(text)
    if interval:
        opening, low, high, closing = interval.groups()
        low_op = "<=" if opening == "[" else "<"
        high_op = "<=" if closing == "]" else "<"
        return f"{low} {low_op} ? {high_op} {high}"
    comparison = _COMPARISON.match(text)
    if comparison:
        operator, value = comparison.groups()
        return f"? {'==' if operator == '=' else operator} {value}"
    if "?" in text:
        return text
    return f"? == ({text})"

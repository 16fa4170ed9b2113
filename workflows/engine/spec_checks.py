"""Deploy-time checks of every expression a diagram carries, so errors surface as a 422
naming the element instead of as a failed instance weeks later."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)

from workflows.core import working_days
from workflows.core.errors import Problem
from workflows.engine.deferred import timer_due
from workflows.engine.diagram_limits import element_lines
from workflows.engine.script_env import check_expression, check_script
from workflows.engine.unary_tests import to_python

_CHECK_START = datetime(2025, 1, 6, tzinfo=UTC)
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def check_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
               root: etree._Element, bpmn_file: str) -> list[Problem]:
    """Compile-check gateway conditions, scripts and DMN cells of every task spec."""
    problems: list[Problem] = []
    lines = element_lines(root)
    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id is None:
                continue
            for what, source, is_script in _sources(task_spec):
                error = check_script(source) if is_script else check_expression(source)
                if error is not None:
                    problems.append(Problem(
                        f"{what}: {error.message}", file=bpmn_file, element_id=bpmn_id,
                        line=lines.get(bpmn_id), extra={"expression": source},
                    ))
            problems.extend(_dmn_problems(task_spec, bpmn_id))
            problems.extend(Problem(message, file=bpmn_file, element_id=bpmn_id,
                                    line=lines.get(bpmn_id), extra={"expression": expression})
                            for message, expression in _timer_problems(task_spec))
    return problems


def _timer_problems(task_spec: object) -> Iterator[tuple[str, str]]:
    """A timer that could never fire leaves its instance waiting forever without an error:
    refuse cycles (certflow fires durations and dates only), expressions that do not compile
    and literal values that are not a duration, a date or ``P<n>WD``."""
    definition = getattr(task_spec, "event_definition", None)
    definitions = (list(definition.event_definitions)
                   if isinstance(definition, MultipleEventDefinition) else [definition])
    for timer in definitions:
        if not isinstance(timer, TimerEventDefinition):
            continue
        expression = str(timer.expression or "")
        if isinstance(timer, CycleTimerEventDefinition):
            yield ("timer cycles (R<n>/…) are not supported: use a duration (timeDuration) or a "
                   "date (timeDate), or a loop with a duration timer", expression)
            continue
        error = check_expression(expression)
        if error is not None:
            yield f"timer expression: {error.message}", expression
            continue
        literal = _string_literal(expression)
        if literal is not None and not _is_timer_value(literal):
            yield (f"timer value {literal!r} is not an ISO 8601 duration (P2D, PT4H), a date "
                   "(2026-09-01T09:00:00+08:00) or working days (P5WD)", expression)


def _string_literal(expression: str) -> str | None:
    try:
        value = ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError):
        return None  # an expression over process data: checked when the timer starts
    return value if isinstance(value, str) else None


def _is_timer_value(text: str) -> bool:
    if working_days.parse_working_days(text.strip()) is not None:
        return True  # counted against the calendar of the year it runs in, not now
    try:
        timer_due(text, start=_CHECK_START)
    except Exception:  # any parse failure means "not a timer value"
        return False
    return True


def _sources(task_spec: object) -> Iterator[tuple[str, str, bool]]:
    for condition, target in getattr(task_spec, "cond_task_specs", []) or []:
        expression = condition.args[0] if getattr(condition, "args", None) else None
        if isinstance(expression, str):
            yield f"condition on the flow to '{target}'", expression, False
    for attribute in ("script", "prescript", "postscript"):
        source = getattr(task_spec, attribute, None)
        if isinstance(source, str) and source.strip():
            yield attribute, source, True


def _dmn_problems(task_spec: object, bpmn_id: str) -> list[Problem]:
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is None:
        return []
    table = engine.decision_table
    problems = []
    for rule in table.rules:
        for entry in rule.inputEntries:
            input_expr = entry.input.expression or ""
            for lhs in entry.lhs:
                if lhs is None or not str(lhs).strip():
                    continue
                error = check_expression(_dmn_input_expression(input_expr, to_python(lhs)))
                if error is not None:
                    problems.append(_dmn_problem(table, rule, entry.id, lhs, error.message,
                                                 bpmn_id))
        for out in rule.outputEntries:
            text = getattr(out, "text", "")
            if text:
                error = check_expression(text)
                if error is not None:
                    problems.append(_dmn_problem(table, rule, out.id, text, error.message,
                                                 bpmn_id))
    return problems


def _dmn_input_expression(input_expr: str, lhs: str) -> str:
    """Rebuild the expression SpiffWorkflow's DMN engine will evaluate for one cell."""
    if _QUESTION_MARK.search(lhs):
        return _QUESTION_MARK.sub("dmninputexpr", lhs)
    try:
        ast.parse(lhs)
        return f"({input_expr or 'None'}) == ({lhs})"
    except SyntaxError:
        return f"({input_expr or 'None'}) {lhs}"


def _dmn_problem(table: object, rule: object, cell_id: str, text: str, message: str,
                 bpmn_id: str) -> Problem:
    return Problem(
        f"decision table '{getattr(table, 'name', '') or getattr(table, 'id', '')}', rule "
        f"{getattr(rule, 'row_number', '?')}: cell '{text}': {message}",
        element_id=cell_id, extra={"task": bpmn_id, "decision_table": getattr(table, "id", "")},
    )


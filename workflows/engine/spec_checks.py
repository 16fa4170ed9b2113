"""Deploy-time checks of every expression a diagram carries, so errors surface as a 422
naming the element instead of as a failed instance weeks later."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from workflows.errors import Problem
from workflows.script_env import check_expression, check_script

_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def check_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
               root: etree._Element, bpmn_file: str) -> list[Problem]:
    """Compile-check gateway conditions, scripts and DMN cells of every task spec."""
    problems: list[Problem] = []
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
                        line=_line(root, bpmn_id), extra={"expression": source},
                    ))
            problems.extend(_dmn_problems(task_spec, bpmn_id))
    return problems


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
                error = check_expression(_dmn_input_expression(input_expr, lhs))
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


def _line(root: etree._Element, element_id: str) -> int | None:
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None

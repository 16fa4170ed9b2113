"""Decision tables as certflow runs them: a UNIQUE table that matches two rules stops the run,
and input cells written as FEEL simple unary tests are read as such (``unary_tests.py``).

SpiffWorkflow's DMN engine takes the first matching rule under hit policy UNIQUE, so two
overlapping rules silently decide by their order. certflow evaluates every rule of a UNIQUE
table and, when more than one matches, stops the run with ``AmbiguousDecision``: as with a
runaway run, nothing of it is kept and the instance gets an incident naming the rules.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy

from workflows.engine.budget import RunawayRun
from workflows.engine.unary_tests import to_python


class AmbiguousDecision(RunawayRun):
    """A UNIQUE decision table matched more than one rule."""

    def __init__(self, message: str, element_id: str | None, task_name: str | None,
                 details: dict[str, Any]) -> None:
        super().__init__(message=message, element_id=element_id, task_name=task_name,
                         kind="decision", details=details)


class _UniqueDecisionEngine(DMNEngine):
    def evaluate(self, input_expr: Any, match_expr: Any, task: Any) -> Any:
        # FEEL simple unary tests ([5..10], "a", "b", not(...)) as the deploy checks read them.
        text = to_python(match_expr) if isinstance(match_expr, str) else match_expr
        return super().evaluate(input_expr, text, task)

    def decide(self, task: Any) -> list[Any]:
        table = self.decision_table
        if table.hit_policy != HitPolicy.UNIQUE.value:
            return list(super().decide(task))
        matched = [rule for rule in table.rules if self._DMNEngine__check_rule(rule, task)]
        if len(matched) > 1:
            spec = task.task_spec
            rows = [str(rule.row_number) for rule in matched]
            raise AmbiguousDecision(
                message=(f"决策表“{table.name or table.id}”的命中策略是 UNIQUE，但第 "
                         f"{'、'.join(rows)} 条规则同时匹配；请修正规则使其互不重叠"),
                element_id=getattr(spec, "bpmn_id", None), task_name=spec.name,
                details={"decision_table": table.id, "rules": [rule.id for rule in matched]})
        return matched


def swap_engine(task_spec: Any) -> None:
    """Give a business rule task certflow's engine (idempotent)."""
    engine = getattr(task_spec, "dmnEngine", None)
    if engine is not None and type(engine) is DMNEngine:
        engine.__class__ = _UniqueDecisionEngine

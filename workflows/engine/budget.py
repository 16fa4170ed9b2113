"""The budget of one engine run: how many steps and how much CPU time it may take.

A diagram can ask for unbounded work in one run: a loop of gateways that never reaches an
event, thousands of parallel branches, a fork whose join re-reads the whole tree per branch.
Each run (everything one transaction asks of the engine: a start, a completion, a timer...)
gets ``RunContext.step_limit`` engine steps and ``RunContext.run_time_limit_s`` seconds;
past either, the run stops with ``RunawayRun`` and the caller throws its work away (rolls the
transaction back) and opens an incident. Time is enforced by the sandbox's watchdog, which
interrupts Python code anywhere, also inside SpiffWorkflow's own walks of the task tree. It
counts the CPU time of the running thread, so a run on a busy machine is not cut short by the
time it spent waiting for a core (with a wall-clock backstop, ``watchdog.WALL_BACKSTOP``).

SpiffWorkflow's task iterator also stops looking 1,000 levels down the tree: a run that went
that deep (a loop) leaves ready tasks nobody will ever run, and the workflow then looks
finished. ``check_cut_off`` turns that into a ``RunawayRun`` as well: an instance is completed
only by reaching its end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from workflows.core.runtime import RunContext
from workflows.engine.errors import EngineFailure
from workflows.engine.sandbox.watchdog import WALL_BACKSTOP, Overrun, run_within

T = TypeVar("T")


@dataclass
class RunawayRun(EngineFailure):
    """The run went past its budget (or out of the engine's sight), or met something only
    an administrator can resolve (``decisions.AmbiguousDecision``), and was stopped.

    Unlike other failures the run's work is discarded: its state is half done.
    """

    kind: str = "runaway"


class RunBudget:
    """Steps taken and the deadline of the current run; ``reset`` starts the next run."""

    def __init__(self, context: RunContext | None) -> None:
        context = context or RunContext()
        self.step_limit = context.step_limit
        self.time_limit_s = context.run_time_limit_s
        self.steps = 0
        self.deadline: float | None = None  # wall clock, the backstop
        self.cpu_used = 0.0  # CPU seconds this run has spent inside ``run``, in any thread

    def reset(self) -> None:
        self.steps, self.deadline, self.cpu_used = 0, None, 0.0

    def run(self, action: Callable[[], T]) -> T:
        """``action`` under what is left of this run's time."""
        if self.deadline is None:
            self.deadline = time.monotonic() + WALL_BACKSTOP * self.time_limit_s
        started = time.thread_time()
        try:
            return run_within(action, deadline=self.deadline,
                              cpu_left=self.time_limit_s - self.cpu_used)
        except Overrun:
            raise RunawayRun(
                message=(f"流程的一次运行超过了 {self.time_limit_s:g} 秒的时间上限，已中止并回滚"
                         f"（已执行 {self.steps} 步）。请检查流程图中的循环或过多的并行分支。"),
                details={"limit": "time", "time_limit_s": self.time_limit_s,
                         "steps": self.steps}) from None
        finally:
            self.cpu_used += time.thread_time() - started

    def read(self, action: Callable[[], T]) -> T:
        """``action``, a read of the workflow (its timers, a service call's parameters), under
        a time limit of its own: a read is not part of the run, and a run that was stopped
        (its budget spent) must still be readable."""
        try:
            return run_within(action, deadline=time.monotonic() + WALL_BACKSTOP * self.time_limit_s,
                              cpu_left=self.time_limit_s)
        except Overrun:
            raise RunawayRun(
                message=(f"读取流程状态超过了 {self.time_limit_s:g} 秒的时间上限，已中止。"
                         "请检查流程图中的定时表达式。"),
                details={"limit": "time", "time_limit_s": self.time_limit_s}) from None

    def step(self, task: SpiffTask) -> None:
        """Count one engine step; refuse the one past the limit."""
        self.steps += 1
        if self.steps > self.step_limit:
            spec = task.task_spec
            raise RunawayRun(
                message=(f"流程的一次运行超过了 {self.step_limit} 步的上限，已中止并回滚。"
                         "请检查流程图中的循环或过多的并行分支。"),
                element_id=getattr(spec, "bpmn_id", None), task_name=spec.name,
                details={"limit": "steps", "step_limit": self.step_limit})


def _workflows(workflow: BpmnWorkflow) -> Iterator[Any]:
    yield workflow
    yield from workflow.subprocesses.values()


def check_cut_off(workflow: BpmnWorkflow) -> None:
    """Refuse a run that left ready engine steps where SpiffWorkflow no longer looks."""
    for each in _workflows(workflow):
        for task in each.tasks.values():
            if task.state == TaskState.READY and not task.task_spec.manual:
                spec = task.task_spec
                raise RunawayRun(
                    message=("流程的一次运行过深（超过引擎可追踪的 1000 层），已中止并回滚；"
                             "通常是网关之间没有出口的循环。"),
                    element_id=getattr(spec, "bpmn_id", None), task_name=spec.name,
                    details={"limit": "depth"})


def reached_end(workflow: BpmnWorkflow) -> bool:
    """Finished, every task of it: SpiffWorkflow's own check stops 1,000 levels down."""
    return workflow.is_completed() and all(
        task.has_state(TaskState.FINISHED_MASK)
        for each in _workflows(workflow) for task in each.tasks.values())

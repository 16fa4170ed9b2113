"""The school's thresholds, read from its deployed decision tables, never from code.

``attendance_thresholds`` (bpmn/attendance_thresholds.bpmn with attendance_thresholds.dmn and
attendance_course_threshold.dmn) is run in memory, without an instance, on a learner's totals:
the latest deployed version decides, so a new version changes the outcome of absences recorded
after it, and nothing already opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from models.attendance import MeasureKind
from workflows.core.errors import InvalidInput, NotFound
from workflows.core.runtime import Runtime
from workflows.definitions import spec_cache
from workflows.definitions.deploy import get_definition
from workflows.engine import EngineFailure, Run, RunawayRun

PROCESS_ID = "attendance_thresholds"


@dataclass(frozen=True)
class Inputs:
    absence_days: Decimal
    truancy_days: Decimal
    course_absent_hours: int
    course_contact_hours: int


@dataclass(frozen=True)
class Outcome:
    measures: frozenset[MeasureKind]  # year measures (重读一年, 退学, 纪律处分)
    exam_void: bool
    version: int  # the version of the thresholds that decided


def deployed(session: Session) -> bool:
    try:
        get_definition(session, PROCESS_ID)
    except NotFound:
        return False
    return True


def decide(session: Session, runtime: Runtime, inputs: Inputs) -> Outcome | None:
    """What the latest thresholds say of these totals; None when none are deployed."""
    try:
        row = get_definition(session, PROCESS_ID)
    except NotFound:
        return None
    definition = spec_cache.get(row)
    data = {"absence_days": float(inputs.absence_days),
            "truancy_days": float(inputs.truancy_days),
            "course_absent_hours": inputs.course_absent_hours,
            "course_contact_hours": inputs.course_contact_hours}
    try:
        run = Run.start(definition.spec, definition.subprocess_specs, data,
                        context=runtime.run_context())
        run.advance()
    except (EngineFailure, RunawayRun) as failure:
        raise InvalidInput(f"考勤阈值决策表（第 {row.version} 版）无法判定：{failure}") from None
    result = run.data()
    kinds = set()
    for value in result.get("measures") or []:
        try:
            kinds.add(MeasureKind(value))
        except ValueError:
            raise InvalidInput(f"考勤阈值决策表（第 {row.version} 版）给出了未知的处理“{value}”；"
                               "可用：repeat_year、withdrawal、discipline") from None
    kinds.discard(MeasureKind.EXAM_VOID)
    return Outcome(frozenset(kinds), bool(result.get("exam_void")), row.version)

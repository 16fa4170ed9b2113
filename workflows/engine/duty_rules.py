"""The separation-of-duties rule language a diagram writes on a user task (parsing only).

A user task declares its rules in a ``spiffworkflow:property`` named ``separationOfDuties``;
several rules are separated by commas or semicolons::

    <spiffworkflow:property name="separationOfDuties"
                            value="differs_from:score_exam, recusal:class" />

| rule                    | the person taking the task must not be …                          |
| ----------------------- | ----------------------------------------------------------------- |
| ``differs_from:<task>`` | anyone who completed user task ``<task>`` (BPMN id) in this case  |
| ``recusal:class``       | a 班主任 or 任课教师 of the candidate's 班级 (回避), by the directory; |
|                         | or of the same ``class_name`` (the case's or the profile's)       |
| ``recusal:employer``    | of the candidate's employer (工作单位, by the directory)             |
| ``recusal:declared``    | someone who declared a conflict with the candidate (回避声明)       |
| ``not_initiator``       | the person who started the case                                   |
| ``excludes:<path>``     | one of the user ids listed at data path ``<path>`` (dots: nested) |

Parsed at deploy (a malformed rule is a located 422) and enforced by
``workflows/tasks/duties.py`` in claim and complete, so the rule holds whichever client drives
the engine. No database here: ``workflows/engine/task_meta.py`` imports this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROPERTY = "separationOfDuties"
KINDS = ("differs_from", "recusal", "not_initiator", "excludes")
RECUSAL_SUBJECTS = ("class", "employer", "declared")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_SPLIT = re.compile(r"[,;]")


@dataclass(frozen=True)
class DutyRule:
    kind: str
    argument: str | None = None

    @property
    def name(self) -> str:
        """How the rule is written in the diagram, and named in a violation."""
        return f"{self.kind}:{self.argument}" if self.argument else self.kind


class InvalidDutyRule(ValueError):
    pass


def parse_rules(value: str | None) -> list[DutyRule]:
    """The rules of one property value; ``InvalidDutyRule`` names the first bad one."""
    rules = []
    for raw in _SPLIT.split(value or ""):
        text = raw.strip()
        if text:
            rules.append(_parse_one(text))
    return rules


def _parse_one(text: str) -> DutyRule:
    kind, _, argument = (part.strip() for part in text.partition(":"))
    if kind not in KINDS:
        raise InvalidDutyRule(f"unknown separation-of-duties rule '{text}'; "
                              f"known: {', '.join(KINDS)}")
    if kind == "not_initiator":
        if argument:
            raise InvalidDutyRule(f"rule '{text}' takes no argument")
        return DutyRule(kind)
    if not argument:
        raise InvalidDutyRule(f"rule '{text}' needs an argument ({kind}:<…>)")
    if kind == "recusal" and argument not in RECUSAL_SUBJECTS:
        raise InvalidDutyRule(f"rule '{text}': recusal applies to {', '.join(RECUSAL_SUBJECTS)}")
    if not _IDENTIFIER.match(argument):
        raise InvalidDutyRule(f"rule '{text}': '{argument}' is not an identifier")
    return DutyRule(kind, argument)


def rule_names(value: str | None) -> list[str]:
    """The canonical names stored in task metadata at deploy."""
    return [rule.name for rule in parse_rules(value)]

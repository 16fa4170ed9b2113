"""到考/缺考 per exam part, and the scores an absent part gets.

考试签到 records whether the candidate came at all (``attended``; both parts missed closes the
case as 缺考) and, for one who came, which part they missed (``theory_absent``,
``practical_absent``). A missed part scores 0: the examiner leaves it empty and may not give it
a score; a part the candidate sat must be scored. The case keeps the missed parts' names
(``absent_parts``) so 我的申请 and the reviewers can say "实操考核（缺考）".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from workflows.core.errors import InvalidInput, Problem

PART_NAMES = {"theory": "理论考试", "practical": "实操考核"}


def check_attendance(session: Session, data: dict[str, Any], *, instance_data: dict[str, Any],
                     now: datetime) -> dict[str, Any]:
    """The attendance with ``absent_parts``; refused when it contradicts itself."""
    if data.get("attended") is not True:
        return {**data, "absent_parts": list(PART_NAMES)}
    absent = [part for part in PART_NAMES if data.get(f"{part}_absent") is True]
    if len(absent) == len(PART_NAMES):
        raise InvalidInput("两科均缺考时，“是否到考”应选“否”（缺考）", problems=[
            Problem("两科均缺考应登记为缺考", pointer="/attended")])
    return {**data, "absent_parts": absent}


def _scores(data: dict[str, Any], instance_data: dict[str, Any],
            parts: tuple[str, ...]) -> dict[str, Any]:
    absent = set(instance_data.get("absent_parts") or ())
    problems = []
    scored = dict(data)
    for part in parts:
        field = f"{part}_score"
        if part in absent:
            if data.get(field) not in (None, 0):
                problems.append(Problem(
                    f"考生缺考{PART_NAMES[part]}，不能录入该科成绩（记 0 分）",
                    pointer=f"/{field}"))
            scored[field] = 0
        elif data.get(field) is None:
            problems.append(Problem(f"请填写{PART_NAMES[part]}成绩", pointer=f"/{field}"))
    if problems:
        raise InvalidInput("评分有误：" + "；".join(p.message for p in problems),
                           problems=problems)
    return scored


def check_scores(session: Session, data: dict[str, Any], *, instance_data: dict[str, Any],
                 now: datetime) -> dict[str, Any]:
    """阅卷评分 by one examiner: both parts."""
    return _scores(data, instance_data, ("theory", "practical"))


def check_theory_score(session: Session, data: dict[str, Any], *,
                       instance_data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """理论阅卷 (two examiners)."""
    return _scores(data, instance_data, ("theory",))


def check_practical_score(session: Session, data: dict[str, Any], *,
                          instance_data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """实操评分 (two examiners)."""
    return _scores(data, instance_data, ("practical",))

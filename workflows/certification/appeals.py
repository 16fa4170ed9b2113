"""Service functions linking a score re-check (成绩复查, ``certification_appeal``) to its case.

The certification case waits after publishing results in an event-based gateway: the message
``cert_appeal_filed`` or the end of the re-check window (``cert_policy``, default 15 days).

- ``cert.open_appeal`` delivers ``cert_appeal_filed`` to the candidate's own case. If the case
  no longer waits for it (window over, results not out yet) the appeal is refused — so the
  window is enforced by the case's own timer, not by a second clock. On acceptance it returns
  the original scores and the ids of everyone who scored or reviewed them, whom the re-check
  task's separation-of-duties rule ``excludes:appeal_case.excluded_user_ids`` keeps out.
- ``cert.report_recheck`` delivers ``cert_appeal_decided`` with the outcome (upheld, or corrected
  scores); the case records both score sets and judges the result again.

Both use ``workflows.automation.messages.deliver_message`` as the candidate who filed the appeal
(they may see their own case), each in its own transaction, and both are idempotent: a retry
that finds the case already holding this appeal's message answers as the first call did.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, ProcessInstance, Timer
from models.statuses import TaskStatus
from workflows.automation.messages import MessageNotCorrelated, deliver_message
from workflows.automation.service_registry import Param, ServiceContext, service
from workflows.identity.users import load_actor

CASE_PROCESS = "certification_application"
APPEAL_TIMER = "appeal_window_closed"  # the case's re-check window ends with this timer
BEIJING = ZoneInfo("Asia/Shanghai")


def _case(session: Session, key: str, candidate_id: int | None) -> ProcessInstance | None:
    return session.scalars(sa.select(ProcessInstance).where(
        ProcessInstance.process_id == CASE_PROCESS, ProcessInstance.business_key == key,
        ProcessInstance.started_by == candidate_id).order_by(ProcessInstance.id.desc())
        .limit(1)).first()


def _starter(session: Session, instance_id: int) -> int | None:
    return session.scalar(sa.select(ProcessInstance.started_by)
                          .where(ProcessInstance.id == instance_id))


def _completers(session: Session, case_id: int, task_name: str) -> list[int]:
    return sorted(set(session.scalars(sa.select(HumanTask.completed_by).where(
        HumanTask.instance_id == case_id, HumanTask.task_name == task_name,
        HumanTask.status == TaskStatus.COMPLETED, HumanTask.completed_by.is_not(None)))))


def _accepted(session: Session, case: ProcessInstance) -> dict[str, Any]:
    data = case.data or {}
    scorers = sorted({user for name in ("score_exam", "score_theory", "score_practical")
                      for user in _completers(session, case.id, name)})
    reviewers = sorted({user for name in ("review_scores", "review_comprehensive")
                        for user in _completers(session, case.id, name)})
    panel = _completers(session, case.id, "comprehensive_review")
    return {"accepted": True, "reason": None, "certification_instance_id": case.id,
            "applicant_name": data.get("applicant_name"), "occupation": data.get("occupation"),
            "level": data.get("level"), "exam_session": data.get("exam_session"),
            "theory_score": data.get("theory_score"),
            "practical_score": data.get("practical_score"),
            "comprehensive_score": data.get("comprehensive_score"),
            "original_scorer_ids": scorers, "original_reviewer_ids": reviewers,
            "excluded_user_ids": sorted(set(scorers + reviewers + panel))}


def _why_not_now(session: Session, case_id: int) -> str:
    """Which of the re-check rules refuses it: asked before, results not out yet, or the
    window over (and when it ended)."""
    case = session.get_one(ProcessInstance, case_id)
    data = case.data or {}
    if data.get("appeal_used") is True or data.get("appeal"):
        return "本次认定已申请过成绩复查，每次认定只能申请一次"
    if data.get("results_published") is not True:
        return "成绩尚未公布，公布后才能在复查期内申请成绩复查"
    ended = session.scalar(sa.select(Timer.due_at).where(
        Timer.instance_id == case_id, Timer.element_id == APPEAL_TIMER)
        .order_by(Timer.id.desc()).limit(1))
    if ended is not None:
        local = ended.astimezone(BEIJING)
        # A window ends at 24:00 of its last day (00:00 of the next, said as people say it).
        said = (f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00" if local.time() == time(0)
                else f"{local:%Y-%m-%d %H:%M}")
        return f"成绩复查申请期限已于 {said}（北京时间）届满"
    return "成绩复查申请期限已届满"


def _refused(reason: str) -> dict[str, Any]:
    return {"accepted": False, "reason": reason, "certification_instance_id": None,
            "excluded_user_ids": []}


@service("cert.open_appeal", params={"certification_key": "str", "reason": "str"})
def open_appeal(ctx: ServiceContext, *, certification_key: str, reason: str) -> dict[str, Any]:
    """File the re-check with the candidate's case, if its re-check window is open."""
    uow = ctx.unit_of_work(write=False)
    with uow:
        candidate_id = _starter(uow.session, ctx.instance_id)
        case = _case(uow.session, certification_key, candidate_id)
        if case is None:
            return _refused(f"未找到本人申报编号为 {certification_key} 的认定申报")
        if ((case.data or {}).get("appeal") or {}).get("appeal_instance_id") == ctx.instance_id:
            return _accepted(uow.session, case)  # delivered by an earlier attempt
        actor = load_actor(uow.session, candidate_id)
    try:
        deliver_message("cert_appeal_filed", business_key=certification_key, actor=actor,
                        payload={"appeal_instance_id": ctx.instance_id,
                                 "appeal_key": ctx.business_key, "reason": reason,
                                 "filed_at": ctx.now.isoformat()}, uow=ctx.unit_of_work(),
                        by_service=True)
    except MessageNotCorrelated:
        uow = ctx.unit_of_work(write=False)
        with uow:
            return _refused(_why_not_now(uow.session, case.id))
    uow = ctx.unit_of_work(write=False)
    with uow:
        return _accepted(uow.session, uow.session.get_one(ProcessInstance, case.id))


@service("cert.report_recheck", params={
    "certification_key": "str", "certification_instance_id": "int", "outcome": "str",
    "finding": "str",
    "theory_score": Param("float", required=False),
    "practical_score": Param("float", required=False),
    "comprehensive_score": Param("float", required=False),
})
def report_recheck(ctx: ServiceContext, *, certification_key: str,
                   certification_instance_id: int, outcome: str, finding: str,
                   theory_score: float | None, practical_score: float | None,
                   comprehensive_score: float | None) -> dict[str, Any]:
    """Hand the re-check outcome back to the case, which judges the result again."""
    uow = ctx.unit_of_work(write=False)
    with uow:
        case = uow.session.get(ProcessInstance, certification_instance_id)
        if case is None:
            return {"delivered": False, "reason": "认定申报不存在"}
        if ((case.data or {}).get("recheck") or {}).get("appeal_instance_id") == ctx.instance_id:
            return {"delivered": True, "reason": None}
        rechecked_by = _completers(uow.session, ctx.instance_id, "recheck_scores")
        actor = load_actor(uow.session, _starter(uow.session, ctx.instance_id))
    payload = {"appeal_instance_id": ctx.instance_id, "outcome": outcome, "finding": finding,
               "theory_score": theory_score, "practical_score": practical_score,
               "comprehensive_score": comprehensive_score, "rechecked_by": rechecked_by,
               "decided_at": ctx.now.isoformat()}
    try:
        deliver_message("cert_appeal_decided", business_key=certification_key, actor=actor,
                        payload=payload, uow=ctx.unit_of_work(), by_service=True)
    except MessageNotCorrelated:
        return {"delivered": False, "reason": "认定申报已不在等待复查结论"}
    return {"delivered": True, "reason": None}

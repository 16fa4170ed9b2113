"""认定计划: administrators publish versioned plans; applications are made against one.

A plan says which occupations and levels a centre certifies, when applications are taken (a
window of Beijing dates whose last day runs to 24:00), when and where the exams are and in
which mode (闭卷/机考), and what is required. The list is public. An application names a plan
(``plan_code``); ``check_application`` refuses one outside the open window or for an
occupation or level the plan does not offer, and records the plan version it was made under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import CertificationPlan
from workflows.certification.register import LEVEL_NAMES
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, Problem
from workflows.core.unit_of_work import UnitOfWork
from workflows.core.working_days import LAST_DAY, NEXT_WORKING_DAY, WorkCalendar, last_day_end

BEIJING = ZoneInfo("Asia/Shanghai")
EXAM_MODES = {"closed_book": "闭卷", "computer": "机考"}
EXAM_PARTS = {"theory": "理论知识考试", "practical": "操作技能考核", "comprehensive": "综合评审"}


class PlanRefused(InvalidInput):
    """An application the published plan does not allow."""

    title = "不符合认定计划"


@dataclass(frozen=True)
class PlanInput:
    code: str
    title: str
    occupations: list[dict[str, Any]]
    apply_from: date
    apply_until: date
    exams: list[dict[str, Any]]
    exam_mode: str
    requirements: str = ""
    centre: str = ""
    apply_until_extends: bool = True


def open_plan_for_demo(code: str, *, opens: date, closes: date, actor: Actor,
                       uow: UnitOfWork) -> CertificationPlan:
    """The demo's plan (every level of the demo occupations), published once."""
    existing = latest_plan(uow.session, code)
    if existing is not None:
        return existing
    occupations = [{"occupation": name, "levels": [5, 4, 3, 2, 1]}
                   for name in ("电工", "数控车工", "电子商务师", "汽车维修工")]
    exam_day = closes + timedelta(days=14)
    return publish_plan(PlanInput(
        code=code, title="职业技能等级认定（演示）", occupations=occupations, apply_from=opens,
        apply_until=closes, exam_mode="closed_book", centre="市职业技能鉴定中心",
        exams=[{"part": "theory", "date": exam_day.isoformat(), "venue": "实训楼 301"},
               {"part": "practical", "date": (exam_day + timedelta(days=1)).isoformat(),
                "venue": "实训中心"}],
        requirements="按国家职业技能标准和学校认定工作规则申报。"), actor=actor, uow=uow)


def window_end(plan: CertificationPlan, calendar: WorkCalendar | None = None) -> datetime:
    """The instant applications close: 24:00 Beijing time of the last day, which moves to the
    next working day when it is a statutory holiday or rest day and the plan says so
    (``apply_until_extends``, 民法典 第二百零三条)."""
    rule = NEXT_WORKING_DAY if plan.apply_until_extends is not False else LAST_DAY
    return last_day_end(plan.apply_until, rule, calendar).astimezone(BEIJING)


def last_apply_day(plan: CertificationPlan, calendar: WorkCalendar | None = None) -> date:
    """The last day applications are taken, after any holiday extension."""
    return (window_end(plan, calendar) - timedelta(days=1)).date()


def window_start(plan: CertificationPlan) -> datetime:
    return datetime.combine(plan.apply_from, datetime.min.time(), tzinfo=BEIJING)


def is_open(plan: CertificationPlan, now: datetime,
            calendar: WorkCalendar | None = None) -> bool:
    return window_start(plan) <= now < window_end(plan, calendar)


def publish_plan(plan: PlanInput, *, actor: Actor, uow: UnitOfWork) -> CertificationPlan:
    """Publish a plan, or a new version of the plan with the same code (the newest is in
    effect; applications keep the version they were made under)."""
    if not actor.is_admin:
        raise NotAllowed("只有系统管理员可以发布认定计划")
    _check_input(plan)
    with uow:
        # The newest version's row, locked (PostgreSQL locks no aggregate); two first
        # publications of one code meet at the unique (code, version) constraint instead.
        latest = uow.session.scalar(
            sa.select(CertificationPlan.version).where(CertificationPlan.code == plan.code)
            .order_by(CertificationPlan.version.desc()).limit(1).with_for_update())
        row = CertificationPlan(
            code=plan.code, version=(latest or 0) + 1, title=plan.title, centre=plan.centre,
            occupations=[{"occupation": o["occupation"], "levels": sorted(set(o["levels"]),
                                                                          reverse=True)}
                         for o in plan.occupations],
            apply_from=plan.apply_from, apply_until=plan.apply_until,
            apply_until_extends=plan.apply_until_extends,
            exams=[{**exam, "date": str(exam["date"])} for exam in plan.exams],
            exam_mode=plan.exam_mode, requirements=plan.requirements,
            published_by=actor.id, published_at=uow.runtime.now())
        uow.session.add(row)
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict(f"认定计划「{plan.code}」正由他人同时发布，请刷新后重试") from None
        uow.commit(keep_loaded=True)
        return row


def _check_input(plan: PlanInput) -> None:
    problems = []
    if plan.apply_until < plan.apply_from:
        problems.append(Problem("报名截止日期不能早于报名开始日期", pointer="/apply_until"))
    names = [o["occupation"] for o in plan.occupations]
    if len(set(names)) != len(names):
        problems.append(Problem("同一职业（工种）只能列一次", pointer="/occupations"))
    for exam in plan.exams:
        if date.fromisoformat(str(exam["date"])) <= plan.apply_until:
            problems.append(Problem("考试日期应在报名截止之后", pointer="/exams"))
            break
    if plan.exam_mode not in EXAM_MODES:
        problems.append(Problem("考试方式只能是闭卷或机考", pointer="/exam_mode"))
    if problems:
        raise InvalidInput("认定计划有误：" + "；".join(p.message for p in problems),
                           problems=problems)


def latest_plans(session: Session) -> list[CertificationPlan]:
    """The version in effect of every plan, the latest window first."""
    newest = (sa.select(CertificationPlan.code,
                        sa.func.max(CertificationPlan.version).label("version"))
              .group_by(CertificationPlan.code).subquery())
    query = (sa.select(CertificationPlan)
             .join(newest, sa.and_(CertificationPlan.code == newest.c.code,
                                   CertificationPlan.version == newest.c.version))
             .order_by(CertificationPlan.apply_until.desc(), CertificationPlan.code))
    return list(session.scalars(query))


def plan_versions(session: Session, code: str) -> list[CertificationPlan]:
    """Every version of one plan, newest first (404 when the code was never published)."""
    rows = list(session.scalars(sa.select(CertificationPlan)
                                .where(CertificationPlan.code == code)
                                .order_by(CertificationPlan.version.desc())))
    if not rows:
        raise NotFound(f"认定计划「{code}」不存在")
    return rows


def latest_plan(session: Session, code: str) -> CertificationPlan | None:
    return session.scalar(sa.select(CertificationPlan).where(CertificationPlan.code == code)
                          .order_by(CertificationPlan.version.desc()).limit(1))


def check_application(session: Session, data: dict[str, Any], *, now: datetime,
                      calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """The application's data with its plan's version, exam mode and window end; refused
    (``PlanRefused``, in Chinese, naming the rule) outside the plan's open window or for an
    occupation or level the plan does not offer."""
    code = str(data.get("plan_code", ""))
    plan = latest_plan(session, code) if code else None
    if plan is None:
        raise PlanRefused(f"认定计划「{code}」不存在或尚未发布，请选择已发布的认定计划申报",
                          problems=[Problem("认定计划不存在", pointer="/plan_code")])
    span = f"{plan.apply_from.isoformat()} 至 {plan.apply_until.isoformat()}"
    if now < window_start(plan):
        raise PlanRefused(f"「{plan.title}」的报名时间为 {span}，尚未开始报名",
                          problems=[Problem("未到报名时间", pointer="/plan_code")])
    if now >= window_end(plan, calendar):
        last = last_apply_day(plan, calendar)
        moved = (f"（截止日逢节假日，顺延至 {last.isoformat()}）"
                 if last != plan.apply_until else "")
        raise PlanRefused(
            f"「{plan.title}」的报名时间为 {span}{moved}，报名已于 {last.isoformat()} "
            "24:00（北京时间）截止", problems=[Problem("报名已截止", pointer="/plan_code")])
    offered = {o["occupation"]: list(o["levels"]) for o in plan.occupations}
    occupation, level = data.get("occupation"), data.get("level")
    if occupation not in offered:
        raise PlanRefused(
            f"「{plan.title}」不含职业（工种）「{occupation}」，可申报：{'、'.join(offered)}",
            problems=[Problem("本计划不含该职业（工种）", pointer="/occupation")])
    if level not in offered[occupation]:
        names = "、".join(LEVEL_NAMES[n] for n in offered[occupation])
        asked = LEVEL_NAMES.get(level, str(level)) if isinstance(level, int) else str(level)
        raise PlanRefused(
            f"「{plan.title}」的「{occupation}」只开设 {names}，不含 {asked}",
            problems=[Problem("本计划不开设该等级", pointer="/level")])
    return {**data, "plan_version": plan.version, "exam_mode": plan.exam_mode,
            "plan_centre": plan.centre}

"""A living demo: thirty-six applicants and their certification cases in every state.

``certflow seed-demo`` replays about six weeks of a school's certification work through the
ordinary use cases (start, claim+complete, messages, the timer job), with certflow's clock set
back and moved forward, so every case has a real history, real timers and certificates in the
register. It ends at the real "now": open tasks sit in the staff's inboxes, notices and re-check
windows still run, and the timer thread of ``certflow serve`` fires them when they fall due.

Idempotent: nothing is done if the demo cases exist already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from api.context import runtime, unit_of_work
from models import Group, HumanTask, Membership, ProcessInstance, Timer, User
from models.statuses import OPEN_TASK_STATUSES, OPEN_TIMER_STATUSES, InstanceStatus
from workflows.attachments import uploads
from workflows.automation import timers
from workflows.certification import notices, plans
from workflows.core.clock import FrozenClock
from workflows.core.id_numbers import check_character
from workflows.core.unit_of_work import units_of
from workflows.definitions.bundles import collect_bundle
from workflows.definitions.deploy import deploy_definition
from workflows.directory.people import attach_account
from workflows.identity.users import load_actor
from workflows.instances import lifecycle as instances
from workflows.tasks import actions as human_tasks

PROCESSES = ("certification_application", "certification_appeal", "certification_reissue",
             "certification_revocation")
KEY_PREFIX = "DEMO-RZ-"
PLAN_CODE = "DEMO-RZ"
# The demo's proof documents: an ID-card photo and a scanned PDF.
DEMO_FILES = Path(__file__).resolve().parent.parent / "config" / "demo_files"
PASSWORD = "demo123"
CLASSES = ("机电2301", "数控2302", "电商2303", "汽修2304")
OCCUPATIONS = ("电工", "数控车工", "电子商务师", "汽车维修工")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ("子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "雨桐", "博文", "佳怡", "思远", "诗涵",
         "晨曦", "一鸣", "可馨", "天佑", "若曦", "家豪", "紫涵")


@dataclass
class DemoSummary:
    created: bool
    applicants: int = 0
    cases: int = 0
    states: dict[str, int] = field(default_factory=dict)


def seed_demo(bpmn_dir: Path, *, now: datetime | None = None) -> DemoSummary:
    """Deploy the certification diagrams if needed and create the demo cases once."""
    for name in PROCESSES:
        deploy_definition(collect_bundle(bpmn_dir / f"{name}.bpmn"), actor=None, uow=unit_of_work())
    uow = unit_of_work(write=False)
    with uow:
        exists = uow.session.scalar(sa.select(ProcessInstance.id).where(
            ProcessInstance.business_key.like(f"{KEY_PREFIX}%")).limit(1))
    if exists is not None:
        return DemoSummary(created=False)
    end = now or runtime().now()
    frozen = FrozenClock(end - timedelta(days=45))
    _publish_plan(frozen.now - timedelta(days=2), end + timedelta(days=60))
    wall, runtime().clock = runtime().clock, frozen  # the story moves this app's clock
    try:
        story = _Story(frozen, end)
        story.play()
    finally:
        runtime().clock = wall
    return DemoSummary(True, len(story.applicants), len(story.cases), story.states())


class _Story:
    """Six weeks of one school's certification work, day by day."""

    def __init__(self, frozen: FrozenClock, end: datetime) -> None:
        self.clock, self.end, self.start = frozen, end, frozen.now
        self.applicants = _create_applicants()
        self.cases: list[int] = []
        self._next = 0

    # --- the plot (strictly in date order: the clock only moves forward) -----------------
    def play(self) -> None:
        month = f"{self.start.year}-{self.start.month:02d}"
        a = [self.apply(i) for i in range(12)]
        a.append(self.apply(12, level=2, prior_certificate_level=3, years_experience=6,
                            prior_certificate_no="GD440120213000088"))
        self.day(1)
        for case in a:
            self.do(case, "review_eligibility", "sun", eligibility_decision="approve")
        self.day(2)
        for case in a:
            self.schedule(case, f"{month}-A01", exam_day=10)
        self.day(10)
        for case in a:
            self.do(case, "record_attendance", "zhou", attended=case != a[11])
        self.day(12)
        scores = [(82, 88), (75, 79), (91, 86), (68, 72), (88, 90), (77, 64), (70, 81), (45, 70),
                  (58, 62), (55, 75), (79, 83)]
        for case, (theory, practical) in zip(a[:11], scores, strict=True):
            self.do(case, "score_exam", "zheng", theory_score=theory, practical_score=practical)
        self.do(a[12], "score_exam", "feng", theory_score=85, practical_score=87)
        self.day(13)
        for case in a:
            if case != a[11]:
                self.do(case, "review_scores", "he", scores_confirmed=True)
        self.do(a[12], "comprehensive_review", "zheng", comprehensive_score=81)
        self.do(a[12], "review_comprehensive", "he", comprehensive_confirmed=True)
        self.day(20)  # 成绩复查: 55 分的考生申请复查，理论成绩更正为 63 分
        appeal = self.start_process("certification_appeal", self.owner(a[9]),
                                    certification_key=self.key(a[9]),
                                    appeal_reason="理论成绩与估分相差较大，申请复查")
        self.do(appeal, "recheck_scores", "han", recheck_outcome="corrected",
                recheck_theory_score=63, recheck_practical_score=75,
                recheck_finding="第12题漏判6分，更正为63分")
        self.early_cases()
        self.day(22)
        b = [self.apply(i) for i in range(17, 26)]
        self.day(23)
        for case in b:
            self.do(case, "review_eligibility", "chen", eligibility_decision="approve")
            self.schedule(case, f"{month}-B02", exam_day=38)
        self.day(28)  # the re-check windows of session A have closed (fired by day())
        self.windows_closed(a)  # a last day on a holiday or weekend runs on (docs/calendar.md)
        for case in [*a[:4], a[5], a[6], a[9], a[12]]:
            self.do(case, "approve_results", "xu", results_approved=True)
        self.day(31)
        self.objection(a[5], "实操考核疑似由他人代做")
        self.objection(a[6], "理论考试座位与准考证不符")
        self.day(32)
        self.do(a[6], "handle_objection", "han", objection_upheld=True,
                objection_finding="调取监控确认替考属实")
        self.day(38)
        for case in b:
            self.do(case, "record_attendance", "wu", attended=True)
        for case, (t, p) in zip(b[:6], [(81, 77), (66, 90), (73, 70), (62, 58), (85, 80),
                                        (90, 92)], strict=True):
            self.do(case, "score_exam", "zheng", theory_score=t, practical_score=p)
        for case in b[:4]:
            self.do(case, "review_scores", "he", scores_confirmed=True)
        self.day(41)
        self.do(a[4], "approve_results", "xu", results_approved=True)  # in notice at the end
        self.late_cases()
        self.clock.now = self.end
        timers.fire_due_timers(uows=units_of(runtime()))
        certified = [case for case in a[:4] if self._case(case).data.get("certificate_no")]
        if len(certified) >= 2:  # 补发 one certificate, revoke another
            self.reissue(certified[0])
            self.revoke(certified[1])

    def early_cases(self) -> None:
        self.apply(13, years_experience=0.5)  # ineligible
        self.apply(14, level=3, years_experience=4, occupation="汽车维修工")  # ineligible
        rejected = self.apply(15)
        self.do(rejected, "review_eligibility", "chen", eligibility_decision="reject",
                eligibility_comment="学籍证明与申报班级不符")
        expired = self.apply(16)
        self.do(expired, "review_eligibility", "sun", eligibility_decision="return",
                eligibility_comment="请补充实习单位出具的工作年限证明", correction_days=3)

    def late_cases(self) -> None:
        self.day(44)
        for index in range(26, 30):
            self.apply(index)  # waiting for eligibility review
        for index in range(30, 32):
            case = self.apply(index)
            self.do(case, "review_eligibility", "sun", eligibility_decision="return",
                    eligibility_comment="证明材料不清晰，请重新上传", correction_days=5)
        for index in range(32, 36):
            case = self.apply(index)
            self.do(case, "review_eligibility", "sun", eligibility_decision="approve")

    # --- steps ------------------------------------------------------------------------
    def day(self, number: int) -> None:
        self.clock.now = self.start + timedelta(days=number, hours=1 + self._next % 7)
        timers.fire_due_timers(uows=units_of(runtime()))

    def windows_closed(self, cases: list[int]) -> None:
        """Time moves on until the cases' windows have ended (a window runs to 24:00 of its
        last day, later when that day is a holiday), and their timers fire."""
        latest = unit_of_work(write=False).session.scalar(
            sa.select(sa.func.max(Timer.due_at)).where(
                Timer.instance_id.in_(cases), Timer.status.in_(OPEN_TIMER_STATUSES)))
        if latest is not None and latest >= self.clock.now:
            self.clock.now = latest + timedelta(minutes=1)
            timers.fire_due_timers(uows=units_of(runtime()))

    def upload(self, username: str, name: str, sample: str) -> str:
        """``username`` uploads one of the demo's sample files; the id a form cites."""
        spool = uploads.open_spool(runtime())
        spool.write((DEMO_FILES / sample).read_bytes())
        row = uploads.save_upload(spool, filename=name, actor=self.actor(username),
                                  uow=unit_of_work())
        return row.public_id

    def apply(self, index: int, **overrides: Any) -> int:
        user = self.applicants[index]
        overrides.setdefault("documents", [self.upload(user, "身份证.png", "id-card.png"),
                                           self.upload(user, "学历证明.pdf", "proof.pdf")])
        data = _application(index, user, overrides)
        case = self.start_process("certification_application", user,
                                  key=f"{KEY_PREFIX}{index + 1:04d}", **data)
        self.cases.append(case)
        return case

    def start_process(self, process_id: str, username: str, *, key: str | None = None,
                      **data: Any) -> int:
        self._next += 1
        view = instances.start_instance(process_id, business_key=key or f"DEMO-{self._next:05d}",
                                        data=data, actor=self.actor(username), uow=unit_of_work())
        return view.instance.id

    def do(self, case: int, task_name: str, username: str, **data: Any) -> None:
        uow = unit_of_work(write=False)
        with uow:
            task_id = uow.session.scalar(sa.select(HumanTask.id).where(
                HumanTask.instance_id == case, HumanTask.task_name == task_name,
                HumanTask.status.in_(OPEN_TASK_STATUSES)))
        if task_id is None:
            raise RuntimeError(f"demo: case {case} has no open task {task_name}")
        human_tasks.complete_task(task_id, data=data, actor=self.actor(username),
                                  uow=unit_of_work(), claim_if_ready=True)

    def schedule(self, case: int, session: str, *, exam_day: int) -> None:
        day = (self.start + timedelta(days=exam_day)).date().isoformat()
        self.do(case, "schedule_exam", "zhou", exam_session=session, venue="实训楼3层考场",
                theory_at=f"{day}T09:00:00+08:00", practical_at=f"{day}T14:00:00+08:00")

    def objection(self, case: int, reason: str) -> None:
        notices.raise_objection(self.key(case), reason, actor=self.actor("xu"), name=None,
                                contact=None, uow=unit_of_work())

    def reissue(self, case: int) -> None:
        number, _, _ = self.certificate_of(case)
        filed = self.start_process("certification_reissue", self.owner(case),
                                   certificate_no=number,
                                   loss_statement="宿舍搬迁时遗失，已登报声明",
                                   documents=[self.upload(self.owner(case), "身份证.png",
                                                          "id-card.png")])
        self.do(filed, "verify_identity", "cao", identity_verified=True,
                verification_note="核对身份证原件与登记信息一致")

    def revoke(self, case: int) -> None:
        number, _, _ = self.certificate_of(case)
        filed = self.start_process("certification_revocation", "han", certificate_no=number,
                                   fraud_finding="经查工作年限证明系伪造",
                                   evidence=[self.upload("han", "调查笔录.pdf", "proof.pdf")])
        self.do(filed, "state_defence", self.owner(case),  # the holder answers first
                defence_statement="工作年限证明由原单位出具，本人不知情")
        self.do(filed, "approve_revocation", "xu", revocation_approved=True)

    # --- lookups ----------------------------------------------------------------------
    def actor(self, username: str) -> Any:
        uow = unit_of_work(write=False)
        with uow:
            user_id = uow.session.scalar(sa.select(User.id).where(User.username == username))
            return load_actor(uow.session, user_id)

    def _case(self, case: int) -> ProcessInstance:
        uow = unit_of_work(write=False)
        with uow:
            return uow.session.get_one(ProcessInstance, case)

    def key(self, case: int) -> str:
        return self._case(case).business_key

    def owner(self, case: int) -> str:
        instance = self._case(case)
        uow = unit_of_work(write=False)
        with uow:
            return uow.session.get_one(User, instance.started_by).username

    def certificate_of(self, case: int) -> tuple[str, str, str]:
        data = self._case(case).data
        return data["certificate_no"], data["applicant_name"], data["id_number"]

    def states(self) -> dict[str, int]:
        uow = unit_of_work(write=False)
        with uow:
            rows = uow.session.execute(sa.select(ProcessInstance.status, ProcessInstance.data)
                                       .where(ProcessInstance.id.in_(self.cases)))
            counted: dict[str, int] = {}
            for status, data in rows:
                state = ((data or {}).get("outcome") if status == InstanceStatus.COMPLETED
                         else status)
                counted[state or status] = counted.get(state or status, 0) + 1
        return dict(sorted(counted.items()))


def _create_applicants(count: int = 36) -> list[str]:
    """``stu01`` … ``stu36`` (password ``demo123``) in four classes; existing ones are kept."""
    names = []
    uow = unit_of_work()
    with uow:
        session = uow.session
        if session.get(Group, "applicant") is None:
            session.add(Group(id="applicant", name="申报人"))
        password = uow.runtime.passwords.hash(PASSWORD)
        for index in range(count):
            username = f"stu{index + 1:02d}"
            names.append(username)
            if session.scalar(sa.select(User.id).where(User.username == username)):
                continue
            user = User(username=username, display_name=_name(index), password_hash=password,
                        role="applicant", active=True, created_at=uow.runtime.now(),
                        class_name=CLASSES[index % len(CLASSES)] if index % 6 else None)
            session.add(user)
            session.flush()
            session.add(Membership(user_id=user.id, group_id="applicant"))
            attach_account(session, user, groups=["applicant"], class_name=user.class_name,
                           now=uow.runtime.now())
        uow.commit()
    return names


def _publish_plan(opens: datetime, closes: datetime) -> None:
    """The 认定计划 the demo applications are made against, open over the whole story."""
    uow = unit_of_work(write=False)
    with uow:
        admin = uow.session.scalar(sa.select(User.id).where(User.role == "admin").limit(1))
        if admin is None:
            return
        actor = load_actor(uow.session, admin)
    plans.open_plan_for_demo(PLAN_CODE, opens=opens.date(), closes=closes.date(), actor=actor,
                             uow=unit_of_work())


def _name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def _application(index: int, username: str, overrides: dict[str, Any]) -> dict[str, Any]:
    first17 = f"3201{index % 9 + 1:02d}{2000 + index % 7}{index % 12 + 1:02d}" \
              f"{index % 27 + 1:02d}{index + 100:03d}"
    data: dict[str, Any] = {
        "plan_code": PLAN_CODE, "applicant_name": _name(index),
        "id_number": first17 + check_character(first17),
        "occupation": OCCUPATIONS[index % len(OCCUPATIONS)], "level": 5,
        "years_experience": 1 + index % 3, "prior_certificate_level": 0}
    if index % 6:
        data.update(applicant_type="student", school="市职业技术学校",
                    class_name=CLASSES[index % len(CLASSES)])
    else:
        data.update(applicant_type="employee", employer="市机械制造有限公司")
    data.update(overrides)
    return data


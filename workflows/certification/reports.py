"""Certification reports: cases by occupation/level/status, pass rate per exam session, and
overdue tasks per group — as rows a view serves as JSON or CSV.

Case fields are read from the instance's JSON data snapshot with SQL JSON extraction (SQLite
``json_extract``, PostgreSQL ``->>``), so no engine state is loaded; the three columns per case
are aggregated here. Overdue counts are one grouped query over the indexed ``human_task`` rows.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, ProcessInstance
from models.statuses import OPEN_TASK_STATUSES, InstanceStatus
from workflows.certification.register import LEVEL_NAMES
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed
from workflows.directory import scope

CASE_PROCESS = "certification_application"
READERS = frozenset({"leading_group", "quality_supervisor", "exam_admin"})
# What a case's report status is while it is not finished (finished cases report ``outcome``).
OPEN_STATUS = {InstanceStatus.RUNNING: "in_progress", InstanceStatus.INCIDENT: "incident",
               InstanceStatus.FAILED: "error", InstanceStatus.CANCELLED: "cancelled"}
CASE_COLUMNS = ("occupation", "level", "level_name", "status", "count")
SESSION_COLUMNS = ("exam_session", "candidates", "absent", "scored", "passed", "failed",
                   "pass_rate")
OVERDUE_COLUMNS = ("candidate_group", "process_id", "overdue", "oldest_due_at")
PASS_RATE_COLUMNS = ("occupation", "level", "level_name", "scored", "passed", "failed",
                     "pass_rate")
STEP_COLUMNS = ("task_name", "step", "cases")
# The headers of the downloads (CSV and .xlsx): the people who open them read Chinese.
HEADERS = {"occupation": "职业（工种）", "level": "等级", "level_name": "等级名称",
           "status": "状态", "count": "案件数", "exam_session": "考试批次",
           "candidates": "考生数", "absent": "缺考", "scored": "已评定", "passed": "合格",
           "failed": "不合格", "pass_rate": "合格率", "candidate_group": "办理组",
           "process_id": "流程", "overdue": "超期任务数", "oldest_due_at": "最早到期时间",
           "task_name": "环节编号", "step": "当前环节", "cases": "案件数"}


# What the downloads show instead of codes: the people who open them read Chinese.
STATUS_NAMES = {
    "in_progress": "办理中", "incident": "故障待处理", "error": "出错", "cancelled": "已终止",
    "completed": "已办结", "withdrawn": "已撤回", "approved": "已批准", "rejected": "未获批准",
    "ineligible": "不符合申报条件", "correction_expired": "逾期未补正", "absent": "缺考",
    "failed": "不合格", "not_approved": "领导小组不予批准", "withheld": "公示异议成立，不予认定",
    "certified": "已发证", "refused": "不予受理", "reissued": "证书已补发",
    "revoked": "证书已撤销", "identity_failed": "身份核验未通过"}
GROUP_NAMES = {
    "applicant": "申报人", "class_teacher": "班主任", "class_office": "班级办公室",
    "leader": "分管领导", "eligibility_reviewer": "资格审核员", "exam_admin": "考务人员",
    "examiner": "考评员", "score_reviewer": "成绩审核员", "quality_supervisor": "质量监督小组",
    "certificate_officer": "证书管理员", "leading_group": "领导小组", "admin": "系统管理员",
    "auditor": "审计员"}
PROCESS_NAMES = {
    "certification_application": "职业技能等级认定申报", "certification_appeal": "成绩复查",
    "certification_reissue": "证书补发", "certification_revocation": "证书撤销",
    "leave_approval": "请假审批", "attendance_proposal": "考勤处理建议"}
# Column -> how its codes read in a download.
VALUE_NAMES = {"status": STATUS_NAMES, "candidate_group": GROUP_NAMES,
               "process_id": PROCESS_NAMES}


def shown(column: str, value: Any) -> Any:
    """A cell as a download shows it: a status, group or process code in Chinese."""
    names = VALUE_NAMES.get(column)
    return names.get(value, value) if names is not None and isinstance(value, str) else value


def ensure_may_read(actor: Actor) -> None:
    if not (actor.is_admin or actor.is_auditor or READERS & actor.groups):
        raise NotAllowed("统计报表仅供系统管理员、审计员、领导小组、质量监督小组和考务人员查看",
                         detail_en="reports are for administrators, auditors, the leading group, "
                         "quality supervisors and exam administrators")


def _cases(session: Session, actor: Actor) -> list[dict[str, Any]]:
    data = ProcessInstance.data
    rows = session.execute(sa.select(
        ProcessInstance.status, data["occupation"].as_string(), data["level"].as_string(),
        data["outcome"].as_string(), data["exam_session"].as_string(),
        data["passed"].as_string(),
    ).where(ProcessInstance.process_id == CASE_PROCESS,
            scope.in_centre(ProcessInstance.tenant_id, actor)))
    cases = []
    for status, occupation, level, outcome, exam_session, passed in rows:
        cases.append({
            "status": (outcome or "completed") if status == InstanceStatus.COMPLETED
            else OPEN_STATUS.get(status, status),
            "occupation": occupation, "level": _int(level), "exam_session": exam_session,
            "passed": _bool(passed), "outcome": outcome})
    return cases


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _bool(value: str | None) -> bool | None:
    """``json_extract`` gives 1/0, ``->>`` gives true/false; absent is None."""
    if value in (None, ""):
        return None
    return str(value).lower() in ("1", "true")


def case_counts(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """How many cases per occupation, level and status (in_progress or the outcome)."""
    ensure_may_read(actor)
    counted = Counter((c["occupation"] or "", c["level"], c["status"])
                      for c in _cases(session, actor))
    return [{"occupation": occupation, "level": level, "level_name": LEVEL_NAMES.get(level),
             "status": status, "count": count}
            for (occupation, level, status), count in sorted(
                counted.items(), key=lambda kv: (kv[0][0], -(kv[0][1] or 0), kv[0][2]))]


def session_pass_rates(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Per exam session: candidates, absent, scored (a result was judged), passed, pass rate."""
    ensure_may_read(actor)
    sessions: dict[str, Counter[str]] = defaultdict(Counter)
    for case in _cases(session, actor):
        if not case["exam_session"]:
            continue
        tally = sessions[case["exam_session"]]
        tally["candidates"] += 1
        tally["absent"] += case["outcome"] == "absent"
        if case["passed"] is not None:
            tally["scored"] += 1
            tally["passed"] += case["passed"]
    return [{"exam_session": name, "candidates": t["candidates"], "absent": t["absent"],
             "scored": t["scored"], "passed": t["passed"], "failed": t["scored"] - t["passed"],
             "pass_rate": round(t["passed"] / t["scored"], 4) if t["scored"] else None}
            for name, t in sorted(sessions.items())]


def pass_rates(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Per occupation and level: cases judged (scored), passed, failed and the pass rate."""
    ensure_may_read(actor)
    tally: dict[tuple[str, int | None], Counter[str]] = defaultdict(Counter)
    for case in _cases(session, actor):
        if case["passed"] is None:
            continue
        counts = tally[(case["occupation"] or "", case["level"])]
        counts["scored"] += 1
        counts["passed"] += case["passed"]
    return [{"occupation": occupation, "level": level,
             "level_name": LEVEL_NAMES.get(level) if level is not None else None,
             "scored": t["scored"], "passed": t["passed"], "failed": t["scored"] - t["passed"],
             "pass_rate": round(t["passed"] / t["scored"], 4) if t["scored"] else None}
            for (occupation, level), t in sorted(tally.items(),
                                                 key=lambda kv: (kv[0][0], -(kv[0][1] or 0)))]


def cases_per_step(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Running certification cases per step they wait at (an open task), most first.

    A step is its element (``task_name``), whichever version a case runs: after the step is
    renamed in a new version, its old and new cases count together under the newest name.
    """
    ensure_may_read(actor)
    open_tasks = (HumanTask.process_id == CASE_PROCESS,
                  HumanTask.status.in_(OPEN_TASK_STATUSES),
                  scope.in_centre(HumanTask.tenant_id, actor))
    rows = session.execute(
        sa.select(HumanTask.task_name, sa.func.count(sa.distinct(HumanTask.instance_id)))
        .where(*open_tasks).group_by(HumanTask.task_name)).all()
    newest: dict[str, str] = {}
    for name, title in session.execute(
            sa.select(HumanTask.task_name, HumanTask.title).where(*open_tasks)
            .order_by(HumanTask.definition_id, HumanTask.id)):
        newest[name] = title
    found = [{"task_name": name, "step": newest.get(name, name), "cases": count}
             for name, count in rows]
    return sorted(found, key=lambda r: (-r["cases"], r["task_name"]))


def overdue_tasks(session: Session, actor: Actor, *, now: datetime) -> list[dict[str, Any]]:
    """Open tasks past their due time, per candidate group and process, oldest due first."""
    ensure_may_read(actor)
    rows = session.execute(
        sa.select(HumanTask.candidate_group, HumanTask.process_id, sa.func.count(),
                  sa.func.min(HumanTask.due_at))
        .where(HumanTask.status.in_(OPEN_TASK_STATUSES), HumanTask.due_at < now,
               scope.in_centre(HumanTask.tenant_id, actor))
        .group_by(HumanTask.candidate_group, HumanTask.process_id))
    found = [{"candidate_group": group, "process_id": process_id, "overdue": count,
              "oldest_due_at": oldest} for group, process_id, count, oldest in rows]
    return sorted(found, key=lambda r: (-r["overdue"], r["candidate_group"] or ""))


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """CSV with a header row and status, group and process names in Chinese; UTF-8 with BOM
    so spreadsheet programs (Excel, WPS) show Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([HEADERS.get(k, k) for k in columns])
    for row in rows:
        writer.writerow([_cell(shown(k, row.get(k))) for k in columns])
    return "\ufeff" + out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value

"""成绩公布: the candidate is told that results are out.

``cert.publish_result`` runs right after the result is judged (the diagram sets
``results_published``, from which the candidate may read scores and comments: see
``applicantReadsWhen`` in ``bpmn/certification_application.bpmn``). It notifies the candidate
with 合格/不合格, the parts below the pass mark and the end of the re-check window (the same
duration and calendar as the window's timer); after a re-check the result is told again,
without a window.
"""

from __future__ import annotations

from typing import Any

from workflows.automation.service_registry import Param, ServiceContext, service
from workflows.certification.plans import BEIJING
from workflows.certification.services import initiator_username
from workflows.engine import add_duration

PASS_MARK = 60
PARTS = (("theory", "理论考试"), ("practical", "实操考核"), ("comprehensive", "综合评审"))


def failed_parts(theory: float | None, practical: float | None,
                 comprehensive: float | None) -> list[str]:
    scores = {"theory": theory, "practical": practical, "comprehensive": comprehensive}
    return [label for key, label in PARTS
            if scores[key] is not None and float(scores[key] or 0) < PASS_MARK]


@service("cert.publish_result", params={
    "passed": "bool",
    "theory_score": Param("float", required=False),
    "practical_score": Param("float", required=False),
    "comprehensive_score": Param("float", required=False),
    "appeal_window": Param("str", required=False),
    "rechecked": Param("bool", required=False, default=False),
})
def publish_result(ctx: ServiceContext, *, passed: bool, theory_score: float | None,
                   practical_score: float | None, comprehensive_score: float | None,
                   appeal_window: str | None, rechecked: bool) -> dict[str, Any]:
    """Tell the candidate their result; the answer is what they were told."""
    uow = ctx.unit_of_work(write=False)
    with uow:
        username = initiator_username(uow.session, ctx.instance_id)
        calendar = uow.runtime.calendar
    failed = [] if passed else failed_parts(theory_score, practical_score, comprehensive_score)
    window_ends = None
    if appeal_window and not rechecked:
        window_ends = add_duration(ctx.now, appeal_window, calendar)
    words = "合格" if passed else "不合格"
    body = [f"您的认定成绩已公布：{words}。"]
    if failed:
        body.append(f"未达到合格线（{PASS_MARK} 分）的部分：{'、'.join(failed)}。")
    if window_ends is not None:
        body.append(f"如对成绩有异议，可在 {window_ends.astimezone(BEIJING):%Y-%m-%d %H:%M}"
                    "（北京时间）前申请成绩复查。")
    elif rechecked:
        body.append("这是成绩复查后的结果。")
    subject = f"成绩公布（申报编号 {ctx.business_key}）：{words}"
    if username is not None:
        ctx.add_effect("notification", user=username, subject=subject, body="".join(body),
                       kind="info")
    return {"result": words, "failed_parts": failed,
            "appeal_window_ends": window_ends.isoformat() if window_ends else None,
            "notified": username}

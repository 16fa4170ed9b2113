"""The users' steps of skill-level certification over HTTP, shared by the certification tests.

Who is who (config/demo_users.json): 刘洋 liuyang (学生, 机电2301), 陈静 chenjing
(数控2302), 赵敏 zhaomin (电商2303), 王磊 wanglei (职工); 资格审核 chen/sun; 考务 zhou/wu;
考评员 qian (机电2301),
feng (数控2302), zheng (no class), jiang (电商2303, also 成绩审核员), qin (汽修2304, also 质量监督);
成绩审核 he; 质量监督 han (and qin, lin); 证书管理 cao; 领导小组 xu (and lin).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api_client import ApiClient, business_key
from tests.background_support import advance, fire_due
from workflows.core.clock import FrozenClock
from workflows.core.id_numbers import check_character

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "tests" / "fixtures" / "attachments"
BUNDLES = ("certification_application", "certification_appeal", "certification_reissue",
           "certification_revocation")
APPLICANT_CLASS = {"liuyang": "机电2301", "chenjing": "数控2302", "zhaomin": "电商2303"}


# The plan the shared steps apply under: every level of 电工 and 数控车工, open for years.
PLAN_CODE = "RZ-TEST"
PLAN: dict[str, Any] = {
    "code": PLAN_CODE, "title": "测试认定计划", "centre": "市职业技能鉴定中心",
    "occupations": [{"occupation": "电工", "levels": [5, 4, 3, 2, 1]},
                    {"occupation": "数控车工", "levels": [5, 4, 3, 2, 1]}],
    "apply_from": "2020-01-01", "apply_until": "2098-12-31",
    "exams": [{"part": "theory", "date": "2099-01-10", "venue": "实训楼 301"},
              {"part": "practical", "date": "2099-01-11", "venue": "电工实训室"}],
    "exam_mode": "closed_book", "requirements": "按国家职业技能标准申报。"}


def deploy_certification(api: ApiClient) -> None:
    for name in BUNDLES:
        response = api.deploy_bundle(ROOT / "bpmn" / f"{name}.bpmn", as_="admin")
        assert response.status_code in (200, 201), response.get_json()
    publish_plan(api, PLAN)


def publish_plan(api: ApiClient, plan: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/v1/plans", as_="admin", json=plan)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def id_number(birth: str = "20050312", seq: str = "123", area: str = "320102") -> str:
    """A valid 18-digit number (check character computed)."""
    first17 = area + birth + seq
    return first17 + check_character(first17)


# One 身份证号 per person (one number under two names is refused); 刘洋's is ``id_number()``.
ID_SEQUENCE = {"liuyang": "123", "chenjing": "234", "zhaomin": "345", "wanglei": "456",
               "xiaoming": "567", "chen": "678"}


def application(user: str = "liuyang", **overrides: Any) -> dict[str, Any]:
    """A complete, valid 五级 application of a student (or an employee for wanglei)."""
    names = {"liuyang": "刘洋", "chenjing": "陈静", "zhaomin": "赵敏", "wanglei": "王磊",
             "xiaoming": "小明", "chen": "陈审核"}
    data: dict[str, Any] = {
        "plan_code": PLAN_CODE, "applicant_name": names.get(user, user),
        "id_number": id_number(seq=ID_SEQUENCE.get(user, "999")),
        "occupation": "电工", "level": 5, "years_experience": 1.5,
        "prior_certificate_level": 0}
    if user in APPLICANT_CLASS:
        data.update(applicant_type="student", school="市职业技术学校",
                    class_name=APPLICANT_CLASS[user])
    else:
        data.update(applicant_type="employee", employer="市机械厂")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def documents(api: ApiClient, user: str, *names: str) -> list[str]:
    """The applicant's uploads of their proof (an ID photo and a scanned study proof by
    default): the ids an application's 证明材料 cites."""
    files = {".png": (FILES / "photo.png").read_bytes(),
             ".pdf": (FILES / "diagnosis.pdf").read_bytes()}
    return [api.uploaded(name, files[Path(name).suffix], as_=user)["id"]
            for name in names or ("身份证.png", "学籍证明.pdf")]


def apply(api: ApiClient, user: str = "liuyang", *, key: str | None = None,
          **overrides: Any) -> dict[str, Any]:
    """``user`` uploads their proof and applies, citing it."""
    overrides.setdefault("documents", documents(api, user))
    response = api.start("certification_application", as_=user,
                         key=key or business_key("RZ"), **application(user, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def task(api: ApiClient, instance_id: int, name: str) -> dict[str, Any]:
    """The open task ``name`` of an instance (fails if it is not open)."""
    open_tasks = api.instance(instance_id)["open_tasks"]
    found = [t for t in open_tasks if t["task_name"] == name]
    assert found, f"{name} is not open; open: {[t['task_name'] for t in open_tasks]}"
    return found[0]


def do(api: ApiClient, instance_id: int, name: str, user: str, **data: Any) -> dict[str, Any]:
    """Claim and complete the open task ``name`` as ``user``; the instance afterwards."""
    return api.claim_and_complete(task(api, instance_id, name)["id"], as_=user, **data)


def open_names(api: ApiClient, instance_id: int) -> list[str]:
    return [t["task_name"] for t in api.instance(instance_id)["open_tasks"]]


def approve_eligibility(api: ApiClient, case: int, user: str = "sun") -> dict[str, Any]:
    return do(api, case, "review_eligibility", user, eligibility_decision="approve")


def schedule(api: ApiClient, case: int, user: str = "zhou",
             session: str = "2026-11-S01") -> dict[str, Any]:
    return do(api, case, "schedule_exam", user, exam_session=session, venue="实训楼301",
              theory_at="2026-11-20T09:00:00+08:00", practical_at="2026-11-21T09:00:00+08:00")


def attend(api: ApiClient, case: int, attended: bool = True) -> dict[str, Any]:
    return do(api, case, "record_attendance", "zhou", attended=attended)


def score(api: ApiClient, case: int, user: str = "feng", theory: float = 78,
          practical: float = 82) -> dict[str, Any]:
    return do(api, case, "score_exam", user, theory_score=theory, practical_score=practical)


def review(api: ApiClient, case: int, user: str = "he", confirmed: bool = True,
           comment: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"scores_confirmed": confirmed}
    if comment:
        data["score_review_comment"] = comment
    return do(api, case, "review_scores", user, **data)


def through_scoring(api: ApiClient, case: int, *, theory: float = 78,
                    practical: float = 82, scorer: str = "zheng") -> dict[str, Any]:
    """Eligibility approved, exam scheduled and attended, scores entered and confirmed."""
    approve_eligibility(api, case)
    schedule(api, case)
    attend(api, case)
    score(api, case, scorer, theory, practical)
    return review(api, case)


def close_appeal_window(api: ApiClient, clock: FrozenClock) -> None:
    """The 15-day re-check window ends (timer fired by the periodic job)."""
    advance(api, clock, days=16)
    assert fire_due(api)["fired"] >= 1


def end_notice(api: ApiClient, clock: FrozenClock) -> None:
    """Five working days of public notice pass without objection."""
    advance(api, clock, days=8)
    assert fire_due(api)["fired"] >= 1


def verify(api: ApiClient, number: str, name: str) -> dict[str, Any]:
    response = api.client.get("/api/v1/certificates/verify",
                              query_string={"certificate_no": number, "holder_name": name})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def certify(api: ApiClient, clock: FrozenClock, user: str = "liuyang",
            **overrides: Any) -> dict[str, Any]:
    """A 五级 case all the way to its certificate; the final instance."""
    case = apply(api, user, **overrides)["id"]
    through_scoring(api, case)
    close_appeal_window(api, clock)
    do(api, case, "approve_results", "xu", results_approved=True)
    end_notice(api, clock)
    final = api.instance(case)
    assert final["data"]["outcome"] == "certified", final
    return final

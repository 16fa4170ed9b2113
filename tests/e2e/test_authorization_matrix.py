"""Who may call what: every endpoint × every kind of caller, with the status each must get.

One row per endpoint (and situation); columns are the callers below. A new endpoint of a
blueprint in ``HARDENED_BLUEPRINTS`` without a row fails ``test_every_endpoint_has_a_row``.
To add one: a ``Row`` with the method, the path exactly as in /api/openapi.json, the seven
statuses in ``CALLERS`` order, and how to build the request (``Scene`` supplies the ids).
"""

from __future__ import annotations

import io
import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from tests.api_client import PASSWORDS, PROOF, ApiClient
from tests.e2e.matrix_scenes import (
    PLAN,
    incident,
    published_plan,
    waiting_for_objection,
    xiaomings_certificate,
)
from tests.hardening import HARDENED_BLUEPRINTS, api_endpoints
from tests.test_support import leave_bundle

# caller -> demo user (None: no token). The applicant owns the case; the task is class_teacher's.
CALLERS = {
    "anonymous": None,
    "applicant": "xiaoming",
    "other_applicant": "xiaohong",
    "reviewer_outside": "li",  # class_office, not class_teacher
    "reviewer_in_group": "zhang",  # class_teacher
    "admin": "admin",
    "auditor": "auditor",
}
_versions = itertools.count(2)


@dataclass
class Scene:
    """The objects a request points at, made fresh by a row's ``setup``."""

    api: ApiClient
    ids: dict[str, Any] = field(default_factory=dict)


def teacher_task(scene: Scene) -> None:
    """xiaoming asks for one day: an unclaimed task for class_teacher."""
    response = scene.api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                               reason="矩阵测试")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    scene.ids.update(instance_id=body["id"], task_id=body["open_tasks"][0]["id"],
                     task_name=body["open_tasks"][0]["task_name"])


def sick_leave_with_proof(scene: Scene) -> None:
    """xiaoming attaches a diagnosis to a day of sick leave: the class teacher's task."""
    proof = scene.api.uploaded("诊断书.pdf", b"%PDF-1.4\n%%EOF\n", as_="xiaoming")
    response = scene.api.start_leave(as_="xiaoming", days=1, leave_type="sick",
                               reason="矩阵测试", proof=[proof["id"]])
    assert response.status_code == 201, response.get_json()
    scene.ids.update(instance_id=response.get_json()["id"], attachment_id=proof["id"])


def claimed_teacher_task(scene: Scene) -> None:
    teacher_task(scene)
    assert scene.api.claim(scene.ids["task_id"], as_="zhang").status_code == 200


def own_task(scene: Scene) -> None:
    """After zhang approves, the return confirmation is assigned to xiaoming himself."""
    claimed_teacher_task(scene)
    done = scene.api.complete(scene.ids["task_id"], as_="zhang", teacher_approved=True)
    assert done.status_code == 200, done.get_json()
    scene.ids["task_id"] = done.get_json()["open_tasks"][0]["id"]


def a_class_and_a_teacher(scene: Scene) -> None:
    """机电2301 and 王老师 (to appoint as its 班主任)."""
    [root] = scene.api.get("/api/v1/directory/units", as_="admin").get_json()
    [teacher] = scene.api.get("/api/v1/directory/people", as_="admin",
                              query_string={"q": "王老师"}).get_json()
    scene.ids.update(unit_id=next(u["id"] for u in root["children"] if u["name"] == "机电2301"),
                     person_id=teacher["id"])


def the_tree(scene: Scene) -> None:
    """机电2301, its centre (the root) and 王老师."""
    a_class_and_a_teacher(scene)
    [root] = scene.api.get("/api/v1/directory/units", as_="admin").get_json()
    scene.ids["centre_id"] = root["id"]


def nothing(scene: Scene) -> None:
    return None


def suspended_teacher_task(scene: Scene) -> None:
    """The teacher's task, its instance suspended by the administrator (so it can resume)."""
    teacher_task(scene)
    response = scene.api.post(f"/api/v1/instances/{scene.ids['instance_id']}/suspend",
                              as_="admin", json={})
    assert response.status_code == 200, response.get_json()


Request = Callable[[ApiClient, Scene, "str | None"], TestResponse]


def call(method: str, body: Callable[[Scene, str | None], dict[str, Any]] | None = None,
         query: Callable[[Scene], dict[str, Any]] | None = None) -> Request:
    """Call the row's path (ids filled in from the scene) as the user, with a JSON body and a
    query string."""

    def send(api: ApiClient, scene: Scene, user: str | None, *, path: str = "") -> TestResponse:
        kwargs: dict[str, Any] = {"json": body(scene, user)} if body else {}
        if query:
            kwargs["query_string"] = query(scene)
        return getattr(api, method.lower())(path.format(**scene.ids), as_=user, **kwargs)

    return send  # type: ignore[return-value]


def sign_in(api: ApiClient, scene: Scene, user: str | None, **_: Any) -> TestResponse:
    credentials = {"username": user or "xiaoming", "password": PASSWORDS[user] if user else "?"}
    return api.client.post("/api/v1/auth/token", json=credentials)


def upload(url: str) -> Request:
    """POST a leave bundle as multipart, changed each time (an admin's deploy is then 201)."""

    def send(api: ApiClient, scene: Scene, user: str | None, **_: Any) -> TestResponse:
        files = leave_bundle()
        files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
            "请假审批".encode(), f"请假审批 v{next(_versions)}".encode(), 1)
        return api.post(url, as_=user, content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(c), n) for n, c in files.items()]})

    return send  # type: ignore[return-value]


def attachment_upload(api: ApiClient, scene: Scene, user: str | None, **_: Any) -> TestResponse:
    return api.upload("证明.pdf", b"%PDF-1.4\n%%EOF\n", as_=user)


def _one_learner_sheet() -> bytes:
    from tests.sheet_files import learner_rows, xlsx

    return xlsx(learner_rows(1, classes=["机电2301"], prefix=f"M{next(_versions)}-"))


def sheet_upload(api: ApiClient, scene: Scene, user: str | None, **_: Any) -> TestResponse:
    return api.post("/api/v1/directory/imports", as_=user, query_string={"kind": "learners"},
                    content_type="multipart/form-data",
                    data={"file": (io.BytesIO(_one_learner_sheet()), "学员.xlsx")})


def a_previewed_import(scene: Scene) -> None:
    response = sheet_upload(scene.api, scene, "admin")
    assert response.status_code == 201, response.get_json()
    scene.ids["import_id"] = response.get_json()["id"]


def a_position(scene: Scene) -> None:
    """王老师 is made 任课教师 of 机电2301 (a position to end)."""
    a_class_and_a_teacher(scene)
    response = scene.api.post(f"/api/v1/admin/people/{scene.ids['person_id']}/positions",
                              as_="admin", json={"unit_id": scene.ids["unit_id"],
                                                 "role": "teacher"})
    assert response.status_code == 201, response.get_json()
    scene.ids["position_id"] = next(p["id"] for p in response.get_json()["positions"]
                                    if p["role"] == "teacher")


def a_substitution(scene: Scene) -> None:
    """The administrator names 王老师 the substitute of 张老师 this month (a 代理 to end)."""
    a_class_and_a_teacher(scene)
    [zhang] = scene.api.get("/api/v1/directory/people", as_="admin",
                            query_string={"q": "张老师"}).get_json()
    response = scene.api.post("/api/v1/directory/substitutes", as_="admin", json={
        "person_id": zhang["id"], "substitute_person_id": scene.ids["person_id"],
        "valid_from": "2026-11-01", "valid_to": "2099-11-30"})
    assert response.status_code == 201, response.get_json()
    scene.ids["substitution_id"] = response.get_json()["id"]


def logout(api: ApiClient, scene: Scene, user: str | None, **_: Any) -> TestResponse:
    response = api.post("/api/v1/auth/logout", as_=user)
    api._tokens.pop(user or "", None)  # that token is revoked now
    return response


@dataclass
class Row:
    method: str
    path: str
    statuses: tuple[int, ...]  # in CALLERS order
    send: Request
    setup: Callable[[Scene], None] = nothing
    situation: str = ""
    # Requests that change state get a fresh scene per caller, so callers cannot interfere.
    fresh: bool = False
    # Who plays a caller in this row, where the group that matters is not class_teacher's
    # (e.g. {"reviewer_in_group": "cao"}, a certificate officer, for the register).
    users: dict[str, str] = field(default_factory=dict)
    # The status that counts, for answers that carry one per item (bulk completion).
    status_of: Callable[[TestResponse], int] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.situation})" if self.situation else "")


def start_body(scene: Scene, user: str | None) -> dict[str, Any]:
    """A one-day leave with its proof uploaded by the caller (nothing when they cannot)."""
    uploaded = scene.api.upload("证明.pdf", PROOF, as_=user) if user else None
    proof = [uploaded.get_json()["id"]] if uploaded and uploaded.status_code == 201 else []
    return {"process_id": "leave_approval", "business_key": "MATRIX",
            "data": {"leave_type": "personal", "reason": "矩阵", "proof": proof,
                     **scene.api.leave_dates(1)}}


def item_status(response: TestResponse) -> int:
    """Bulk completion answers 200 with one status per task: the one task's status counts."""
    if response.status_code != 200:
        return response.status_code
    [result] = response.get_json()["results"]
    return result["status"]


def office_task_of_li(scene: Scene) -> None:
    """xiaoming asks for 2.5 days, zhang agrees: li (class_office) holds the second step."""
    response = scene.api.start_leave(as_="xiaoming", days=2.5,
                               leave_type="personal", reason="矩阵测试")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    scene.api.claim_and_complete(body["open_tasks"][0]["id"], as_="zhang",
                                 teacher_approved=True, teacher_comment="同意")
    office = scene.api.open_task(body["id"])
    assert scene.api.claim(office["id"], as_="li").status_code == 200
    scene.ids.update(instance_id=body["id"], task_id=office["id"])


def opinion_asked_of_li(scene: Scene) -> None:
    claimed_teacher_task(scene)
    asked = scene.api.post(f"/api/v1/tasks/{scene.ids['task_id']}/opinions", as_="zhang",
                           json={"to": "li", "question": "矩阵"})
    assert asked.status_code == 201, asked.get_json()
    scene.ids["request_seq"] = asked.get_json()["request_seq"]


AUDITORS_ONLY = (401, 403, 403, 403, 403, 200, 200)  # auditors and administrators read
ADMIN_ONLY = (401, 403, 403, 403, 403, 200, 403)
SIGNED_IN = (401, 200, 200, 200, 200, 200, 200)
# The instance's own people: its applicant, its group's reviewers, administrators, auditors.
ITS_PEOPLE = (401, 200, 404, 404, 200, 200, 200)

#                                           anon appl other r_out r_in admin audit
AUDIT_ROWS = [
    Row("GET", "/api/v1/audit/verify", AUDITORS_ONLY, call("GET")),
    Row("GET", "/api/v1/instances/{instance_id}/replay", AUDITORS_ONLY, call("GET"),
        teacher_task),
    Row("GET", "/api/v1/audit/instances", AUDITORS_ONLY, call("GET"), teacher_task),
    Row("GET", "/api/v1/audit/instances/{instance_id}/timeline", AUDITORS_ONLY, call("GET"),
        teacher_task),
    Row("GET", "/api/v1/audit/instances/{instance_id}/diff", AUDITORS_ONLY,
        call("GET", query=lambda scene: {"from": 1, "to": 2}), teacher_task),
    Row("GET", "/api/v1/audit/users/{user_id}/activity", AUDITORS_ONLY, call("GET"),
        teacher_task),
    Row("GET", "/api/v1/audit/access-log", AUDITORS_ONLY, call("GET")),
    Row("GET", "/api/v1/audit/export", AUDITORS_ONLY,
        call("GET", query=lambda scene: {"instance_id": scene.ids["instance_id"]}),
        teacher_task),
]
# Certificates: xiaoming holds one; cao (certificate_officer) and xu (leading_group) keep the
# register and read reports; the public checks a number with its holder's name.
KEEPER = {"reviewer_in_group": "cao"}
LEADING_GROUP = {"reviewer_in_group": "xu"}
CERTIFICATION_ROWS = [
    Row("GET", "/api/v1/certificates/verify", (200, 200, 200, 200, 200, 200, 200),
        call("GET", query=lambda scene: {"certificate_no": scene.ids["certificate_no"],
                                         "holder_name": scene.ids["holder_name"]}),
        xiaomings_certificate),
    Row("GET", "/api/v1/certificates", SIGNED_IN, call("GET"), xiaomings_certificate,
        users=KEEPER),
    Row("GET", "/api/v1/certificates/{certificate_no}", (401, 200, 404, 404, 200, 200, 200),
        call("GET"), xiaomings_certificate, users=KEEPER),
    Row("GET", "/api/v1/certificates/{certificate_no}/pdf", (401, 200, 404, 404, 200, 200, 200),
        call("GET"), xiaomings_certificate, users=KEEPER),
    Row("GET", "/api/v1/batch/tasks", SIGNED_IN,
        call("GET", query=lambda scene: {"task_name": scene.ids["task_name"]}), teacher_task),
    Row("POST", "/api/v1/batch/complete", (401, 404, 404, 404, 200, 403, 403),
        call("POST", lambda scene, user: {"items": [
            {"task_id": scene.ids["task_id"], "data": {"teacher_approved": True}}]}),
        teacher_task, "an unclaimed task of class_teacher", fresh=True, status_of=item_status),
    *(Row("GET", f"/api/v1/reports/{report}", (401, 403, 403, 403, 200, 200, 200), call("GET"),
          users=LEADING_GROUP)
      for report in ("certification/cases", "certification/cases.csv",
                     "certification/sessions", "certification/sessions.csv", "tasks/overdue",
                     "tasks/overdue.csv", "certification/pass-rates",
                     "certification/pass-rates.csv", "certification/steps",
                     "certification/steps.csv", "certification.xlsx")),
]
EVERYONE = (200, 200, 200, 200, 200, 200, 200)
PLAN_ROWS = [
    Row("GET", "/api/v1/plans", EVERYONE, call("GET"), published_plan),
    Row("GET", "/api/v1/plans/{code}", EVERYONE, call("GET"), published_plan),
    Row("POST", "/api/v1/plans", (401, 403, 403, 403, 403, 201, 403),
        call("POST", lambda scene, user: PLAN)),
    Row("GET", "/api/v1/plans/{code}/notice", EVERYONE, call("GET"), published_plan),
    # Anyone may object (without a token: with name and contact); no case of that key is
    # under notice, so every caller but the read-only auditor gets the same 404.
    Row("POST", "/api/v1/objections", (404, 404, 404, 404, 404, 404, 403),
        call("POST", lambda scene, user: {"business_key": "RZ-MATRIX-1", "reason": "矩阵测试异议",
                                          "name": "张三", "contact": "13800001234"})),
    # Who objected: the 质量监督小组 (han), administrators and auditors.
    Row("GET", "/api/v1/objections", (401, 403, 403, 403, 200, 200, 200), call("GET"),
        users={"reviewer_in_group": "han"}),
]
# 转交, 退回, 加签, 撤回, 催办, 抄送, comments (the teacher's task allows all but 退回).
APPROVAL_ROWS = [
    Row("GET", "/api/v1/tasks/{task_id}/actions", (401, 404, 404, 404, 200, 200, 200),
        call("GET"), teacher_task),
    Row("POST", "/api/v1/tasks/{task_id}/transfer", (401, 404, 404, 404, 200, 403, 403),
        call("POST", lambda scene, user: {"to": "wang"}), claimed_teacher_task,
        "claimed by zhang", fresh=True),
    Row("POST", "/api/v1/tasks/{task_id}/send-back", (401, 404, 404, 200, 404, 403, 403),
        call("POST", lambda scene, user: {"to_step": "approve_class_teacher",
                                          "reason": "矩阵"}),
        office_task_of_li, "claimed by li", fresh=True),
    Row("POST", "/api/v1/tasks/{task_id}/opinions", (401, 404, 404, 404, 201, 403, 403),
        call("POST", lambda scene, user: {"to": "li", "question": "矩阵"}),
        claimed_teacher_task, "claimed by zhang", fresh=True),
    Row("GET", "/api/v1/tasks/{task_id}/opinions", (401, 404, 404, 404, 200, 200, 200),
        call("GET"), teacher_task),
    Row("GET", "/api/v1/opinions", SIGNED_IN, call("GET")),
    Row("POST", "/api/v1/instances/{instance_id}/opinions/{request_seq}/answer",
        (401, 404, 404, 200, 404, 404, 403), call("POST", lambda scene, user: {"answer": "好"}),
        opinion_asked_of_li, "asked of li", fresh=True),
    Row("POST", "/api/v1/instances/{instance_id}/withdraw", (401, 200, 404, 404, 403, 403, 403),
        call("POST", lambda scene, user: {}), teacher_task, fresh=True),
    Row("POST", "/api/v1/instances/{instance_id}/remind", (401, 200, 404, 404, 403, 403, 403),
        call("POST"), teacher_task, fresh=True),
    Row("POST", "/api/v1/instances/{instance_id}/copies", (401, 403, 404, 404, 200, 403, 403),
        call("POST", lambda scene, user: {"to": ["li"]}), claimed_teacher_task,
        "claimed by zhang", fresh=True),
    Row("GET", "/api/v1/instances/{instance_id}/comments", ITS_PEOPLE, call("GET"),
        teacher_task),
    Row("POST", "/api/v1/instances/{instance_id}/comments", (401, 201, 404, 404, 201, 201, 403),
        call("POST", lambda scene, user: {"text": "矩阵"}), teacher_task),
    Row("GET", "/api/v1/people", SIGNED_IN, call("GET")),
    Row("GET", "/api/v1/my-cases", SIGNED_IN, call("GET"), teacher_task),
    Row("GET", "/api/v1/tasks/{task_id}/guidance", (401, 404, 404, 404, 200, 200, 200),
        call("GET"), teacher_task, "a reviewer group's task"),
    Row("GET", "/api/v1/tasks/{task_id}/guidance", (401, 200, 404, 404, 404, 200, 200),
        call("GET"), own_task, "the applicant's own task"),
]
OBJECTION = {"name": "objection", "payload": {"reason": "成绩有误"}}
BACKGROUND_ROWS = [
    Row("GET", "/api/v1/incidents", AUDITORS_ONLY, call("GET"), incident),
    Row("GET", "/api/v1/incidents/{incident_id}", AUDITORS_ONLY, call("GET"), incident),
    Row("POST", "/api/v1/incidents/{incident_id}/retry", ADMIN_ONLY, call("POST"), incident,
        fresh=True),
    Row("POST", "/api/v1/messages", (401, 200, 404, 404, 404, 200, 403),
        call("POST", lambda scene, user: {**OBJECTION, "business_key": scene.ids[
            "business_key"]}), waiting_for_objection, "xiaoming's case waits for it", fresh=True),
    # Delivered by the re-check process only: over the API it would let a candidate (or
    # anyone who sees the case) decide their own score re-check.
    Row("POST", "/api/v1/messages", (401, 403, 403, 403, 403, 403, 403),
        call("POST", lambda scene, user: {"name": "cert_appeal_decided", "business_key": "RZ-1",
                                          "payload": {"outcome": "corrected"}}),
        situation="a re-check outcome (the re-check process's own message)"),
    Row("GET", "/api/v1/messages/unmatched", AUDITORS_ONLY, call("GET")),
    Row("GET", "/api/v1/notifications", SIGNED_IN, call("GET")),
    Row("GET", "/api/v1/notifications/channels", SIGNED_IN, call("GET")),
    Row("PUT", "/api/v1/notifications/email", (401, 200, 200, 200, 200, 200, 403),
        call("PUT", lambda scene, user: {"email": f"{user}@school.example"})),
    Row("GET", "/api/v1/timers", SIGNED_IN, call("GET"), teacher_task, "all"),
    Row("GET", "/api/v1/timers", ITS_PEOPLE,
        call("GET", query=lambda scene: {"instance_id": scene.ids["instance_id"]}),
        teacher_task, "one instance's"),
    Row("POST", "/api/v1/timers/fire-due", ADMIN_ONLY, call("POST")),
    # Demo mode only: refused to everyone here (the suite is not a demo); test_timers.py
    # fires one in demo mode.
    Row("POST", "/api/v1/timers/{timer_id}/fire-now", (401, 403, 403, 403, 403, 403, 403),
        call("POST"), waiting_for_objection, "outside the demo mode", fresh=True),
]


def attendance_class(scene: Scene) -> None:
    """张老师 班主任 of 机电2301 with a course and one session (the attendance rows)."""
    api = scene.api
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    unit = next(u["id"] for u in root["children"] if u["name"] == "机电2301")
    [teacher] = api.get("/api/v1/directory/people", as_="admin",
                        query_string={"q": "张老师"}).get_json()
    appointed = api.post(f"/api/v1/directory/units/{unit}/positions", as_="admin",
                         json={"person_id": teacher["id"], "role": "class_teacher"})
    assert appointed.status_code == 201, appointed.get_json()
    course = api.post(f"/api/v1/attendance/classes/{unit}/courses", as_="zhang", json={
        "name": f"矩阵课程{next(_versions)}", "term": "2026-2027-1", "contact_hours": 30})
    assert course.status_code == 201, course.get_json()
    session = api.post(f"/api/v1/attendance/classes/{unit}/sessions", as_="zhang", json={
        "sessions": [_session_body(course.get_json()["id"])]})
    assert session.status_code == 201, session.get_json()
    scene.ids.update(unit_id=unit, centre_id=root["id"], course_id=course.get_json()["id"],
                     session_id=session.get_json()["ids"][0], fmt="csv")


def attendance_centre(scene: Scene) -> None:
    """The attendance class's centre (a 系部's report, one level up)."""
    attendance_class(scene)
    scene.ids["unit_id"] = scene.ids["centre_id"]


def _session_body(course_id: int) -> dict[str, Any]:
    n = next(_versions)
    return {"course_id": course_id, "date": f"2026-{9 + n % 3:02d}-{1 + n % 28:02d}",
            "half": "am", "period": str(n), "kind": "lecture", "hours": 2}


def timetable_upload(api: ApiClient, scene: Scene, user: str | None, **_: Any) -> TestResponse:
    [course] = [c for c in api.get(f"/api/v1/attendance/classes/{scene.ids['unit_id']}/courses",
                                   as_="admin").get_json() if c["id"] == scene.ids["course_id"]]
    n = next(_versions)
    sheet = f"课程,日期,半天,节次,类型,学时\r\n{course['name']},2026-12-01,下午,{n},面授课,2\r\n"
    return api.post(f"/api/v1/attendance/classes/{scene.ids['unit_id']}/sessions/import",
                    as_=user, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(sheet.encode()), "课表.csv")})


READS_CLASS = (401, 403, 403, 200, 200, 200, 200)  # its teachers and overseers (li: 班级办公室)
TEACHES_CLASS = (401, 403, 403, 403, 200, 403, 403)  # only its own teacher
ATTENDANCE = "/api/v1/attendance"
ATTENDANCE_ROWS = [
    Row("GET", f"{ATTENDANCE}/classes", SIGNED_IN, call("GET")),
    Row("GET", f"{ATTENDANCE}/me", SIGNED_IN, call("GET")),
    Row("GET", f"{ATTENDANCE}/timetable-template.csv", SIGNED_IN, call("GET")),
    Row("GET", f"{ATTENDANCE}/classes/{{unit_id}}/courses", READS_CLASS, call("GET"),
        attendance_class),
    Row("POST", f"{ATTENDANCE}/classes/{{unit_id}}/courses", (401, 403, 403, 403, 201, 201, 403),
        call("POST", lambda scene, user: {"name": f"课程{next(_versions)}",
                                          "term": "2026-2027-1", "contact_hours": 20}),
        attendance_class),
    Row("GET", f"{ATTENDANCE}/classes/{{unit_id}}/sessions", READS_CLASS, call("GET"),
        attendance_class),
    Row("POST", f"{ATTENDANCE}/classes/{{unit_id}}/sessions",
        (401, 403, 403, 403, 201, 201, 403),
        call("POST", lambda scene, user: {"sessions": [_session_body(scene.ids["course_id"])]}),
        attendance_class),
    Row("POST", f"{ATTENDANCE}/classes/{{unit_id}}/sessions/import",
        (401, 403, 403, 403, 201, 201, 403), timetable_upload, attendance_class),
    Row("GET", f"{ATTENDANCE}/classes/{{unit_id}}/overview", READS_CLASS, call("GET"),
        attendance_class),
    Row("GET", f"{ATTENDANCE}/classes/{{unit_id}}/weekly", READS_CLASS, call("GET"),
        attendance_class),
    Row("GET", f"{ATTENDANCE}/sessions/{{session_id}}", TEACHES_CLASS, call("GET"),
        attendance_class),
    Row("PUT", f"{ATTENDANCE}/sessions/{{session_id}}/records", TEACHES_CLASS,
        call("PUT", lambda scene, user: {"marks": []}), attendance_class),
    # A session without attendance recorded: its teacher or an administrator corrects it.
    Row("PATCH", f"{ATTENDANCE}/sessions/{{session_id}}", (401, 403, 403, 403, 200, 200, 403),
        call("PATCH", lambda scene, user: {"hours": 3, "reason": "矩阵调课"}), attendance_class,
        fresh=True),
    Row("DELETE", f"{ATTENDANCE}/sessions/{{session_id}}", (401, 403, 403, 403, 204, 204, 403),
        call("DELETE", query=lambda scene: {"reason": "矩阵停课"}), attendance_class,
        fresh=True),
    Row("GET", f"{ATTENDANCE}/classes/{{unit_id}}/session-changes", READS_CLASS, call("GET"),
        attendance_class),
    Row("GET", f"{ATTENDANCE}/reports/classes/{{unit_id}}.{{fmt}}", READS_CLASS, call("GET"),
        attendance_class),
    # A 系部's (here the centre's) report: its overseers only, not a class teacher.
    Row("GET", f"{ATTENDANCE}/reports/departments/{{unit_id}}.{{fmt}}",
        (401, 403, 403, 200, 403, 200, 200), call("GET"), attendance_centre),
]

# The holiday calendar: everyone signed in reads it (deadlines are counted with it); only
# administrators change it (each change a new revision of its year).
CALENDAR_ROWS = [
    Row("GET", "/api/v1/calendar/years", SIGNED_IN, call("GET")),
    Row("GET", "/api/v1/calendar/years/{year}", SIGNED_IN, call("GET"),
        lambda scene: scene.ids.update(year=2026)),
    Row("GET", "/api/v1/calendar/years/{year}/revisions", SIGNED_IN, call("GET"),
        lambda scene: scene.ids.update(year=2026)),
    Row("PUT", "/api/v1/calendar/years/{year}", ADMIN_ONLY,
        call("PUT", lambda scene, user: {"holidays": {"2031-01-01": "元旦"}, "workdays": {},
                                         "note": "矩阵"}),
        lambda scene: scene.ids.update(year=2031), fresh=True),
    Row("PUT", "/api/v1/calendar/days/{day}", ADMIN_ONLY,
        call("PUT", lambda scene, user: {"kind": "holiday", "name": "矩阵假日"}),
        lambda scene: scene.ids.update(day="2031-03-03"), fresh=True),
    Row("DELETE", "/api/v1/calendar/days/{day}", ADMIN_ONLY, call("DELETE"),
        lambda scene: scene.ids.update(day="2026-10-01"), fresh=True),
]

# The 质量监督小组's list of every case of its centre: han is the supervisor here; the class
# teacher, the class office, administrators and auditors are not (they have their own views).
SUPERVISION_ROWS = [
    Row("GET", "/api/v1/supervision/cases", (401, 403, 403, 403, 200, 403, 403), call("GET"),
        teacher_task, users={"reviewer_in_group": "han"}),
]

#                                           anon appl other r_out r_in admin audit
MATRIX: list[Row] = [
    Row("GET", "/api/v1/health", (200, 200, 200, 200, 200, 200, 200), call("GET")),
    Row("POST", "/api/v1/auth/token", (401, 200, 200, 200, 200, 200, 200), sign_in),
    Row("POST", "/api/v1/auth/logout", (401, 204, 204, 204, 204, 204, 204), logout),
    # Single sign-on is not configured in this suite's app: everyone learns that it is off,
    # and its other endpoints answer 404 (its own tests, against a real provider, are
    # tests/e2e/test_single_sign_on.py).
    Row("GET", "/api/v1/auth/sso", (200,) * 7, call("GET")),
    *(Row("GET", f"/api/v1/auth/sso{tail}", (404,) * 7, call("GET"))
      for tail in ("/start", "/callback", "/logout")),
    Row("POST", "/api/v1/auth/users/{user_id}/revoke-tokens",
        (401, 403, 403, 403, 403, 204, 403), call("POST"), fresh=True),
    Row("GET", "/api/v1/me", (401, 200, 200, 200, 200, 200, 200), call("GET")),
    Row("POST", "/api/v1/auth/password", (401, 422, 422, 422, 422, 422, 422),
        call("POST", lambda scene, user: {"current_password": "not-the-password",
                                          "new_password": "Matrix-2026-new"}),
        situation="with a wrong current password"),
    # Public: anyone may try a code (counted as sign-ins are); a wrong one is 422 for all.
    Row("POST", "/api/v1/auth/activate", (422,) * 7,
        call("POST", lambda scene, user: {"username": user or "nobody", "code": "ABCDE-FGHJK",
                                          "new_password": "Matrix-2026-new"}),
        situation="with a wrong code"),
    Row("GET", "/api/v1/directory/units", SIGNED_IN, call("GET")),
    # Learners do not search the directory; staff search their own centre.
    Row("GET", "/api/v1/directory/people", (401, 403, 403, 200, 200, 200, 200),
        call("GET", query=lambda scene: {"q": "小"})),
    Row("POST", "/api/v1/directory/units/{unit_id}/positions",
        (401, 403, 403, 403, 403, 201, 403),
        call("POST", lambda scene, user: {"person_id": scene.ids["person_id"],
                                          "role": "class_teacher"}),
        a_class_and_a_teacher, fresh=True),
    # 代理: staff name a substitute for their absence; learners and auditors do not.
    Row("POST", "/api/v1/directory/substitutes", (401, 403, 403, 201, 201, 201, 403),
        call("POST", lambda scene, user: {"substitute_person_id": scene.ids["person_id"],
                                          "valid_from": "2026-11-01", "valid_to": "2026-11-30"}),
        a_class_and_a_teacher, fresh=True),
    # Substitutions not yet over: staff see theirs, administrators and auditors the centre's.
    Row("GET", "/api/v1/directory/substitutes", (401, 403, 403, 200, 200, 200, 200),
        call("GET"), a_substitution),
    # Ended by the one away (张老师) or an administrator; for others of the centre it is none
    # of theirs.
    Row("POST", "/api/v1/directory/substitutes/{substitution_id}/end",
        (401, 403, 403, 404, 204, 204, 403), call("POST"), a_substitution, fresh=True),
    # 回避声明: staff declare; learners and (read-only) auditors do not.
    Row("POST", "/api/v1/directory/conflicts", (401, 403, 403, 201, 201, 201, 403),
        call("POST", lambda scene, user: {"subject_person_id": scene.ids["person_id"],
                                          "reason": "亲属"}),
        a_class_and_a_teacher, fresh=True),
    Row("GET", "/api/v1/directory/import-templates/{kind}", ADMIN_ONLY, call("GET"),
        lambda scene: scene.ids.update(kind="staff")),
    Row("POST", "/api/v1/directory/imports", (401, 403, 403, 403, 403, 201, 403), sheet_upload),
    Row("GET", "/api/v1/directory/imports/{import_id}", ADMIN_ONLY, call("GET"),
        a_previewed_import),
    Row("POST", "/api/v1/directory/imports/{import_id}/confirm", ADMIN_ONLY, call("POST"),
        a_previewed_import, fresh=True),
    Row("POST", "/api/v1/directory/imports/{import_id}/confirm-job",
        (401, 403, 403, 403, 403, 202, 403), call("POST"), a_previewed_import, fresh=True),
    # Nobody started one in this scene: the administrator learns there is none.
    Row("GET", "/api/v1/directory/imports/{import_id}/confirm-job",
        (401, 403, 403, 403, 403, 404, 403), call("GET"), a_previewed_import),
    Row("POST", "/api/v1/directory/imports/{import_id}/discard",
        (401, 403, 403, 403, 403, 204, 403), call("POST"), a_previewed_import, fresh=True),
    Row("GET", "/api/v1/directory/history", AUDITORS_ONLY, call("GET")),
    # An administrator's work on the people of their centre.
    Row("GET", "/api/v1/admin/people", ADMIN_ONLY, call("GET", query=lambda scene: {"q": "王"})),
    Row("POST", "/api/v1/admin/people", (401, 403, 403, 403, 403, 201, 403),
        call("POST", lambda scene, user: {"name": "矩阵新人"})),
    Row("GET", "/api/v1/admin/people/{person_id}", ADMIN_ONLY, call("GET"),
        a_class_and_a_teacher),
    Row("PATCH", "/api/v1/admin/people/{person_id}", ADMIN_ONLY,
        call("PATCH", lambda scene, user: {"mobile": "13900000000"}), a_class_and_a_teacher,
        fresh=True),
    Row("POST", "/api/v1/admin/people/{person_id}/disable", ADMIN_ONLY, call("POST"),
        a_class_and_a_teacher, fresh=True),
    Row("POST", "/api/v1/admin/people/{person_id}/enrolment", ADMIN_ONLY,
        call("POST", lambda scene, user: {"unit_id": scene.ids["unit_id"]}),
        a_class_and_a_teacher, fresh=True),
    Row("POST", "/api/v1/admin/people/{person_id}/positions",
        (401, 403, 403, 403, 403, 201, 403),
        call("POST", lambda scene, user: {"unit_id": scene.ids["unit_id"], "role": "teacher"}),
        a_class_and_a_teacher, fresh=True),
    Row("POST", "/api/v1/admin/positions/{position_id}/end",
        (401, 403, 403, 403, 403, 204, 403), call("POST", lambda scene, user: {}), a_position,
        fresh=True),
    Row("POST", "/api/v1/admin/accounts/{user_id}/reset-password", ADMIN_ONLY, call("POST"),
        fresh=True),
    Row("POST", "/api/v1/admin/accounts/{user_id}/activation-code",
        (401, 403, 403, 403, 403, 201, 403), call("POST"), fresh=True),
    Row("POST", "/api/v1/admin/units", (401, 403, 403, 403, 403, 201, 403),
        call("POST", lambda scene, user: {"kind": "office", "code": f"O-{user}",
                                          "name": "矩阵处", "parent_id": scene.ids["centre_id"]}),
        the_tree),
    Row("PATCH", "/api/v1/admin/units/{unit_id}", ADMIN_ONLY,
        call("PATCH", lambda scene, user: {"name": "机电2301"}), the_tree),
    Row("POST", "/api/v1/admin/units/{unit_id}/move", ADMIN_ONLY,
        call("POST", lambda scene, user: {"parent_id": scene.ids["centre_id"]}), the_tree),
    Row("POST", "/api/v1/admin/units/{unit_id}/deactivate", (401, 403, 403, 403, 403, 409, 403),
        call("POST"), the_tree, "a class with learners"),
    Row("GET", "/api/v1/admin/directory-export", ADMIN_ONLY, call("GET")),
    Row("POST", "/api/v1/admin/accounts", (401, 403, 403, 403, 403, 201, 403),
        call("POST", lambda scene, user: {"person_ids": [scene.ids["person_id"]]}), the_tree),
    Row("POST", "/api/v1/admin/rollover/preview", ADMIN_ONLY,
        call("POST", lambda scene, user: {"on": "2027-07-10",
                                          "graduate_class_ids": [scene.ids["unit_id"]]}),
        the_tree),
    Row("POST", "/api/v1/admin/rollover/confirm", (401, 403, 403, 403, 403, 409, 403),
        call("POST", lambda scene, user: {"on": "2027-07-10", "digest": "0" * 64,
                                          "graduate_class_ids": [scene.ids["unit_id"]]}),
        the_tree, "a stale preview"),
    Row("POST", "/api/v1/definitions", (401, 403, 403, 403, 403, 201, 403),
        upload("/api/v1/definitions")),
    Row("POST", "/api/v1/definitions/validate", (401, 403, 403, 403, 403, 200, 403),
        upload("/api/v1/definitions/validate")),
    Row("GET", "/api/v1/definitions", (401, 200, 200, 200, 200, 200, 200), call("GET")),
    Row("GET", "/api/v1/definitions/vocabulary", (401, 403, 403, 403, 403, 200, 403),
        call("GET")),
    Row("GET", "/api/v1/definitions/{process_id}/versions/{version}",
        (401, 200, 200, 200, 200, 200, 200), call("GET")),
    Row("GET", "/api/v1/definitions/{process_id}/versions/{version}/files/{name}",
        (401, 200, 200, 200, 200, 200, 200), call("GET")),
    Row("POST", "/api/v1/instances", (401, 201, 201, 201, 201, 201, 403),
        call("POST", start_body)),
    Row("GET", "/api/v1/instances", (401, 200, 200, 200, 200, 200, 200), call("GET"),
        teacher_task),
    Row("GET", "/api/v1/instances/{instance_id}", (401, 200, 404, 404, 200, 200, 200),
        call("GET"), teacher_task),
    Row("GET", "/api/v1/instances/{instance_id}/events", (401, 200, 404, 404, 200, 200, 200),
        call("GET"), teacher_task),
    Row("POST", "/api/v1/instances/{instance_id}/suspend", ADMIN_ONLY,
        call("POST", lambda scene, user: {"reason": "矩阵"}), teacher_task, fresh=True),
    Row("POST", "/api/v1/instances/{instance_id}/resume", ADMIN_ONLY,
        call("POST", lambda scene, user: {}), suspended_teacher_task, fresh=True),
    Row("POST", "/api/v1/instances/{instance_id}/terminate", ADMIN_ONLY,
        call("POST", lambda scene, user: {"reason": "矩阵"}), teacher_task, fresh=True),
    Row("GET", "/api/v1/tasks", (401, 200, 200, 200, 200, 200, 200), call("GET"), teacher_task),
    Row("GET", "/api/v1/tasks/{task_id}", (401, 404, 404, 404, 200, 200, 200), call("GET"),
        teacher_task, "a reviewer group's task"),
    Row("GET", "/api/v1/tasks/{task_id}", (401, 200, 404, 404, 404, 200, 200), call("GET"),
        own_task, "the applicant's own task"),
    Row("POST", "/api/v1/tasks/{task_id}/claim", (401, 404, 404, 404, 200, 403, 403),
        call("POST"), teacher_task, fresh=True),
    Row("POST", "/api/v1/tasks/{task_id}/release", (401, 404, 404, 404, 200, 200, 403),
        call("POST"), claimed_teacher_task, "claimed by zhang", fresh=True),
    Row("POST", "/api/v1/tasks/{task_id}/complete", (401, 404, 404, 404, 200, 403, 403),
        call("POST", lambda scene, user: {"data": {"teacher_approved": True}}),
        claimed_teacher_task, "claimed by zhang", fresh=True),
    Row("POST", "/api/v1/tasks/{task_id}/complete", (401, 200, 404, 404, 404, 403, 403),
        call("POST", lambda scene, user: {"data": {"returned_on": "2026-11-10"}}),
        own_task, "the applicant's own task", fresh=True),
    Row("POST", "/api/v1/attachments", (401, 201, 201, 201, 201, 201, 403), attachment_upload),
    Row("GET", "/api/v1/attachments", ITS_PEOPLE,
        call("GET", query=lambda scene: {"instance_id": scene.ids["instance_id"]}),
        sick_leave_with_proof),
    Row("GET", "/api/v1/attachments/{attachment_id}", ITS_PEOPLE, call("GET"),
        sick_leave_with_proof),
    Row("GET", "/api/v1/attachments/{attachment_id}/content", ITS_PEOPLE, call("GET"),
        sick_leave_with_proof),
    *AUDIT_ROWS,
    *CERTIFICATION_ROWS,
    *BACKGROUND_ROWS,
    *PLAN_ROWS,
    *APPROVAL_ROWS,
    *ATTENDANCE_ROWS,
    *CALENDAR_ROWS,
    *SUPERVISION_ROWS,
]


def _fill_common_ids(scene: Scene, app: Flask) -> None:
    from models import User, db

    with app.app_context():
        other = db.session.query(User).filter_by(username="xiaohong").one().id
    scene.ids.update(process_id="leave_approval", version=1, name="leave_approval.bpmn",
                     user_id=other)


def _check(row: Row, api: ApiClient, app: Flask) -> list[str]:
    mismatches, scene = [], None
    for (caller, user), expected in zip(CALLERS.items(), row.statuses, strict=True):
        if scene is None or row.fresh:
            scene = Scene(api)
            _fill_common_ids(scene, app)
            row.setup(scene)
        user = row.users.get(caller, user)
        response = row.send(api, scene, user, path=row.path)
        status = row.status_of(response) if row.status_of else response.status_code
        if status != expected:
            detail = (response.get_json(silent=True) or {}).get("detail", "")
            mismatches.append(f"{caller:<18} expected {expected}, got {status} {detail}")
        elif response.status_code >= 400:
            assert response.mimetype == "application/problem+json", (row.id, caller)
    return mismatches


@pytest.mark.parametrize("row", MATRIX, ids=[row.id for row in MATRIX])
def test_authorization_matrix(leave_api: ApiClient, app: Flask, row: Row) -> None:
    mismatches = _check(row, leave_api, app)
    assert not mismatches, f"{row.id}:\n  " + "\n  ".join(mismatches)


def test_every_endpoint_has_a_row(app: Flask) -> None:
    rows = {(row.method, row.path) for row in MATRIX}
    endpoints = api_endpoints(app)
    missing = [str(e) for e in endpoints
               if e.blueprint in HARDENED_BLUEPRINTS and (e.method, e.path) not in rows]
    pending = [str(e) for e in endpoints
               if e.blueprint not in HARDENED_BLUEPRINTS and (e.method, e.path) not in rows]
    stale = sorted({f"{m} {p}" for m, p in rows} - {str(e) for e in endpoints})
    if pending:
        warnings.warn("endpoints without authorization-matrix rows (blueprints not yet in "
                      f"HARDENED_BLUEPRINTS): {pending}", stacklevel=1)
    assert not missing, ("endpoints without a row in MATRIX "
                         f"(tests/e2e/test_authorization_matrix.py): {missing}")
    assert not stale, f"MATRIX rows for endpoints that no longer exist: {stale}"


def test_matrix_rows_are_well_formed() -> None:
    for row in MATRIX:
        assert len(row.statuses) == len(CALLERS), row.id
    assert len({row.id for row in MATRIX}) == len(MATRIX)


def test_applicants_see_only_their_own_cases_and_tasks(leave_api: ApiClient) -> None:
    mine = Scene(leave_api)
    own_task(mine)  # xiaoming's case, with a task assigned to him
    theirs = leave_api.start_leave(as_="xiaohong", days=1, leave_type="personal",
                             reason="别人的")
    assert theirs.status_code == 201
    for user, own_instance in (("xiaoming", mine.ids["instance_id"]),
                               ("xiaohong", theirs.get_json()["id"])):
        listed = leave_api.get("/api/v1/instances", as_=user).get_json()
        assert [i["id"] for i in listed["items"]] == [own_instance], user
        assert listed["total"] == 1
    inbox = leave_api.inbox(as_="xiaoming")["items"]
    assert [t["id"] for t in inbox] == [mine.ids["task_id"]]
    assert leave_api.inbox(as_="xiaohong")["items"] == []
    # Guessing ids of the other applicant's objects gives the same 404 as absent ids.
    other_instance = theirs.get_json()["id"]
    other_task = theirs.get_json()["open_tasks"][0]["id"]
    for url in (f"/api/v1/instances/{other_instance}", f"/api/v1/instances/{other_instance}"
                "/events", f"/api/v1/tasks/{other_task}", "/api/v1/instances/999999"):
        response = leave_api.get(url, as_="xiaoming")
        assert response.status_code == 404, url
        assert str(other_instance) not in response.get_json()["title"]


def test_auditors_change_nothing(app: Flask, leave_api: ApiClient) -> None:
    from models import Base, HumanTask, db

    def snapshot() -> tuple[int, ...]:
        """Rows in every table, and claimed tasks: a write by the auditor would show."""
        with app.app_context():
            counts = [db.session.scalar(sa.select(sa.func.count()).select_from(table))
                      for table in Base.metadata.sorted_tables]
            return (*counts, db.session.query(HumanTask).filter_by(status="claimed").count())

    for row in MATRIX:
        if row.method != "GET" and row.path not in ("/api/v1/auth/token",
                                                    "/api/v1/auth/logout",
                                                    "/api/v1/auth/password",
                                                    "/api/v1/auth/activate"):
            scene = Scene(leave_api)
            _fill_common_ids(scene, app)
            claimed_teacher_task(scene)
            row.setup(scene)
            leave_api.token("auditor")  # signing in is not a change to anything
            before = snapshot()
            response = row.send(leave_api, scene, "auditor", path=row.path)
            assert response.status_code == 403, row.id
            assert snapshot() == before, row.id

"""Two centres, one service: nobody of centre A sees anything of centre B (docs/directory.md).

Every ``/api/v1`` endpoint of the app's URL map has a decision in ``DECISIONS``; a new endpoint
without one fails ``test_every_endpoint_has_a_centre_decision``. Each endpoint is called by each
of centre A's people (applicant, 班主任, 质量监督小组, 证书管理员, administrator, auditor):
- ``LIST``: the answer names nothing of centre B (its business keys, names, certificate and
  attachment numbers, case ids), and the caller named in ``sees`` finds centre A's own there;
- ``ITEM``: called with centre B's ids, the status is the one for an id that does not exist
  (404 where the caller may use the endpoint at all: never 403 for B's objects), and nothing of
  B is in the answer; a GET with centre A's equivalent ids answers 200 to ``sees``;
- ``REFERS``: a body naming centre B's people is refused as if they did not exist;
- ``PUBLIC``/``OWN``/``CREATES``: answers for every centre, or about the caller only, or makes
  something in the caller's centre (said why; nothing of B is involved).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from models import Membership, OrgUnit, Person, User, db
from models.directory import UnitKind
from models.statuses import PersonStatus
from tests import api_client
from tests.api_client import ApiClient
from tests.background_support import FIXTURES
from tests.e2e.matrix_scenes import PLAN
from tests.hardening import api_endpoints
from workflows.certification import register as certificates
from workflows.core.runtime import runtime_of
from workflows.core.unit_of_work import UnitOfWork
from workflows.directory.people import add_person, appoint, enrol
from workflows.directory.units import add_unit

# Centre A is the demo centre; centre B is built here, one account per part.
CALLERS = {"applicant": "xiaoming", "class_teacher": "zhang", "supervisor": "han",
           "keeper": "cao", "admin": "admin", "auditor": "auditor"}
B_PEOPLE = {  # user name -> (name, account role, groups, position role at class or centre)
    "b_stu": ("乙学员", "applicant", [], None),
    "b_bzr": ("乙班主任", "reviewer", ["class_teacher"], "class_teacher"),
    "b_han": ("乙督导", "reviewer", ["quality_supervisor"], "quality_supervisor"),
    "b_cao": ("乙证书", "reviewer", ["certificate_officer"], "certificate_officer"),
    "b_admin": ("乙管理员", "admin", [], "admin"),
    "b_auditor": ("乙审计", "auditor", [], "auditor"),
}
ABSENT = {"instance_id": 999_999, "task_id": 999_999, "incident_id": 999_999,
          "timer_id": 999_999, "user_id": 999_999, "person_id": 999_999, "unit_id": 999_999,
          "position_id": 999_999, "import_id": 999_999, "request_seq": 999,
          "substitution_id": 999_999,
          "attachment_id": "a" * 32, "certificate_no": "CF320120265999999", "kind": "staff",
          "process_id": "leave_approval", "version": 1, "name": "leave_approval.bpmn",
          "code": PLAN["code"], "session_id": 999_999, "course_id": 999_999, "fmt": "csv"}


@dataclass
class Centre:
    """One centre's objects: ids for paths, and strings only its cases contain."""

    ids: dict[str, Any] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)
    instance_ids: set[int] = field(default_factory=set)


def _b_centre(app: Flask) -> None:
    """乙鉴定站 with a class 乙2301 and one account per part (password ``<name>123``)."""
    runtime = runtime_of(app)
    with app.app_context():
        session = db.session()
        centre = add_unit(session, kind=UnitKind.INSTITUTION, code="B-CENTRE", name="乙鉴定站")
        klass = add_unit(session, kind=UnitKind.CLASS, code="B2301", name="乙2301",
                         parent=centre)
        for username, (name, role, groups, position) in B_PEOPLE.items():
            person = add_person(session, tenant_id=centre.id, name=name, now=runtime.now(),
                                status=(PersonStatus.STUDYING if role == "applicant"
                                        else PersonStatus.EMPLOYED))
            user = User(username=username, display_name=name, role=role, active=True,
                        password_hash=runtime.passwords.hash(f"{username}123"),
                        created_at=runtime.now(), person_id=person.id)
            session.add(user)
            session.flush()
            session.add_all(Membership(user_id=user.id, group_id=g) for g in groups)
            if role == "applicant":
                enrol(session, person, klass)
            elif position is not None:
                appoint(session, person, position,
                        klass if position == "class_teacher" else centre)
            api_client.PASSWORDS[username] = f"{username}123"
        session.commit()


def _scene(api: ApiClient, app: Flask, *, applicant: str, tag: str) -> Centre:
    """A centre's case of each kind: a sick leave with its proof, reminded and commented on, a
    certificate from it, an incident, a public notice waiting with its timer."""
    found = Centre()
    proof = api.uploaded(f"{tag}诊断书.pdf", b"%PDF-1.4\n%%EOF\n", as_=applicant)
    key = f"ISO-{tag}-LEAVE"
    leave = api.start_leave(as_=applicant, key=key, days=1, leave_type="sick",
                            reason=f"{tag}中心请假", proof=[proof["id"]])
    assert leave.status_code == 201, leave.get_json()
    body = leave.get_json()
    task_id = body["open_tasks"][0]["id"]
    assert api.post(f"/api/v1/instances/{body['id']}/remind", as_=applicant).status_code == 200
    assert api.post(f"/api/v1/instances/{body['id']}/comments", as_=applicant,
                    json={"text": f"{tag}的评论"}).status_code == 201
    found.ids.update(instance_id=body["id"], task_id=task_id, attachment_id=proof["id"],
                     task_name=body["open_tasks"][0]["task_name"])
    found.markers |= {key, f"{tag}中心请假", proof["id"]}
    found.instance_ids.add(body["id"])
    # An incident and a timer, from the fixtures' diagrams (deployed once, shared by centres).
    incident = api.start("service_call", as_=applicant, key=f"ISO-{tag}-CALL",
                         holder=f"{tag}持证人", level="三级")
    assert incident.status_code == 201, incident.get_json()
    notice = api.start("public_notice", as_=applicant, key=f"ISO-{tag}-NOTICE")
    assert notice.status_code == 201, notice.get_json()
    found.instance_ids |= {incident.get_json()["id"], notice.get_json()["id"]}
    found.markers |= {f"ISO-{tag}-CALL", f"ISO-{tag}-NOTICE"}
    with app.app_context():
        from models import Incident, Timer, User

        session = db.session()
        found.ids["incident_id"] = session.scalar(sa.select(Incident.id).where(
            Incident.instance_id == incident.get_json()["id"]))
        found.ids["timer_id"] = session.scalar(sa.select(Timer.id).where(
            Timer.instance_id == notice.get_json()["id"]))
        holder = session.scalar(sa.select(User).where(User.username == applicant))
        assert holder is not None
        found.ids["user_id"] = holder.id
        found.ids["person_id"] = holder.person_id
        uow = UnitOfWork(runtime_of(app))
        certificate, _ = certificates.issue(uow, certificates.NewCertificate(
            holder_name=f"{tag}持证人", id_number="32010220050312123X", occupation="电工",
            level=5, exam_session=f"ISO-{tag}", scores={"theory_score": 80},
            holder_user_id=holder.id), source_instance_id=body["id"], business_key=key,
            now=uow.runtime.now())
        session.commit()
        found.ids["certificate_no"] = certificate.certificate_no
        found.markers |= {certificate.certificate_no, f"{tag}持证人"}
        found.ids["unit_id"] = session.scalar(sa.select(OrgUnit.id).where(
            OrgUnit.tenant_id == (session.get(OrgUnit, holder_tenant(session, holder)).id),
            OrgUnit.kind == UnitKind.CLASS).order_by(OrgUnit.id).limit(1))
        _course_and_session(session, found, runtime_of(app).now())
        _substitution(session, found, runtime_of(app).now())
        session.commit()
    assert found.ids["incident_id"] and found.ids["timer_id"]
    return found


def _course_and_session(session: Any, found: Centre, now: Any) -> None:
    """A course of the centre's class and one session of it (the attendance rows' ids)."""
    from datetime import date

    from models import ClassSession, Course

    unit = session.get(OrgUnit, found.ids["unit_id"])
    course = Course(tenant_id=unit.tenant_id, class_unit_id=unit.id, name="隔离课程甲乙",
                    term="2026-2027-1", contact_hours=40, created_at=now)
    session.add(course)
    session.flush()
    row = ClassSession(course_id=course.id, class_unit_id=unit.id, on_date=date(2026, 11, 2),
                       half="am", period="1-2", kind="lecture", hours=2, created_at=now)
    session.add(row)
    session.flush()
    found.ids.update(course_id=course.id, session_id=row.id, fmt="csv")


def _substitution(session: Any, found: Centre, now: Any) -> None:
    """A 代理 between two staff of the centre, not over before 2099 (its id, its names)."""
    from datetime import date

    from models import Person, Position
    from models.directory import Substitution

    tenant_id = session.get(OrgUnit, found.ids["unit_id"]).tenant_id
    staff = list(session.scalars(sa.select(Person).join(Position, Position.person_id == Person.id)
                                 .where(Person.tenant_id == tenant_id)
                                 .order_by(Person.id).distinct().limit(2)))
    row = Substitution(person_id=staff[0].id, substitute_id=staff[1].id,
                       valid_from=date(2026, 1, 1), valid_to=date(2099, 12, 31), created_at=now)
    session.add(row)
    session.flush()
    found.ids["substitution_id"] = row.id


def holder_tenant(session: Any, user: Any) -> int:
    from models import Person

    person = session.get(Person, user.person_id)
    return int(person.tenant_id)


# --- the decisions -------------------------------------------------------------------------
PUBLIC, OWN, CREATES, LIST, ITEM, REFERS = "public", "own", "creates", "list", "item", "refers"
PENDING = "pending"  # declared, not yet checked across centres (each says so)
UNCHECKED = "added after this matrix was written; its centre check is still to be added here"


@dataclass(frozen=True)
class Decision:
    kind: str
    why: str = ""
    sees: str | None = None  # the caller who finds centre A's own (LIST) or reads it (ITEM)
    body: Callable[[Centre, Centre], dict[str, Any]] | None = None  # (A, B) -> JSON body
    query: Callable[[Centre], dict[str, Any]] | None = None


COUNTS = "counts without names: test_certification_reports_count_only_the_centres_own_cases"


def _to_b_teacher(a: Centre, b: Centre) -> dict[str, Any]:
    return {"to": "b_bzr", "question": "x", "reason": "x"}


D = Decision
DECISIONS: dict[tuple[str, str], Decision] = {
    ("GET", "/api/v1/health"): D(PUBLIC, "service health, no data"),
    ("POST", "/api/v1/auth/token"): D(OWN, "signs the caller in"),
    ("POST", "/api/v1/auth/logout"): D(OWN, "signs the caller out"),
    ("GET", "/api/v1/auth/sso"): D(PUBLIC, "the sign-on button's text, no data"),
    ("GET", "/api/v1/auth/sso/start"): D(PUBLIC, "a redirect to the campus sign-on"),
    ("GET", "/api/v1/auth/sso/callback"): D(OWN, "signs in the person the provider vouches for"),
    ("GET", "/api/v1/auth/sso/logout"): D(PUBLIC, "a redirect to the provider's sign-out"),
    ("POST", "/api/v1/auth/users/{user_id}/revoke-tokens"): D(ITEM),
    ("GET", "/api/v1/me"): D(OWN, "the caller's own account and person"),
    ("GET", "/api/v1/definitions"): D(PUBLIC, "process definitions are shared by all centres"),
    ("GET", "/api/v1/definitions/{process_id}/versions/{version}"): D(PUBLIC, "shared diagrams"),
    ("GET", "/api/v1/definitions/{process_id}/versions/{version}/files/{name}"):
        D(PUBLIC, "shared diagrams"),
    ("POST", "/api/v1/definitions"): D(CREATES, "deploys a shared diagram"),
    ("POST", "/api/v1/definitions/validate"): D(CREATES, "checks a diagram, stores nothing"),
    ("GET", "/api/v1/definitions/vocabulary"): D(PUBLIC, "the modeler's lists, no centre data"),
    ("GET", "/api/v1/notifications/channels"): D(OWN, "the caller's own delivery settings"),
    ("PUT", "/api/v1/notifications/email"): D(OWN, "the caller's own e-mail address"),
    ("GET", "/api/v1/certificates/{certificate_no}/pdf"): D(ITEM, sees="keeper"),
    ("GET", "/api/v1/reports/certification.xlsx"): D(LIST, COUNTS),
    ("GET", "/api/v1/reports/certification/pass-rates"): D(LIST, COUNTS),
    ("GET", "/api/v1/reports/certification/pass-rates.csv"): D(LIST, COUNTS),
    ("GET", "/api/v1/reports/certification/steps"): D(LIST, COUNTS),
    ("GET", "/api/v1/reports/certification/steps.csv"): D(LIST, COUNTS),
    ("GET", "/api/v1/supervision/cases"): D(LIST, sees="supervisor"),
    ("GET", "/api/v1/calendar/years"): D(PUBLIC, "the holiday calendar is the country's"),
    ("GET", "/api/v1/calendar/years/{year}"): D(PUBLIC, "the holiday calendar is the country's"),
    ("GET", "/api/v1/calendar/years/{year}/revisions"): D(
        PUBLIC, "the holiday calendar is the country's"),
    ("PUT", "/api/v1/calendar/years/{year}"): D(CREATES, "a revision of the shared calendar"),
    ("PUT", "/api/v1/calendar/days/{day}"): D(CREATES, "a revision of the shared calendar"),
    ("DELETE", "/api/v1/calendar/days/{day}"): D(CREATES, "a revision of the shared calendar"),
    ("GET", "/api/v1/plans"): D(PUBLIC, "published plans are public"),
    ("GET", "/api/v1/plans/{code}"): D(PUBLIC, "published plans are public"),
    ("GET", "/api/v1/plans/{code}/notice"): D(PUBLIC, "the 公示 is public (names masked)"),
    ("POST", "/api/v1/plans"): D(CREATES, "publishes a plan"),
    ("POST", "/api/v1/objections"): D(CREATES, "anyone may object to a result under notice"),
    ("GET", "/api/v1/certificates/verify"): D(PUBLIC, "public verification, every centre"),
    ("POST", "/api/v1/instances"): D(CREATES, "starts a case in the caller's centre"),
    ("POST", "/api/v1/attachments"): D(CREATES, "an upload of the caller's"),
    ("GET", "/api/v1/my-cases"): D(LIST, sees="applicant"),
    ("GET", "/api/v1/opinions"): D(LIST),
    ("GET", "/api/v1/people"): D(LIST),
    ("GET", "/api/v1/directory/units"): D(LIST),
    ("GET", "/api/v1/directory/people"): D(LIST, query=lambda a: {"q": "乙"}),
    ("GET", "/api/v1/directory/history"): D(LIST),
    ("GET", "/api/v1/directory/import-templates/{kind}"): D(PUBLIC, "an empty sheet"),
    ("POST", "/api/v1/directory/imports"): D(CREATES, "a preview for the caller's centre"),
    ("GET", "/api/v1/directory/imports/{import_id}"): D(ITEM),
    ("POST", "/api/v1/directory/imports/{import_id}/confirm"): D(ITEM),
    ("POST", "/api/v1/directory/imports/{import_id}/discard"): D(ITEM),
    ("POST", "/api/v1/directory/imports/{import_id}/confirm-job"): D(ITEM),
    ("GET", "/api/v1/directory/imports/{import_id}/confirm-job"): D(ITEM),
    ("POST", "/api/v1/directory/units/{unit_id}/positions"): D(ITEM, body=lambda a, b: {
        "person_id": a.ids["person_id"], "role": "teacher"}),
    ("POST", "/api/v1/directory/substitutes"): D(REFERS, body=lambda a, b: {
        "substitute_person_id": b.ids["person_id"], "valid_from": "2026-11-01",
        "valid_to": "2026-11-30"}),
    ("GET", "/api/v1/directory/substitutes"): D(LIST),
    ("POST", "/api/v1/directory/substitutes/{substitution_id}/end"): D(ITEM),
    ("POST", "/api/v1/directory/conflicts"): D(REFERS, body=lambda a, b: {
        "subject_person_id": b.ids["person_id"], "reason": "亲属"}),
    ("GET", "/api/v1/admin/people"): D(LIST, query=lambda a: {"q": "乙"}),
    ("POST", "/api/v1/admin/people"): D(CREATES, "a person of the caller's centre"),
    ("GET", "/api/v1/admin/people/{person_id}"): D(ITEM, sees="admin"),
    ("PATCH", "/api/v1/admin/people/{person_id}"): D(ITEM, body=lambda a, b: {
        "mobile": "13900000000"}),
    ("POST", "/api/v1/admin/people/{person_id}/disable"): D(ITEM),
    ("POST", "/api/v1/admin/people/{person_id}/enrolment"): D(ITEM, body=lambda a, b: {
        "unit_id": b.ids["unit_id"]}),
    ("POST", "/api/v1/admin/people/{person_id}/positions"): D(ITEM, body=lambda a, b: {
        "unit_id": b.ids["unit_id"], "role": "teacher"}),
    ("POST", "/api/v1/admin/positions/{position_id}/end"): D(ITEM, body=lambda a, b: {}),
    ("POST", "/api/v1/admin/accounts/{user_id}/reset-password"): D(ITEM),
    ("POST", "/api/v1/admin/accounts/{user_id}/activation-code"): D(ITEM),
    ("GET", "/api/v1/instances"): D(LIST, sees="applicant"),
    ("GET", "/api/v1/instances/{instance_id}"): D(ITEM, sees="supervisor"),
    ("GET", "/api/v1/instances/{instance_id}/events"): D(ITEM, sees="supervisor"),
    ("POST", "/api/v1/instances/{instance_id}/suspend"): D(ITEM, body=lambda a, b: {
        "reason": "x"}),
    ("POST", "/api/v1/instances/{instance_id}/resume"): D(ITEM, body=lambda a, b: {}),
    ("POST", "/api/v1/instances/{instance_id}/terminate"): D(ITEM, body=lambda a, b: {
        "reason": "x"}),
    ("POST", "/api/v1/instances/{instance_id}/withdraw"): D(ITEM, body=lambda a, b: {}),
    ("POST", "/api/v1/instances/{instance_id}/remind"): D(ITEM),
    ("POST", "/api/v1/instances/{instance_id}/copies"): D(ITEM, body=lambda a, b: {
        "to": ["li"]}),
    ("GET", "/api/v1/instances/{instance_id}/comments"): D(ITEM, sees="applicant"),
    ("POST", "/api/v1/instances/{instance_id}/comments"): D(ITEM, body=lambda a, b: {
        "text": "x"}),
    ("POST", "/api/v1/instances/{instance_id}/opinions/{request_seq}/answer"):
        D(ITEM, body=lambda a, b: {"answer": "x"}),
    ("GET", "/api/v1/instances/{instance_id}/replay"): D(ITEM, sees="auditor"),
    ("GET", "/api/v1/tasks"): D(LIST, sees="class_teacher"),
    ("GET", "/api/v1/tasks/{task_id}"): D(ITEM, sees="class_teacher"),
    ("POST", "/api/v1/tasks/{task_id}/claim"): D(ITEM),
    ("POST", "/api/v1/tasks/{task_id}/release"): D(ITEM),
    ("POST", "/api/v1/tasks/{task_id}/complete"): D(ITEM, body=lambda a, b: {
        "data": {"teacher_approved": True}}),
    ("GET", "/api/v1/tasks/{task_id}/actions"): D(ITEM, sees="class_teacher"),
    ("GET", "/api/v1/tasks/{task_id}/guidance"): D(ITEM, sees="class_teacher"),
    ("GET", "/api/v1/tasks/{task_id}/opinions"): D(ITEM, sees="class_teacher"),
    ("POST", "/api/v1/tasks/{task_id}/transfer"): D(ITEM, body=lambda a, b: {"to": "wang"}),
    ("POST", "/api/v1/tasks/{task_id}/send-back"): D(ITEM, body=lambda a, b: {
        "to_step": "approve_class_teacher", "reason": "x"}),
    ("POST", "/api/v1/tasks/{task_id}/opinions"): D(ITEM, body=lambda a, b: {
        "to": "li", "question": "x"}),
    ("GET", "/api/v1/batch/tasks"): D(LIST, sees="class_teacher",
                                      query=lambda a: {"task_name": a.ids["task_name"]}),
    ("POST", "/api/v1/batch/complete"): D(ITEM, body=lambda a, b: {"items": [
        {"task_id": b.ids["task_id"], "data": {"teacher_approved": True}}]}),
    ("GET", "/api/v1/attachments"): D(ITEM, sees="applicant",
                                      query=lambda c: {"instance_id": c.ids["instance_id"]}),
    ("GET", "/api/v1/attachments/{attachment_id}"): D(ITEM, sees="class_teacher"),
    ("GET", "/api/v1/attachments/{attachment_id}/content"): D(ITEM, sees="class_teacher"),
    ("GET", "/api/v1/certificates"): D(LIST, sees="keeper"),
    ("GET", "/api/v1/certificates/{certificate_no}"): D(ITEM, sees="keeper"),
    ("GET", "/api/v1/reports/certification/cases"): D(LIST),
    ("GET", "/api/v1/reports/certification/cases.csv"): D(LIST),
    ("GET", "/api/v1/reports/certification/sessions"): D(LIST),
    ("GET", "/api/v1/reports/certification/sessions.csv"): D(LIST),
    ("GET", "/api/v1/reports/tasks/overdue"): D(LIST),
    ("GET", "/api/v1/reports/tasks/overdue.csv"): D(LIST),
    ("GET", "/api/v1/objections"): D(LIST),
    ("GET", "/api/v1/notifications"): D(LIST, sees="class_teacher"),
    ("GET", "/api/v1/incidents"): D(LIST, sees="admin"),
    ("GET", "/api/v1/incidents/{incident_id}"): D(ITEM, sees="admin"),
    ("POST", "/api/v1/incidents/{incident_id}/retry"): D(ITEM),
    ("GET", "/api/v1/timers"): D(LIST, sees="admin"),
    ("POST", "/api/v1/timers/fire-due"): D(CREATES, "fires due timers of every centre: the "
                                                    "clock's work, it shows no case"),
    ("POST", "/api/v1/timers/{timer_id}/fire-now"): D(ITEM),
    ("POST", "/api/v1/messages"): D(CREATES, "a message is matched by business key to the "
                                             "cases waiting for it; it answers only a count"),
    ("GET", "/api/v1/messages/unmatched"): D(LIST),
    ("GET", "/api/v1/audit/verify"): D(PUBLIC, "checks every hash chain; answers counts and "
                                               "broken chains, no case data"),
    ("GET", "/api/v1/audit/instances"): D(LIST, sees="auditor"),
    ("GET", "/api/v1/audit/instances/{instance_id}/timeline"): D(ITEM, sees="auditor"),
    ("GET", "/api/v1/audit/instances/{instance_id}/diff"): D(ITEM, query=lambda c: {
        "from": 1, "to": 2}),
    ("GET", "/api/v1/audit/users/{user_id}/activity"): D(ITEM, sees="auditor"),
    ("GET", "/api/v1/audit/access-log"): D(LIST),
    ("GET", "/api/v1/audit/export"): D(ITEM, sees="auditor",
                                       query=lambda c: {"instance_id": c.ids["instance_id"]}),
    ("GET", "/api/v1/admin/directory-export"): D(LIST, sees="admin"),
    ("POST", "/api/v1/auth/password"): D(OWN, "changes the caller's own password"),
    ("POST", "/api/v1/auth/activate"): D(OWN, "activates the account the code was given "
                                             "for; any centre's, with its code only"),
    # Attendance: a class, a session or a unit of centre B does not exist for centre A.
    ("GET", "/api/v1/attendance/classes"): D(OWN, "the classes the caller's own positions "
                                                  "teach"),
    ("GET", "/api/v1/attendance/me"): D(OWN, "the caller's own attendance"),
    ("GET", "/api/v1/attendance/timetable-template.csv"): D(PUBLIC, "an empty sheet"),
    ("GET", "/api/v1/attendance/classes/{unit_id}/courses"): D(ITEM, sees="class_teacher"),
    ("POST", "/api/v1/attendance/classes/{unit_id}/courses"): D(ITEM, body=lambda a, b: {
        "name": "隔离课程", "term": "2026-2027-1", "contact_hours": 20}),
    ("GET", "/api/v1/attendance/classes/{unit_id}/sessions"): D(ITEM, sees="class_teacher"),
    ("POST", "/api/v1/attendance/classes/{unit_id}/sessions"): D(ITEM, body=lambda a, b: {
        "sessions": [{"course_id": b.ids["course_id"], "date": "2026-12-01", "half": "pm",
                      "kind": "lecture", "hours": 2}]}),
    ("POST", "/api/v1/attendance/classes/{unit_id}/sessions/import"): D(ITEM),
    ("GET", "/api/v1/attendance/classes/{unit_id}/session-changes"): D(ITEM,
                                                                       sees="class_teacher"),
    ("GET", "/api/v1/attendance/classes/{unit_id}/overview"): D(ITEM, sees="class_teacher"),
    ("GET", "/api/v1/attendance/classes/{unit_id}/weekly"): D(ITEM, sees="class_teacher"),
    ("GET", "/api/v1/attendance/reports/classes/{unit_id}.{fmt}"): D(ITEM, sees="admin"),
    ("GET", "/api/v1/attendance/reports/departments/{unit_id}.{fmt}"): D(ITEM, sees="admin"),
    ("GET", "/api/v1/attendance/sessions/{session_id}"): D(ITEM, sees="class_teacher"),
    ("PUT", "/api/v1/attendance/sessions/{session_id}/records"): D(ITEM, body=lambda a, b: {
        "marks": []}),
    ("PATCH", "/api/v1/attendance/sessions/{session_id}"): D(ITEM, body=lambda a, b: {
        "hours": 3, "reason": "隔离"}),
    ("DELETE", "/api/v1/attendance/sessions/{session_id}"): D(ITEM, query=lambda c: {
        "reason": "隔离"}),
    # Unit administration, accounts and rollover: centre B's units and people do not exist.
    ("POST", "/api/v1/admin/units"): D(REFERS, body=lambda a, b: {
        "kind": "office", "code": "ISO-O", "name": "隔离处", "parent_id": b.ids["unit_id"]}),
    ("PATCH", "/api/v1/admin/units/{unit_id}"): D(ITEM, body=lambda a, b: {"name": "改名"}),
    ("POST", "/api/v1/admin/units/{unit_id}/move"): D(ITEM, body=lambda a, b: {
        "parent_id": a.ids["unit_id"]}),
    ("POST", "/api/v1/admin/units/{unit_id}/deactivate"): D(ITEM),
    ("POST", "/api/v1/admin/accounts"): D(REFERS, body=lambda a, b: {
        "person_ids": [b.ids["person_id"]]}),
    ("POST", "/api/v1/admin/rollover/preview"): D(REFERS, body=lambda a, b: {
        "on": "2027-07-10", "graduate_class_ids": [b.ids["unit_id"]]}),
    ("POST", "/api/v1/admin/rollover/confirm"): D(REFERS, body=lambda a, b: {
        "on": "2027-07-10", "digest": "0" * 64, "graduate_class_ids": [b.ids["unit_id"]]}),
}


# --- checking ------------------------------------------------------------------------------
def _send(api: ApiClient, method: str, path: str, ids: dict[str, Any], user: str,
          decision: Decision, a: Centre, b: Centre, query_of: Centre) -> TestResponse:
    kwargs: dict[str, Any] = {}
    if decision.body is not None:
        kwargs["json"] = decision.body(a, b)
    elif method in ("POST", "PATCH"):
        kwargs["json"] = {}
    if decision.query is not None:
        kwargs["query_string"] = decision.query(query_of)
    return api.client.open(path.format(**ids), method=method, headers=api.headers(user),
                           **kwargs)


def _leaks(response: TestResponse, other: Centre) -> list[str]:
    """What of ``other`` centre the answer names (an xlsx answer: what its cells say)."""
    text = _text_of(response)
    found = sorted(m for m in other.markers if m in text)
    body = response.get_json(silent=True)
    for key, value in _pairs(body):
        if key == "instance_id" and value in other.instance_ids:
            found.append(f"instance_id={value}")
    return found


def _text_of(response: TestResponse) -> str:
    data = response.get_data()
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for cell in row
                         if cell is not None)
    if data.startswith(b"%PDF"):
        return data.decode("latin-1")
    return data.decode("utf-8")


def _pairs(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in [(k, v), *_pairs(v)]]
    if isinstance(value, list):
        return [p for v in value for p in _pairs(v)]
    return []


def _check(api: ApiClient, method: str, path: str, decision: Decision, a: Centre,
           b: Centre) -> list[str]:
    wrong: list[str] = []
    for caller, user in CALLERS.items():
        if decision.kind == LIST:
            answer = _send(api, method, path, {**ABSENT, **a.ids}, user, decision, a, b, a)
            if answer.status_code == 200 and (leaked := _leaks(answer, b)):
                wrong.append(f"{caller}: lists centre B's {leaked}")
            if caller == decision.sees and (answer.status_code != 200
                                            or not _leaks(answer, a)):
                wrong.append(f"{caller}: does not find centre A's own "
                                 f"({answer.status_code})")
        elif decision.kind == ITEM:
            theirs = _send(api, method, path, {**ABSENT, **b.ids}, user, decision, a, b, b)
            absent = _send(api, method, path, ABSENT, user, decision, a, b, Centre(ABSENT))
            if theirs.status_code != absent.status_code:
                wrong.append(f"{caller}: B's ids answer {theirs.status_code} "
                             f"{_title(theirs)!r}, absent ids {absent.status_code} "
                             f"{_title(absent)!r}")
            elif theirs.status_code < 400 and _leaks(theirs, b):
                wrong.append(f"{caller}: B's ids answer {theirs.status_code} with B's data")
            if caller == decision.sees:
                own = _send(api, method, path, {**ABSENT, **a.ids}, user, decision, a, b, a)
                if own.status_code != 200:
                    wrong.append(f"{caller}: centre A's own answers {own.status_code}")
        elif decision.kind == REFERS:
            theirs = _send(api, method, path, {**ABSENT, **a.ids}, user, decision, a, b, a)
            assert decision.body is not None
            absent_body = json.loads(json.dumps(decision.body(a, Centre(dict(ABSENT)))))
            absent = api.client.open(path, method=method, headers=api.headers(user),
                                     json=absent_body)
            if theirs.status_code != absent.status_code:
                wrong.append(f"{caller}: naming B's person answers {theirs.status_code}, an "
                             f"absent one {absent.status_code}")
            if theirs.status_code < 400:
                wrong.append(f"{caller}: naming B's person was accepted")
    return wrong


def _title(response: TestResponse) -> str:
    """The problem's detail with the ids it names left out (they differ by design)."""
    body = response.get_json(silent=True)
    detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
    return re.sub(r"[0-9a-f]{32}|[A-Z0-9]{17}|\d+", "#", detail)


@pytest.fixture()
def two_centres(app: Flask, leave_api: ApiClient) -> tuple[ApiClient, Centre, Centre]:
    for name in ("service_call.bpmn", "public_notice.bpmn"):
        deployed = leave_api.deploy_files({name: (FIXTURES / name).read_bytes()})
        assert deployed.status_code in (200, 201), deployed.get_json()
    _b_centre(app)
    a = _scene(leave_api, app, applicant="xiaoming", tag="甲")
    b = _scene(leave_api, app, applicant="b_stu", tag="乙")
    # People are named in lists and sheets too: each centre's names are its markers.
    b.markers |= {name for name, *_ in B_PEOPLE.values()} | {"乙鉴定站", "乙2301"}
    with app.app_context():  # zhang teaches centre A's class of the attendance rows
        session = db.session()
        a.markers.add(session.get(OrgUnit, a.ids["unit_id"]).name)
        zhang = session.scalar(sa.select(User).where(User.username == "zhang"))
        assert zhang is not None and zhang.person_id is not None
        appoint(session, session.get(Person, zhang.person_id), "class_teacher",
                session.get(OrgUnit, a.ids["unit_id"]))
        session.commit()
    return leave_api, a, b


def test_every_endpoint_has_a_centre_decision(app: Flask) -> None:
    served = {(e.method, e.path) for e in api_endpoints(app)}
    missing = sorted(f"{m} {p}" for m, p in served - set(DECISIONS))
    stale = sorted(f"{m} {p}" for m, p in set(DECISIONS) - served)
    assert not missing, f"endpoints without a centre decision (DECISIONS): {missing}"
    assert not stale, f"decisions for endpoints that no longer exist: {stale}"
    for (method, path), decision in DECISIONS.items():
        if decision.kind in (PUBLIC, OWN, CREATES, PENDING):
            assert decision.why, f"{method} {path}: say why no centre is involved"


def test_nobody_of_centre_a_sees_anything_of_centre_b(
        two_centres: tuple[ApiClient, Centre, Centre]) -> None:
    api, a, b = two_centres
    wrong: list[str] = []
    for (method, path), decision in sorted(DECISIONS.items(), key=lambda kv: kv[0][1]):
        if decision.kind in (LIST, ITEM, REFERS):
            wrong += [f"{method} {path}: {w}" for w in _check(api, method, path, decision, a, b)]
    assert not wrong, "\n".join(wrong)


def test_centre_b_sees_its_own_and_nothing_of_a(
        two_centres: tuple[ApiClient, Centre, Centre]) -> None:
    api, a, b = two_centres
    for user, path, own in (("b_stu", "/api/v1/instances", b.markers),
                            ("b_bzr", "/api/v1/tasks", {"ISO-乙-LEAVE"}),
                            ("b_han", "/api/v1/instances", b.markers),
                            ("b_cao", "/api/v1/certificates", {b.ids["certificate_no"]}),
                            ("b_admin", "/api/v1/timers", set()),
                            ("b_auditor", "/api/v1/audit/instances", b.markers)):
        answer = api.get(path, as_=user)
        assert answer.status_code == 200, (user, path, answer.get_json())
        assert not _leaks(answer, a), (user, path, _leaks(answer, a))
        text = answer.get_data(as_text=True)
        assert not own or any(m in text for m in own), (user, path)
    assert api.get(f"/api/v1/instances/{a.ids['instance_id']}", as_="b_admin").status_code == 404
    assert api.get(f"/api/v1/tasks/{a.ids['task_id']}", as_="b_bzr").status_code == 404


def test_public_verification_answers_for_every_centre(
        two_centres: tuple[ApiClient, Centre, Centre]) -> None:
    api, a, b = two_centres
    for centre, holder in ((a, "甲持证人"), (b, "乙持证人")):
        answer = api.client.get("/api/v1/certificates/verify", query_string={
            "certificate_no": centre.ids["certificate_no"], "holder_name": holder})
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json()["valid"] is True



def test_the_supervision_group_reads_every_case_of_its_centre_and_changes_nothing(
        app: Flask, two_centres: tuple[ApiClient, Centre, Centre]) -> None:
    """han (质量监督小组 of centre A) has no task in xiaoming's leave: he reads the case, its
    history, comments and proof, each read logged; every change to it is refused and nothing
    is written. Centre B's supervisor reads none of it."""
    from models import AuditAccessLog, Base

    api, a, b = two_centres
    case = a.ids["instance_id"]
    reads = (f"/api/v1/instances/{case}", f"/api/v1/instances/{case}/events",
             f"/api/v1/instances/{case}/comments",
             f"/api/v1/attachments/{a.ids['attachment_id']}")
    for url in reads:
        assert api.get(url, as_="han").status_code == 200, url
        assert api.get(url, as_="b_han").status_code == 404, url
    listed = api.get("/api/v1/instances", as_="han").get_json()
    assert case in [item["id"] for item in listed["items"]]
    assert b.ids["instance_id"] not in [item["id"] for item in listed["items"]]
    with app.app_context():
        logged = db.session.scalars(sa.select(AuditAccessLog.resource).where(
            AuditAccessLog.role == "supervisor", AuditAccessLog.instance_id == case))
        assert {f"/api/v1/instances/{case}", f"/api/v1/instances/{case}/events"} <= set(logged)

    def snapshot() -> list[int]:
        with app.app_context():
            return [db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                    for table in Base.metadata.sorted_tables
                    if table.name != "audit_access_log"]

    before = snapshot()
    for (method, path), decision in DECISIONS.items():
        if method == "GET" or decision.kind != ITEM or "{" not in path:
            continue
        answer = _send(api, method, path, {**ABSENT, **a.ids}, "han", decision, a, b, a)
        assert answer.status_code in (403, 404, 409, 422), (path, answer.get_json())
    assert snapshot() == before
    assert api.instance(case)["status"] == "running"


def test_certification_reports_count_only_the_centres_own_cases(
        two_centres: tuple[ApiClient, Centre, Centre]) -> None:
    """Report rows are counts, not names: centre A's judged case and its case waiting at a
    step are counted for A's administrator and for nobody of centre B (the rows above check
    the names). Cases are made before the two centres' lists are read."""
    from tests.e2e.certification_steps import apply, deploy_certification, through_scoring

    api, _, _ = two_centres
    deploy_certification(api)
    through_scoring(api, apply(api, "liuyang")["id"])
    apply(api, "chenjing")  # waits at the eligibility review
    for path in ("/api/v1/reports/certification/steps",
                 "/api/v1/reports/certification/pass-rates"):
        assert api.get(path, as_="admin").get_json(), path
        assert api.get(path, as_="b_admin").get_json() == [], path
    for path in ("/api/v1/reports/certification/steps.csv",
                 "/api/v1/reports/certification/pass-rates.csv"):
        assert len(_text_of(api.get(path, as_="admin")).strip().splitlines()) > 1, path
        assert len(_text_of(api.get(path, as_="b_admin")).strip().splitlines()) == 1, path
    mine = _text_of(api.get("/api/v1/reports/certification.xlsx", as_="admin"))
    theirs = _text_of(api.get("/api/v1/reports/certification.xlsx", as_="b_admin"))
    assert "电工" in mine and "电工" not in theirs

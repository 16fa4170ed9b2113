"""Scoped inbox and address resolution at scale (the directory's speed targets).

``python -m bench.inbox_scoped --db postgres --levels 100000,1000000`` builds two centres (the
demo one and a second), each with ``CLASSES`` 班级 and a 班主任 per class, then tops the open
tasks up to each level with one bulk statement: per centre, 60% addressed by relation to the
班主任 of one of its classes (``class_teacher`` at a 班级), 20% offered to a group as a whole
(10 groups), 20% claimed. It measures, in the API's own process (no socket: the figures are
the server's time, p50/p95 of ``REPEATS`` calls, wall and CPU):

- (a) ``list_inbox`` for a class teacher of centre A who also sits in the ``class_teacher``
  and ``eligibility_reviewer`` groups (group sources filtered to the centre, plus one
  addressed source); the whole ``GET /api/v1/tasks`` of that reader through the app's WSGI
  entry (token check, query parsing, the page, its summaries, the JSON answer); and
  ``list_instances`` for the centre's 质量监督小组 (reads every case of the centre); each
  statement's EXPLAIN (ANALYZE, BUFFERS) is printed;
- (b) the server CPU a completion spends on addresses: resolving the next task's address
  (``addresses.resolve``) plus the holder check of claim/complete (``acting.holds``).

The machine may be shared: read the EXPLAIN plans and per-statement times first.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.server import database_url, prepare_database

CLASSES = 200
REPEATS = 200
READER = "t0001"  # 班主任 of class C0001 of centre A, in two groups
GROUPS = ["class_teacher", "class_office", "leader", "eligibility_reviewer", "exam_admin",
          "examiner", "score_reviewer", "quality_supervisor", "certificate_officer",
          "leading_group"]
COLUMNS = ("instance_id, tenant_id, spiff_task_id, task_name, title, process_id, business_key, "
           "candidate_group, address_unit_id, assignee_id, status, definition_id, form_ref, "
           "due_at, created_at, claimed_at")


def build_directory(app: Any) -> dict[str, Any]:
    """Two centres with CLASSES classes each, a class teacher account per class, one running
    instance per centre owning the bulk rows; the reader and a supervisor of centre A."""
    from models import Membership, ProcessDefinition, ProcessInstance, User, db
    from models.directory import UnitKind
    from models.statuses import PersonStatus
    from workflows.core.clock import system_clock
    from workflows.directory.people import add_person, appoint, enrol
    from workflows.directory.units import add_unit, default_centre

    now = system_clock()
    out: dict[str, Any] = {"centres": []}
    with app.app_context():
        session = db.session()
        definition_id = session.scalar(sa.select(ProcessDefinition.id).where(
            ProcessDefinition.process_id == "leave_approval"))
        a = default_centre(session)
        b = add_unit(session, kind=UnitKind.INSTITUTION, code="B", name="乙鉴定站")
        for tag, centre in (("A", a), ("B", b)):
            classes = []
            for n in range(1, CLASSES + 1):
                unit = add_unit(session, kind=UnitKind.CLASS, code=f"{tag}C{n:04d}",
                                name=f"{tag}班{n:04d}", parent=centre)
                teacher = add_person(session, tenant_id=centre.id, name=f"{tag}老师{n:04d}",
                                     status=PersonStatus.EMPLOYED, now=now)
                appoint(session, teacher, "class_teacher", unit)
                if tag == "A" and n == 1:
                    user = User(username=READER, display_name="班主任一", role="reviewer",
                                active=True, password_hash="x", created_at=now,
                                person_id=teacher.id)
                    session.add(user)
                    session.flush()
                    session.add_all([Membership(user_id=user.id, group_id=g)
                                     for g in ("class_teacher", "eligibility_reviewer")])
                    out["reader_id"] = user.id
                classes.append(unit.id)
            learner = add_person(session, tenant_id=centre.id, name=f"{tag}学员",
                                 status=PersonStatus.STUDYING, now=now)
            enrol(session, learner, session.get(type(centre), classes[0]))
            instance = ProcessInstance(
                definition_id=definition_id, process_id="leave_approval",
                business_key=f"BULK-{tag}", status="running", state="{}",
                serializer_version="bench", data={}, started_at=now, last_event_seq=0,
                last_event_hash="", unit_id=classes[0], tenant_id=centre.id)
            session.add(instance)
            session.flush()
            out["centres"].append({"tenant_id": centre.id, "classes": classes,
                                   "instance_id": instance.id, "learner": learner.id,
                                   "home": classes[0]})
        supervisor = add_person(session, tenant_id=a.id, name="督导", now=now,
                                status=PersonStatus.EMPLOYED)
        appoint(session, supervisor, "quality_supervisor", a)
        user = User(username="sup0001", display_name="督导", role="reviewer", active=True,
                    password_hash="x", created_at=now, person_id=supervisor.id)
        session.add(user)
        session.commit()
        out["supervisor_id"] = user.id
        out["definition_id"] = definition_id
        out["claimer_id"] = out["reader_id"]
    return out


def fill(engine: sa.Engine, target: int, layout: dict[str, Any]) -> dict[str, Any]:
    """Top the open tasks up to ``target`` (half per centre), one INSERT per centre."""
    from workflows.core.clock import system_clock

    now = system_clock()
    with engine.begin() as connection:
        current = int(connection.scalar(sa.text(
            "SELECT count(*) FROM human_task WHERE status IN ('ready', 'claimed')")) or 0)
        need = target - current
        if need <= 0:
            return {"open_tasks": current, "inserted": 0, "seconds": 0.0}
        t0 = time.perf_counter()
        for centre in layout["centres"]:
            first = int(connection.scalar(sa.text(
                "SELECT coalesce(max(id), 0) FROM human_task"))) + 1
            classes = centre["classes"]
            unit = f"(ARRAY[{','.join(map(str, classes))}])[1 + (g / 10) % {len(classes)}]"
            groups = "(ARRAY[" + ",".join(f"'{g}'" for g in GROUPS) + "])[1 + (g / 10) % 10]"
            kind = "g % 10"  # 0-5 addressed, 6-7 group, 8-9 claimed
            sql = (
                f"INSERT INTO human_task ({COLUMNS}) SELECT {centre['instance_id']}, "
                f"{centre['tenant_id']}, md5(g::text), 'bulk_review', '批量待办', "
                f"'leave_approval', 'BULK-' || g, "
                f"CASE WHEN {kind} < 6 THEN 'class_teacher' ELSE {groups} END, "
                f"CASE WHEN {kind} < 6 THEN {unit} END, "
                f"CASE WHEN {kind} >= 8 THEN {layout['claimer_id']} END, "
                f"CASE WHEN {kind} >= 8 THEN 'claimed' ELSE 'ready' END, "
                f"{layout['definition_id']}, NULL, "
                "CASE WHEN g % 3 = 0 THEN NULL ELSE CAST(:now AS timestamptz) "
                "+ (g % 14) * interval '1 day' END, CAST(:now AS timestamptz), "
                f"CASE WHEN {kind} >= 8 THEN CAST(:now AS timestamptz) END "
                "FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) AS s(g)")
            share = need // len(layout["centres"])
            connection.execute(sa.text(sql), {"a": first, "b": first + share - 1, "now": now})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM (ANALYZE) human_task"))
    return {"open_tasks": target, "inserted": need,
            "seconds": round(time.perf_counter() - t0, 2)}


def timed(call: Callable[[], Any], repeats: int = REPEATS) -> dict[str, float]:
    """p50/p95 wall and mean CPU of ``call``, in milliseconds."""
    call()  # warm: statement caches, spec cache
    walls, cpu0 = [], time.process_time()
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        walls.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / repeats
    walls.sort()
    return {"p50_ms": round(statistics.median(walls), 3),
            "p95_ms": round(walls[int(len(walls) * 0.95) - 1], 3), "cpu_ms": round(cpu, 3)}


def explain(app: Any, call: Callable[[], Any]) -> list[dict[str, Any]]:
    """Each statement ``call`` runs on human_task/process_instance, EXPLAIN (ANALYZE, BUFFERS)."""
    from models import db

    captured: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    plans = []
    with db.engine.connect() as connection:
        for statement, parameters in captured:
            rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                              parameters).all()
            plan = [str(row[0]) for row in rows]
            plans.append({"sql": " ".join(statement.split())[:160],
                          "execution": next((p for p in plan if "Execution Time" in p), ""),
                          "plan": plan})
    return plans


def measure(app: Any, layout: dict[str, Any]) -> dict[str, Any]:
    from models import HumanTask, db
    from models.directory import OrgUnit
    from workflows.core.clock import system_clock
    from workflows.directory import acting, addresses
    from workflows.identity.users import load_actor
    from workflows.instances.lifecycle import list_instances
    from workflows.tasks.inbox import InboxFilter, list_inbox

    out: dict[str, Any] = {}
    with app.app_context():
        session = db.session()
        reader = load_actor(session, layout["reader_id"])
        supervisor = load_actor(session, layout["supervisor_id"])
        now = system_clock()

        def inbox() -> Any:
            page = list_inbox(session, reader, InboxFilter(), now=now)
            session.rollback()
            return page

        def cases() -> Any:
            found = list_instances(session, actor=supervisor)
            session.rollback()
            return found

        page = inbox()
        out["inbox"] = {**timed(inbox), "total": page.total, "exact": page.total_is_exact,
                        "first_page": len(page.tasks)}
        out["inbox_plans"] = explain(app, inbox)
        out["inbox_request"] = _inbox_request(app, reader)
        out["supervisor_cases"] = timed(cases, repeats=50)
        # (b) what a completion spends on addresses: resolve the next task's address (one
        # query, a second only when nobody holds the role) and the holder check of the
        # claim/complete (one query).
        home = session.get(OrgUnit, layout["centres"][0]["home"])
        address = addresses.parse_address("class_teacher(applicant)")
        today = acting.today_at(now)
        task = session.scalar(sa.select(HumanTask).where(
            HumanTask.address_unit_id == home.id, HumanTask.status == "ready").limit(1))
        assert home is not None and task is not None

        def resolve() -> Any:
            return addresses.resolve(session, address, home, today=today)

        def holds() -> Any:
            return acting.holds(session, reader, task.candidate_group, home.id, today=today)

        out["resolve_address"] = timed(resolve, repeats=1000)
        out["holder_check"] = timed(holds, repeats=1000)
        out["address_cpu_per_completion_ms"] = round(
            out["resolve_address"]["cpu_ms"] + out["holder_check"]["cpu_ms"], 3)
        session.rollback()
    return out


def _inbox_request(app: Any, reader: Any) -> dict[str, float]:
    """The whole ``GET /api/v1/tasks`` in the API's process (WSGI, no socket): the token
    check, the query's parsing, the page, its summaries and the JSON answer."""
    from api.auth import issue_token

    with app.test_request_context():
        token, _ = issue_token(reader)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def get() -> Any:
        response = client.get("/api/v1/tasks", headers=headers)
        assert response.status_code == 200, response.get_json()
        return response

    return timed(get)


def _group_index(engine: sa.Engine, *, partial: bool) -> None:
    """Rebuild the group inbox index, partial (as shipped) or over every task (before)."""
    where = " WHERE address_unit_id IS NULL" if partial else ""
    with engine.begin() as connection:
        connection.execute(sa.text("DROP INDEX IF EXISTS ix_human_task_tenant_group_open"))
        connection.execute(sa.text(
            "CREATE INDEX ix_human_task_tenant_group_open ON human_task "
            f"(tenant_id, candidate_group, status, id){where}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM (ANALYZE) human_task"))


def _inbox_only(app: Any, layout: dict[str, Any]) -> dict[str, Any]:
    from models import db
    from workflows.core.clock import system_clock
    from workflows.identity.users import load_actor
    from workflows.tasks.inbox import InboxFilter, list_inbox

    with app.app_context():
        session = db.session()
        reader = load_actor(session, layout["reader_id"])

        def inbox() -> Any:
            page = list_inbox(session, reader, InboxFilter(), now=system_clock())
            session.rollback()
            return page

        return {**timed(inbox), "plans": explain(app, inbox)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres", choices=["postgres"])
    parser.add_argument("--levels", default="100000")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare-full-index", action="store_true",
                        help="also measure the inbox with the group index not partial")
    args = parser.parse_args()
    from api import create_app
    from bench.server import KEYS
    from config import Settings
    from models import db

    url = database_url(args.db, Path(tempfile.mkdtemp()))
    prepare_database(url)
    app = create_app(Settings(database_url=url, **KEYS))
    layout = build_directory(app)
    results: dict[str, Any] = {"classes_per_centre": CLASSES, "levels": {}}
    for level in (int(x) for x in args.levels.split(",")):
        with app.app_context():
            filled = fill(db.engine, level, layout)
        measured = measure(app, layout)
        if args.compare_full_index:  # the same inbox with the group index not partial
            with app.app_context():
                _group_index(db.engine, partial=False)
                measured["inbox_full_group_index"] = _inbox_only(app, layout)
                _group_index(db.engine, partial=True)
        results["levels"][str(level)] = {"fill": filled, **measured}
        brief = {k: v for k, v in measured.items() if k != "inbox_plans"}
        print(json.dumps({"level": level, "fill": filled, **brief}, ensure_ascii=False))
        for plan in measured["inbox_plans"]:
            print(plan["execution"], "|", plan["sql"][:120])
        if "inbox_full_group_index" in measured:
            full = measured["inbox_full_group_index"]
            print("full group index:", {k: v for k, v in full.items() if k != "plans"},
                  [p["execution"] for p in full["plans"]])
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

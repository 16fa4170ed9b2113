"""Item 5: the inbox's first page with 10^3..10^6 open tasks in the database.

Rows are generated in bulk by the database itself, one statement per level: PostgreSQL
``INSERT ... SELECT ... FROM generate_series(a, b)``, SQLite the same ``INSERT ... SELECT`` over
a recursive CTE counter. 80% are unclaimed, spread over 10 reviewer groups; 20% (independently
of the group) are claimed, spread over 5 reviewers. The reviewer measured (``chen``) is in two
of those groups, so his inbox is a union of three index scans. After each fill the table is
ANALYZEd (PostgreSQL: ``VACUUM (ANALYZE)``, as autovacuum would, so index-only scans work).
Each level's EXPLAIN (ANALYZE, BUFFERS) is kept in the result file, beside the same first page
written as one ``OR`` query for comparison.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import sqlalchemy as sa

from bench import client
from bench.load import merged, wall_s
from bench.scenarios import Context
from bench.stats import across_runs, summarize

READER = "chen"  # reviewer in class_teacher + eligibility_reviewer
GROUPS = ["class_teacher", "class_office", "leader", "eligibility_reviewer", "exam_admin",
          "examiner", "score_reviewer", "quality_supervisor", "certificate_officer",
          "leading_group"]
CLAIMERS = ["zhang", "wang", "li", "zhao", "chen"]
COLUMNS = ("instance_id, tenant_id, spiff_task_id, task_name, title, process_id, business_key, "
           "candidate_group, assignee_id, status, definition_id, form_ref, due_at, created_at, "
           "claimed_at")


def _case(expr: str, values: list[Any]) -> str:
    arms = " ".join(f"WHEN {i} THEN {v!r}" for i, v in enumerate(values))
    return f"CASE {expr} % {len(values)} {arms} END"


def _holder(connection: sa.Connection, now: Any) -> tuple[int, int, int]:
    """One running instance of the default centre that owns the generated rows (the FKs must
    hold; the reader sees a group's tasks of their own centre only)."""
    from models import OrgUnit, ProcessDefinition, ProcessInstance

    definition_id = connection.scalar(sa.select(ProcessDefinition.id)
                                      .where(ProcessDefinition.process_id == "leave_approval"))
    centre = int(connection.scalar(sa.select(OrgUnit.id).where(
        OrgUnit.code == "DEFAULT", OrgUnit.parent_id.is_(None))))
    table = ProcessInstance.__table__
    existing = connection.scalar(sa.select(table.c.id).where(table.c.business_key == "BULK"))
    if existing is None:
        existing = connection.execute(sa.insert(table).values(
            definition_id=definition_id, process_id="leave_approval", business_key="BULK",
            status="running", state="{}", serializer_version="bench", data={}, version=1,
            started_at=now, last_event_seq=0, last_event_hash="",
            tenant_id=centre)).inserted_primary_key[0]
    return int(existing), int(definition_id), centre


def cancel_leftovers(engine: sa.Engine) -> int:
    """Cancel the open tasks earlier items left behind, so each level is exact.

    Only the ``human_task`` rows change (their instances stay running): the inbox reads nothing
    else.
    """
    with engine.begin() as connection:
        return connection.execute(sa.text(
            "UPDATE human_task SET status = 'cancelled' WHERE status IN ('ready', 'claimed') "
            "AND business_key NOT LIKE 'BULK-%'")).rowcount


def fill_open_tasks(engine: sa.Engine, target: int, user_ids: dict[str, int]) -> dict[str, Any]:
    """Top the open tasks up to ``target`` with one bulk statement; returns how long it took."""
    from workflows.core.clock import system_clock

    now = system_clock()
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        current = connection.scalar(sa.text(
            "SELECT count(*) FROM human_task WHERE status IN ('ready', 'claimed')"))
        need = target - int(current or 0)
        if need <= 0:
            return {"open_tasks": int(current or 0), "inserted": 0, "seconds": 0.0}
        instance_id, definition_id, centre = _holder(connection, now)
        first = int(connection.scalar(sa.text("SELECT coalesce(max(id), 0) FROM human_task"))) + 1
        claimers = [user_ids[u] for u in CLAIMERS]
        claimed = "(g / 10) % 5 = 0"  # independent of the group (g % 10)
        if pg:
            due = "CAST(:now AS timestamptz) + (g % 14) * interval '1 day'"
            source = "generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) AS s(g)"
            stamp = "CAST(:now AS timestamptz)"
            key = "md5(g::text)"
        else:
            due = "strftime('%Y-%m-%d %H:%M:%f', :now, '+' || (g % 14) || ' days')"
            source = "seq"
            stamp = ":now"
            key = "printf('%032x', g)"
        select = (
            f"SELECT {instance_id}, {centre}, {key}, 'bulk_review', '批量待办', 'leave_approval', "
            f"'BULK-' || g, {_case('g', GROUPS)}, "
            f"CASE WHEN {claimed} THEN {_case('(g / 50)', claimers)} END, "
            f"CASE WHEN {claimed} THEN 'claimed' ELSE 'ready' END, {definition_id}, NULL, "
            f"CASE WHEN g % 3 = 0 THEN NULL ELSE {due} END, {stamp}, "
            f"CASE WHEN {claimed} THEN {stamp} END FROM {source}")
        sql = f"INSERT INTO human_task ({COLUMNS}) {select}"
        if not pg:
            sql = ("WITH RECURSIVE seq(g) AS (SELECT :a UNION ALL SELECT g + 1 FROM seq "
                   f"WHERE g < :b) {sql}")
        stamp_value = now if pg else now.replace(tzinfo=None).isoformat(sep=" ")
        t0 = time.perf_counter()
        connection.execute(sa.text(sql), {"a": first, "b": first + need - 1, "now": stamp_value})
        if not pg:
            connection.execute(sa.text("ANALYZE"))
    if pg:  # what autovacuum would do soon: statistics and the visibility map (index-only scans)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM (ANALYZE) human_task"))
    seconds = time.perf_counter() - t0
    return {"open_tasks": target, "inserted": need, "seconds": round(seconds, 2)}


def explain(app: Any, reader_id: int) -> dict[str, Any]:
    """Run ``list_inbox`` in-process, capture its SQL, and EXPLAIN (ANALYZE) each statement."""
    from models import db
    from workflows.core.runtime import runtime_of
    from workflows.identity.users import load_actor
    from workflows.tasks.inbox import InboxFilter, list_inbox

    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    with app.app_context():
        actor = load_actor(db.session, reader_id)
        db.session.rollback()
        sa.event.listen(db.engine, "before_cursor_execute", capture)
        try:
            list_inbox(db.session, actor, InboxFilter(), now=runtime_of(app).now())
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", capture)
        statements = [(s, p) for s, p in captured if "human_task" in s]
        pg = db.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
        plans = []
        with db.engine.connect() as connection:
            for statement, parameters in statements:
                timing = _time_statement(connection, statement, parameters)
                rows = connection.exec_driver_sql(prefix + statement, parameters).all()
                plan = "\n".join(" ".join(str(c) for c in row) for row in rows)
                plans.append({"sql": statement, "median_ms": timing, "plan": plan})
            or_sql = _or_variant(actor)
            or_ms = _time_statement(connection, or_sql, {})
            or_plan = connection.exec_driver_sql(prefix + or_sql).all()
        db.session.remove()
    return {"statements": plans, "total_sql_ms": round(sum(p["median_ms"] for p in plans), 3),
            "or_variant": {"sql": or_sql, "median_ms": or_ms,
                           "plan": "\n".join(" ".join(str(c) for c in r) for r in or_plan)}}


def _time_statement(connection: sa.Connection, statement: str, parameters: Any,
                    repeats: int = 15) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        connection.exec_driver_sql(statement, parameters).all()
        samples.append(time.perf_counter() - t0)
    return round(statistics.median(samples) * 1000, 3)


def _or_variant(actor: Any) -> str:
    """The naive inbox query, for comparison: one OR over groups and assignee."""
    groups = ", ".join(f"'{g}'" for g in sorted(actor.groups))
    return ("SELECT id FROM human_task WHERE (candidate_group IN (" + groups + ") AND status = "
            f"'ready') OR (assignee_id = {int(actor.id)} AND status = 'claimed') "
            "ORDER BY id LIMIT 50")


def measure(ctx: Context, clients: int) -> dict[str, Any]:
    """GET /api/v1/tasks (first page, 50 per page) as the reviewer in two groups."""
    runs = []
    for _ in range(ctx.mode.runs):
        results, cpu = ctx.timed(client.get_many, [
            ctx.job(path="/api/v1/tasks", user=READER, n=ctx.mode.inbox_requests)
            for _ in range(clients)], lambda r: len(merged(r, "lat")))
        summary = summarize(merged(results, "lat"), wall_s=wall_s(results))
        summary.update(cpu)
        summary["errors"] = ctx.note_errors(results)
        runs.append(summary)
    return across_runs(runs)

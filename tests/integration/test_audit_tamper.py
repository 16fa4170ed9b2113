"""Tampering with the history directly in the database is detected by the audit verification.

Each test changes rows behind the application's back (Core SQL, no ORM, no use case), as a
person with database access would, then verifies over HTTP as the auditor. Runs on SQLite and,
with DATABASE_URL set, on PostgreSQL.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import SAWarning

from models import AuditAnchor, Base, HumanTask, ProcessEvent, ProcessInstance, db
from tests.api_client import ApiClient
from tests.e2e.test_audit_export import export, verify_offline
from tests.e2e.test_leave_approval import approve_current, confirm_return, request_leave
from workflows.core.history import GENESIS, KEYED, UNKEYED, chain_key, event_hash

EVENTS = ProcessEvent.__table__


class Mentions:
    """Equal to any string containing ``part`` (to compare whole findings at once)."""

    def __init__(self, part: str) -> None:
        self.part = part

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self.part in other

    def __repr__(self) -> str:
        return f"<str mentioning {self.part!r}>"


def verify(api: ApiClient, **query: Any) -> dict[str, Any]:
    response = api.get("/api/v1/audit/verify", as_="auditor", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture()
def trail(leave_api: ApiClient) -> dict[str, int]:
    """Two finished and one running leave request, verified once (so anchored)."""
    ids = {}
    for name, days in (("done", 1), ("other", 2.5), ("running", 4)):
        ids[name] = request_leave(leave_api, days)["id"]
    for name in ("done", "other"):
        while leave_api.instance(ids[name])["open_tasks"][0]["task_name"] != "confirm_return":
            approve_current(leave_api, ids[name])
        confirm_return(leave_api, ids[name])
    report = verify(leave_api)
    assert report["ok"] is True, report
    assert report["new_anchor"] is not None
    return ids


def sql(app: Flask, statement: Any, **params: Any) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(statement if not isinstance(statement, str) else
                           sa.text(statement), params)


def delete_with_dependents(connection: sa.Connection, table: sa.Table,
                           condition: sa.ColumnElement[bool]) -> None:
    """Delete rows and, first, every row that references them (as a person with SQL would)."""
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table and child is not table:
                keys = sa.select(fk.column).where(condition)
                delete_with_dependents(connection, child, fk.parent.in_(keys))
    connection.execute(table.delete().where(condition))


def event_row(app: Flask, instance_id: int | None, seq: int) -> dict[str, Any]:
    with app.app_context():
        condition = (EVENTS.c.instance_id.is_(None) if instance_id is None
                     else EVENTS.c.instance_id == instance_id)
        row = db.session.execute(sa.select(EVENTS).where(condition, EVENTS.c.seq == seq)).one()
        db.session.remove()
        return dict(row._mapping)


def last_seq(app: Flask, instance_id: int) -> int:
    with app.app_context():
        value = db.session.get(ProcessInstance, instance_id).last_event_seq
        db.session.remove()
        return value


def first_broken(api: ApiClient) -> dict[str, Any]:
    report = verify(api)
    assert report["ok"] is False
    assert report["new_anchor"] is None  # a broken trail is never anchored
    return report["first_broken"]


def test_an_intact_trail_verifies_and_is_anchored_once(leave_api: ApiClient,
                                                       trail: dict[str, int]) -> None:
    again = verify(leave_api)
    assert again["ok"] is True
    assert again["new_anchor"] is None  # nothing moved since the last anchor
    assert again["instances_checked"] == 3 and again["anchors_checked"] == 1
    approve_current(leave_api, trail["running"])
    moved = verify(leave_api)
    assert moved["new_anchor"]["instances_in_delta"] == 1


def test_an_edited_payload_is_found_at_its_seq(app: Flask, leave_api: ApiClient,
                                               trail: dict[str, int]) -> None:
    target = next(seq for seq in range(1, 20)
                  if event_row(app, trail["other"], seq)["kind"] == "task_completed")
    row = event_row(app, trail["other"], target)
    forged = {**row["payload"], "data": {**row["payload"]["data"], "teacher_approved": False}}
    sql(app, EVENTS.update().where(EVENTS.c.id == row["id"]).values(payload=forged))
    broken = first_broken(leave_api)
    assert broken["instance_id"] == trail["other"] and broken["seq"] == target
    assert "altered" in broken["problem"]


def test_an_edited_actor_or_time_is_found(app: Flask, leave_api: ApiClient,
                                          trail: dict[str, int]) -> None:
    row = event_row(app, trail["done"], 1)
    sql(app, EVENTS.update().where(EVENTS.c.id == row["id"]).values(actor_id=None))
    assert first_broken(leave_api) == {"scope": "instance", "instance_id": trail["done"],
                                       "seq": 1, "problem": Mentions("altered")}


def test_a_deleted_event_is_found_where_the_gap_is(app: Flask, leave_api: ApiClient,
                                                   trail: dict[str, int]) -> None:
    sql(app, "DELETE FROM process_event WHERE instance_id = :i AND seq = 3", i=trail["done"])
    broken = first_broken(leave_api)
    assert (broken["instance_id"], broken["seq"]) == (trail["done"], 3)
    assert "missing" in broken["problem"]


def test_deleting_the_last_events_is_found_by_the_head(app: Flask, leave_api: ApiClient,
                                                       trail: dict[str, int]) -> None:
    last = last_seq(app, trail["running"])
    sql(app, "DELETE FROM process_event WHERE instance_id = :i AND seq = :s",
        i=trail["running"], s=last)
    broken = first_broken(leave_api)
    assert (broken["instance_id"], broken["seq"]) == (trail["running"], last)
    assert "removed" in broken["problem"]


def test_deleting_the_tail_and_moving_the_head_back_is_found_by_the_anchor(
        app: Flask, leave_api: ApiClient, trail: dict[str, int]) -> None:
    instance_id = trail["done"]
    last = last_seq(app, instance_id)
    previous = event_row(app, instance_id, last - 1)
    sql(app, "DELETE FROM process_event WHERE instance_id = :i AND seq = :s", i=instance_id,
        s=last)
    sql(app, "UPDATE process_instance SET last_event_seq = :s, last_event_hash = :h "
             "WHERE id = :i", s=last - 1, h=previous["hash"], i=instance_id)
    broken = first_broken(leave_api)
    assert (broken["instance_id"], broken["seq"], broken["anchor_id"]) == (instance_id, last, 1)


def test_two_swapped_events_are_found(app: Flask, leave_api: ApiClient,
                                      trail: dict[str, int]) -> None:
    first, second = (event_row(app, trail["other"], seq)["id"] for seq in (2, 3))
    sql(app, "UPDATE process_event SET seq = -1 WHERE id = :a", a=first)
    sql(app, "UPDATE process_event SET seq = 2 WHERE id = :b", b=second)
    sql(app, "UPDATE process_event SET seq = 3 WHERE id = :a", a=first)
    broken = first_broken(leave_api)
    assert (broken["instance_id"], broken["seq"]) == (trail["other"], 2)


def forge_tail(app: Flask, instance_id: int, *, key: bytes | None, move_head: bool) -> int:
    """Append an approval, hashed by the published rule (``key`` None: plain SHA-256) or
    under a guessed key, as someone with write access to the database could; ``move_head``
    also moves the instance's recorded head onto it, so the chain looks whole. Its seq."""
    last = last_seq(app, instance_id)
    head = event_row(app, instance_id, last)
    forged = {"instance_id": instance_id, "seq": last + 1, "kind": "task_completed",
              "at": head["at"], "actor_id": head["actor_id"], "task_name": "approve_leader",
              "payload": {"task_id": 1, "data": {"leader_approved": True}}}
    forged["hash"] = event_hash(**forged, prev_hash=head["hash"], key=key)
    sql(app, EVENTS.insert().values(**forged, prev_hash=head["hash"],
                                    hash_version=UNKEYED if key is None else KEYED))
    if move_head:
        sql(app, "UPDATE process_instance SET last_event_seq = :s, last_event_hash = :h "
                 "WHERE id = :i", s=last + 1, h=forged["hash"], i=instance_id)
    return last + 1


def test_a_forged_event_appended_with_a_valid_hash_is_found(app: Flask, leave_api: ApiClient,
                                                            trail: dict[str, int]) -> None:
    instance_id = trail["running"]
    seq = forge_tail(app, instance_id, key=None, move_head=False)
    broken = first_broken(leave_api)
    assert (broken["instance_id"], broken["seq"]) == (instance_id, seq)
    assert "without the chain key" in broken["problem"]


@pytest.mark.parametrize("key", [None, chain_key("a key guessed by whoever forges events")],
                         ids=["published rule", "guessed key"])
def test_a_forged_tail_with_its_head_moved_after_the_last_anchor_is_found(
        app: Flask, leave_api: ApiClient, trail: dict[str, int], key: bytes | None) -> None:
    """The chain and its head agree, as the hash rule is public; only the key is missing."""
    instance_id = trail["running"]
    seq = forge_tail(app, instance_id, key=key, move_head=True)
    broken = first_broken(leave_api)  # and, being broken, the forgery is not anchored
    assert (broken["scope"], broken["instance_id"], broken["seq"]) == (
        "instance", instance_id, seq)
    assert ("without the chain key" if key is None else "altered") in broken["problem"]
    timeline = leave_api.get(f"/api/v1/audit/instances/{instance_id}/timeline",
                             as_="auditor").get_json()
    assert timeline["chain"]["intact"] is False
    assert timeline["chain"]["first_broken"]["seq"] == seq


def test_an_export_of_a_forged_tail_fails_the_offline_verifier(
        tmp_path: Path, app: Flask, settings: Any, leave_api: ApiClient,
        trail: dict[str, int]) -> None:
    seq = forge_tail(app, trail["running"], key=None, move_head=True)
    content = export(leave_api, instance_id=trail["running"])
    result = verify_offline(tmp_path, content, settings.audit_signing_key)
    assert result.returncode == 1, result.stdout
    assert f"seq {seq} is unkeyed" in result.stdout


def rewrite_unkeyed(app: Flask) -> None:
    """Every chain rehashed as certflow wrote events before chains were keyed (and no anchor
    written since), as a database upgraded from that version holds them."""
    with app.app_context(), db.engine.begin() as connection:
        rows = connection.execute(sa.select(EVENTS).order_by(
            EVENTS.c.instance_id.is_not(None), EVENTS.c.instance_id, EVENTS.c.seq)).all()
        prev: dict[int | None, str] = {}
        for row in rows:
            link = prev.get(row.instance_id, GENESIS)
            digest = event_hash(instance_id=row.instance_id, seq=row.seq, kind=row.kind,
                                at=row.at, actor_id=row.actor_id, task_name=row.task_name,
                                payload=row.payload, prev_hash=link, key=None)
            connection.execute(EVENTS.update().where(EVENTS.c.id == row.id).values(
                prev_hash=link, hash=digest, hash_version=UNKEYED))
            prev[row.instance_id] = digest
        instances = ProcessInstance.__table__
        for instance_id, head in prev.items():
            if instance_id is not None:
                connection.execute(instances.update().where(instances.c.id == instance_id)
                                   .values(last_event_hash=head))


def test_history_from_before_keyed_chains_is_adopted_once_and_then_closed(
        app: Flask, leave_api: ApiClient) -> None:
    older, newer = (request_leave(leave_api, days)["id"] for days in (1, 4))
    rewrite_unkeyed(app)
    adopted = verify(leave_api)  # no keyed anchor yet: unkeyed events are accepted ...
    assert adopted["ok"] is True, adopted["first_broken"]
    assert adopted["new_anchor"]["id"] == 1  # ... and the first keyed anchor adopts them
    # The adopted chains go on with keyed events.
    approve_current(leave_api, older)
    assert verify(leave_api)["ok"] is True
    # An unkeyed event appended to a chain with no keyed event yet is no longer adopted.
    seq = forge_tail(app, newer, key=None, move_head=True)
    broken = first_broken(leave_api)
    assert (broken["instance_id"], broken["seq"]) == (newer, seq)
    assert "without the chain key" in broken["problem"]


def test_an_instance_deleted_whole_is_found_by_the_anchor(app: Flask, leave_api: ApiClient,
                                                          trail: dict[str, int]) -> None:
    instance_id = trail["other"]
    with app.app_context(), db.engine.begin() as connection:
        instances = ProcessInstance.__table__
        delete_with_dependents(connection, instances, instances.c.id == instance_id)
    broken = first_broken(leave_api)
    assert (broken["scope"], broken["instance_id"], broken["anchor_id"]) == (
        "instance", instance_id, 1)
    assert "missing" in broken["problem"]


def test_an_edited_definition_event_is_found(app: Flask, leave_api: ApiClient,
                                             trail: dict[str, int]) -> None:
    row = event_row(app, None, 1)
    sql(app, EVENTS.update().where(EVENTS.c.id == row["id"])
        .values(payload={**row["payload"], "version": 7}))
    broken = first_broken(leave_api)
    assert (broken["scope"], broken["seq"]) == ("definitions", 1)


def test_edited_removed_or_forged_anchors_are_found(app: Flask, leave_api: ApiClient,
                                                    trail: dict[str, int]) -> None:
    approve_current(leave_api, trail["running"])
    assert verify(leave_api)["new_anchor"]["id"] == 2
    anchors = AuditAnchor.__table__
    sql(app, anchors.update().where(anchors.c.id == 2).values(instance_count=99))
    assert first_broken(leave_api) == {"scope": "anchor", "anchor_id": 2,
                                       "problem": Mentions("altered")}
    sql(app, "DELETE FROM audit_anchor WHERE id = 1")
    assert first_broken(leave_api)["problem"].startswith("does not link")


def test_an_anchor_rewritten_without_the_key_fails_its_signature(
        app: Flask, leave_api: ApiClient, trail: dict[str, int]) -> None:
    from workflows.audit.anchor import anchor_hash, sign

    with app.app_context():
        anchor = db.session.get(AuditAnchor, 1)
        entries = [e for e in anchor.entries if e[0] != trail["other"]]
        digest = anchor_hash(created_at=anchor.created_at, created_by=anchor.created_by,
                             entries=entries, definitions_head=anchor.definitions_head,
                             instance_count=anchor.instance_count - 1,
                             prev_hash=anchor.prev_hash, chain_version=anchor.chain_version)
        db.session.remove()
    anchors = AuditAnchor.__table__
    sql(app, anchors.update().where(anchors.c.id == 1).values(
        entries=entries, instance_count=2, hash=digest, signature=sign("guessed-key", digest)))
    broken = first_broken(leave_api)
    assert broken["scope"] == "anchor" and "signature" in broken["problem"]


def test_verification_reads_one_snapshot(app: Flask, leave_api: ApiClient,
                                         trail: dict[str, int]) -> None:
    """On PostgreSQL the walk runs REPEATABLE READ, so commits meanwhile never look like
    tampering; SQLAlchemy warns (here: fails) when that level cannot be set any more."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", SAWarning)
        assert verify(leave_api)["ok"] is True


def test_reviewers_and_applicants_may_not_verify(leave_api: ApiClient) -> None:
    for user in ("zhang", "xiaoming"):
        assert leave_api.get("/api/v1/audit/verify", as_=user).status_code == 403
    assert leave_api.get("/api/v1/audit/verify", as_="admin").status_code == 200


def test_human_task_rows_are_not_part_of_the_chain(app: Flask, leave_api: ApiClient,
                                                   trail: dict[str, int]) -> None:
    """The inbox table is derived state; editing it is caught by replay, not by the chain."""
    tasks = HumanTask.__table__
    sql(app, tasks.update().where(tasks.c.instance_id == trail["running"]).values(
        task_name="approve_leader"))
    assert verify(leave_api)["ok"] is True
    response = leave_api.get(f"/api/v1/instances/{trail['running']}/replay", as_="auditor")
    integrity = response.get_json()["integrity"]
    assert integrity["matches"] is False
    assert [d["kind"] for d in integrity["differences"]] == ["open_tasks"]


def test_the_cli_anchors_and_verifies(app: Flask, settings: Any, leave_api: ApiClient,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from api import cli_audit

    monkeypatch.setattr(cli_audit, "load_app", lambda: (app, settings))
    request_leave(leave_api, 1)
    runner = CliRunner()
    first = runner.invoke(cli_audit.audit, ["anchor"])
    assert first.exit_code == 0 and first.output.startswith("anchor 1 "), first.output
    again = runner.invoke(cli_audit.audit, ["anchor"])
    assert again.output.startswith("nothing moved since anchor 1")
    assert runner.invoke(cli_audit.audit, ["verify"]).exit_code == 0
    sql(app, "DELETE FROM process_event WHERE instance_id IS NOT NULL AND seq = 2")
    broken = runner.invoke(cli_audit.audit, ["verify"])
    assert broken.exit_code == 1 and '"ok": false' in broken.output
    assert runner.invoke(cli_audit.audit, ["anchor"]).exit_code == 1

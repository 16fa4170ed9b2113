"""The unit of work's transaction rules, on both databases.

On PostgreSQL a unit of work adopts a transaction that has only read (the request's token
check) instead of paying a ROLLBACK round trip; these tests pin down that it still never
commits anything written before it began, and that ``keep_loaded`` only keeps what is true.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from api.context import unit_of_work
from models import Group, db
from tests.api_client import ApiClient


def _group_exists(app: Flask, group_id: str) -> bool:
    with app.app_context():
        found = db.session.scalar(sa.select(Group.id).where(Group.id == group_id))
        db.session.remove()
        return found is not None


def test_a_unit_of_work_never_commits_what_was_flushed_before_it_began(
        app: Flask, clean_db: None) -> None:
    with app.app_context():
        db.session.add(Group(id="stray", name="written outside any unit of work"))
        db.session.flush()
        uow = unit_of_work()
        with uow:
            uow.session.add(Group(id="mine", name="written by the use case"))
            uow.commit()
        db.session.remove()
    assert _group_exists(app, "mine")
    assert not _group_exists(app, "stray")


def test_a_unit_of_work_never_commits_a_statement_run_before_it_began(
        app: Flask, clean_db: None) -> None:
    with app.app_context():
        db.session.execute(sa.insert(Group).values(id="stray", name="bulk insert"))
        uow = unit_of_work()
        with uow:
            uow.commit()
        db.session.remove()
    assert not _group_exists(app, "stray")


def test_a_unit_of_work_after_a_read_sees_fresh_rows(app: Flask, clean_db: None) -> None:
    with app.app_context():
        group = db.session.get(Group, "class_teacher")
        assert group is not None
        with db.engine.begin() as other:  # another request renames it meanwhile
            other.execute(sa.update(Group).where(Group.id == "class_teacher")
                          .values(name="renamed"))
        uow = unit_of_work()
        with uow:
            assert uow.session.get(Group, "class_teacher").name == "renamed"
        db.session.remove()


def test_completing_a_task_answers_with_the_instance_as_stored(leave_api: ApiClient) -> None:
    # The answer is built from what the use case wrote, without reading it back.
    api = leave_api
    started = api.start_leave(as_="xiaoming", days=2.5, leave_type="personal",
                        reason="家中有事需要处理").get_json()
    assert started == api.instance(started["id"])
    task = started["open_tasks"][0]
    assert api.claim(task["id"], as_="zhang").status_code == 200
    answered = api.complete(task["id"], as_="zhang", teacher_approved=True,
                            teacher_comment="ok")
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json() == api.instance(started["id"])
    assert [t["task_name"] for t in answered.get_json()["open_tasks"]] == [
        "approve_class_office"]

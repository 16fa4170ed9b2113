"""Helpers shared by several test modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from models import db
from tests.api_client import ApiClient
from workflows.core.runtime import Runtime
from workflows.definitions.bundles import collect_bundle

ROOT = Path(__file__).resolve().parent.parent
LEAVE_BPMN = ROOT / "bpmn" / "leave_approval.bpmn"


def leave_bundle() -> dict[str, bytes]:
    return collect_bundle(LEAVE_BPMN)


def deploy_modified_leave(api: ApiClient) -> dict:
    """Deploy version 2 of leave approval (a renamed task) and return the response body."""
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        "班主任审批".encode(), "班主任审批（新）".encode(), 1)
    response = api.deploy_files(files)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2
    return response.get_json()


def another_centre_admin(app: Flask, api: ApiClient,
                         runtime: Runtime) -> tuple[int, dict[str, str]]:
    """A second centre, 乙鉴定站, with its own administrator signed in: its id and the
    administrator's request headers."""
    from models import User, db
    from models.directory import UnitKind
    from models.statuses import PersonStatus
    from workflows.directory.people import add_person
    from workflows.directory.units import add_unit

    with app.app_context():
        session = db.session()
        other = add_unit(session, kind=UnitKind.INSTITUTION, code="B-CENTRE", name="乙鉴定站")
        person = add_person(session, tenant_id=other.id, name="乙管理员",
                            status=PersonStatus.EMPLOYED, now=runtime.now())
        session.add(User(username="admin_b", display_name="乙管理员", role="admin",
                         password_hash=runtime.passwords.hash("admin_b123"), active=True,
                         created_at=runtime.now(), person_id=person.id))
        session.commit()
        other_id = other.id
    token = api.client.post("/api/v1/auth/token", json={
        "username": "admin_b", "password": "admin_b123"}).get_json()["access_token"]
    return other_id, {"Authorization": f"Bearer {token}"}


@contextmanager
def engine_events(app: Flask, **handlers: Callable[..., Any]) -> Iterator[None]:
    """The app engine's events (``before_cursor_execute=…``, ``commit=…``) handled for the
    duration of the block."""
    with app.app_context():
        engine = db.engine
    for name, handler in handlers.items():
        sa.event.listen(engine, name, handler)
    try:
        yield
    finally:
        for name, handler in handlers.items():
            sa.event.remove(engine, name, handler)

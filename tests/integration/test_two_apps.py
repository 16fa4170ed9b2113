"""Two apps in one process do not interfere: each runs with the runtime it was built with.

A and B differ in everything ``bootstrap(settings)`` builds: database, clock, holiday calendar,
password cost, certificate issuer code, signing keys, service functions and job dispatch. They
are used in turns, and each keeps to its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import jwt
import pytest
import sqlalchemy as sa
from celery import _state as celery_state
from flask import Flask

from api import create_app
from config import Settings
from models import Base, Certificate, User, db
from tests.api_client import ApiClient
from tests.background_support import FIXTURES
from tests.conftest import ROOT
from workflows.certification import register
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime, runtime_of
from workflows.core.unit_of_work import UnitOfWork
from workflows.identity.users import seed_users

A_NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
B_NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # a Monday too; Tuesday is B's holiday


def _holidays(tmp_path: Path) -> Path:
    path = tmp_path / "holidays.json"
    path.write_text(json.dumps({"timezone": "Asia/Shanghai", "weekend": [6, 7], "years": {
        "2027": {"holidays": {"2027-01-05": "校庆"}, "workdays": {}}}}), encoding="utf-8")
    return path


def _app(tmp_path: Path, name: str, now: datetime, **values: object) -> Iterator[Flask]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / f'{name}.sqlite3'}",
                        secret_key=f"secret-key-of-app-{name}-with-32-bytes-or-more",
                        audit_signing_key=f"audit-key-of-app-{name}-with-32-bytes-or-more",
                        password_memory_cost_kib=1024, **values)
    app = create_app(settings)
    runtime_of(app).clock = FrozenClock(now)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_users(settings.seed_file, uow=UnitOfWork(runtime_of(app)))
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def apps(tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    default_before = celery_state.default_app
    a = _app(tmp_path, "a", A_NOW, password_time_cost=1, certificate_issuer_code="AA0001")
    b = _app(tmp_path, "b", B_NOW, password_time_cost=2, certificate_issuer_code="BB0002",
             holidays_file=_holidays(tmp_path), service_modules=("tests.broker_services",))
    yield next(a), next(b)
    assert celery_state.default_app is default_before  # building apps changed no default
    for app in (a, b):
        next(app, None)


def _deploy(api: ApiClient, *names: str) -> None:
    for name in names:
        path = FIXTURES / name if (FIXTURES / name).exists() else ROOT / "bpmn" / name
        response = (api.deploy_bundle(path, as_="admin") if path.parent.name == "bpmn"
                    else api.deploy_files({name: path.read_bytes()}))
        assert response.status_code == 201, response.get_json()


def _issue(app: Flask, holder: str) -> str:
    runtime: Runtime = runtime_of(app)
    with app.app_context():
        uow = UnitOfWork(runtime)
        with uow:
            certificate, _ = register.issue(uow, register.NewCertificate(
                holder, "32010220050312123X", "电工", 5, None, {}, None),
                source_instance_id=None, business_key=None, now=runtime.now())
            number = certificate.certificate_no
            uow.commit()
        db.session.remove()
    return number


def _column(app: Flask, statement: sa.Select) -> list:
    with app.app_context():
        values = list(db.session.scalars(statement))
        db.session.remove()
    return values


def test_two_apps_in_one_process_keep_to_their_own_runtime(
        apps: tuple[Flask, Flask]) -> None:
    app_a, app_b = apps
    api_a, api_b = ApiClient(app_a.test_client()), ApiClient(app_b.test_client())

    # Clocks and keys: each token is issued at its app's time, under its app's key.
    claims_a = jwt.decode(api_a.token("admin"), options={"verify_signature": False})
    claims_b = jwt.decode(api_b.token("admin"), options={"verify_signature": False})
    assert (claims_a["iat"], claims_b["iat"]) == (A_NOW.timestamp(), B_NOW.timestamp())
    foreign = api_b.client.get("/api/v1/me", headers=api_a.headers("admin"))
    assert foreign.status_code == 401

    # Calendars: the same P2WD due time lands on each app's own working days.
    _deploy(api_a, "leave_approval.bpmn")
    _deploy(api_b, "leave_approval.bpmn")
    started_a = api_a.start_leave(as_="xiaoming", days=1).get_json()
    started_b = api_b.start_leave(as_="xiaoming", days=1).get_json()
    assert started_a["started_at"].startswith("2026-11-02")
    assert started_b["started_at"].startswith("2027-01-04")
    due_a = datetime.fromisoformat(started_a["open_tasks"][0]["due_at"])
    due_b = datetime.fromisoformat(started_b["open_tasks"][0]["due_at"])
    assert due_a.date().isoformat() == "2026-11-04"  # Monday + 2 working days
    assert due_b.date().isoformat() == "2027-01-07"  # Tuesday is B's holiday

    # Issuer codes and years.
    assert _issue(app_a, "甲").startswith("AA00012026")
    assert _issue(app_b, "乙").startswith("BB00022027")
    assert _issue(app_a, "丙").startswith("AA00012026")
    assert _column(app_a, sa.select(Certificate.issuer_code)) == ["AA0001", "AA0001"]

    # Service functions and job dispatch: only B loaded tests.broker_services; each app's
    # jobs run in its own database.
    _deploy(api_a, "service_call.bpmn")
    _deploy(api_b, "service_call.bpmn")
    call = {"holder": "小明", "level": 3}
    in_b = api_b.start("service_call", as_="xiaoming", **call).get_json()
    in_a = api_a.start("service_call", as_="xiaoming", **call).get_json()
    assert api_b.instance(in_b["id"])["data"]["certificate"]["attempt"] == 2
    failed = api_a.instance(in_a["id"])
    assert failed["status"] == "incident"
    assert "no service function is registered" in failed["error"]["message"]
    assert runtime_of(app_a).jobs.sender is not runtime_of(app_b).jobs.sender

    # Password hashing cost.
    hash_a = _column(app_a, sa.select(User.password_hash).where(User.username == "admin"))[0]
    hash_b = _column(app_b, sa.select(User.password_hash).where(User.username == "admin"))[0]
    assert ",t=1," in hash_a and ",t=2," in hash_b

    # A is still at its own time after all of B's work.
    assert runtime_of(app_a).now() == A_NOW and runtime_of(app_b).now() == B_NOW

"""The sweep hands back what a killed worker held, after the configured leases.

``bench.crash`` measures this with real SIGKILLs; here the same rule with a frozen clock:
a timer claim or a queued service job is left alone while younger than its lease and handed
back once older, and the leases come from the environment.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from config import Settings, load_settings
from models import ServiceJob, Timer, db
from tests.api_client import ApiClient, business_key
from tests.background_support import advance, deploy_fixture
from tests.keys import AUDIT_KEY, SECRET_KEY, key_env
from worker import jobs
from workflows.automation import timer_claims
from workflows.core.clock import FrozenClock
from workflows.core.runtime import runtime_of
from workflows.core.unit_of_work import units_of


def sweep(app: Flask, settings: Settings, **leases: float) -> dict[str, int]:
    """The sweep job (what beat's ``certflow.sweep`` and the embedded loop run) with leases."""
    with app.app_context():
        try:
            return jobs.sweep(units_of(runtime_of(app)), settings.replace(**leases))
        finally:
            db.session.remove()


def rows(app: Flask, statement: Any) -> list[Any]:
    with app.app_context():
        try:
            return list(db.session.execute(statement).all())
        finally:
            db.session.remove()


def test_leases_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTFLOW_CLAIM_LEASE_SECONDS", "7")
    monkeypatch.setenv("CERTFLOW_SERVICE_JOB_LEASE_SECONDS", "9")
    monkeypatch.setenv("CERTFLOW_SWEEP_SECONDS", "2")
    for variable, value in key_env().items():
        monkeypatch.setenv(variable, value)
    loaded = load_settings()
    assert (loaded.claim_lease_seconds, loaded.service_job_lease_seconds,
            loaded.sweep_seconds) == (7.0, 9.0, 2.0)
    defaults = Settings(secret_key=SECRET_KEY, audit_signing_key=AUDIT_KEY)
    assert (defaults.claim_lease_seconds, defaults.service_job_lease_seconds) == (300, 600)


def test_a_dead_workers_timer_claim_returns_to_pending_after_the_lease(
        app: Flask, api: ApiClient, settings: Settings, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    api.start("public_notice", as_="admin", key=business_key("GS"))
    advance(api, frozen_clock, days=10)
    with app.app_context():
        claimed = timer_claims.claim_due("host:4242:dead", uows=units_of(runtime_of(app)),
                                   limit=10)
        db.session.remove()
    assert len(claimed) == 1
    advance(api, frozen_clock, seconds=6)
    assert sweep(app, settings, claim_lease_seconds=10)["released_claims"] == 0
    assert rows(app, sa.select(Timer.status))[0][0] == "claimed"
    assert sweep(app, settings, claim_lease_seconds=5)["released_claims"] == 1
    assert rows(app, sa.select(Timer.status, Timer.claimed_by))[0] == ("pending", None)


def test_a_queued_service_job_is_sent_again_after_the_lease(
        app: Flask, api: ApiClient, settings: Settings, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "service_call.bpmn")
    sent: list[int] = []
    embedded = runtime_of(app).jobs.sender
    runtime_of(app).jobs.connect(sent.append)  # the message is "lost": nobody runs it
    try:
        api.start("service_call", as_="xiaoming", holder="小明", level=3)
        advance(api, frozen_clock, seconds=6)
        assert sweep(app, settings, service_job_lease_seconds=10)["requeued_jobs"] == 0
        assert sweep(app, settings, service_job_lease_seconds=5)["requeued_jobs"] == 1
    finally:
        runtime_of(app).jobs.connect(embedded)
    job_id = rows(app, sa.select(ServiceJob.id, ServiceJob.status))[0]
    assert job_id[1] == "queued"
    assert sent == [job_id[0], job_id[0]]  # after the commit, then by the sweep

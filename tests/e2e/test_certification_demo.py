"""``certflow seed-demo``: a living system with cases in every state, built by the use cases."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from api.demo_seed import seed_demo
from config import Settings
from tests.api_client import ApiClient


def test_the_demo_seeds_cases_in_every_state_once(api: ApiClient, app: Flask,
                                                  settings: Settings) -> None:
    with app.app_context():
        summary = seed_demo(settings.bpmn_dir, now=datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
        again = seed_demo(settings.bpmn_dir)
    assert summary.created and not again.created
    assert (summary.applicants, summary.cases) == (36, 36)
    states = summary.states
    for outcome in ("certified", "failed", "absent", "ineligible", "rejected",
                    "correction_expired", "withheld"):
        assert states.get(outcome, 0) >= 1, states
    assert states["running"] >= 15, states
    # Work waits in the staff's inboxes.
    for user, task in (("sun", "review_eligibility"), ("zhou", "schedule_exam"),
                       ("zheng", "score_exam"), ("he", "review_scores"),
                       ("xu", "approve_results"), ("han", "handle_objection")):
        names = {t["task_name"] for t in api.inbox(as_=user, per_page=200)["items"]}
        assert task in names, (user, names)
    register = api.get("/api/v1/certificates", as_="cao", query_string={"per_page": 200})
    statuses = sorted(c["status"] for c in register.get_json()["items"])
    assert {"valid", "reissued", "revoked"} <= set(statuses), statuses
    sessions = api.get("/api/v1/reports/certification/sessions", as_="xu").get_json()
    assert len(sessions) == 2 and sessions[0]["scored"] >= 10
    # A case in its 公示 (notice) period and cases in their re-check window, waiting on timers
    # an administrator of the demo may fire now (POST /timers/{id}/fire-now).
    waiting = {t["element_id"] for t in api.get("/api/v1/timers", as_="admin",
                                                query_string={"status": "pending"}).get_json()}
    assert {"notice_ended", "appeal_window_closed"} <= waiting, waiting

"""App-wide rules for auditors: they change nothing, and their reads of personal data are logged.

Both are hooks on the whole app rather than checks in each view, so a write endpoint added
later is closed to auditors without anyone remembering to, and no read view can forget to log.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, request

from api.auth import _actor_from_request
from api.context import runtime, unit_of_work
from api.errors import problem
from models import HumanTask, db
from workflows.audit.access_log import LOGGED_ROLES, record_access
from workflows.core.actors import Actor
from workflows.core.errors import CertflowError
from workflows.directory import acting, scope

log = logging.getLogger("certflow.audit")

READ_ONLY_ROLES = frozenset({"auditor"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Signing in and out, choosing one's own password and activating an account with a code (a
# public call: whatever token comes with it is not used) change nothing auditors are kept from
# changing.
WRITE_EXEMPT_ENDPOINTS = frozenset({"auth.sign_in", "auth.logout", "auth.change_password",
                                    "auth.activate"})
# Reads that show no personal data (diagrams, docs, health, one's own account). Every other
# successful GET by an auditor is logged, so a blueprint added later is logged by default.
NON_PERSONAL_BLUEPRINTS = frozenset({"health", "auth", "definitions", "api-docs",
                                     "docs_assets", "static"})
# Blueprints whose use cases log reads themselves, staff's too, with the case they belong to.
SELF_LOGGING_BLUEPRINTS = frozenset({"attachments"})
SUPERVISOR_ROLE = "supervisor"  # the access log's role column is 16 characters
# Lists of cases that only a supervising position opens: each read is logged with the cases
# it showed (the list names applicants and where each case stands).
SUPERVISED_LISTS = frozenset({"supervision.centre_cases"})


def register_audit_hooks(app: Flask) -> None:
    app.before_request(_refuse_writes_by_read_only_roles)
    app.after_request(_record_personal_data_reads)


def _refuse_writes_by_read_only_roles() -> Response | None:
    if request.method in SAFE_METHODS or request.endpoint in WRITE_EXEMPT_ENDPOINTS:
        return None
    if not request.headers.get("Authorization"):
        return None  # the view answers 401 as usual
    try:
        actor = _request_actor()
    except CertflowError:
        return None  # an invalid token is the view's 401 to give
    # No rollback here: the actor is cached for ``login_required`` (one check per request),
    # and the use case's unit of work decides whether the open read transaction must end.
    if actor.role in READ_ONLY_ROLES:
        return problem(403, "Not allowed", f"the {actor.role} role reads and changes nothing",
                       slug="not-allowed")
    return None


def _request_actor() -> Actor:
    """The token's actor, via the same checks ``login_required`` makes (expiry, revocation)."""
    found: Any = _actor_from_request()
    return found[0] if isinstance(found, tuple) else found  # (actor, claims) since hardening


def _record_personal_data_reads(response: Response) -> Response:
    actor = g.get("actor")
    if (actor is None or request.method != "GET"
            or response.status_code >= 400
            or request.blueprint is None or request.blueprint in NON_PERSONAL_BLUEPRINTS
            or request.blueprint in SELF_LOGGING_BLUEPRINTS):
        return response
    args = request.view_args or {}
    instance_id = args.get("instance_id") or request.args.get("instance_id", type=int)
    role = None
    if actor.role not in LOGGED_ROLES:
        # The 质量监督小组 reads every case of its centre: its reads of a case are logged.
        if (actor.role == "applicant"
                or (instance_id is None and "task_id" not in args
                    and request.endpoint not in SUPERVISED_LISTS)
                or not scope.supervises(db.session(), actor,
                                        today=acting.today_at(runtime().now()))):
            return response
        role = SUPERVISOR_ROLE
    try:
        if instance_id is None and "task_id" in args:
            task = db.session.get(HumanTask, args["task_id"])
            instance_id = task.instance_id if task is not None else None
        detail: dict[str, Any] = {"status": response.status_code}
        if request.endpoint in SUPERVISED_LISTS:
            shown = response.get_json(silent=True) or {}
            detail["cases"] = [item["id"] for item in shown.get("items", [])]
        record_access(actor, action=request.endpoint or "", resource=request.full_path.rstrip("?"),
                      instance_id=instance_id, uow=unit_of_work(), detail=detail, role=role)
    except Exception:
        log.exception("could not record an auditor's read; withholding the data")
        return problem(500, "Read not recorded", "the read could not be recorded in the audit "
                       "access log, so its data is withheld; try again", slug="access-not-logged")
    return response

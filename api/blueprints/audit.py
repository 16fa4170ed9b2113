"""The auditor API: verify the trail, replay, timeline, diff, search, activity, export.

Auditors and administrators only. Every view is a read; auditors' reads of personal data are
recorded by ``api.audit_hooks`` after the view runs, and the data is withheld if that fails.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from api.auth import current_actor, login_required
from api.context import runtime
from api.openapi import CertflowBlueprint, problems
from api.schemas.audit import (
    AccessLogPageSchema,
    AccessLogQuerySchema,
    ActivitySchema,
    AuditInstancePageSchema,
    AuditInstanceQuerySchema,
    DiffQuerySchema,
    DiffSchema,
    ExportQuerySchema,
    ReplayQuerySchema,
    ReplaySchema,
    TimelineSchema,
    TimeRangePageQuerySchema,
    VerifyQuerySchema,
    VerifyReportSchema,
)
from config import Settings
from models import db
from workflows.audit import views as audit_views
from workflows.audit.collect import build_export
from workflows.audit.replay import InstanceReplay, replay_instance
from workflows.audit.verify import verify_trail
from workflows.core.unit_of_work import units_of

bp = CertflowBlueprint("audit", __name__, url_prefix="/api/v1",
                       description="Audit trail (auditors)")
AUDIT_ROLES = ("auditor", "admin")


def _settings() -> Settings:
    return runtime().settings


@bp.get("/audit/verify")
@login_required(*AUDIT_ROLES)
@bp.arguments(VerifyQuerySchema, location="query")
@bp.response(200, VerifyReportSchema)
def verify(query: dict[str, Any]) -> dict[str, Any]:
    """Walk every hash chain and anchor; report the first broken link, if any.

    When everything verifies, the heads just verified are anchored (signed), so an instance
    deleted whole later is detected.
    """
    actor = current_actor()
    report = verify_trail(key=_settings().audit_signing_key, uows=units_of(runtime()),
                          anchor_as=f"user:{actor.username}" if query["anchor"] else None)
    return report.to_dict()


@bp.get("/instances/<int:instance_id>/replay")
@login_required(*AUDIT_ROLES)
@bp.arguments(ReplayQuerySchema, location="query")
@bp.response(200, ReplaySchema)
@problems(404, 422)
def replay(query: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """The instance as it was at event ``upto``, rebuilt by re-running its pinned definition.

    At the last event the result is compared with the stored state; any difference is
    reported under ``integrity``.
    """
    audit_views.case_of_centre(db.session(), instance_id, current_actor())
    result = replay_instance(db.session(), instance_id, upto=query.get("upto"),
                             context=runtime().run_context())
    return replay_payload(result)


def replay_payload(result: InstanceReplay) -> dict[str, Any]:
    snapshot = result.snapshot
    return {
        "instance_id": result.instance.id, "process_id": result.instance.process_id,
        "definition_id": result.definition.id,
        "definition_version": result.definition.version, "upto": result.upto,
        "last_seq": result.instance.last_event_seq, "status": snapshot.status,
        "data": snapshot.data, "open_tasks": snapshot.open_tasks, "path": snapshot.path,
        "error": snapshot.error, "integrity": result.integrity,
    }


@bp.get("/audit/instances")
@login_required(*AUDIT_ROLES)
@bp.arguments(AuditInstanceQuerySchema, location="query")
@bp.response(200, AuditInstancePageSchema)
def instances(query: dict[str, Any]) -> dict[str, Any]:
    """All instances by business key, applicant, process, status and start time."""
    return audit_views.search_instances(
        db.session(), actor=current_actor(), business_key=query.get("business_key"),
        applicant=query.get("applicant"),
        process_id=query.get("process_id"), status=query.get("status"),
        started_from=query.get("started_from"), started_to=query.get("started_to"),
        page=query["page"], per_page=query["per_page"]).to_dict()


@bp.get("/audit/instances/<int:instance_id>/timeline")
@login_required(*AUDIT_ROLES)
@bp.response(200, TimelineSchema)
@problems(404)
def timeline(instance_id: int) -> dict[str, Any]:
    """Every event in order: who, when, which task, what was submitted or decided."""
    return audit_views.timeline(db.session(), instance_id, key=runtime().chain_key,
                                actor=current_actor())


@bp.get("/audit/instances/<int:instance_id>/diff")
@login_required(*AUDIT_ROLES)
@bp.arguments(DiffQuerySchema, location="query")
@bp.response(200, DiffSchema)
@problems(404, 422)
def diff(query: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """How the process data changed between two events (both points rebuilt by replay)."""
    audit_views.case_of_centre(db.session(), instance_id, current_actor())
    return audit_views.data_diff(db.session(), instance_id, query["from_"], query["to"],
                                 context=runtime().run_context())


@bp.get("/audit/users/<int:user_id>/activity")
@login_required(*AUDIT_ROLES)
@bp.arguments(TimeRangePageQuerySchema, location="query")
@bp.response(200, ActivitySchema)
@problems(404)
def activity(query: dict[str, Any], user_id: int) -> dict[str, Any]:
    """Everything one person did, newest first, with the instance it was on."""
    return audit_views.user_activity(db.session(), user_id, actor=current_actor(),
                                     since=query.get("from_"),
                                     until=query.get("to"), page=query["page"],
                                     per_page=query["per_page"])


@bp.get("/audit/access-log")
@login_required(*AUDIT_ROLES)
@bp.arguments(AccessLogQuerySchema, location="query")
@bp.response(200, AccessLogPageSchema)
def access_log(query: dict[str, Any]) -> dict[str, Any]:
    """Auditors' recorded reads of personal data, newest first."""
    return audit_views.access_log(db.session(), actor=current_actor(),
                                  actor_id=query.get("actor_id"),
                                  instance_id=query.get("instance_id"), page=query["page"],
                                  per_page=query["per_page"]).to_dict()


@bp.get("/audit/export")
@login_required(*AUDIT_ROLES)
@bp.arguments(ExportQuerySchema, location="query")
@bp.alt_response(200, description="a zip: events.jsonl, instances.jsonl, actors.jsonl, "
                 "definitions.jsonl, manifest.json, signature.json, README.txt",
                 content_type="application/zip")
@problems(404, 422)
def export(query: dict[str, Any]) -> Response:
    """A signed export of one instance or a time range, verifiable offline.

    Verify with ``python -m workflows.audit.export_format verify <file> --key-file <key>``.
    """
    result = build_export(db.session(), exporter=current_actor(),
                          key=_settings().audit_signing_key, now=runtime().now(),
                          instance_id=query.get("instance_id"), since=query.get("from_"),
                          until=query.get("to"), store=runtime().blobs)
    response = Response(result.content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["X-Audit-Event-Count"] = str(result.manifest["event_count"])
    return response

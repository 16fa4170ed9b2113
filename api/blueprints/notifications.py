"""GET /notifications: reminders and escalations for me or my groups."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.openapi import CertflowBlueprint, problems
from api.schemas.background import NotificationPageSchema, NotificationQuerySchema
from models import db
from workflows.automation.notifications import list_notifications

bp = CertflowBlueprint("notifications", __name__, url_prefix="/api/v1",
               description="Notifications for the signed-in user")


@bp.get("/notifications")
@login_required()
@bp.arguments(NotificationQuerySchema, location="query")
@bp.response(200, NotificationPageSchema)
@problems(422)
def mine(query: dict[str, Any]) -> dict[str, Any]:
    """Notifications addressed to me or to one of my groups, newest first."""
    page = list_notifications(db.session(), current_actor(), kind=query.get("kind"),
                              instance_id=query.get("instance_id"), page=query["page"],
                              per_page=query["per_page"])
    return {"items": page.items, "total": page.total, "page": query["page"],
            "per_page": query["per_page"]}

"""GET /notifications: reminders and escalations for me or my groups."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import runtime, unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.background import (
    NotificationChannelsSchema,
    NotificationEmailSchema,
    NotificationPageSchema,
    NotificationQuerySchema,
)
from models import db
from workflows.automation.email_address import notification_email, set_notification_email
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


def _channels(email: str | None) -> dict[str, Any]:
    settings = runtime().settings
    return {"email": email, "email_enabled": bool(settings.smtp_host),
            "webhook_enabled": bool(settings.webhook_url)}


@bp.get("/notifications/channels")
@login_required()
@bp.response(200, NotificationChannelsSchema)
def channels() -> dict[str, Any]:
    """Where my notifications go besides the app: my e-mail address, and what the server sends."""
    return _channels(notification_email(current_actor(), uow=unit_of_work(write=False)))


@bp.put("/notifications/email")
@login_required()
@bp.arguments(NotificationEmailSchema)
@bp.response(200, NotificationChannelsSchema)
@problems(403, 422)
def set_email(body: dict[str, Any]) -> dict[str, Any]:
    """Set the address my notifications are e-mailed to (null removes it)."""
    return _channels(set_notification_email(current_actor(), body["email"], uow=unit_of_work()))

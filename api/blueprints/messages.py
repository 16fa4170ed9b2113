"""POST /messages: deliver a named message, correlated by business key."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.background import (
    DeliverySchema,
    MessageSendSchema,
    UnmatchedMessageSchema,
    UnmatchedQuerySchema,
)
from models import db
from workflows.automation import messages

bp = CertflowBlueprint("messages", __name__, url_prefix="/api/v1",
               description="Messages correlated to waiting instances by business key")


@bp.post("/messages")
@login_required()
@bp.arguments(MessageSendSchema)
@bp.response(200, DeliverySchema)
@problems(403, 404, 409, 422)
def send(body: dict[str, Any]) -> Any:
    """Deliver a message to every instance of the business key waiting for it.

    404 when none (that you may see) waits: the message is then stored as unmatched, never
    dropped silently. 403 for auditors, and for the messages only a process's service task
    delivers (a score re-check's filing and outcome).
    """
    return messages.deliver_message(
        body["name"], business_key=body["business_key"], payload=body["payload"],
        actor=current_actor(), uow=unit_of_work())


@bp.get("/messages/unmatched")
@login_required("admin", "auditor")
@bp.arguments(UnmatchedQuerySchema, location="query")
@bp.response(200, UnmatchedMessageSchema(many=True))
def unmatched(query: dict[str, Any]) -> Any:
    """Messages nobody waited for, newest first (administrators and auditors)."""
    return messages.list_unmatched(db.session(), actor=current_actor(),
                                   business_key=query.get("business_key"))

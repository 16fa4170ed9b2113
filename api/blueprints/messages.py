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
from workflows.certification import notices
from workflows.core.errors import InvalidInput

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

    ``cert_objection`` (异议 to a result under notice) is taken as ``POST /objections`` would
    take it: the reason (``payload.reason``) reaches the 质量监督小组's task, the sender is kept
    out of everything the candidate can read.
    """
    if body["name"] == notices.OBJECTION_MESSAGE:
        reason = body["payload"].get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput("异议须写明理由（payload.reason）")
        receipt = notices.raise_objection(body["business_key"], reason,
                                          actor=current_actor(), name=None, contact=None,
                                          uow=unit_of_work())
        return {"message_name": body["name"], "business_key": receipt.business_key,
                "instance_ids": [receipt.instance_id]}
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

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from api.openapi import MAX_ID
from api.schemas.common import MaskedString, PageQuerySchema, RequestSchema
from api.schemas.tasks import TaskSchema
from models import User, db
from models.statuses import InstanceStatus
from workflows.core.actors import Actor
from workflows.instances import visibility
from workflows.instances.lifecycle import InstanceView


class InstanceStartSchema(RequestSchema):
    process_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "defaults to the latest version"})
    business_key = fields.String(required=True, validate=validate.Length(min=1, max=128))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class CompletedStepSchema(Schema):
    task_id = fields.Integer(attribute="id")
    task_name = fields.String()
    title = fields.String()
    completed_by = fields.Integer()
    completed_by_name = fields.String(allow_none=True, metadata={
        "description": "who completed the step, by name"})
    completed_at = fields.DateTime()


class InstanceSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    definition_id = fields.Integer()
    definition_version = fields.Integer()
    business_key = fields.String()
    status = fields.String()
    data = fields.Dict()
    error = fields.Dict(allow_none=True)
    version = fields.Integer()
    started_by = fields.Integer(allow_none=True)
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema))
    completed_steps = fields.List(fields.Nested(CompletedStepSchema))
    completed_steps_truncated = fields.Boolean(metadata={
        "description": "true when only the newest 50 completed steps are listed (the answer "
                       "to a start or a completion); GET /instances/{id} lists every step"})


def instance_payload(view: InstanceView) -> dict[str, Any]:
    """The instance resource: row fields plus open tasks and completed steps; the data as the
    signed-in reader may read it (the applicant: only the fields the diagram lets them)."""
    from flask import g

    instance = view.instance
    actor = getattr(g, "actor", None)
    data = (visibility.readable_data(db.session(), instance, actor) if actor is not None
            else instance.data)
    return {
        "id": instance.id, "process_id": instance.process_id,
        "definition_id": instance.definition_id, "definition_version": view.definition_version,
        "business_key": instance.business_key, "status": instance.status, "data": data,
        "error": instance.error, "version": instance.version, "started_by": instance.started_by,
        "started_at": instance.started_at, "ended_at": instance.ended_at,
        "open_tasks": view.open_tasks,
        "completed_steps": _steps_with_names(view.completed_tasks, actor),
        "completed_steps_truncated": view.completed_truncated,
    }


def user_names(ids: set[int], *, known: Actor | None = None) -> dict[int, str]:
    """Display names by user id, in one query; none for the ``known`` actor (the requester,
    read with the token in this request), whose name is already at hand."""
    names = {known.id: known.display_name} if known is not None and known.id in ids else {}
    rest = ids - names.keys()
    if rest:
        rows = db.session().execute(
            sa.select(User.id, User.display_name).where(User.id.in_(rest)))
        names.update({user_id: name for user_id, name in rows})
    return names


def _steps_with_names(steps: list[Any], actor: Actor | None) -> list[dict[str, Any]]:
    """Each completed step with the name of who completed it (at most one query for all; none
    when the requester completed them all, as after a first decision)."""
    names = user_names({step.completed_by for step in steps if step.completed_by is not None},
                       known=actor)
    return [{"id": step.id, "task_name": step.task_name, "title": step.title,
             "completed_by": step.completed_by, "completed_by_name": names.get(step.completed_by),
             "completed_at": step.completed_at} for step in steps]


class InstanceSummarySchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    business_key = MaskedString()
    status = fields.String()
    started_by = fields.Integer(allow_none=True)
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)


class InstanceListQuerySchema(PageQuerySchema):
    process_id = fields.String()
    business_key = fields.String()
    status = fields.String(validate=validate.OneOf([str(s) for s in InstanceStatus]))


class InstancePageSchema(Schema):
    items = fields.List(fields.Nested(InstanceSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class EventSchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    kind = fields.String()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True, metadata={
        "description": "who acted, by name; none for what certflow did by itself"})
    task_name = fields.String(allow_none=True)
    payload = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class InstanceControlSchema(RequestSchema):
    """Suspend or resume: the reason is optional and goes into the history."""

    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=1000))


class InstanceTerminateSchema(RequestSchema):
    """Terminate: the reason is required, it is the audit trail's answer to "why"."""

    reason = fields.String(required=True, validate=[
        validate.Length(min=1, max=1000),
        validate.Regexp(r"\S", error="must not be blank")])

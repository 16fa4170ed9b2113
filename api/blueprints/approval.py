"""The approval actions on tasks and cases: 转交, 退回, 加签, 撤回, 催办, 抄送 and comments."""

from __future__ import annotations

from typing import Any

from api.auth import current_actor, login_required
from api.context import unit_of_work
from api.openapi import CertflowBlueprint, problems
from api.schemas.approval import (
    CommentBodySchema,
    CommentSchema,
    CopiedSchema,
    CopySchema,
    OpinionAnswerSchema,
    OpinionRequestSchema,
    OpinionSchema,
    PeopleQuerySchema,
    PersonSchema,
    RemindedSchema,
    SendBackSchema,
    TaskActionsSchema,
    TransferSchema,
    WithdrawSchema,
)
from api.schemas.instances import InstanceSchema, instance_payload
from api.schemas.tasks import TaskSchema
from models import db
from workflows.tasks.approval_actions import case, offer, opinions, send_back, transfer

bp = CertflowBlueprint("approval", __name__, url_prefix="/api/v1",
                       description="Approval actions: transfer, send back, consult, withdraw, "
                                   "remind, copy, comment")


@bp.get("/tasks/<int:task_id>/actions")
@login_required()
@bp.response(200, TaskActionsSchema)
@problems(404)
def actions(task_id: int) -> Any:
    """What the task's diagram allows besides completing it, with its choices."""
    return offer.task_actions(db.session(), task_id, actor=current_actor())


@bp.post("/tasks/<int:task_id>/transfer")
@login_required()
@bp.arguments(TransferSchema)
@bp.response(200, TaskSchema)
@problems(403, 404, 409, 422)
def transfer_task(body: dict[str, Any], task_id: int) -> Any:
    """转交: hand my claimed task to a colleague who may do it."""
    return transfer.transfer_task(task_id, to_username=body["to"], reason=body.get("reason"),
                                  actor=current_actor(), uow=unit_of_work())


@bp.post("/tasks/<int:task_id>/send-back")
@login_required()
@bp.arguments(SendBackSchema)
@bp.response(200, InstanceSchema)
@problems(403, 404, 409, 422)
def send_back_task(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """退回: send the case back to an earlier step the diagram allows, with a reason."""
    return instance_payload(send_back.send_back_task(
        task_id, to_step=body["to_step"], reason=body["reason"], actor=current_actor(),
        uow=unit_of_work()))


@bp.post("/tasks/<int:task_id>/opinions")
@login_required()
@bp.arguments(OpinionRequestSchema)
@bp.response(201, OpinionSchema)
@problems(403, 404, 409, 422)
def ask_opinion(body: dict[str, Any], task_id: int) -> Any:
    """加签: ask another person's opinion on my claimed task before deciding."""
    return opinions.request_opinion(task_id, to_username=body["to"],
                                    question=body["question"], actor=current_actor(),
                                    uow=unit_of_work())


@bp.get("/tasks/<int:task_id>/opinions")
@login_required()
@bp.response(200, OpinionSchema(many=True))
@problems(404)
def task_opinions(task_id: int) -> Any:
    """The opinions asked on a task, with their answers."""
    return opinions.task_opinions(db.session(), task_id, actor=current_actor())


@bp.get("/opinions")
@login_required()
@bp.response(200, OpinionSchema(many=True))
def my_opinions() -> Any:
    """Requests for my opinion that I have not answered yet."""
    return opinions.my_opinion_requests(db.session(), actor=current_actor())


@bp.post("/instances/<int:instance_id>/opinions/<int:request_seq>/answer")
@login_required()
@bp.arguments(OpinionAnswerSchema)
@bp.response(200, OpinionSchema)
@problems(403, 404, 409, 422)
def answer_opinion(body: dict[str, Any], instance_id: int, request_seq: int) -> Any:
    """Answer a request for my opinion."""
    return opinions.give_opinion(instance_id, request_seq, answer=body["answer"],
                                 actor=current_actor(), uow=unit_of_work())


@bp.post("/instances/<int:instance_id>/withdraw")
@login_required()
@bp.arguments(WithdrawSchema)
@bp.response(200, InstanceSchema)
@problems(403, 404, 409, 422)
def withdraw(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """撤回: the applicant withdraws the case while nobody has acted on it."""
    return instance_payload(case.withdraw_case(instance_id, reason=body.get("reason"),
                                               actor=current_actor(), uow=unit_of_work()))


@bp.post("/instances/<int:instance_id>/remind")
@login_required()
@bp.response(200, RemindedSchema)
@problems(403, 404, 409)
def remind(instance_id: int) -> dict[str, Any]:
    """催办: the applicant reminds whoever holds the case, once per working day."""
    tasks = case.remind_case(instance_id, actor=current_actor(), uow=unit_of_work())
    return {"reminded": [t.title for t in tasks]}


@bp.post("/instances/<int:instance_id>/copies")
@login_required()
@bp.arguments(CopySchema)
@bp.response(200, CopiedSchema)
@problems(403, 404, 409, 422)
def copy(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """抄送: give people read access to the case and notify them."""
    names = case.copy_case(instance_id, usernames=body["to"], note=body.get("note"),
                           actor=current_actor(), uow=unit_of_work())
    return {"copied_to": names}


@bp.get("/instances/<int:instance_id>/comments")
@login_required()
@bp.response(200, CommentSchema(many=True))
@problems(404)
def comments(instance_id: int) -> Any:
    """The comments on a case, for its participants."""
    return case.list_comments(db.session(), instance_id, actor=current_actor())


@bp.post("/instances/<int:instance_id>/comments")
@login_required()
@bp.arguments(CommentBodySchema)
@bp.response(201, CommentSchema)
@problems(403, 404, 409, 422)
def add_comment(body: dict[str, Any], instance_id: int) -> Any:
    """Comment on a case; its participants see it."""
    return case.comment_on_case(instance_id, text=body["text"], actor=current_actor(),
                                uow=unit_of_work())


@bp.get("/people")
@login_required()
@bp.arguments(PeopleQuerySchema, location="query")
@bp.response(200, PersonSchema(many=True))
@problems(422)
def people(query: dict[str, Any]) -> Any:
    """Staff one may copy a case to or consult (not applicants)."""
    return offer.staff(db.session(), actor=current_actor(), query=query.get("q"))

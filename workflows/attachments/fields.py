"""Attachment fields of a form: which documents a submitted form cites, and whether it may.

A form declares one as an array of attachment ids (or a single id) whose items have
``"format": "attachment"``; ``minItems``/``maxItems`` say how many, and ``x-attachment`` says
which types (``accept``, media types) and how large each may be (``maxBytes``):

    "documents": {"type": "array", "minItems": 1, "maxItems": 5,
                  "items": {"type": "string", "format": "attachment"},
                  "x-attachment": {"accept": ["application/pdf", "image/jpeg"],
                                   "maxBytes": 10485760}}

A cited upload must exist and be the submitter's own upload not yet attached, or already belong
to this case; submitting the form attaches it to the case. Only top-level fields are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models import Attachment
from models.database import write_transaction
from workflows.attachments.sniff import ACCEPTED, LABELS
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, InvalidTaskData, Problem

FORMAT = "attachment"
RULES = "x-attachment"


@dataclass(frozen=True)
class FieldRule:
    accept: tuple[str, ...]
    max_bytes: int | None


@dataclass(frozen=True)
class Cited:
    field: str
    row: Attachment
    # The transaction in which the check held the row against other writers (its row lock on
    # PostgreSQL, the write transaction on SQLite); while it lasts, attaching needs no check.
    held_in: Any = None


# The cited uploads, fresh; on PostgreSQL locked until commit (in id order), so what the check
# saw still holds when they are attached. Built once: (locking) -> query.
_CITED_ROWS = (sa.select(Attachment)
               .where(Attachment.public_id.in_(sa.bindparam("ids", expanding=True)))
               .order_by(Attachment.id).execution_options(populate_existing=True))
_CITED = {False: _CITED_ROWS, True: _CITED_ROWS.with_for_update()}


def field_rules(schema: dict[str, Any] | None) -> dict[str, FieldRule]:
    """The attachment fields of a form and their rules."""
    found: dict[str, FieldRule] = {}
    for name, spec in ((schema or {}).get("properties") or {}).items():
        if not isinstance(spec, dict):
            continue
        items = spec.get("items") if spec.get("type") == "array" else spec
        if not isinstance(items, dict) or items.get("format") != FORMAT:
            continue
        rules = spec.get(RULES) or {}
        found[name] = FieldRule(accept=tuple(rules.get("accept") or ACCEPTED),
                                max_bytes=rules.get("maxBytes"))
    return found


def _cited_ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def check_cited(session: Session, schema: dict[str, Any] | None, data: dict[str, Any], *,
                actor: Actor, instance_id: int | None, case_limit: int) -> list[Cited]:
    """Every attachment the form cites, checked against its field's rules (422 per field)."""
    rules = field_rules(schema)
    wanted = {name: _cited_ids(data.get(name)) for name in rules}
    ids = {public_id for cited in wanted.values() for public_id in cited}
    rows: dict[str, Attachment] = {}
    held_in = None
    if ids:
        locks = session.get_bind().dialect.name != "sqlite"
        rows = {row.public_id: row
                for row in session.scalars(_CITED[locks], {"ids": sorted(ids)})}
        # On SQLite a write transaction (BEGIN IMMEDIATE) keeps every other writer out.
        held_in = session.get_transaction() if locks or write_transaction.get() else None
    problems: list[Problem] = []
    cited: list[Cited] = []
    for name, public_ids in wanted.items():
        rule = rules[name]
        for index, public_id in enumerate(public_ids):
            pointer = f"/data/{name}" + (f"/{index}" if isinstance(data.get(name), list) else "")
            row = rows.get(public_id)
            problem = _problem(row, rule, actor=actor, instance_id=instance_id)
            if problem:
                problems.append(Problem(problem, pointer=pointer, extra={"rule": "attachment"}))
            elif row is not None:
                cited.append(Cited(name, row, held_in))
    new_bytes = sum({c.row.id: c.row.size for c in cited if c.row.instance_id is None}.values())
    if new_bytes and not problems:
        held = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Attachment.size), 0))
                              .where(Attachment.instance_id == instance_id)) if instance_id else 0
        if (held or 0) + new_bytes > case_limit:
            first = next(c.field for c in cited if c.row.instance_id is None)
            problems.append(Problem(
                f"一个案件的附件合计不能超过 {case_limit / (1024 * 1024):g} MB",
                pointer=f"/data/{first}", extra={"rule": "attachment"}))
    if problems:
        raise InvalidTaskData(f"附件有 {len(problems)} 处问题", problems=problems)
    return cited


def _problem(row: Attachment | None, rule: FieldRule, *, actor: Actor,
             instance_id: int | None) -> str | None:
    mine = row is not None and row.instance_id is None and row.uploaded_by == actor.id
    this_case = row is not None and instance_id is not None and row.instance_id == instance_id
    if row is None or not (mine or this_case):
        return "没有这个附件，或它不属于你或本案件；请重新上传"
    if row.media_type not in rule.accept:
        allowed = "、".join(LABELS.get(t, t) for t in rule.accept)
        kind = LABELS.get(row.media_type, row.media_type)
        return f"“{row.filename}”是 {kind} 文件，此处只接受 {allowed}"
    if rule.max_bytes is not None and row.size > rule.max_bytes:
        return (f"“{row.filename}”有 {row.size / (1024 * 1024):.1f} MB，此处每个文件不能超过 "
                f"{rule.max_bytes / (1024 * 1024):g} MB")
    return None


# Attaching an upload the check no longer holds: only if it is still unattached.
_ATTACH = (sa.update(Attachment)
           .where(Attachment.id == sa.bindparam("id"), Attachment.instance_id.is_(None))
           .values(instance_id=sa.bindparam("case"), attached_at=sa.bindparam("at"))
           .execution_options(synchronize_session=False))


def attach(session: Session, cited: list[Cited], *, instance_id: int,
           at: datetime) -> list[dict[str, Any]]:
    """Attach the cited uploads to the case; what the attaching event records of each."""
    for item in cited:
        row = item.row
        if row.instance_id == instance_id:
            continue
        if item.held_in is not None and item.held_in is session.get_transaction():
            # Checked unattached in this transaction, and no one else could attach it since:
            # the change goes out with the rest at commit.
            row.instance_id, row.attached_at = instance_id, at
            continue
        result = session.execute(_ATTACH, {"id": row.id, "case": instance_id, "at": at})
        if not cast("sa.CursorResult[Any]", result).rowcount:
            raise Conflict(f"附件“{row.filename}”刚被另一份表单引用，请重新上传")
        # Written just now: kept as the row's loaded state, not written again at commit.
        set_committed_value(row, "instance_id", instance_id)
        set_committed_value(row, "attached_at", at)
    return [{"id": c.row.public_id, "field": c.field, "sha256": c.row.sha256,
             "size": c.row.size, "media_type": c.row.media_type, "filename": c.row.filename}
            for c in cited]

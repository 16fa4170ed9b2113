"""Signed anchors: periodic checkpoints of every chain head, chained to each other.

Per-instance hash chains show an edited or removed event, but not an instance deleted whole
(its row and all its events). An anchor records, for every instance whose head moved since the
previous anchor, ``(instance_id, last_seq, head_hash)``, plus the head of the definition chain;
it links to the previous anchor's hash and is signed with HMAC-SHA256 under the audit signing
key, which is not in the database. Folding all anchors gives every head ever attested; verify
demands each one still be found. Anchors are written by ``certflow audit anchor`` (cron/beat)
and by a clean ``GET /audit/verify``; there is no global per-event chain, so no write hot spot.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import AuditAnchor, ProcessEvent, ProcessInstance
from workflows.core.errors import Conflict
from workflows.core.history import GENESIS, KEYED


@dataclass(frozen=True)
class Adoption:
    """The unkeyed events the first keyed anchor attests (``docs/audit.md``, keyed chains):
    each chain's unkeyed events up to these seqs are accepted, none after them."""

    anchor_id: int
    instances: dict[int, int]
    definitions: int

    def unkeyed_until(self, instance_id: int | None) -> int:
        if instance_id is None:
            return self.definitions
        return self.instances.get(instance_id, 0)


@dataclass
class AnchoredHeads:
    """What the anchors attest, folded: instance id -> (seq, hash, anchor id).

    ``adoption`` is None while no anchor has been written since chains were keyed: unkeyed
    events are then accepted as they were before (the next anchor adopts them).
    """

    instances: dict[int, tuple[int, str, int]]
    definitions: tuple[int, str, int] | None
    instance_count: int
    last: AuditAnchor | None
    adoption: Adoption | None = None

    def unkeyed_until(self, instance_id: int | None) -> int | None:
        return self.adoption.unkeyed_until(instance_id) if self.adoption else None


def anchor_hash(*, created_at: datetime, created_by: str, entries: list[Any],
                definitions_head: list[Any] | None, instance_count: int, prev_hash: str,
                chain_version: int = 1) -> str:
    content = {
        "created_at": created_at.isoformat(), "created_by": created_by, "entries": entries,
        "definitions_head": definitions_head, "instance_count": instance_count,
        "prev": prev_hash,
    }
    if chain_version >= KEYED:  # anchors written before keeping their hashes as they were
        content["chain_version"] = chain_version
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign(key: str, digest: str) -> str:
    return hmac.new(key.encode(), digest.encode(), hashlib.sha256).hexdigest()


def expected_hash(anchor: AuditAnchor) -> str:
    return anchor_hash(created_at=anchor.created_at, created_by=anchor.created_by,
                       entries=anchor.entries, definitions_head=anchor.definitions_head,
                       instance_count=anchor.instance_count, prev_hash=anchor.prev_hash,
                       chain_version=anchor.chain_version)


def anchors_in_order(session: Session) -> list[AuditAnchor]:
    return list(session.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.id)))


def fold(anchors: list[AuditAnchor]) -> AnchoredHeads:
    """Every head the anchors attest (later anchors supersede earlier ones)."""
    heads: dict[int, tuple[int, str, int]] = {}
    definitions = None
    count = 0
    adoption = None
    for anchor in anchors:
        for instance_id, seq, digest in anchor.entries or []:
            heads[int(instance_id)] = (int(seq), str(digest), anchor.id)
        if anchor.definitions_head:
            seq, digest = anchor.definitions_head
            definitions = (int(seq), str(digest), anchor.id)
        count = anchor.instance_count
        if adoption is None and anchor.chain_version >= KEYED:
            adoption = Adoption(anchor.id, {key: head[0] for key, head in heads.items()},
                                definitions[0] if definitions else 0)
    return AnchoredHeads(heads, definitions, count, anchors[-1] if anchors else None, adoption)


def adoption_of(session: Session) -> Adoption | None:
    """The adoption alone, reading anchors only up to the first keyed one (a timeline)."""
    first_keyed = session.scalar(sa.select(sa.func.min(AuditAnchor.id))
                                 .where(AuditAnchor.chain_version >= KEYED))
    if first_keyed is None:
        return None
    return fold(list(session.scalars(sa.select(AuditAnchor).where(AuditAnchor.id <= first_keyed)
                                     .order_by(AuditAnchor.id)))).adoption


def current_heads(session: Session) -> dict[int, tuple[int, str]]:
    rows = session.execute(sa.select(ProcessInstance.id, ProcessInstance.last_event_seq,
                                     ProcessInstance.last_event_hash))
    return {row.id: (row.last_event_seq, row.last_event_hash) for row in rows}


def definitions_head(session: Session) -> list[Any] | None:
    row = session.execute(
        sa.select(ProcessEvent.seq, ProcessEvent.hash).where(ProcessEvent.instance_id.is_(None))
        .order_by(ProcessEvent.seq.desc()).limit(1)).first()
    return [row.seq, row.hash] if row else None


def add_anchor(session: Session, *, key: str, created_by: str, now: datetime,
               heads: dict[int, tuple[int, str]] | None = None,
               definitions: list[Any] | None = None) -> AuditAnchor | None:
    """Add an anchor for the heads that moved since the last one; None if nothing moved.

    ``heads``/``definitions`` are what a verification just checked (default: read them now).
    The caller commits. Two anchorers racing would link to the same predecessor; the unique
    ``prev_hash`` lets only one of them commit.
    """
    anchored = fold(anchors_in_order(session))
    if heads is None:
        heads, definitions = current_heads(session), definitions_head(session)
    entries = [[instance_id, seq, digest] for instance_id, (seq, digest) in sorted(heads.items())
               if anchored.instances.get(instance_id, (None, None))[:2] != (seq, digest)]
    old_defs = list(anchored.definitions[:2]) if anchored.definitions else None
    # The first keyed anchor is written even when nothing moved: it closes adoption.
    if not entries and definitions == old_defs and anchored.adoption is not None:
        return None
    prev = anchored.last.hash if anchored.last is not None else GENESIS
    digest = anchor_hash(created_at=now, created_by=created_by, entries=entries,
                         definitions_head=definitions, instance_count=len(heads), prev_hash=prev,
                         chain_version=KEYED)
    anchor = AuditAnchor(created_at=now, created_by=created_by, entries=entries,
                         definitions_head=definitions, instance_count=len(heads),
                         prev_hash=prev, hash=digest, signature=sign(key, digest),
                         chain_version=KEYED)
    session.add(anchor)
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict("同一时刻已写入另一个锚点，请重试",
                       detail_en="another anchor was written at the same moment; retry") from error
    return anchor


def anchor_summary(anchor: AuditAnchor | None) -> dict[str, Any] | None:
    if anchor is None:
        return None
    return {"id": anchor.id, "created_at": anchor.created_at.isoformat(),
            "created_by": anchor.created_by, "hash": anchor.hash,
            "instances_in_delta": len(anchor.entries or []),
            "instance_count": anchor.instance_count}

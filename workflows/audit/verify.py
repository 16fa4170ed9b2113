"""Walk every hash chain and every anchor; report the first broken link, if any.

Checks, in this order (so "first" is well defined):
1. anchors: each links to its predecessor, its content matches its hash, its signature holds;
2. the definition chain (events with no instance): links, content, and the anchored head;
3. each instance, by id: its events are seq 1..n with unbroken links and matching content
   (keyed hashes; unkeyed ones only where the adopting anchor vouches for them, docs/audit.md),
   the last one is the head stored on the instance row, and every head an anchor attested is
   still there with the same hash; events of no existing instance are reported too;
4. every instance an anchor attested still exists;
5. every attached file is still in the store with the SHA-256 and size its event recorded
   (``workflows/audit/files.py``).

Runs in one read snapshot (REPEATABLE READ on PostgreSQL; SQLite's read transaction is one),
so work committing meanwhile is not mistaken for tampering. Memory grows with the number of
instances (the folded anchor map), not with the number of events: events are read per batch.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ProcessEvent, ProcessInstance
from workflows.audit.anchor import (
    AnchoredHeads,
    add_anchor,
    adoption_of,
    anchor_summary,
    anchors_in_order,
    expected_hash,
    fold,
    sign,
)
from workflows.audit.files import attached_files, file_problems
from workflows.core.history import GENESIS, KEYED, UNKEYED, chain_key, stored_event_hash
from workflows.core.unit_of_work import UnitOfWorkFactory

BATCH = 500
MAX_FINDINGS = 1000
_EVENT_COLUMNS = (ProcessEvent.instance_id, ProcessEvent.seq, ProcessEvent.kind, ProcessEvent.at,
                  ProcessEvent.actor_id, ProcessEvent.task_name, ProcessEvent.payload,
                  ProcessEvent.prev_hash, ProcessEvent.hash, ProcessEvent.hash_version)


@dataclass
class VerifyReport:
    findings: list[dict[str, Any]] = field(default_factory=list)
    anchors_checked: int = 0
    instances_checked: int = 0
    events_checked: int = 0
    files_checked: int = 0
    latest_anchor: dict[str, Any] | None = None
    new_anchor: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, scope: str, problem: str, **where: Any) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append({"scope": scope, **where, "problem": problem})

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "first_broken": self.findings[0] if self.findings else None,
                "findings": self.findings, "findings_truncated": len(self.findings) >= MAX_FINDINGS,
                "anchors_checked": self.anchors_checked,
                "instances_checked": self.instances_checked,
                "events_checked": self.events_checked, "files_checked": self.files_checked,
                "latest_anchor": self.latest_anchor,
                "new_anchor": self.new_anchor}


def verify_trail(*, key: str, uows: UnitOfWorkFactory,
                 anchor_as: str | None = None) -> VerifyReport:
    """Verify everything; if intact and ``anchor_as`` is given, anchor the verified heads.

    The walk is a read transaction (on SQLite a write transaction would block every writer
    for its length); the anchor is a short write transaction of its own that attests exactly
    the heads the walk verified, linked to whatever anchor is newest by then.
    """
    with uows(write=False) as uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            # The request's token check may have begun a READ COMMITTED transaction, which the
            # unit of work adopts; end it, or the snapshot level would be silently ignored.
            session.rollback()
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        report = VerifyReport()
        anchors = anchors_in_order(session)
        anchored = fold(anchors)
        _check_anchors(report, anchors, key)
        events_key = chain_key(key)
        definitions = _check_definitions(session, report, anchored, events_key)
        attached: list[dict[str, Any]] = []
        heads = _check_instances(session, report, anchored, events_key, attached)
        for finding in file_problems(uow.runtime.blobs, attached):
            report.add("attachment", finding.pop("problem"), **finding)
        report.files_checked = len({item.get("sha256") for item in attached})
        report.latest_anchor = anchor_summary(anchored.last)
    if report.ok and anchor_as is not None:
        with uows() as uow:
            anchor = add_anchor(uow.session, key=key, created_by=anchor_as,
                                now=uow.runtime.now(), heads=heads, definitions=definitions)
            if anchor is not None:
                report.new_anchor = report.latest_anchor = anchor_summary(anchor)
                uow.commit()
    return report


def adopt_unkeyed_history(*, key: str, uows: UnitOfWorkFactory) -> VerifyReport | None:
    """Once, right after the upgrade that keyed event chains: verify the trail and write the
    first keyed anchor, which adopts the unkeyed events it attests (None: already done).

    Until that anchor exists unkeyed events are accepted as before; writing it at upgrade time
    leaves no window in which someone without the key could add unkeyed events to be adopted.
    """
    with uows(write=False) as uow:
        if adoption_of(uow.session) is not None:
            return None
    return verify_trail(key=key, uows=uows, anchor_as="upgrade")


def chain_problem(events: list[Any], *, key: bytes, unkeyed_until: int | None,
                  first_seq: int = 1, prev: str = GENESIS) -> tuple[int, str] | None:
    """(seq, problem) of the first event that does not verify, or None if the chain holds.

    ``key`` is the chain key; ``unkeyed_until`` the last seq of this chain whose unkeyed
    (plain SHA-256) event the adopting anchor attested (None: no keyed anchor yet, so unkeyed
    events are still accepted). An unkeyed event after a keyed one is never accepted: the
    service writes keyed events only, so it was written by someone without the key.
    """
    keyed = False
    for expected_seq, event in enumerate(events, start=first_seq):
        if event.seq != expected_seq:
            what = "missing" if event.seq > expected_seq else "out of order or duplicated"
            return expected_seq, f"event {expected_seq} is {what} (found seq {event.seq} there)"
        if event.prev_hash != prev:
            return event.seq, "prev_hash does not link to the previous event's hash"
        if event.hash_version == UNKEYED and (
                keyed or (unkeyed_until is not None and event.seq > unkeyed_until)):
            return event.seq, ("an unkeyed event (plain SHA-256) where only keyed ones are "
                               "accepted: written without the chain key (forged)")
        digest = stored_event_hash(event, prev_hash=prev, key=key)
        if digest is None:
            return event.seq, f"unknown hash version {event.hash_version}"
        if event.hash != digest:
            return event.seq, ("content does not match its hash (the event was altered, or "
                               "hashed without the chain key)")
        keyed = keyed or event.hash_version == KEYED
        prev = event.hash
    return None


def _check_anchors(report: VerifyReport, anchors: list[Any], key: str) -> None:
    prev = GENESIS
    for anchor in anchors:
        report.anchors_checked += 1
        if anchor.prev_hash != prev:
            report.add("anchor", "does not link to the previous anchor (one was removed or "
                                 "reordered)", anchor_id=anchor.id)
        elif anchor.hash != expected_hash(anchor):
            report.add("anchor", "content does not match its hash (altered)",
                       anchor_id=anchor.id)
        elif not hmac.compare_digest(anchor.signature, sign(key, anchor.hash)):
            report.add("anchor", "signature does not verify with the audit signing key",
                       anchor_id=anchor.id)
        prev = anchor.hash


def _check_definitions(session: Session, report: VerifyReport, anchored: AnchoredHeads,
                       key: bytes) -> list[Any] | None:
    """Check the definition chain; returns its head ``[seq, hash]`` (None if empty)."""
    events = list(session.execute(sa.select(*_EVENT_COLUMNS)
                                  .where(ProcessEvent.instance_id.is_(None))
                                  .order_by(ProcessEvent.seq)))
    report.events_checked += len(events)
    broken = chain_problem(events, key=key, unkeyed_until=anchored.unkeyed_until(None))
    if broken:
        report.add("definitions", broken[1], seq=broken[0])
    if anchored.definitions:
        seq, digest, anchor_id = anchored.definitions
        if len(events) < seq or events[seq - 1].hash != digest:
            report.add("definitions", f"anchor {anchor_id} attested event {seq} with another "
                                      "hash or it is gone", seq=seq, anchor_id=anchor_id)
    return [events[-1].seq, events[-1].hash] if events else None


def _check_instances(session: Session, report: VerifyReport, anchored: AnchoredHeads,
                     key: bytes, attached: list[dict[str, Any]]) -> dict[int, tuple[int, str]]:
    """Check every instance chain, batch by batch; returns the verified heads."""
    expected = dict(anchored.instances)
    verified: dict[int, tuple[int, str]] = {}
    first = len(report.findings)
    after = 0
    while True:
        heads = list(session.execute(
            sa.select(ProcessInstance.id, ProcessInstance.last_event_seq,
                      ProcessInstance.last_event_hash)
            .where(ProcessInstance.id > after).order_by(ProcessInstance.id).limit(BATCH)))
        upper = heads[-1].id if heads else None
        query = sa.select(*_EVENT_COLUMNS).where(ProcessEvent.instance_id > after)
        if upper is not None:
            query = query.where(ProcessEvent.instance_id <= upper)
        events = session.execute(query.order_by(ProcessEvent.instance_id, ProcessEvent.seq))
        by_instance = {key: list(group) for key, group in groupby(events, lambda e: e.instance_id)}
        for head in heads:
            verified[head.id] = (head.last_event_seq, head.last_event_hash)
            attached.extend(attached_files(by_instance.get(head.id, [])))
            _check_instance(report, head, by_instance.pop(head.id, []),
                            expected.pop(head.id, None), key=key,
                            unkeyed_until=anchored.unkeyed_until(head.id))
        for orphan in sorted(by_instance):
            report.add("instance", "events exist for an instance that does not",
                       instance_id=orphan, seq=by_instance[orphan][0].seq)
        if upper is None:
            break
        after = upper
    for instance_id, (seq, _, anchor_id) in sorted(expected.items()):
        report.add("instance", f"instance is missing, though anchor {anchor_id} attested it "
                               f"with {seq} event(s)", instance_id=instance_id, seq=seq,
                   anchor_id=anchor_id)
    report.findings[first:] = sorted(report.findings[first:], key=_instance_order)
    if anchored.last is not None and len(verified) < anchored.instance_count:
        report.add("anchor", f"anchor {anchored.last.id} counted {anchored.instance_count} "
                             f"instances, only {len(verified)} exist", anchor_id=anchored.last.id)
    return verified


def _check_instance(report: VerifyReport, head: Any, events: list[Any],
                    attested: tuple[int, str, int] | None, *, key: bytes,
                    unkeyed_until: int | None) -> None:
    report.instances_checked += 1
    report.events_checked += len(events)
    where = {"instance_id": head.id}
    broken = chain_problem(events, key=key, unkeyed_until=unkeyed_until)
    if broken:
        report.add("instance", broken[1], **where, seq=broken[0])
    last_seq, last_hash = (events[-1].seq, events[-1].hash) if events else (0, "")
    recorded = head.last_event_seq
    if not broken and (last_seq, last_hash) != (recorded, head.last_event_hash):
        if last_seq > recorded:
            problem, seq = "events beyond the instance's recorded head (appended)", recorded + 1
        elif last_seq < recorded:
            problem, seq = "the instance's recorded head is past its last event (removed)", \
                last_seq + 1
        else:
            problem, seq = "the instance's recorded head hash differs from its last event", \
                last_seq
        report.add("instance", problem, **where, seq=seq)
    if attested is not None:
        seq, digest, anchor_id = attested
        if len(events) < seq or events[seq - 1].hash != digest:
            report.add("instance", f"anchor {anchor_id} attested event {seq} with another hash "
                                   "or it is gone", **where, seq=seq, anchor_id=anchor_id)


def _instance_order(finding: dict[str, Any]) -> tuple[int, int]:
    return (finding.get("instance_id") or 0, finding.get("seq") or 0)

"""The per-instance hash chain detects edits, deletions, insertions and reordering."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.core.history import GENESIS, event_hash, verify_instance_chain


@dataclass(frozen=True)
class FakeEvent:
    instance_id: int
    seq: int
    kind: str
    at: datetime
    actor_id: int | None
    task_name: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def chain(n: int) -> list[FakeEvent]:
    events, prev = [], GENESIS
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, n + 1):
        fields = dict(instance_id=7, seq=seq, kind="task_completed",
                      at=start + timedelta(minutes=seq), actor_id=3, task_name="t",
                      payload={"data": {"n": seq, "名": "张"}})
        digest = event_hash(**fields, prev_hash=prev)
        events.append(FakeEvent(**fields, prev_hash=prev, hash=digest))
        prev = digest
    return events


def test_an_intact_chain_verifies() -> None:
    assert verify_instance_chain(chain(5)) is None


def test_an_edited_payload_is_found() -> None:
    events = chain(5)
    events[2] = replace(events[2], payload={"data": {"n": 99}})
    assert verify_instance_chain(events) == 3


def test_a_deleted_event_is_found() -> None:
    events = chain(5)
    del events[1]
    assert verify_instance_chain(events) == 3


def test_reordered_events_are_found() -> None:
    events = chain(5)
    events[1], events[2] = events[2], events[1]
    assert verify_instance_chain(events) is not None


def test_the_hash_covers_every_field() -> None:
    base = chain(1)[0]
    for change in ({"kind": "task_claimed"}, {"actor_id": 4}, {"task_name": "u"},
                   {"at": base.at + timedelta(seconds=1)}, {"seq": 2}):
        fields = {**base.__dict__, **change}
        fields.pop("hash")
        assert event_hash(**fields) != base.hash, change

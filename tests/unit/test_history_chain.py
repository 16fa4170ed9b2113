"""The per-instance hash chain detects edits, deletions, insertions and reordering, and, being
keyed, an event hashed by someone without the chain key."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.core.history import (
    GENESIS,
    KEYED,
    UNKEYED,
    chain_key,
    event_hash,
    verify_instance_chain,
)

KEY = chain_key("an audit signing key of at least thirty-two bytes")


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
    hash_version: int = KEYED


def fields_of(seq: int) -> dict[str, Any]:
    return dict(instance_id=7, seq=seq, kind="task_completed",
                at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=seq), actor_id=3,
                task_name="t", payload={"data": {"n": seq, "名": "张"}})


def chain(n: int, *, unkeyed: int = 0, key: bytes = KEY) -> list[FakeEvent]:
    """``n`` events, the first ``unkeyed`` of them hashed as before chains were keyed."""
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        version = UNKEYED if seq <= unkeyed else KEYED
        fields = fields_of(seq)
        digest = event_hash(**fields, prev_hash=prev, key=key if version == KEYED else None)
        events.append(FakeEvent(**fields, prev_hash=prev, hash=digest, hash_version=version))
        prev = digest
    return events


def append_unkeyed(events: list[FakeEvent]) -> list[FakeEvent]:
    """An event appended with the public rule (plain SHA-256), as a database writer could."""
    fields = fields_of(len(events) + 1)
    digest = event_hash(**fields, prev_hash=events[-1].hash, key=None)
    return [*events, FakeEvent(**fields, prev_hash=events[-1].hash, hash=digest,
                               hash_version=UNKEYED)]


def test_an_intact_chain_verifies() -> None:
    assert verify_instance_chain(chain(5), key=KEY) is None


def test_an_edited_payload_is_found() -> None:
    events = chain(5)
    events[2] = replace(events[2], payload={"data": {"n": 99}})
    assert verify_instance_chain(events, key=KEY) == 3


def test_a_deleted_event_is_found() -> None:
    events = chain(5)
    del events[1]
    assert verify_instance_chain(events, key=KEY) == 3


def test_reordered_events_are_found() -> None:
    events = chain(5)
    events[1], events[2] = events[2], events[1]
    assert verify_instance_chain(events, key=KEY) is not None


def test_the_hash_covers_every_field() -> None:
    base = chain(1)[0]
    for change in ({"kind": "task_claimed"}, {"actor_id": 4}, {"task_name": "u"},
                   {"at": base.at + timedelta(seconds=1)}, {"seq": 2}):
        fields = {**base.__dict__, **change}
        fields.pop("hash")
        fields.pop("hash_version")
        assert event_hash(**fields, key=KEY) != base.hash, change


def test_an_event_hashed_without_the_key_is_found() -> None:
    assert verify_instance_chain(append_unkeyed(chain(3)), key=KEY) == 4
    # ... and one hashed with another key (a guess) too.
    guessed = chain(4, key=chain_key("a guessed key that is also long enough"))
    assert verify_instance_chain([*chain(3), guessed[3]], key=KEY) == 4


def test_events_written_before_chains_were_keyed_still_verify() -> None:
    assert verify_instance_chain(chain(5, unkeyed=3), key=KEY) is None
    assert verify_instance_chain(append_unkeyed(chain(5, unkeyed=3)), key=KEY) == 6

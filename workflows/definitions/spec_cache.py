"""Parsed specs per deployed definition, parsed once per process and reused by every instance.

Deployed definitions are immutable, so an entry never goes stale; the cache is bounded only by
the number of deployed versions in use. Entries are kept per database engine: two apps of
one process on two databases, where the same id names two different definitions, never see
each other's specs.
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from models import ProcessDefinition
from workflows.core.errors import NotFound
from workflows.engine import load_specs


@dataclass(frozen=True)
class CachedDefinition:
    definition_id: int
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]
    task_meta: dict[str, dict[str, Any]]
    files: dict[str, str]
    version: int = 0
    # Form schemas parsed so far, by file name (filled by ``form_schema``).
    _schemas: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False,
                                                repr=False)

    def form_schema(self, form_name: str | None) -> dict[str, Any] | None:
        """The JSON Schema of a form file in this definition's bundle, parsed on first use.

        Shared by every caller (and the same object each time, so a validator built for it
        is found again): read it, never change it.
        """
        if not form_name or form_name not in self.files:
            return None
        schema = self._schemas.get(form_name)
        if schema is None:
            schema = self._schemas.setdefault(form_name, json.loads(self.files[form_name]))
        return schema


_caches: weakref.WeakKeyDictionary[Any, dict[int, CachedDefinition]] = (
    weakref.WeakKeyDictionary())
_lock = threading.Lock()


def _cache_of(session: Session) -> dict[int, CachedDefinition]:
    """The entries of the session's database engine (forgotten with the engine)."""
    engine = session.get_bind().engine
    cache = _caches.get(engine)
    if cache is None:
        with _lock:
            cache = _caches.setdefault(engine, {})
    return cache


def get(definition: ProcessDefinition) -> CachedDefinition:
    """The parsed definition for a stored row, parsing it on first use."""
    session = object_session(definition)
    cache = _cache_of(session) if session is not None else {}
    cached = cache.get(definition.id)
    if cached is not None:
        return cached
    spec, subprocess_specs = load_specs(definition.files, definition.bpmn_file,
                                        definition.process_id)
    cached = CachedDefinition(definition.id, definition.process_id, spec, subprocess_specs,
                              definition.task_meta, dict(definition.files), definition.version)
    with _lock:
        return cache.setdefault(definition.id, cached)


def get_by_id(session: Session, definition_id: int) -> CachedDefinition:
    """The parsed definition by id: no query at all once cached (the hot path of every step).

    Deployed definitions never change, so the row (its ~70 KB of files included) is read only
    on the first use of a version in this process.
    """
    cached = _cache_of(session).get(definition_id)
    if cached is not None:
        return cached
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound(f"definition {definition_id} does not exist")
    return get(definition)


def version_of(session: Session, definition_id: int) -> int:
    """A definition's version number: from the cache when parsed, else one small query (an
    instance view needs no parsed spec)."""
    cached = _cache_of(session).get(definition_id)
    if cached is not None:
        return cached.version
    version = session.scalar(sa.select(ProcessDefinition.version)
                             .where(ProcessDefinition.id == definition_id))
    return version or 0


def put(session: Session, definition_id: int, process_id: str, spec: Any,
        subprocess_specs: dict[str, Any], task_meta: dict[str, dict[str, Any]],
        files: dict[str, str], version: int = 0) -> None:
    """Seed the cache right after a deploy so the first instance does not re-parse."""
    cache = _cache_of(session)
    with _lock:
        cache[definition_id] = CachedDefinition(definition_id, process_id, spec,
                                                subprocess_specs, task_meta, dict(files),
                                                version)


def clear() -> None:
    """Forget everything (tests that recreate the database reuse ids)."""
    with _lock:
        _caches.clear()

"""The one table of periodic work: what runs, how often, and what it does.

``celery -A worker.main beat`` sends these tasks on these intervals (``beat_schedule``); the
embedded loop of ``certflow serve`` (``worker/embedded.py``) runs the same jobs on the same
intervals, with the same leases, in-process. Intervals are read from the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from config import Settings
from worker import jobs
from workflows.core.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True)
class Periodic:
    entry: str  # the beat entry
    task: str  # the Celery task it sends (worker/tasks.py)
    interval: Callable[[Settings], float]  # seconds; 0 turns the entry off
    expires: Callable[[Settings], float]  # a send nobody picked up in time is dropped
    run: Callable[[UnitOfWorkFactory, Settings], Any]  # what the task does


SCHEDULE = (
    Periodic("certflow-fire-due-timers", "certflow.fire_due_timers",
             lambda s: s.timer_poll_seconds,
             # A tick nobody picked up in time is replaced by the next one.
             lambda s: max(s.timer_poll_seconds * 2, 1.0), jobs.fire_due_timers),
    Periodic("certflow-sweep", "certflow.sweep", lambda s: s.sweep_seconds,
             lambda s: s.sweep_seconds, jobs.sweep),
    Periodic("certflow-audit-anchor", "certflow.audit_anchor",
             lambda s: s.audit_anchor_seconds, lambda s: s.audit_anchor_seconds,
             jobs.anchor_audit_trail),
    # Hourly, or more often when uploads are kept less than four hours.
    Periodic("certflow-remove-orphan-attachments", "certflow.remove_orphan_attachments",
             lambda s: min(3600.0, s.attachment_orphan_hours * 900),
             lambda s: min(3600.0, s.attachment_orphan_hours * 900),
             jobs.remove_orphan_attachments),
    # Only when e-mail or the webhook is configured.
    Periodic("certflow-deliver-notifications", "certflow.deliver_notifications",
             lambda s: s.delivery_poll_seconds if s.delivers_notifications else 0,
             lambda s: max(s.delivery_poll_seconds * 2, 1.0), jobs.deliver_notifications),
)


def active(settings: Settings) -> list[Periodic]:
    """The entries these settings turn on."""
    return [entry for entry in SCHEDULE if entry.interval(settings) > 0]


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """What ``celery -A worker.main beat`` sends, and how often."""
    return {entry.entry: {"task": entry.task, "schedule": entry.interval(settings),
                          "options": {"expires": entry.expires(settings)}}
            for entry in active(settings)}

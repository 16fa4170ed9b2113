"""The seam between use cases and whatever runs background work (Celery, or nothing).

``workflows/`` never imports Celery; each runtime has a ``JobDispatch`` that the worker's
wiring connects to its Celery app (``worker/celery_app.py``). Use cases call
``uow.dispatch_after_commit`` so a job is only ever sent once the rows it reads are durable —
and in embedded mode (Celery eager) it then runs right there, after the request's commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("certflow.background")


class JobDispatch:
    """How one runtime hands a service job id to a worker; unconnected, jobs wait for a sweep."""

    def __init__(self) -> None:
        self._send: Callable[[int], None] | None = None

    def connect(self, send: Callable[[int], None] | None) -> None:
        """Install the sender (the Celery wiring does, once per app)."""
        self._send = send

    @property
    def sender(self) -> Callable[[int], None] | None:
        return self._send

    def send(self, job_id: int) -> None:
        """Send one job; a failure to send is logged, the periodic sweep re-sends queued jobs."""
        if self._send is None:
            log.warning("no background dispatcher installed; service job %s stays queued",
                        job_id)
            return
        try:
            self._send(job_id)
        except Exception:
            log.exception("could not dispatch service job %s; the sweep will retry", job_id)

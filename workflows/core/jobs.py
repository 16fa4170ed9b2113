"""The seam between use cases and whatever runs background work (Celery, or nothing).

``workflows/`` never imports Celery; the worker installs a dispatcher at start-up. Use cases
call ``dispatch_after_commit`` so a job is only ever sent once the rows it reads are durable —
and in embedded mode (Celery eager) it then runs right there, after the request's commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from workflows.core.unit_of_work import UnitOfWork

log = logging.getLogger("certflow.background")

_dispatch: Callable[[int], None] | None = None


def set_dispatcher(dispatch: Callable[[int], None] | None) -> None:
    """Install how a service job id is handed to a worker (``None``: jobs wait for a sweep)."""
    global _dispatch
    _dispatch = dispatch


def get_dispatcher() -> Callable[[int], None] | None:
    return _dispatch


def dispatch_after_commit(uow: UnitOfWork, job_id: int) -> None:
    uow.after_commit(lambda: dispatch_now(job_id))


def dispatch_now(job_id: int) -> None:
    """Send one job; a failure to send is logged, the periodic sweep re-sends queued jobs."""
    if _dispatch is None:
        log.warning("no background dispatcher installed; service job %s stays queued", job_id)
        return
    try:
        _dispatch(job_id)
    except Exception:
        log.exception("could not dispatch service job %s; the sweep will retry", job_id)

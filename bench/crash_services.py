"""The service function of ``bench/diagrams/crash_flow.bpmn``, loaded by the bench's workers
(``CERTFLOW_SERVICE_MODULES=bench.crash_services``).

It sleeps (``CRASH_CALL_SECONDS``) so a SIGKILL can land inside the call, and while it runs it
keeps a marker file ``<pid>-<instance>-<task>`` in ``CRASH_MARK_DIR``: the crash driver kills
exactly the process that is in the middle of a call, not a random idle one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from workflows.automation.service_registry import ServiceContext, service


@service("bench.crash_call", params={"step": "str"})
def crash_call(ctx: ServiceContext, *, step: str) -> dict[str, Any]:
    """Idempotent (no outside effect): a repeat after a crash returns the same kind of result."""
    marks = os.environ.get("CRASH_MARK_DIR")
    marker = (Path(marks) / f"{os.getpid()}-{ctx.instance_id}-{ctx.task_name}") if marks else None
    if marker is not None:
        marker.touch()
    try:
        time.sleep(float(os.environ.get("CRASH_CALL_SECONDS", "0.3")))
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)
    return {"step": step, "pid": os.getpid(), "attempt": ctx.attempt}

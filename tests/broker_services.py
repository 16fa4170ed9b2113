"""Service functions loaded by the real Celery workers of the broker tests
(``CERTFLOW_SERVICE_MODULES=tests.broker_services``)."""

from __future__ import annotations

import os
from typing import Any

from workflows.automation.service_registry import ServiceContext, service


@service("tests.lookup_certificate", params={"holder": "str", "level": "int"})
def lookup_certificate(ctx: ServiceContext, *, holder: str, level: int) -> dict[str, Any]:
    """Fails on its first attempt (a transient outage), succeeds on the retry."""
    if ctx.attempt == 1:
        raise ConnectionError("certificate register timed out")
    return {"number": f"CERT-{level}-{holder}", "attempt": ctx.attempt, "pid": os.getpid()}

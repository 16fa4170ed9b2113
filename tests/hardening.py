"""Which blueprints the hardening suites (authorization matrix, schemathesis) hold to account.

An endpoint of a blueprint listed here must have authorization-matrix rows and pass the
property-based run, or those tests fail. Endpoints of other blueprints (still being built) are
exercised too, but only reported as warnings. Add a blueprint here once its endpoints are done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask

HARDENED_BLUEPRINTS = ("health", "auth", "definitions", "instances", "tasks", "audit",
                       "certificates", "batch", "reports", "incidents", "timers", "messages",
                       "notifications", "attachments", "approval",
                       "applicants", "directory", "plans", "notices", "onboarding",
                       "org_admin", "attendance", "sso")


@dataclass(frozen=True, order=True)
class Endpoint:
    method: str
    path: str  # OpenAPI style: /api/v1/instances/{instance_id}
    blueprint: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def openapi_path(rule: str) -> str:
    """``/x/<int:id>`` -> ``/x/{id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def api_endpoints(app: Flask) -> list[Endpoint]:
    """Every method of every ``/api/v1`` route the app serves, from its URL map."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else ""
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add(Endpoint(method, openapi_path(rule.rule), blueprint))
    return sorted(found)

"""The signing keys of the test suite: set explicitly, as every certflow process must."""

from __future__ import annotations

SECRET_KEY = "test-secret-key-with-at-least-32-bytes!"
AUDIT_KEY = "test-audit-signing-key-with-at-least-32-bytes"


def key_env() -> dict[str, str]:
    """The environment variables that give a child process these keys."""
    return {"CERTFLOW_SECRET_KEY": SECRET_KEY, "CERTFLOW_AUDIT_SIGNING_KEY": AUDIT_KEY}

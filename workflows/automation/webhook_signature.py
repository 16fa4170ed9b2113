"""The signature of certflow's notification webhook, for both ends.

Every POST carries ``X-Certflow-Timestamp`` (Unix seconds) and ``X-Certflow-Signature``
(``sha256=`` and the lower-case hex HMAC-SHA256, keyed with ``CERTFLOW_WEBHOOK_SECRET``, of the
timestamp, a full stop and the raw request body: ``f"{timestamp}.".encode() + body``). A receiver
recomputes it over the bytes it received, compares in constant time and refuses a timestamp
more than five minutes from its own clock (a replayed request). docs/operations.md shows it.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Certflow-Timestamp"
SIGNATURE_HEADER = "X-Certflow-Signature"
DELIVERY_HEADER = "X-Certflow-Delivery"  # the delivery's id: the same on every retry
TOLERANCE_S = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Certflow-Signature`` value of ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, *, timestamp: str, signature: str, body: bytes, now: float,
           tolerance_s: int = TOLERANCE_S) -> bool:
    """Whether a received webhook is certflow's, unchanged and recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)

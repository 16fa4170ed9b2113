"""Every setting certflow reads, with its default and why it exists.

Read once at start-up (``load_settings``); tests build their own ``Settings``.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; frozen so nothing mutates it after the app is built."""

    # SQLite file by default: a new user needs nothing but Python.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'instance' / 'certflow.sqlite3'}"
    # Signs bearer tokens; the default is only fit for the embedded demo.
    secret_key: str = "dev-only-secret-change-me-in-production-0123456789"
    token_ttl_seconds: int = 8 * 3600
    # Where bundled diagrams, DMN tables and forms live.
    bpmn_dir: Path = PROJECT_ROOT / "bpmn"
    # Demo users/groups seeded by `certflow seed`.
    seed_file: Path = PROJECT_ROOT / "config" / "demo_users.json"
    # Empty: background work runs in-process (embedded). Set to redis:// or amqp:// to scale out.
    broker_url: str = ""
    # Argon2 cost; tests lower it so hashing does not dominate the suite.
    password_time_cost: int = 3
    password_memory_cost_kib: int = 65536
    # Wall-clock limit for one script/condition evaluation in a diagram.
    script_time_limit_s: float = 1.0
    # Largest accepted upload (a deploy bundle) in bytes.
    max_upload_bytes: int = 5 * 1024 * 1024
    page_size_max: int = 200
    # HMAC-SHA256 key that signs audit anchors and audit exports; auditors verify exports
    # offline with it. The default is only fit for the embedded demo.
    audit_signing_key: str = "dev-only-audit-signing-key-change-me-0123456789"
    # --- background work (worker/): timers, service tasks ------------------------------
    # Celery queue the API enqueues to and workers consume (one per deployment/test run).
    queue_name: str = "certflow"
    # Beat (or the embedded thread) looks for due timers this often.
    timer_poll_seconds: float = 5.0
    # Timers one claim takes; a worker fires its claim before taking more.
    timer_batch_size: int = 100
    # Retries of a failing service task before it becomes an incident; backoff doubles
    # from the base (seconds) up to the cap.
    service_task_max_retries: int = 3
    service_task_backoff_s: float = 2.0
    service_task_backoff_max_s: float = 300.0
    # Leases for work a crashed worker leaves behind (SIGKILL, power loss): the sweep returns
    # timer claims older than this to pending, and re-sends service jobs still queued this
    # long after their last dispatch. Long enough that a live worker is never overtaken.
    claim_lease_seconds: float = 300.0
    service_job_lease_seconds: float = 600.0
    # How often beat schedules that sweep.
    sweep_seconds: float = 60.0
    # How often beat (or the embedded thread) verifies the whole audit trail and, when it is
    # intact, signs an anchor of the chain heads (docs/audit.md); 0 turns it off.
    audit_anchor_seconds: float = 3600.0
    # Extra modules that register service-task functions (comma-separated in the env).
    service_modules: tuple[str, ...] = ()
    # Public holidays and 调休 workdays for ``P<n>WD`` durations (and its time zone).
    holidays_file: Path = PROJECT_ROOT / "config" / "holidays_cn.json"
    # Issuing body code that starts every certificate number (docs/certificates.md).
    certificate_issuer_code: str = "CF3201"
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (docs/operations.md).
    # 0: those headers are ignored, the socket's peer is the client (anyone could forge them).
    trusted_proxy_count: int = 0
    # Public certificate verification: requests per client address and window (0: no limit).
    verify_rate_limit: int = 30
    verify_rate_window_s: int = 60
    # Unsuccessful sign-ins one client address may make per window over all user names
    # (spraying one password over many names; docs/operations.md). 0: no address limit.
    sign_in_address_limit: int = 30
    sign_in_address_window_s: int = 900
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def as_flask_config(self) -> dict[str, object]:
        """The subset Flask and its extensions read, plus the settings object itself."""
        # No pool_pre_ping: it costs a round trip every time a request checks a connection out.
        # Connections are recycled before a server or proxy would drop them idle, and a
        # connection that died anyway fails one request and invalidates the pool (SQLAlchemy
        # detects the disconnect), so the next request reconnects.
        engine_options: dict[str, object] = {} if self.is_sqlite else {"pool_recycle": 1800}
        if self.is_sqlite:
            engine_options["connect_args"] = {"check_same_thread": False, "timeout": 30}
        return {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "SECRET_KEY": self.secret_key,
            "MAX_CONTENT_LENGTH": self.max_upload_bytes,
            "API_TITLE": "certflow",
            "API_VERSION": "v1",
            "OPENAPI_VERSION": "3.1.0",
            "OPENAPI_URL_PREFIX": "/api",
            "OPENAPI_JSON_PATH": "openapi.json",
            "OPENAPI_SWAGGER_UI_PATH": None,
            "CERTFLOW_SETTINGS": self,
            **self.extra,
        }

    def to_dict(self) -> dict[str, object]:
        return {k: str(v) for k, v in asdict(self).items()
                if k not in ("secret_key", "audit_signing_key")}


def load_settings() -> Settings:
    """Build settings from ``CERTFLOW_*``/standard environment variables."""
    defaults = Settings()
    return Settings(
        database_url=_env("DATABASE_URL", defaults.database_url),
        secret_key=_env("CERTFLOW_SECRET_KEY", defaults.secret_key),
        token_ttl_seconds=int(_env("CERTFLOW_TOKEN_TTL", str(defaults.token_ttl_seconds))),
        bpmn_dir=Path(_env("CERTFLOW_BPMN_DIR", str(defaults.bpmn_dir))),
        seed_file=Path(_env("CERTFLOW_SEED_FILE", str(defaults.seed_file))),
        broker_url=_env("BROKER_URL", defaults.broker_url),
        script_time_limit_s=float(_env("CERTFLOW_SCRIPT_TIME_LIMIT", "1.0")),
        audit_signing_key=_env("CERTFLOW_AUDIT_SIGNING_KEY", defaults.audit_signing_key),
        queue_name=_env("CERTFLOW_QUEUE", defaults.queue_name),
        timer_poll_seconds=float(_env("CERTFLOW_TIMER_POLL_SECONDS",
                                      str(defaults.timer_poll_seconds))),
        timer_batch_size=int(_env("CERTFLOW_TIMER_BATCH_SIZE", str(defaults.timer_batch_size))),
        service_task_max_retries=int(_env("CERTFLOW_SERVICE_TASK_MAX_RETRIES",
                                          str(defaults.service_task_max_retries))),
        service_task_backoff_s=float(_env("CERTFLOW_SERVICE_TASK_BACKOFF",
                                          str(defaults.service_task_backoff_s))),
        claim_lease_seconds=float(_env("CERTFLOW_CLAIM_LEASE_SECONDS",
                                       str(defaults.claim_lease_seconds))),
        service_job_lease_seconds=float(_env("CERTFLOW_SERVICE_JOB_LEASE_SECONDS",
                                             str(defaults.service_job_lease_seconds))),
        sweep_seconds=float(_env("CERTFLOW_SWEEP_SECONDS", str(defaults.sweep_seconds))),
        audit_anchor_seconds=float(_env("CERTFLOW_AUDIT_ANCHOR_SECONDS",
                                        str(defaults.audit_anchor_seconds))),
        holidays_file=Path(_env("CERTFLOW_HOLIDAYS_FILE", str(defaults.holidays_file))),
        certificate_issuer_code=_env("CERTFLOW_CERT_ISSUER", defaults.certificate_issuer_code),
        trusted_proxy_count=int(_env("CERTFLOW_TRUSTED_PROXY_COUNT",
                                     str(defaults.trusted_proxy_count))),
        verify_rate_limit=int(_env("CERTFLOW_VERIFY_RATE_LIMIT",
                                   str(defaults.verify_rate_limit))),
        verify_rate_window_s=int(_env("CERTFLOW_VERIFY_RATE_WINDOW",
                                      str(defaults.verify_rate_window_s))),
        sign_in_address_limit=int(_env("CERTFLOW_SIGN_IN_ADDRESS_LIMIT",
                                       str(defaults.sign_in_address_limit))),
        sign_in_address_window_s=int(_env("CERTFLOW_SIGN_IN_ADDRESS_WINDOW",
                                          str(defaults.sign_in_address_window_s))),
        service_modules=tuple(m.strip() for m in _env("CERTFLOW_SERVICE_MODULES", "").split(",")
                              if m.strip()),
    )

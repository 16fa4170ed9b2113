"""Every setting certflow reads: declared once, each with the environment variable that sets it,
its default and why it exists; validated when a process starts.

``load_settings()`` reads the environment (the service, the worker and the CLI); tests build
``Settings(...)`` from explicit values only, so a variable set in the shell never leaks into them.
A bad value is refused with a ``SettingsError`` naming its variable. The two signing keys have no
usable default: outside the demo mode (``CERTFLOW_DEMO=1``) a missing, published or short key is
refused, with how to make one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from config.paths import PROJECT_ROOT

MIN_KEY_BYTES = 32
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
# Keys that were once shipped as defaults: anyone can sign with them, so they are refused.
PUBLISHED_KEYS = frozenset({
    "dev-only-secret-change-me-in-production-0123456789",
    "dev-only-audit-signing-key-change-me-0123456789",
})
KEY_VARIABLES = {"secret_key": "CERTFLOW_SECRET_KEY",
                 "audit_signing_key": "CERTFLOW_AUDIT_SIGNING_KEY"}
# Never printed (``Settings.to_dict``).
SECRET_FIELDS = frozenset({*KEY_VARIABLES, "smtp_password", "webhook_secret",
                           "oidc_client_secret"})
# The client secret of the demo's own sign-on provider (scripts/demo-sso.sh): published with
# certflow, so it is refused outside the demo mode.
DEMO_OIDC_CLIENT_SECRET = "certflow-demo-sso-client-secret-not-for-real-use"
MIN_OIDC_SECRET_BYTES = 16
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class SettingsError(Exception):
    """Settings a process must not start with; the message names each variable to fix."""


def _var(name: str, default: Any, doc: str, **constraints: Any) -> Any:
    """A field set by the environment variable ``name``."""
    return Field(default, validation_alias=name, description=doc, **constraints)


class Settings(BaseSettings):
    """Runtime configuration; frozen so nothing mutates it after a process has started."""

    model_config = SettingsConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True,
                                      extra="forbid", case_sensitive=True)

    demo: bool = _var("CERTFLOW_DEMO", False,
                      "demo mode: missing signing keys are made up (never for real data)")
    database_url: str = _var(
        "DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'certflow.sqlite3'}",
        "SQLAlchemy URL; a SQLite file by default, so a new user needs nothing but Python",
        min_length=1)
    secret_key: str = _var("CERTFLOW_SECRET_KEY", "",
                           "signs bearer tokens (at least 32 bytes, random)")
    audit_signing_key: str = _var(
        "CERTFLOW_AUDIT_SIGNING_KEY", "",
        "HMAC key of audit anchors and exports; auditors verify exports with it (32+ bytes)")
    token_ttl_seconds: int = _var("CERTFLOW_TOKEN_TTL", 8 * 3600,
                                  "lifetime of a bearer token, seconds", gt=0)
    bpmn_dir: Path = _var("CERTFLOW_BPMN_DIR", PROJECT_ROOT / "bpmn",
                          "bundled diagrams, DMN tables and forms (certflow deploy-bundled)")
    seed_file: Path = _var("CERTFLOW_SEED_FILE", PROJECT_ROOT / "config" / "demo_users.json",
                           "users and groups created by certflow seed")
    broker_url: str = _var("BROKER_URL", "",
                           "empty: background work runs in-process (embedded); redis:// or "
                           "amqp:// to scale out")
    password_time_cost: int = _var("CERTFLOW_PASSWORD_TIME_COST", 3,
                                   "Argon2 passes per password hash", ge=1)
    password_memory_cost_kib: int = _var("CERTFLOW_PASSWORD_MEMORY_COST_KIB", 65536,
                                         "Argon2 memory per password hash, KiB", ge=32)
    script_time_limit_s: float = _var("CERTFLOW_SCRIPT_TIME_LIMIT", 1.0,
                                      "CPU-time limit of one script/condition, seconds (a "
                                      "wall-clock backstop at 20 times that)", gt=0)
    run_step_limit: int = _var("CERTFLOW_RUN_STEP_LIMIT", 2000,
                               "engine steps (gateways, scripts, events) one run may take before "
                               "it is stopped, rolled back and made an incident", ge=1)
    run_time_limit_s: float = _var("CERTFLOW_RUN_TIME_LIMIT", 5.0,
                                   "CPU-time limit of one engine run (a start, a completion, "
                                   "a timer...), seconds (a wall-clock backstop at 20 times "
                                   "that); past it the same as the step limit",
                                   gt=0)
    max_upload_bytes: int = _var("CERTFLOW_MAX_UPLOAD_BYTES", 5 * 1024 * 1024,
                                 "largest accepted request body (a deploy bundle), bytes", gt=0)
    # --- attachments (docs/operations.md, "Attachments") --------------------------------------
    attachment_store: Literal["local", "database"] = _var(
        "CERTFLOW_ATTACHMENT_STORE", "local",
        "where uploaded files are kept: local (a directory) or database (in the service's "
        "database, streamed in chunks; use it with several API machines)")
    attachment_dir: Path = _var("CERTFLOW_ATTACHMENT_DIR",
                                PROJECT_ROOT / "instance" / "attachments",
                                "the directory of the local attachment store")
    attachment_max_bytes: int = _var("CERTFLOW_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024,
                                     "largest accepted uploaded file, bytes", gt=0)
    attachment_max_case_bytes: int = _var("CERTFLOW_ATTACHMENT_MAX_CASE_BYTES",
                                          100 * 1024 * 1024,
                                          "most bytes of files attached to one case", gt=0)
    attachment_orphan_hours: float = _var("CERTFLOW_ATTACHMENT_ORPHAN_HOURS", 24.0,
                                          "uploads never attached to a case are removed after "
                                          "this many hours", gt=0)
    # --- background work (worker/): timers, service tasks, sweeps, anchors --------------------
    queue_name: str = _var("CERTFLOW_QUEUE", "certflow",
                           "Celery queue the API sends to and workers consume", min_length=1)
    timer_poll_seconds: float = _var("CERTFLOW_TIMER_POLL_SECONDS", 5.0,
                                     "how often due timers are looked for", gt=0)
    timer_batch_size: int = _var("CERTFLOW_TIMER_BATCH_SIZE", 100,
                                 "timers one claim takes", ge=1)
    service_task_max_retries: int = _var("CERTFLOW_SERVICE_TASK_MAX_RETRIES", 3,
                                         "retries of a failing service task before an incident",
                                         ge=0)
    service_task_backoff_s: float = _var("CERTFLOW_SERVICE_TASK_BACKOFF", 2.0,
                                         "first retry delay; doubles each retry", gt=0)
    service_task_backoff_max_s: float = _var("CERTFLOW_SERVICE_TASK_BACKOFF_MAX", 300.0,
                                             "longest retry delay, seconds", gt=0)
    # Leases for work a crashed worker leaves behind: long enough that a live worker is never
    # overtaken (docs/operations.md).
    claim_lease_seconds: float = _var("CERTFLOW_CLAIM_LEASE_SECONDS", 300.0,
                                      "a timer claim older than this returns to pending", gt=0)
    service_job_lease_seconds: float = _var(
        "CERTFLOW_SERVICE_JOB_LEASE_SECONDS", 600.0,
        "a service job still queued this long after its dispatch is sent again", gt=0)
    import_job_stale_seconds: float = _var(
        "CERTFLOW_IMPORT_JOB_STALE_SECONDS", 60.0,
        "a background import confirmation whose heartbeat is this old is reported failed",
        gt=0)
    sweep_seconds: float = _var("CERTFLOW_SWEEP_SECONDS", 60.0,
                                "how often the sweep hands back what a dead worker held", gt=0)
    audit_anchor_seconds: float = _var("CERTFLOW_AUDIT_ANCHOR_SECONDS", 3600.0,
                                       "how often the audit trail is verified and anchored; "
                                       "0 turns it off", ge=0)
    service_modules: Annotated[tuple[str, ...], NoDecode] = _var(
        "CERTFLOW_SERVICE_MODULES", (),
        "comma-separated modules of a deployment's own service-task functions")
    holidays_file: Path = _var("CERTFLOW_HOLIDAYS_FILE",
                               PROJECT_ROOT / "config" / "holidays_cn.json",
                               "public holidays and 调休 workdays for P<n>WD durations")
    certificate_issuer_code: str = _var("CERTFLOW_CERT_ISSUER", "CF3201",
                                        "issuing body code that starts every certificate "
                                        "number: 6 upper-case letters or digits",
                                        pattern=r"^[A-Z0-9]{6}$")
    trusted_proxy_count: int = _var("CERTFLOW_TRUSTED_PROXY_COUNT", 0,
                                    "reverse proxies that set X-Forwarded-For/-Proto; 0 ignores "
                                    "those headers", ge=0)
    verify_rate_limit: int = _var("CERTFLOW_VERIFY_RATE_LIMIT", 30,
                                  "public certificate checks per client and window; 0: no limit",
                                  ge=0)
    verify_rate_window_s: int = _var("CERTFLOW_VERIFY_RATE_WINDOW", 60,
                                     "window of that limit, seconds", gt=0)
    objection_rate_limit: int = _var("CERTFLOW_OBJECTION_RATE_LIMIT", 5,
                                     "objections without sign-in per client and window on the "
                                     "public 公示 page; 0: no limit", ge=0)
    objection_rate_window_s: int = _var("CERTFLOW_OBJECTION_RATE_WINDOW", 3600,
                                        "window of that limit, seconds", gt=0)
    sign_in_address_limit: int = _var("CERTFLOW_SIGN_IN_ADDRESS_LIMIT", 30,
                                      "unsuccessful sign-ins one client address may make per "
                                      "window over all user names; 0: no limit", ge=0)
    sign_in_address_window_s: int = _var("CERTFLOW_SIGN_IN_ADDRESS_WINDOW", 900,
                                         "window of that limit, seconds", gt=0)
    activation_code_days: int = _var("CERTFLOW_ACTIVATION_CODE_DAYS", 14,
                                     "days a one-time activation code handed over instead of "
                                     "an initial password stays usable", ge=1, le=365)
    # --- notification delivery (docs/operations.md, "Notifications by e-mail and webhook") ----
    smtp_host: str = _var("CERTFLOW_SMTP_HOST", "",
                          "SMTP server notifications are e-mailed through; empty: no e-mail")
    smtp_port: int = _var("CERTFLOW_SMTP_PORT", 587, "its port", ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = _var(
        "CERTFLOW_SMTP_SECURITY", "starttls",
        "starttls (upgrade after connecting), tls (TLS from the start, usually port 465) or "
        "none (only to a relay on the same machine or network)")
    smtp_username: str = _var("CERTFLOW_SMTP_USERNAME", "",
                              "user name to sign in to the SMTP server; empty: no sign-in")
    smtp_password: str = _var("CERTFLOW_SMTP_PASSWORD", "", "its password")
    smtp_sender: str = _var("CERTFLOW_SMTP_SENDER", "",
                            "the From address of notification e-mails (required with the host)")
    smtp_timeout_s: float = _var("CERTFLOW_SMTP_TIMEOUT", 20.0,
                                 "connect and send timeout, seconds", gt=0)
    webhook_url: str = _var("CERTFLOW_WEBHOOK_URL", "",
                            "http(s) URL every notification is POSTed to, signed (for a relay to "
                            "企业微信/钉钉); empty: no webhook")
    webhook_secret: str = _var("CERTFLOW_WEBHOOK_SECRET", "",
                               "HMAC-SHA256 key of the webhook signature (32+ bytes, random; "
                               "the receiver verifies with it)")
    webhook_timeout_s: float = _var("CERTFLOW_WEBHOOK_TIMEOUT", 10.0,
                                    "webhook connect and answer timeout, seconds", gt=0)
    delivery_poll_seconds: float = _var("CERTFLOW_DELIVERY_POLL_SECONDS", 10.0,
                                        "how often new notifications are sent out", gt=0)
    delivery_max_attempts: int = _var("CERTFLOW_DELIVERY_MAX_ATTEMPTS", 6,
                                      "attempts per e-mail or webhook before it is marked "
                                      "failed (retried with backoff)", ge=1)
    # --- single sign-on over OpenID Connect (docs/operations.md, "Single sign-on") ------------
    oidc_issuer: str = _var("CERTFLOW_OIDC_ISSUER", "",
                            "issuer URL of the campus sign-on (统一身份认证); its discovery "
                            "document is read from <issuer>/.well-known/openid-configuration; "
                            "empty: no single sign-on")
    oidc_client_id: str = _var("CERTFLOW_OIDC_CLIENT_ID", "",
                               "certflow's client id registered at that provider")
    oidc_client_secret: str = _var("CERTFLOW_OIDC_CLIENT_SECRET", "",
                                   "its client secret (16+ bytes)")
    oidc_person_claim: str = _var("CERTFLOW_OIDC_PERSON_CLAIM", "sub",
                                  "the claim holding the 学号/工号 a person is matched by (sub: "
                                  "the provider's subject)", min_length=1)
    oidc_scopes: str = _var("CERTFLOW_OIDC_SCOPES", "openid profile",
                            "scopes asked for; must include openid",
                            pattern=r"(^|\s)openid(\s|$)")
    oidc_label: str = _var("CERTFLOW_OIDC_LABEL", "统一身份认证",
                           "the text of the sign-in page's button", min_length=1, max_length=40)
    oidc_redirect_uri: str = _var("CERTFLOW_OIDC_REDIRECT_URI", "",
                                  "the callback URL registered at the provider; empty: "
                                  "<this service's URL>/api/v1/auth/sso/callback")
    oidc_create_accounts: bool = _var("CERTFLOW_OIDC_CREATE_ACCOUNTS", False,
                                      "a person of the directory without an account gets one at "
                                      "their first single sign-on (otherwise refused)")
    oidc_timeout_s: float = _var("CERTFLOW_OIDC_TIMEOUT", 10.0,
                                 "timeout of each call to the provider, seconds", gt=0)
    ui_dist: Path | None = _var("CERTFLOW_UI_DIST", None,
                                "the built web app served at / (default: ui/dist)")

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Explicit values only; ``load_settings`` adds the environment."""
        return (init_settings,)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise SettingsError(describe(error)) from None

    @field_validator("service_modules", mode="before")
    @classmethod
    def _split_modules(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("secret_key", "audit_signing_key")
    @classmethod
    def _usable_key(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.data.get("demo"):
            return secrets.token_urlsafe(48)  # this process only; the demo keeps its own
        problem = key_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _delivery_complete(self) -> Settings:
        if self.smtp_host and "@" not in self.smtp_sender:
            raise ValueError("CERTFLOW_SMTP_SENDER must be an e-mail address when "
                             "CERTFLOW_SMTP_HOST is set")
        if self.webhook_url:
            if not self.webhook_url.startswith(("http://", "https://")):
                raise ValueError("CERTFLOW_WEBHOOK_URL must start with http:// or https://")
            if len(self.webhook_secret.encode()) < MIN_KEY_BYTES:
                raise ValueError(f"CERTFLOW_WEBHOOK_SECRET must be set to a random value of at "
                                 f"least {MIN_KEY_BYTES} bytes when CERTFLOW_WEBHOOK_URL is set, "
                                 f"for example the output of {MAKE_A_KEY}")
        problem = self.oidc_problem()
        if problem:
            raise ValueError(problem)
        return self

    def oidc_problem(self) -> str | None:
        """Why the single sign-on settings cannot be used, or None (also when it is off)."""
        if not self.oidc_issuer:
            return None
        issuer = self.oidc_issuer
        host = issuer.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if not issuer.startswith("https://") and not (
                issuer.startswith("http://") and (self.demo or host in LOOPBACK_HOSTS)):
            return ("CERTFLOW_OIDC_ISSUER must be an https:// URL (http:// only on this machine, "
                    "127.0.0.1 or localhost, or in the demo mode)")
        if not self.oidc_client_id:
            return "CERTFLOW_OIDC_CLIENT_ID must be set when CERTFLOW_OIDC_ISSUER is set"
        secret = self.oidc_client_secret
        if secret == DEMO_OIDC_CLIENT_SECRET and not self.demo:
            return ("CERTFLOW_OIDC_CLIENT_SECRET is the demo's published secret; anyone could "
                    "use it. Register certflow at your provider and set the secret it gives")
        if len(secret.encode()) < MIN_OIDC_SECRET_BYTES:
            return (f"CERTFLOW_OIDC_CLIENT_SECRET must be set to the client secret the provider "
                    f"gave certflow (at least {MIN_OIDC_SECRET_BYTES} bytes) when "
                    f"CERTFLOW_OIDC_ISSUER is set")
        return None

    @property
    def single_sign_on(self) -> bool:
        """A sign-on provider is configured: the sign-in page offers its button."""
        return bool(self.oidc_issuer)

    @property
    def delivers_notifications(self) -> bool:
        """E-mail or the webhook is configured: the delivery job runs."""
        return bool(self.smtp_host or self.webhook_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed, validated like the original."""
        return Settings(**{**self.model_dump(), **changes})

    def as_flask_config(self) -> dict[str, object]:
        """The subset Flask and its extensions read (the settings live on the runtime)."""
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
        }

    def to_dict(self) -> dict[str, object]:
        return {k: str(v) for k, v in self.model_dump().items() if k not in SECRET_FIELDS}


class _FromEnvironment(Settings):
    """The same settings, read from the environment (explicit values still win)."""

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


def load_settings(**overrides: Any) -> Settings:
    """Settings from ``DATABASE_URL``, ``BROKER_URL`` and the ``CERTFLOW_*`` variables.

    Raises ``SettingsError`` naming every variable that is missing or wrong. In demo mode a key
    that is not set comes from the demo's own key file (``config/demo_keys.py``), so every demo
    command and restart signs with the same random keys.
    """
    loaded = _FromEnvironment(**overrides)
    missing = [field for field, variable in KEY_VARIABLES.items()
               if field not in overrides and not os.environ.get(variable)]
    if loaded.demo and missing:
        from config.demo_keys import demo_keys

        keys: dict[str, Any] = {field: demo_keys(loaded.database_url)[field] for field in missing}
        loaded = _FromEnvironment(**overrides, **keys)
    return Settings(**loaded.model_dump())


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot sign anything, or None."""
    if not value:
        return "is not set"
    if value in PUBLISHED_KEYS:
        return "is the example key published with certflow; anyone could sign with it"
    if len(value.encode()) < MIN_KEY_BYTES:
        return f"is too short ({len(value.encode())} bytes; at least {MIN_KEY_BYTES})"
    return None


def describe(error: ValidationError) -> str:
    """One line per bad setting, each naming its environment variable."""
    variables = {name: field.validation_alias for name, field in Settings.model_fields.items()}
    lines = []
    for item in error.errors():
        where = str(item["loc"][0]) if item["loc"] else ""
        variable = variables.get(where, where)
        message = item["msg"].removeprefix("Value error, ")
        if not where:  # a rule over several settings: its message names them
            lines.append(message)
        elif where in KEY_VARIABLES or variable in KEY_VARIABLES.values():
            lines.append(f"{variable} {message}. Set it to a random value of at least "
                         f"{MIN_KEY_BYTES} bytes, for example the output of\n    {MAKE_A_KEY}\n"
                         f"  (or set CERTFLOW_DEMO=1 to try certflow with throw-away keys)")
        elif item["type"] == "extra_forbidden":
            lines.append(f"{where}: no such setting")
        else:
            lines.append(f"{variable}={item.get('input')!r}: {message}")
    return "certflow cannot start:\n  " + "\n  ".join(lines)

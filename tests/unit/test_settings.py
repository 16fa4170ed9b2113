"""Every setting is declared once, set from its own environment variable and documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import Settings, SettingsError, load_settings
from config.settings import KEY_VARIABLES, PUBLISHED_KEYS
from tests.keys import AUDIT_KEY, SECRET_KEY, key_env
from workflows.audit import export_format

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = {name: field.validation_alias for name, field in Settings.model_fields.items()}
# A value for each variable that differs from the default, and what it must load as.
SAMPLES: dict[str, tuple[str, Any]] = {
    "demo": ("1", True),
    "database_url": ("postgresql+psycopg://db.example/certflow",
                     "postgresql+psycopg://db.example/certflow"),
    "secret_key": ("s" * 40, "s" * 40),
    "audit_signing_key": ("a" * 40, "a" * 40),
    "token_ttl_seconds": ("600", 600),
    "bpmn_dir": ("/srv/diagrams", Path("/srv/diagrams")),
    "seed_file": ("/srv/users.json", Path("/srv/users.json")),
    "broker_url": ("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
    "password_time_cost": ("2", 2),
    "password_memory_cost_kib": ("4096", 4096),
    "script_time_limit_s": ("0.25", 0.25),
    "run_step_limit": ("500", 500),
    "run_time_limit_s": ("2.5", 2.5),
    "max_upload_bytes": ("1048576", 1048576),
    "attachment_store": ("database", "database"),
    "attachment_dir": ("/srv/files", Path("/srv/files")),
    "attachment_max_bytes": ("1000", 1000),
    "attachment_max_case_bytes": ("2000", 2000),
    "attachment_orphan_hours": ("2", 2.0),
    "queue_name": ("school-a", "school-a"),
    "timer_poll_seconds": ("2.5", 2.5),
    "timer_batch_size": ("7", 7),
    "service_task_max_retries": ("5", 5),
    "service_task_backoff_s": ("0.5", 0.5),
    "service_task_backoff_max_s": ("30", 30.0),
    "claim_lease_seconds": ("11", 11.0),
    "service_job_lease_seconds": ("12", 12.0),
    "sweep_seconds": ("13", 13.0),
    "audit_anchor_seconds": ("0", 0.0),
    "service_modules": ("school.services, school.more", ("school.services", "school.more")),
    "holidays_file": ("/srv/holidays.json", Path("/srv/holidays.json")),
    "certificate_issuer_code": ("AB1234", "AB1234"),
    "trusted_proxy_count": ("1", 1),
    "verify_rate_limit": ("5", 5),
    "verify_rate_window_s": ("10", 10),
    "objection_rate_limit": ("3", 3),
    "objection_rate_window_s": ("120", 120),
    "sign_in_address_limit": ("100", 100),
    "sign_in_address_window_s": ("60", 60),
    "activation_code_days": ("7", 7),
    "ui_dist": ("/srv/ui", Path("/srv/ui")),
    "smtp_host": ("smtp.school.example", "smtp.school.example"),
    "smtp_port": ("465", 465),
    "smtp_security": ("tls", "tls"),
    "smtp_username": ("certflow", "certflow"),
    "smtp_password": ("smtp-pass", "smtp-pass"),
    "smtp_sender": ("certflow@school.example", "certflow@school.example"),
    "smtp_timeout_s": ("5", 5.0),
    "webhook_url": ("https://relay.school.example/hook", "https://relay.school.example/hook"),
    "webhook_secret": ("w" * 40, "w" * 40),
    "webhook_timeout_s": ("3", 3.0),
    "delivery_poll_seconds": ("30", 30.0),
    "import_job_stale_seconds": ("90", 90.0),
    "delivery_max_attempts": ("3", 3),
    "oidc_issuer": ("https://sso.school.example", "https://sso.school.example"),
    "oidc_client_id": ("certflow-school", "certflow-school"),
    "oidc_client_secret": ("c" * 24, "c" * 24),
    "oidc_person_claim": ("employee_number", "employee_number"),
    "oidc_scopes": ("openid profile email", "openid profile email"),
    "oidc_label": ("校园统一登录", "校园统一登录"),
    "oidc_redirect_uri": ("https://certflow.school.example/api/v1/auth/sso/callback",
                          "https://certflow.school.example/api/v1/auth/sso/callback"),
    "oidc_timeout_s": ("4", 4.0),
    "oidc_create_accounts": ("1", True),
}


@pytest.fixture()
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_every_setting_is_read_from_its_environment_variable(
        environment: pytest.MonkeyPatch) -> None:
    assert set(SAMPLES) == set(Settings.model_fields)  # a new setting needs a sample here
    defaults = Settings(secret_key=SECRET_KEY, audit_signing_key=AUDIT_KEY)
    for name, (text, _) in SAMPLES.items():
        environment.setenv(VARIABLES[name], text)
    loaded = load_settings()
    for name, (_, expected) in SAMPLES.items():
        assert getattr(loaded, name) == expected, VARIABLES[name]
        assert getattr(defaults, name) != expected, f"{name}: pick a sample that is no default"


def test_explicit_settings_ignore_the_environment(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BROKER_URL", "redis://127.0.0.1:6379/3")
    environment.setenv("CERTFLOW_TOKEN_TTL", "60")
    settings = Settings(secret_key=SECRET_KEY, audit_signing_key=AUDIT_KEY)
    assert (settings.broker_url, settings.token_ttl_seconds) == ("", 8 * 3600)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("CERTFLOW_TOKEN_TTL", "0", "CERTFLOW_TOKEN_TTL='0': Input should be greater than 0"),
    ("CERTFLOW_SCRIPT_TIME_LIMIT", "fast", "CERTFLOW_SCRIPT_TIME_LIMIT='fast'"),
    ("CERTFLOW_CERT_ISSUER", "cf32", "CERTFLOW_CERT_ISSUER='cf32'"),
    ("CERTFLOW_DEMO", "maybe", "CERTFLOW_DEMO='maybe'"),
    ("CERTFLOW_TIMER_BATCH_SIZE", "-1", "CERTFLOW_TIMER_BATCH_SIZE='-1'"),
])
def test_a_bad_value_names_its_variable(environment: pytest.MonkeyPatch, variable: str,
                                        value: str, message: str) -> None:
    for key, key_value in key_env().items():
        environment.setenv(key, key_value)
    environment.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert message in str(refused.value)
    assert not isinstance(refused.value, ValueError)


@pytest.mark.parametrize(("values", "message"), [
    ({"webhook_url": "https://relay.school.example/hook"}, "CERTFLOW_WEBHOOK_SECRET must be set"),
    ({"webhook_url": "https://relay.school.example/hook", "webhook_secret": "short"},
     "CERTFLOW_WEBHOOK_SECRET must be set"),
    ({"webhook_url": "ftp://relay", "webhook_secret": "w" * 40}, "must start with http"),
    ({"smtp_host": "smtp.school.example"}, "CERTFLOW_SMTP_SENDER must be an e-mail address"),
])
def test_delivery_settings_must_be_complete(values: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings(secret_key=SECRET_KEY, audit_signing_key=AUDIT_KEY, **values)
    assert message in str(refused.value)
    assert SECRET_KEY not in str(refused.value)  # the settings themselves are never printed


def test_keys_are_required_outside_the_demo(environment: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert all(f"{variable} is not set" in str(refused.value)
               for variable in KEY_VARIABLES.values())
    demo = Settings(demo=True)  # throw-away keys, never a published one
    assert len(demo.secret_key) >= 32 and demo.secret_key not in PUBLISHED_KEYS
    assert demo.secret_key != Settings(demo=True).secret_key


def test_the_offline_verifier_knows_the_published_keys() -> None:
    assert export_format.PUBLISHED_KEYS == PUBLISHED_KEYS


@pytest.mark.parametrize("document", ["docs/operations.md", "README.md"])
def test_every_variable_is_documented(document: str) -> None:
    text = (ROOT / document).read_text(encoding="utf-8")
    missing = [variable for variable in VARIABLES.values() if f"`{variable}`" not in text]
    assert missing == [], f"{document} does not list {missing}"

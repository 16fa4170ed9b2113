"""No process signs with a published key: outside the demo mode the service, the worker and the
command line refuse to start without keys of their own, naming the variable and how to make one.

Real processes, started the way the README starts them, with an environment holding none of
certflow's variables.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from config import Settings, SettingsError
from config.settings import MAKE_A_KEY
from tests.api_client import ApiClient
from tests.conftest import ROOT
from tests.e2e.test_audit_export import (
    _edit_first_completion,
    _resign,
    export,
    finished,
    rezip,
    verify_offline,
)
from tests.keys import AUDIT_KEY, SECRET_KEY, key_env

# The keys certflow once shipped as defaults, as anyone can read them in its history.
OLD_SECRET = "dev-only-secret-change-me-in-production-0123456789"
OLD_AUDIT_KEY = "dev-only-audit-signing-key-change-me-0123456789"
BIN = Path(sys.executable).parent


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any certflow setting, on a database of its own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CERTFLOW_") and k not in ("DATABASE_URL", "BROKER_URL")}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.sqlite3'}",
            "PYTHONPATH": str(ROOT), **extra}


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def assert_refused_for_keys(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "CERTFLOW_SECRET_KEY is not set" in output
    assert "CERTFLOW_AUDIT_SIGNING_KEY is not set" in output
    assert MAKE_A_KEY in output


def test_the_command_line_refuses_to_start_without_keys(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "api.cli", "init-db"], clean_env(tmp_path))
    assert result.returncode == 2
    assert_refused_for_keys(result)
    assert not (tmp_path / "keys.sqlite3").exists()  # refused before touching the database


def test_the_service_refuses_to_start_without_keys(tmp_path: Path) -> None:
    served = run([str(BIN / "certflow"), "serve", "--port", "0"], clean_env(tmp_path))
    assert served.returncode == 2
    assert_refused_for_keys(served)
    # The README's scale-out command: the worker fails to boot and gunicorn stops.
    gunicorn = run([str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "api.wsgi:app"],
                   clean_env(tmp_path))
    assert gunicorn.returncode == 3
    assert_refused_for_keys(gunicorn)


def test_the_worker_refuses_to_start_without_keys(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "celery", "-A", "worker.main", "worker",
                  "--loglevel", "INFO"],
                 clean_env(tmp_path, BROKER_URL="redis://127.0.0.1:6379/0"))
    assert_refused_for_keys(result)
    assert "celery@" not in result.stdout + result.stderr  # no worker ever came up


@pytest.mark.parametrize(("secret", "expected"), [
    (OLD_SECRET, "CERTFLOW_SECRET_KEY is the example key published with certflow"),
    ("short-key", "CERTFLOW_SECRET_KEY is too short (9 bytes; at least 32)"),
])
def test_a_published_or_short_key_is_refused(tmp_path: Path, secret: str,
                                             expected: str) -> None:
    env = clean_env(tmp_path, CERTFLOW_SECRET_KEY=secret, CERTFLOW_AUDIT_SIGNING_KEY=AUDIT_KEY)
    result = run([sys.executable, "-m", "api.cli", "seed"], env)
    assert result.returncode == 2
    assert expected in result.stderr and MAKE_A_KEY in result.stderr
    with pytest.raises(SettingsError, match="CERTFLOW_AUDIT_SIGNING_KEY is the example key"):
        Settings(secret_key=SECRET_KEY, audit_signing_key=OLD_AUDIT_KEY)


def test_a_bad_value_is_refused_naming_its_variable(tmp_path: Path) -> None:
    env = clean_env(tmp_path, **key_env(), CERTFLOW_TOKEN_TTL="eight hours",
                    CERTFLOW_CERT_ISSUER="cf-3201")
    result = run([sys.executable, "-m", "api.cli", "init-db"], env)
    assert result.returncode == 2
    assert "CERTFLOW_TOKEN_TTL='eight hours'" in result.stderr
    assert "CERTFLOW_CERT_ISSUER='cf-3201'" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_mode_makes_its_own_keys_once_and_keeps_them(tmp_path: Path) -> None:
    env = clean_env(tmp_path, CERTFLOW_DEMO="1")
    assert run([sys.executable, "-m", "api.cli", "init-db"], env).returncode == 0
    seeded = run([sys.executable, "-m", "api.cli", "seed"], env)
    assert seeded.returncode == 0, seeded.stderr
    key_file = tmp_path / "demo-keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_text()
    assert run([sys.executable, "-m", "api.cli", "deploy-bundled"], env).returncode == 0
    assert key_file.read_text() == first  # every demo command signs with the same keys
    assert OLD_SECRET not in first and OLD_AUDIT_KEY not in first


def test_a_token_signed_with_the_old_default_key_is_refused(api: ApiClient) -> None:
    assert api.get("/api/v1/me", as_="admin").status_code == 200
    now = datetime.now(UTC)
    forged = jwt.encode({"sub": "1", "iat": now.timestamp(), "jti": "forged",
                         "exp": int((now + timedelta(hours=1)).timestamp()), "role": "admin"},
                        OLD_SECRET, algorithm="HS256")
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.get_json()["detail"] == "the token is invalid"


def test_an_export_re_signed_with_the_old_default_key_fails_the_verifier(
        tmp_path: Path, leave_api: ApiClient) -> None:
    content = export(leave_api, instance_id=finished(leave_api))

    def forge(files: dict[str, bytes]) -> None:
        _edit_first_completion(files)
        _resign(files, OLD_AUDIT_KEY)

    forged = rezip(content, forge)
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:
        assert b"teacher_approved\": false" in archive.read("events.jsonl")
    checked = verify_offline(tmp_path, forged, AUDIT_KEY)  # the deployment's key
    assert checked.returncode == 1
    assert "signature does not verify" in checked.stdout
    # An auditor handed the old key instead is told it proves nothing.
    with_old_key = verify_offline(tmp_path, forged, OLD_AUDIT_KEY)
    assert with_old_key.returncode == 2
    assert "published" in with_old_key.stderr

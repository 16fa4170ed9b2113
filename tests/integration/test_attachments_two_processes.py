"""Scaled out: two API processes on one PostgreSQL with the database attachment store. A file
uploaded through one process is downloaded, byte for byte, through the other, and the second
process's local directory never holds it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import requests

from bench.server import Gunicorn
from config import Settings
from tests.api_client import PASSWORDS

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")
MB = 1024 * 1024


def serve(settings: Settings, log_dir: Path, files: Path) -> Gunicorn:
    server = Gunicorn("api.wsgi:app", database_url=settings.database_url, log_dir=log_dir)
    server.env.update(CERTFLOW_ATTACHMENT_STORE="database", CERTFLOW_ATTACHMENT_DIR=str(files))
    return server


def token(base_url: str, username: str) -> str:
    answer = requests.post(f"{base_url}/api/v1/auth/token", timeout=30, json={
        "username": username, "password": PASSWORDS[username]})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs DATABASE_URL=postgresql...")
def test_upload_through_one_process_and_download_through_the_other(
        settings: Settings, clean_db: None, tmp_path: Path) -> None:
    content = b"%PDF-1.7\n" + os.urandom(5 * MB + 12345)  # several 1 MiB chunks
    with serve(settings, tmp_path, tmp_path / "one") as one, \
            serve(settings, tmp_path, tmp_path / "two") as two:
        auth = {"Authorization": f"Bearer {token(one.base_url, 'xiaoming')}"}
        uploaded = requests.post(f"{one.base_url}/api/v1/attachments", headers=auth, timeout=60,
                                 files={"file": ("证明.pdf", content, "application/pdf")})
        assert uploaded.status_code == 201, uploaded.text
        body = uploaded.json()
        assert body["sha256"] == hashlib.sha256(content).hexdigest()
        with requests.get(f"{two.base_url}/api/v1/attachments/{body['id']}/content",
                          headers=auth, timeout=60, stream=True) as answer:
            assert answer.status_code == 200
            assert answer.headers["Content-Length"] == str(len(content))
            received = b"".join(answer.iter_content(256 * 1024))
        assert received == content
        other = {"Authorization": f"Bearer {token(two.base_url, 'xiaohong')}"}
        assert requests.get(f"{two.base_url}/api/v1/attachments/{body['id']}/content",
                            headers=other, timeout=30).status_code == 404
    assert not (tmp_path / "two" / "files").exists()
    assert not list((tmp_path / "one" / "incoming").iterdir())  # the spool was handed over

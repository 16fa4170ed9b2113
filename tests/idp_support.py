"""A real OpenID Connect provider for the single sign-on tests: ``tests/idp/server.mjs``
(the npm package oidc-provider, installed by ``scripts/setup-idp.sh``) started with Node on a
free loopback port, and a browser-like walk through its login page.

Without Node or the installed package the tests are skipped with the reason, except where
``CERTFLOW_IDP_REQUIRED=1`` (CI sets it): there they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

IDP_DIR = Path(__file__).resolve().parent / "idp"


def _unavailable(reason: str) -> None:
    if os.environ.get("CERTFLOW_IDP_REQUIRED") == "1":
        pytest.fail(f"the OpenID Connect provider of the tests cannot run: {reason}")
    pytest.skip(f"no OpenID Connect provider to test against: {reason}")


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


@contextmanager
def running_provider(workdir: Path, *, client_id: str, client_secret: str,
                     redirect_uris: list[str], accounts: list[dict[str, Any]],
                     post_logout_redirect_uris: list[str] | None = None) -> Iterator[Provider]:
    """The provider running until the block ends (killed by the pid this started)."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed (apt-get install nodejs)")
    if not (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
        _unavailable("oidc-provider is not installed (bash scripts/setup-idp.sh)")
    config = workdir / "idp.json"
    config.write_text(json.dumps({
        "client_id": client_id, "client_secret": client_secret, "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": post_logout_redirect_uris or [], "accounts": accounts}),
        encoding="utf-8")
    log = (workdir / "idp.log").open("w+", encoding="utf-8")
    process = subprocess.Popen([str(node), str(IDP_DIR / "server.mjs"), str(config)],
                               stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "READY <issuer>", or nothing when it died
        if not line.startswith("READY "):
            process.wait(timeout=10)
            log.seek(0)
            pytest.fail(f"the OpenID Connect provider did not start: {line}{log.read()}")
        yield Provider(line.split()[1], client_id, client_secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def sign_in_at_provider(start_location: str, *, username: str, password: str,
                        back_to: str) -> tuple[requests.Response | None, str | None]:
    """Walk the provider's pages as a browser would: open the authorization URL, fill in its
    login form, follow its redirects until one leads back to ``back_to`` (certflow).

    Returns (the provider's last answer, the URL back to certflow or None if it stayed)."""
    browser = requests.Session()
    page = browser.get(start_location, timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action, page.text
    answer = browser.post(urljoin(page.url, action.group(1)), timeout=10,
                          data={"login": username, "password": password}, allow_redirects=False)
    for _ in range(10):
        location = answer.headers.get("Location")
        if answer.status_code not in (302, 303) or not location:
            return answer, None
        target = urljoin(answer.url, location)
        if target.startswith(back_to):
            return answer, target
        answer = browser.get(target, timeout=10, allow_redirects=False)
    raise AssertionError("the provider kept redirecting")

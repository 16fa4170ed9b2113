"""The built web app is served at / beside the API; without a build, / says how to build it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from api import create_app
from config import Settings
from tests.keys import AUDIT_KEY, SECRET_KEY

INDEX = "<!doctype html><html><body><div id=\"root\"></div></body></html>"


def _app(tmp_path: Path, dist: Path) -> Iterator[Flask]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'ui.sqlite3'}",
                              secret_key=SECRET_KEY, audit_signing_key=AUDIT_KEY,
                              ui_dist=dist))
    yield app
    from models import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture()
def built(tmp_path: Path) -> Iterator[Flask]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / ".vite").mkdir()
    (dist / ".vite" / "manifest.json").write_text("{}")
    yield from _app(tmp_path, dist)


@pytest.fixture()
def not_built(tmp_path: Path) -> Iterator[Flask]:
    yield from _app(tmp_path, tmp_path / "missing-dist")


def test_index_and_assets_are_served(built: Flask) -> None:
    client = built.test_client()
    index = client.get("/")
    assert index.status_code == 200 and "id=\"root\"" in index.get_data(as_text=True)
    assert index.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in index.headers["Content-Security-Policy"]
    asset = client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert client.get("/favicon.svg").status_code == 200


def test_client_routes_fall_back_to_index(built: Flask) -> None:
    client = built.test_client()
    for path in ("/inbox", "/cases/12", "/admin/definitions/leave_approval/versions/1",
                 "/admin/definitions/certification_application/versions/1/dmn/cert_policy.dmn",
                 "/admin/definitions/leave_approval/versions/2/dmn/leave_tiers.dmn"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "id=\"root\"" in response.get_data(as_text=True)


def test_missing_files_and_api_paths_stay_404(built: Flask) -> None:
    client = built.test_client()
    assert client.get("/assets/gone-123.js").status_code == 404
    assert client.get("/missing.png").status_code == 404
    assert client.get("/assets/nested/gone.css").status_code == 404
    assert client.get("/.vite/manifest.json").status_code == 404
    for path in ("/api/v1/nope", "/api/nope", "/api"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
    assert client.get("/../config/demo_users.json").status_code == 404
    assert client.get("/api/v1/health").get_json()["status"] == "ok"


def test_without_a_build_root_explains_how_to_build(not_built: Flask) -> None:
    client = not_built.test_client()
    as_json = client.get("/", headers={"Accept": "*/*"})
    assert as_json.status_code == 200
    assert "scripts/build-ui.sh" in as_json.get_json()["message"]
    assert as_json.get_json()["api"] == "/api/v1"
    as_html = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert as_html.mimetype == "text/html"
    assert "Node.js 20" in as_html.get_data(as_text=True)
    assert client.get("/inbox").status_code == 404

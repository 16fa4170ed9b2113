"""Serve the built web app (``ui/dist``) at ``/``, on the same origin as the API.

The single-page app routes in the browser, so every non-API path that is not a built file gets
``index.html``. The build is looked up per request: building the UI while the API runs needs no
restart, and the API keeps working when Node was never installed (``/`` then says how to build).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, json, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

from config.paths import PROJECT_ROOT
from workflows.core.runtime import runtime_of

DEFAULT_DIST = PROJECT_ROOT / "ui" / "dist"
# Hashed file names never change content: cache them for a year. index.html is revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
# No inline or foreign scripts. 'unsafe-eval' is needed by Ajv, which compiles each form's JSON
# Schema (known only at run time, from a deployment) to a function; it does not admit injected
# scripts. bpmn-js and dmn-js set inline styles and embed their icon fonts as data: URIs.
# Attachment previews are blob: URLs the app made from files it downloaded with the token:
# photos as images, PDFs in a frame (the browser's own PDF viewer).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
                           "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                           "connect-src 'self'; frame-src blob:; object-src 'none'; "
                           "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
BUILD_HINT = ("The certflow web app is not built. Install Node.js 20.19 or newer with npm, "
              "then run `bash scripts/build-ui.sh` (scripts/run-demo.sh does it for you). The API "
              "works without it.")


class NotApiPath(PathConverter):
    """A path that does not start with ``api/``: unknown API URLs stay problem+json 404s."""

    regex = r"(?!api(?:/|$))[^/].*?"


def dist_dir(app: Flask) -> Path:
    configured = runtime_of(app).settings.ui_dist
    return Path(configured) if configured else DEFAULT_DIST


def register_web_ui(app: Flask) -> None:
    """Add ``/`` and the SPA fallback; call after the API blueprints are registered."""
    app.url_map.converters["not_api"] = NotApiPath

    @app.get("/")
    def web_app_index() -> Response:
        return _index(dist_dir(app))

    @app.get("/<not_api:path>")
    def web_app_path(path: str) -> Response:
        root = dist_dir(app)
        if not (root / "index.html").is_file():
            raise NotFound("no such page; the web app is not built")
        if any(part.startswith(".") for part in path.split("/")):
            raise NotFound("no such page")  # build metadata (.vite/manifest.json) stays private
        candidate = root / path
        if candidate.is_file():
            response = send_from_directory(root, path)
            if path.startswith("assets/"):
                response.headers["Cache-Control"] = IMMUTABLE
            return response
        if path.startswith("assets/") or ("/" not in path and "." in path):
            # a missing file, not a page; a page's own path may end in a file name
            # (/admin/definitions/…/dmn/cert_policy.dmn), so only top-level names count
            raise NotFound(f"'{path}' is not part of the web app")
        return _index(root)


def _index(root: Path) -> Response:
    index = root / "index.html"
    if not index.is_file():
        return _not_built()
    response = send_from_directory(root, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _not_built() -> Response:
    links = {"api": "/api/v1", "openapi": "/api/openapi.json", "health": "/api/v1/health"}
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        body = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
                "<title>certflow</title><h1>certflow</h1>"
                "<p>网页应用尚未构建：请安装 Node.js 20.19 及以上版本和 npm，然后运行 "
                "<code>bash scripts/build-ui.sh</code>。API 不受影响。</p>"
                f"<p>{BUILD_HINT}</p><p><a href=\"/api/openapi.json\">/api/openapi.json</a></p>"
                "</html>")
        return Response(body, mimetype="text/html")
    return Response(json.dumps({"message": BUILD_HINT, **links}, ensure_ascii=False),
                    mimetype="application/json")

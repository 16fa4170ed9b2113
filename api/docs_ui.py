"""Interactive API docs (Swagger UI at ``/api/docs``) served entirely from local files.

flask-smorest renders the page; its script and style files usually come from a CDN, which
certflow's networks cannot reach, so they are served here from the ``swagger-ui-py`` wheel
(Swagger UI 5, which reads OpenAPI 3.1). Without that package the page is simply not offered.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

from api.openapi import CertflowBlueprint

DOCS_PATH = "docs"  # under OPENAPI_URL_PREFIX: /api/docs
ASSETS_URL = "/api/docs/assets/"
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                    "favicon-16x16.png", "favicon-32x32.png"})


def assets_dir() -> Path | None:
    spec = importlib.util.find_spec("swagger_ui")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def install_docs_ui(app: Flask) -> bool:
    """Turn on ``/api/docs`` if the assets are installed; call before the Api is created."""
    folder = assets_dir()
    if folder is None:
        return False
    app.config.update(OPENAPI_SWAGGER_UI_PATH=DOCS_PATH, OPENAPI_SWAGGER_UI_URL=ASSETS_URL)
    # No call home: Swagger UI's default badge asks validator.swagger.io about the document.
    app.config.setdefault("OPENAPI_SWAGGER_UI_CONFIG", {"validatorUrl": None})
    assets = CertflowBlueprint("docs_assets", __name__)

    @assets.get(f"{ASSETS_URL}<name>")
    def asset(name: str) -> Response:
        if name not in ASSETS:
            abort(404)
        return send_from_directory(folder, name, max_age=86400)

    app.register_blueprint(assets)
    return True

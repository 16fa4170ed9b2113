"""The composition root: ``create_app`` wires settings, database, API and error handling."""

from __future__ import annotations

import logging

from flask import Flask

from api.errors import CertflowApi, register_error_handlers
from config import Settings, load_settings
from models import db
from models.database import configure_engine
from workflows.users import configure_hashing


def create_app(settings: Settings | None = None) -> Flask:
    """Build a fully wired app; tests, the CLI and the worker pass their own Settings."""
    settings = settings or load_settings()
    app = Flask("certflow")
    app.config.from_mapping(settings.as_flask_config())
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if settings.is_sqlite:
        _ensure_sqlite_folder(settings.database_url)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    configure_hashing(time_cost=settings.password_time_cost,
                      memory_cost_kib=settings.password_memory_cost_kib)
    api = CertflowApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    from api.blueprints import auth, definitions, health, instances, tasks

    for module in (health, auth, definitions, instances, tasks):
        api.register_blueprint(module.bp)
    register_error_handlers(app, api)
    from worker.celery_app import celery_init_app  # the one sanctioned api -> worker edge

    celery_init_app(app)
    logging.getLogger("certflow").setLevel(logging.INFO)
    return app


def _ensure_sqlite_folder(url: str) -> None:
    from pathlib import Path

    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:" and not url.startswith("sqlite:///:memory:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)

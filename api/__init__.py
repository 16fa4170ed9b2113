"""The composition root: ``create_app`` wires settings, database, API and error handling."""

from __future__ import annotations

import logging

from flask import Flask

from api.docs_ui import install_docs_ui
from api.errors import CertflowApi, register_error_handlers
from api.masking import install_log_masking
from api.openapi import install_safe_converters
from api.safe_json import install_safe_json
from config import Settings, load_settings
from models import db
from models.database import configure_engine
from workflows.identity.users import configure_hashing


def create_app(settings: Settings | None = None) -> Flask:
    """Build a fully wired app; tests, the CLI and the worker pass their own Settings."""
    settings = settings or load_settings()
    app = Flask("certflow")
    app.config.from_mapping(settings.as_flask_config())
    trust_proxies(app, settings.trusted_proxy_count)
    install_safe_json(app)  # answers always encode, whatever a stored row holds
    if settings.is_sqlite:
        _ensure_sqlite_folder(settings.database_url)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    configure_hashing(time_cost=settings.password_time_cost,
                      memory_cost_kib=settings.password_memory_cost_kib)
    install_docs_ui(app)  # Swagger UI at /api/docs, assets served locally (no CDN)
    api = CertflowApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    install_safe_converters(app, api)  # before any blueprint: huge ids, NUL in names -> 404
    from api.blueprints import auth, definitions, health, instances, tasks

    for module in (health, auth, definitions, instances, tasks):
        api.register_blueprint(module.bp)
    from api.audit_hooks import register_audit_hooks
    from api.blueprints import audit

    api.register_blueprint(audit.bp)  # the auditors' API (docs/audit.md)
    from api.blueprints import incidents, messages, notifications, timers

    for module in (messages, notifications, incidents, timers):  # background work (worker/)
        api.register_blueprint(module.bp)
    from api.blueprints import batch, certificates, reports
    from workflows.certification import register as certificate_register

    for module in (certificates, batch, reports):  # skill-level certification
        api.register_blueprint(module.bp)
    certificate_register.configure(settings.certificate_issuer_code)
    register_audit_hooks(app)  # auditors change nothing; their reads are logged
    register_error_handlers(app, api)
    from api.web_ui import register_web_ui

    register_web_ui(app)  # the built web app (ui/dist) at /, when it is built
    from worker.celery_app import celery_init_app  # the one sanctioned api -> worker edge

    celery_init_app(app)
    logging.getLogger("certflow").setLevel(logging.INFO)
    install_log_masking()  # ID and phone numbers never reach a log in clear
    return app


def trust_proxies(app: Flask, count: int) -> None:
    """Take the client address and scheme from X-Forwarded-For/-Proto, as set by ``count``
    reverse proxies; sign-in throttling and rate limits then see the real client."""
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxied = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
        app.wsgi_app = proxied  # type: ignore[method-assign]


def _ensure_sqlite_folder(url: str) -> None:
    from pathlib import Path

    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:" and not url.startswith("sqlite:///:memory:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)

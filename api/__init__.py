"""The composition root of the service: ``create_app`` wires settings, the runtime, database,
API and error handling; nothing it builds outlives the app or is shared with another one."""

from __future__ import annotations

import logging

from flask import Flask

from api.docs_ui import install_docs_ui
from api.errors import CertflowApi, register_error_handlers
from api.masking import install_log_masking
from api.openapi import install_safe_converters
from api.safe_json import install_safe_json
from config import Settings, load_settings
from models.database import init_database
from workflows.bootstrap import bootstrap
from workflows.core.runtime import EXTENSION


def create_app(settings: Settings | None = None) -> Flask:
    """Build a fully wired app; tests and the CLI pass their own Settings.

    The runtime (``workflows.bootstrap``) is built once and kept in ``app.extensions``; use
    cases reach it through their unit of work (``api.context.unit_of_work()``).
    """
    settings = settings or load_settings()
    app = Flask("certflow")
    app.config.from_mapping(settings.as_flask_config())
    trust_proxies(app, settings.trusted_proxy_count)
    install_safe_json(app)  # answers always encode, whatever a stored row holds
    init_database(app, settings.database_url)
    app.extensions[EXTENSION] = bootstrap(settings)
    install_docs_ui(app)  # Swagger UI at /api/docs, assets served locally (no CDN)
    api = CertflowApi(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    install_safe_converters(app, api)  # before any blueprint: huge ids, NUL in names -> 404
    from api.blueprints import auth, definitions, directory, health, instances, tasks

    for module in (health, auth, directory, definitions, instances, tasks):
        api.register_blueprint(module.bp)
    from api.audit_hooks import register_audit_hooks
    from api.blueprints import audit

    api.register_blueprint(audit.bp)  # the auditors' API (docs/audit.md)
    from api.blueprints import calendar, incidents, messages, notifications, timers

    for module in (messages, notifications, incidents, timers):  # background work (worker/)
        api.register_blueprint(module.bp)
    api.register_blueprint(calendar.bp)  # 节假日日历: holidays and 调休 workdays
    from api.blueprints import (
        applicants,
        approval,
        attachments,
        batch,
        certificates,
        notices,
        onboarding,
        org_admin,
        plans,
        reports,
        supervision,
    )

    api.register_blueprint(attachments.bp)  # documents uploaded for forms
    api.register_blueprint(onboarding.bp)  # sheet imports and the directory's history
    api.register_blueprint(org_admin.bp)  # the organisation tree, the directory export

    for module in (certificates, batch, reports, plans, notices):  # skill-level certification
        api.register_blueprint(module.bp)
    from api.blueprints import sso
    from api.sso import init_sso

    init_sso(app, settings)  # the campus sign-on's OpenID Connect client, when configured
    api.register_blueprint(sso.bp)  # 统一身份认证: the button, the callback, sign-out there
    api.register_blueprint(approval.bp)  # 转交, 退回, 加签, 撤回, 催办, 抄送, comments
    api.register_blueprint(applicants.bp)  # 我的申请, a task's reason and deadline
    api.register_blueprint(supervision.bp)  # the 质量监督小组's view of its centre
    from api.blueprints import attendance

    api.register_blueprint(attendance.bp)  # 考勤: sessions, records, totals, reports
    register_audit_hooks(app)  # auditors change nothing; their reads are logged
    register_error_handlers(app, api)
    from api.web_ui import register_web_ui

    register_web_ui(app)  # the built web app (ui/dist) at /, when it is built
    from worker.celery_app import celery_init_app  # the one sanctioned api -> worker edge

    celery_init_app(app)
    logging.getLogger("certflow").setLevel(logging.INFO)
    # Logging belongs to the process, not to an app: one masking record factory, installed
    # once, the same for every app (ID and phone numbers never reach a log in clear).
    install_log_masking()
    return app


def trust_proxies(app: Flask, count: int) -> None:
    """Take the client address and scheme from X-Forwarded-For/-Proto, as set by ``count``
    reverse proxies; sign-in throttling and rate limits then see the real client."""
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxied = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
        app.wsgi_app = proxied  # type: ignore[method-assign]


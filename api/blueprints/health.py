from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import ServiceUnavailable

from api.openapi import CertflowBlueprint, problems
from api.schemas.common import HealthSchema
from models import db

bp = CertflowBlueprint("health", __name__, url_prefix="/api/v1",
                       description="Liveness and readiness")
log = logging.getLogger("certflow.api")


@bp.get("/health")
@bp.response(200, HealthSchema)
@problems(503)
@bp.doc(security=[])
def health() -> dict[str, str]:
    """Answer without sign-in; checks the database answers (503 when it does not)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError as error:
        log.warning("health check: database unavailable: %s", error)
        db.session.rollback()
        raise ServiceUnavailable("the database does not answer") from error
    return {"status": "ok", "database": db.engine.dialect.name}

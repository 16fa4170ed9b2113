from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint

from models import db

bp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness and readiness")


@bp.get("/health")
@bp.doc(security=[])
def health() -> dict[str, str]:
    """Answer without sign-in; checks the database answers."""
    db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    return {"status": "ok", "database": db.engine.dialect.name}

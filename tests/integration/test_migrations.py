"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import Base
from models.migrate import alembic_config


def test_migrations_match_the_models(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("checked on a private SQLite file; the PostgreSQL schema is shared")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "run the migration generator: models and migrations differ"
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

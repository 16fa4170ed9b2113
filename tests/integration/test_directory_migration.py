"""Revision 0007 carries the accounts that existed before the directory into it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from models.migrate import alembic_config


def test_existing_accounts_become_people_of_the_default_centre(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("checked on a private SQLite file; the PostgreSQL schema is shared")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'carried.sqlite3'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        now = datetime(2026, 1, 5, tzinfo=UTC).replace(tzinfo=None)
        users = [(1, "xm", "小明", "applicant", True, "机电2301"),
                 (2, "zh", "张老师", "reviewer", True, "机电2301"),
                 (3, "qi", "钱考评", "reviewer", True, "机电2301"),
                 (4, "li", "李主任", "reviewer", True, None),
                 (5, "old", "老学员", "applicant", False, "数控2302")]
        for user_id, name, display, role, active, class_name in users:
            connection.execute(sa.text(
                "INSERT INTO app_user (id, username, display_name, password_hash, role, active,"
                " created_at, class_name) VALUES (:id, :u, :d, 'x', :r, :a, :c, :k)"),
                {"id": user_id, "u": name, "d": display, "r": role, "a": active, "c": now,
                 "k": class_name})
        for group in ("applicant", "class_teacher", "class_office", "examiner"):
            connection.execute(sa.text("INSERT INTO user_group (id, name) VALUES (:g, :g)"),
                               {"g": group})
        for user_id, group in ((1, "applicant"), (2, "class_teacher"), (3, "examiner"),
                               (4, "class_office"), (4, "class_teacher"), (5, "applicant")):
            connection.execute(sa.text("INSERT INTO membership VALUES (:u, :g)"),
                               {"u": user_id, "g": group})
        command.upgrade(config, "head")
    with engine.connect() as connection:
        def rows(sql: str) -> set[tuple[object, ...]]:
            return {tuple(row) for row in connection.execute(sa.text(sql))}

        [(centre, path, kind)] = rows("SELECT id, path, kind FROM org_unit WHERE code='DEFAULT'")
        assert (path, kind) == (f"/{centre}/", "institution")
        assert rows("SELECT name, kind, parent_id, tenant_id FROM org_unit WHERE id != "
                    f"{centre}") == {("机电2301", "class", centre, centre),
                                     ("数控2302", "class", centre, centre)}
        assert rows("SELECT u.username, p.name, p.status, p.tenant_id FROM app_user u "
                    "JOIN person p ON p.id = u.person_id") == {
            ("xm", "小明", "studying", centre), ("zh", "张老师", "employed", centre),
            ("qi", "钱考评", "employed", centre), ("li", "李主任", "employed", centre),
            ("old", "老学员", "disabled", centre)}
        assert rows("SELECT p.name, o.name FROM enrolment e JOIN person p ON p.id = e.person_id"
                    " JOIN org_unit o ON o.id = e.unit_id") == {("小明", "机电2301"),
                                                                 ("老学员", "数控2302")}
        assert rows("SELECT p.name, s.role, o.name FROM position s JOIN person p ON "
                    "p.id = s.person_id JOIN org_unit o ON o.id = s.unit_id") == {
            ("张老师", "class_teacher", "机电2301"), ("钱考评", "teacher", "机电2301"),
            ("钱考评", "examiner", "默认机构"), ("李主任", "class_office", "默认机构"),
            ("李主任", "class_teacher", "默认机构")}
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    with engine.connect() as connection:
        assert "person" not in sa.inspect(connection).get_table_names()

"""Migration 0019 gives existing classes their 年级 from their learners' 入学年份."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from models.migrate import alembic_config


def test_existing_classes_get_the_grade_most_of_their_learners_entry_years_give(
        tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("checked on a private SQLite file; the PostgreSQL schema is shared")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'grades.sqlite3'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0017")
        run = connection.execute
        run(sa.text("INSERT INTO org_unit (id, tenant_id, parent_id, path, kind, code, name, "
                    "active) VALUES (101, 101, NULL, '/101/', 'institution', 'S', '学校', 1), "
                    "(102, 101, 101, '/101/102/', 'class', 'C1', '机电2401', 1), "
                    "(103, 101, 101, '/101/103/', 'class', 'C2', '数控2402', 1)"))
        today = date.today()
        school_year = today.year if today.month >= 9 else today.year - 1
        # 机电2401: two learners of one cohort, one of another; 数控2402: none known.
        for person_id, unit_id, year in ((1, 102, school_year - 1), (2, 102, school_year - 1),
                                         (3, 102, school_year), (4, 103, None)):
            run(sa.text("INSERT INTO person (id, tenant_id, name, status, created_at) "
                        "VALUES (:id, 101, '学员', 'studying', '2024-09-01 00:00:00')"),
                {"id": person_id})
            run(sa.text("INSERT INTO enrolment (person_id, unit_id, valid_from) "
                        "VALUES (:p, :u, '2024-09-01')"), {"p": person_id, "u": unit_id})
            run(sa.text("INSERT INTO person_detail (person_id, entry_year) VALUES (:p, :y)"),
                {"p": person_id, "y": year})
        command.upgrade(config, "head")
        grades = dict(run(sa.text("SELECT name, grade FROM org_unit WHERE tenant_id = 101")
                          ).all())
    assert grades == {"学校": None, "机电2401": 2, "数控2402": None}

"""import jobs and class grades: background import progress in the database; 年级 of classes

``directory_import_job`` keeps the progress of an import confirmed as background work, so any
API process answers the poll. ``org_unit.grade`` is a class's 年级 (1 = 一年级); existing classes
get the grade their learners' 入学年份 gives for the school year under way (a year starts on
1 September), and stay without one where no learner's 入学年份 is known.

Revision ID: 0019
Revises: 0018
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'directory_import_job',
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('phase', sa.String(length=16), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('runner', sa.String(length=128), nullable=True),
        sa.Column('queued_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('failure', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['import_id'], ['directory_import.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('import_id'),
    )
    with op.batch_alter_table('org_unit') as batch:
        batch.add_column(sa.Column('grade', sa.Integer(), nullable=True))
    _derive_grades()


def _derive_grades() -> None:
    """A class's grade from the 入学年份 most of its current learners have."""
    today = date.today()
    school_year = today.year if today.month >= 9 else today.year - 1
    rows = op.get_bind().execute(sa.text(
        "SELECT e.unit_id, d.entry_year, COUNT(*) AS n FROM enrolment e "
        "JOIN person_detail d ON d.person_id = e.person_id "
        "JOIN org_unit u ON u.id = e.unit_id "
        "WHERE u.kind = 'class' AND d.entry_year IS NOT NULL "
        "AND (e.valid_to IS NULL OR e.valid_to >= :today) "
        "GROUP BY e.unit_id, d.entry_year ORDER BY e.unit_id, n DESC, d.entry_year"),
        {"today": today}).all()
    seen: set[int] = set()
    for unit_id, entry_year, _count in rows:
        if unit_id in seen:
            continue
        seen.add(unit_id)
        grade = school_year - int(entry_year) + 1
        if grade >= 1:
            op.get_bind().execute(sa.text("UPDATE org_unit SET grade = :grade WHERE id = :id"),
                                  {"grade": grade, "id": unit_id})


def downgrade() -> None:
    with op.batch_alter_table('org_unit') as batch:
        batch.drop_column('grade')
    op.drop_table('directory_import_job')

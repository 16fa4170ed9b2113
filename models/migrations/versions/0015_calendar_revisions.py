"""calendar revisions: holidays and 调休 workdays kept in the database, the calendar of timers

A new table and a nullable column; existing rows are untouched.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'calendar_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('holidays', sa.JSON(), nullable=False),
        sa.Column('workdays', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_calendar_revision_year', 'calendar_revision', ['year', 'id'])
    with op.batch_alter_table('timer') as batch:
        batch.add_column(sa.Column('calendar_version', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('timer') as batch:
        batch.drop_column('calendar_version')
    op.drop_index('ix_calendar_revision_year', table_name='calendar_revision')
    op.drop_table('calendar_revision')

"""import jobs: background import progress in the database

``directory_import_job`` keeps the progress of an import confirmed as background work, so any
API process answers the poll.

Revision ID: 0019
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0019'
down_revision = '0017'
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


def downgrade() -> None:
    op.drop_table('directory_import_job')

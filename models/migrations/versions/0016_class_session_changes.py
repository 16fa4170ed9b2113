"""class session changes: the audit of sessions changed or deleted after they were added

A new table; existing rows are untouched.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'class_session_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('class_unit_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['class_unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_class_session_change_class', 'class_session_change',
                    ['class_unit_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_class_session_change_class', table_name='class_session_change')
    op.drop_table('class_session_change')

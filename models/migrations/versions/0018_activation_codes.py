"""activation codes: a one-time code handed over instead of an initial password

One new table; existing accounts are untouched (none has a code).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'activation_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=255), nullable=False),
        sa.Column('issued_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_activation_code_user_id'), 'activation_code', ['user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_activation_code_user_id'), table_name='activation_code')
    op.drop_table('activation_code')

"""notice objections: who objected to a result during its public notice (公示异议)

A new table only; existing rows are untouched.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notice_objection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('business_key', sa.String(length=128), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('objector_user_id', sa.Integer(), nullable=True),
        sa.Column('objector_name', sa.String(length=64), nullable=True),
        sa.Column('objector_contact', sa.String(length=100), nullable=True),
        sa.Column('routing', sa.String(length=16), nullable=False),
        sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
        sa.ForeignKeyConstraint(['objector_user_id'], ['app_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('notice_objection') as batch_op:
        batch_op.create_index('ix_notice_objection_instance', ['instance_id', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notice_objection') as batch_op:
        batch_op.drop_index('ix_notice_objection_instance')
    op.drop_table('notice_objection')

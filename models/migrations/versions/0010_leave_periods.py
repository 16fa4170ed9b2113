"""leave periods: each leave's dates, half days, school days and how it ended (销假, 超假)

A new table only; existing rows are untouched.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'leave_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('leave_type', sa.String(length=16), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('start_half', sa.String(length=2), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('end_half', sa.String(length=2), nullable=False),
        sa.Column('half_days', sa.Integer(), nullable=False),
        sa.Column('sessions', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('returned_on', sa.Date(), nullable=True),
        sa.Column('overstay_half_days', sa.Integer(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id'),
    )
    with op.batch_alter_table('leave_period') as batch_op:
        batch_op.create_index('ix_leave_period_person_dates',
                              ['person_id', 'start_date', 'end_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leave_period') as batch_op:
        batch_op.drop_index('ix_leave_period_person_dates')
    op.drop_table('leave_period')

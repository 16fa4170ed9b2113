"""certification plans: the published notices applications are made against (认定计划)

A new table only; existing rows are untouched.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'certification_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('centre', sa.String(length=100), nullable=False),
        sa.Column('occupations', sa.JSON(), nullable=False),
        sa.Column('apply_from', sa.Date(), nullable=False),
        sa.Column('apply_until', sa.Date(), nullable=False),
        sa.Column('exams', sa.JSON(), nullable=False),
        sa.Column('exam_mode', sa.String(length=16), nullable=False),
        sa.Column('requirements', sa.Text(), nullable=False),
        sa.Column('published_by', sa.Integer(), nullable=False),
        sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['published_by'], ['app_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code', 'version', name='uq_certification_plan_version'),
    )
    with op.batch_alter_table('certification_plan') as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_plan_code'), ['code'], unique=False)
        batch_op.create_index('ix_certification_plan_window', ['apply_until', 'apply_from'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('certification_plan') as batch_op:
        batch_op.drop_index('ix_certification_plan_window')
        batch_op.drop_index(batch_op.f('ix_certification_plan_code'))
    op.drop_table('certification_plan')

"""engine-run incidents: an incident may stand for a whole engine run, without a service job

A run past its step or time budget is rolled back and flagged with an incident that names no
service job (``job_id`` is null). Existing incidents keep their job.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incident') as batch:
        batch.alter_column('job_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM incident WHERE job_id IS NULL")
    with op.batch_alter_table('incident') as batch:
        batch.alter_column('job_id', existing_type=sa.Integer(), nullable=False)

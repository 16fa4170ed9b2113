"""plan window extension: a plan's last application day on a holiday moves to the next working day

One column with a default; existing plans extend, as the law counts (民法典 第二百零三条).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certification_plan') as batch:
        batch.add_column(sa.Column('apply_until_extends', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('certification_plan') as batch:
        batch.drop_column('apply_until_extends')

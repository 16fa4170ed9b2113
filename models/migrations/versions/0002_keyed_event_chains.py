"""keyed event chains: how each event's hash was made, and which anchors were written since

Events and anchors already stored keep version 1 (plain SHA-256 event hashes); the service
writes version 2 from now on (docs/audit.md, "Keyed chains").

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_event') as batch:
        batch.add_column(sa.Column('hash_version', sa.SmallInteger(),
                                   server_default=sa.text('1'), nullable=False))
    with op.batch_alter_table('audit_anchor') as batch:
        batch.add_column(sa.Column('chain_version', sa.SmallInteger(),
                                   server_default=sa.text('1'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('audit_anchor') as batch:
        batch.drop_column('chain_version')
    with op.batch_alter_table('process_event') as batch:
        batch.drop_column('hash_version')

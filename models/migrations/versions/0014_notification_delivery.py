"""notification delivery: e-mail addresses of users, deliveries by e-mail and signed webhook

Adds columns that may be NULL and one new table; existing rows are untouched (existing
notifications are marked as looked at, so turning delivery on never sends old ones).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('email', sa.String(length=320), nullable=True))
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('delivery_state', sa.String(length=16), nullable=True))
    op.execute("UPDATE notification SET delivery_state = 'old'")
    op.create_index('ix_notification_delivery_state', 'notification', ['delivery_state', 'id'])
    op.create_table(
        'notification_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['notification_id'], ['notification.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notification_delivery_due', 'notification_delivery',
                    ['status', 'next_attempt_at'])
    op.create_index(op.f('ix_notification_delivery_notification_id'), 'notification_delivery',
                    ['notification_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_notification_delivery_notification_id'),
                  table_name='notification_delivery')
    op.drop_index('ix_notification_delivery_due', table_name='notification_delivery')
    op.drop_table('notification_delivery')
    op.drop_index('ix_notification_delivery_state', table_name='notification')
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('delivery_state')
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('email')

"""attachments: uploaded files, and the files of the database store

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=48), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('media_type', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('attached_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id']),
        sa.ForeignKeyConstraint(['uploaded_by'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
    )
    op.create_index('ix_attachment_instance', 'attachment', ['instance_id'])
    op.create_index('ix_attachment_sha256', 'attachment', ['sha256'])
    op.create_index('ix_attachment_unattached', 'attachment', ['instance_id', 'uploaded_at'])
    op.create_table(
        'attachment_blob',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('stored_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256'),
    )
    op.create_table(
        'attachment_blob_chunk',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['sha256'], ['attachment_blob.sha256']),
        sa.PrimaryKeyConstraint('sha256', 'seq'),
    )


def downgrade() -> None:
    op.drop_table('attachment_blob_chunk')
    op.drop_table('attachment_blob')
    op.drop_index('ix_attachment_unattached', table_name='attachment')
    op.drop_index('ix_attachment_sha256', table_name='attachment')
    op.drop_index('ix_attachment_instance', table_name='attachment')
    op.drop_table('attachment')

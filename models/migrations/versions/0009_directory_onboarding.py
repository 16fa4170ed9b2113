"""directory onboarding: imports awaiting confirmation, the directory's history, person details

New tables only; existing rows are untouched.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'directory_import',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_directory_import_tenant', 'directory_import', ['tenant_id', 'id'])
    op.create_table(
        'directory_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject_type', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['app_user.id']),
        sa.ForeignKeyConstraint(['import_id'], ['directory_import.id']),
        sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant_id', 'seq', name='uq_directory_change_tenant_seq'),
    )
    op.create_index('ix_directory_change_subject', 'directory_change',
                    ['tenant_id', 'subject_type', 'subject_id'])
    op.create_table(
        'person_detail',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('gender', sa.String(length=2), nullable=True),
        sa.Column('entry_year', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id'),
    )


def downgrade() -> None:
    op.drop_table('person_detail')
    op.drop_index('ix_directory_change_subject', table_name='directory_change')
    op.drop_table('directory_change')
    op.drop_index('ix_directory_import_tenant', table_name='directory_import')
    op.drop_table('directory_import')

"""task tenants: every human task carries its case's centre, and a group's inbox is read per centre

Adds ``human_task.tenant_id`` (filled from the task's instance) and replaces the group inbox
index by one that starts with the centre and holds only tasks offered to a group as a whole
(``address_unit_id IS NULL``).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenant_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_human_task_tenant_id', 'org_unit', ['tenant_id'], ['id'])
        batch_op.drop_index('ix_human_task_group_open')
    # Partial: a group's tasks only, not those addressed by relation to a unit.
    op.create_index('ix_human_task_tenant_group_open', 'human_task',
                    ['tenant_id', 'candidate_group', 'status', 'id'], unique=False,
                    postgresql_where=sa.text('address_unit_id IS NULL'),
                    sqlite_where=sa.text('address_unit_id IS NULL'))
    op.execute("UPDATE human_task SET tenant_id = (SELECT p.tenant_id FROM process_instance p "
               "WHERE p.id = human_task.instance_id)")


def downgrade() -> None:
    op.drop_index('ix_human_task_tenant_group_open', table_name='human_task')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_group_open', ['candidate_group', 'status', 'id'],
                              unique=False)
        batch_op.drop_constraint('fk_human_task_tenant_id', type_='foreignkey')
        batch_op.drop_column('tenant_id')

"""tasks addressed by relation: a task's unit, an instance's unit and centre

Existing instances are given the default centre and their applicant's class (else the
centre); existing tasks stay offered to their group (no unit), as they were.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_human_task_address_open',
                              ['address_unit_id', 'candidate_group', 'status', 'id'],
                              unique=False)
        batch_op.create_foreign_key('fk_human_task_address_unit_id', 'org_unit',
                                    ['address_unit_id'], ['id'])
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tenant_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_process_instance_tenant_id'), ['tenant_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_process_instance_unit_id', 'org_unit', ['unit_id'],
                                    ['id'])
        batch_op.create_foreign_key('fk_process_instance_tenant_id', 'org_unit', ['tenant_id'],
                                    ['id'])
    conn = op.get_bind()
    centre = conn.execute(sa.text(
        "SELECT id FROM org_unit WHERE code = 'DEFAULT' AND parent_id IS NULL")).scalar()
    if centre is None:
        return
    conn.execute(sa.text("UPDATE process_instance SET tenant_id = :c, unit_id = COALESCE(("
                         "SELECT MIN(e.unit_id) FROM enrolment e JOIN app_user u "
                         "ON u.person_id = e.person_id "
                         "WHERE u.id = process_instance.started_by), :c)"), {"c": centre})


def downgrade() -> None:
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_constraint('fk_process_instance_tenant_id', type_='foreignkey')
        batch_op.drop_constraint('fk_process_instance_unit_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_process_instance_tenant_id'))
        batch_op.drop_column('tenant_id')
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_constraint('fk_human_task_address_unit_id', type_='foreignkey')
        batch_op.drop_index('ix_human_task_address_open')
        batch_op.drop_column('address_unit_id')

"""school directory: organisation units, people, enrolments, positions, substitutes, conflicts

Existing rows are carried over: a default centre (机构 ``DEFAULT``, 默认机构) is created; every
account becomes a person of it (learners 在读, staff 在职, disabled accounts 停用); every free-text
``class_name`` becomes a 班级 unit under it, a learner's class an enrolment, a class teacher's
class a 班主任 position and any other staff member's class a 任课教师 position; every other group
membership becomes a position of that role at the centre (covering the whole centre, as the
group did before).

Revision ID: 0007
Revises: 0006
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ROLES = {"class_teacher", "teacher", "class_office", "department_head", "leader", "examiner",
         "eligibility_reviewer", "exam_admin", "score_reviewer", "quality_supervisor",
         "certificate_officer", "leading_group", "auditor", "admin"}


def _create_tables() -> None:
    op.create_table('org_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'code', name='uq_org_unit_tenant_code')
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index('ix_org_unit_parent', ['parent_id'], unique=False)
        batch_op.create_index('ix_org_unit_path', ['path'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('employer', sa.String(length=128), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tenant_id', 'id_number', name='uq_person_tenant_id_number')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index('ix_person_tenant_name', ['tenant_id', 'name'], unique=False)
        batch_op.create_index('ix_person_tenant_number', ['tenant_id', 'number'], unique=False)

    op.create_table('conflict_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('declared_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'subject_id', name='uq_conflict_declaration_pair')
    )
    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index('ix_enrolment_person', ['person_id'], unique=False)
        batch_op.create_index('ix_enrolment_unit', ['unit_id'], unique=False)

    op.create_table('position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('scope', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.create_index('ix_position_person', ['person_id'], unique=False)
        batch_op.create_index('ix_position_role_unit', ['role', 'unit_id'], unique=False)

    op.create_table('substitution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['substitute_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('substitution', schema=None) as batch_op:
        batch_op.create_index('ix_substitution_person', ['person_id'], unique=False)
        batch_op.create_index('ix_substitution_substitute', ['substitute_id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_app_user_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key('fk_app_user_person_id', 'person', ['person_id'], ['id'])


_meta = sa.MetaData()
_unit = sa.Table('org_unit', _meta, sa.Column('id', sa.Integer, primary_key=True),
                 sa.Column('tenant_id', sa.Integer),
                 sa.Column('parent_id', sa.Integer), sa.Column('path', sa.String),
                 sa.Column('kind', sa.String), sa.Column('code', sa.String),
                 sa.Column('name', sa.String), sa.Column('active', sa.Boolean))
_person = sa.Table('person', _meta, sa.Column('id', sa.Integer, primary_key=True),
                   sa.Column('tenant_id', sa.Integer),
                   sa.Column('name', sa.String), sa.Column('status', sa.String),
                   sa.Column('created_at', models.base.UTCDateTime(timezone=True)))
_user = sa.table('app_user', sa.column('id', sa.Integer), sa.column('display_name', sa.String),
                 sa.column('role', sa.String), sa.column('active', sa.Boolean),
                 sa.column('class_name', sa.String), sa.column('person_id', sa.Integer),
                 sa.column('created_at', models.base.UTCDateTime(timezone=True)))
_membership = sa.table('membership', sa.column('user_id', sa.Integer),
                       sa.column('group_id', sa.String))
_enrolment = sa.table('enrolment', sa.column('person_id', sa.Integer),
                      sa.column('unit_id', sa.Integer))
_position = sa.table('position', sa.column('person_id', sa.Integer),
                     sa.column('unit_id', sa.Integer), sa.column('role', sa.String))


def _insert_id(conn: sa.Connection, statement: sa.Insert) -> int:
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _add_unit(conn: sa.Connection, *, tenant_id: int | None, parent_path: str, kind: str,
              code: str, name: str) -> int:
    new_id = _insert_id(conn, sa.insert(_unit).values(
        tenant_id=tenant_id, parent_id=int(parent_path.strip('/').split('/')[-1])
        if parent_path else None, path='', kind=kind, code=code, name=name, active=True))
    conn.execute(sa.update(_unit).where(_unit.c.id == new_id).values(
        path=f"{parent_path or '/'}{new_id}/", tenant_id=tenant_id or new_id))
    return new_id


def _carry_rows() -> None:
    conn = op.get_bind()
    centre = _add_unit(conn, tenant_id=None, parent_path='', kind='institution', code='DEFAULT',
                       name='默认机构')
    centre_path = f"/{centre}/"
    users = conn.execute(sa.select(_user.c.id, _user.c.display_name, _user.c.role,
                                   _user.c.active, _user.c.class_name,
                                   _user.c.created_at).order_by(_user.c.id)).all()
    groups: dict[int, set[str]] = {}
    for user_id, group_id in conn.execute(sa.select(_membership.c.user_id,
                                                    _membership.c.group_id)):
        groups.setdefault(user_id, set()).add(group_id)
    classes: dict[str, int] = {}
    for user in users:
        if user.class_name and user.class_name not in classes:
            classes[user.class_name] = _add_unit(
                conn, tenant_id=centre, parent_path=centre_path, kind='class',
                code=user.class_name[:32], name=user.class_name)
    now = datetime.now(UTC)
    for user in users:
        mine = groups.get(user.id, set())
        learner = user.role == 'applicant' or 'applicant' in mine
        status = 'disabled' if not user.active else 'studying' if learner else 'employed'
        person_id = _insert_id(conn, sa.insert(_person).values(
            tenant_id=centre, name=user.display_name[:64], status=status,
            created_at=user.created_at or now))
        conn.execute(sa.update(_user).where(_user.c.id == user.id).values(person_id=person_id))
        class_unit = classes.get(user.class_name) if user.class_name else None
        if class_unit is not None and learner:
            conn.execute(sa.insert(_enrolment).values(person_id=person_id, unit_id=class_unit))
        elif class_unit is not None:
            role = 'class_teacher' if 'class_teacher' in mine else 'teacher'
            conn.execute(sa.insert(_position).values(person_id=person_id, unit_id=class_unit,
                                                     role=role))
        for group in sorted(mine & ROLES):
            if group == 'class_teacher' and class_unit is not None:
                continue  # the class teacher of their own class, not of the whole centre
            conn.execute(sa.insert(_position).values(person_id=person_id, unit_id=centre,
                                                     role=group))


def upgrade() -> None:
    _create_tables()
    _carry_rows()


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_app_user_person_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_app_user_person_id'))
        batch_op.drop_column('person_id')
    for table in ('substitution', 'position', 'enrolment', 'conflict_declaration', 'person',
                  'org_unit'):
        op.drop_table(table)

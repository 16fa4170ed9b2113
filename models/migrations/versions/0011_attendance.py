"""attendance: courses, sessions, attendance records and the measures they led to

New tables only; existing rows are untouched.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'course',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('class_unit_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('term', sa.String(length=16), nullable=False),
        sa.Column('contact_hours', sa.Integer(), nullable=False),
        sa.Column('teacher_person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['class_unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['teacher_person_id'], ['person.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('class_unit_id', 'term', 'name', name='uq_course_class_term_name'),
    )
    op.create_table(
        'class_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('class_unit_id', sa.Integer(), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('half', sa.String(length=2), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['class_unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('course_id', 'on_date', 'half', 'period', name='uq_class_session_slot'),
    )
    op.create_index('ix_class_session_class_date', 'class_session', ['class_unit_id', 'on_date'])
    op.create_table(
        'attendance_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('mark', sa.String(length=16), nullable=False),
        sa.Column('counted', sa.String(length=16), nullable=False),
        sa.Column('leave_instance_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id']),
        sa.ForeignKeyConstraint(['session_id'], ['class_session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'person_id',
                            name='uq_attendance_record_session_person'),
    )
    op.create_index('ix_attendance_record_person', 'attendance_record', ['person_id', 'counted'])
    op.create_table(
        'attendance_measure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('scope', sa.String(length=32), nullable=False),
        sa.Column('school_year', sa.String(length=9), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=255), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('opened_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['class_session.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['tenant_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'kind', 'scope', name='uq_attendance_measure_once'),
    )
    op.create_index('ix_attendance_measure_tenant', 'attendance_measure',
                    ['tenant_id', 'opened_at'])


def downgrade() -> None:
    op.drop_index('ix_attendance_measure_tenant', table_name='attendance_measure')
    op.drop_table('attendance_measure')
    op.drop_index('ix_attendance_record_person', table_name='attendance_record')
    op.drop_table('attendance_record')
    op.drop_index('ix_class_session_class_date', table_name='class_session')
    op.drop_table('class_session')
    op.drop_table('course')

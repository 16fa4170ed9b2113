"""One row per user task a person must act on: the inbox is an indexed query over this."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class HumanTask(Base):
    __tablename__ = "human_task"
    __table_args__ = (
        # Inbox: unclaimed tasks offered to my groups as a whole within my centre (partial:
        # tasks addressed by relation to a unit are not in it, so a group whose tasks are
        # mostly addressed is still read index-only), and tasks claimed by me; by id.
        sa.Index("ix_human_task_tenant_group_open", "tenant_id", "candidate_group", "status",
                 "id", postgresql_where=sa.text("address_unit_id IS NULL"),
                 sqlite_where=sa.text("address_unit_id IS NULL")),
        sa.Index("ix_human_task_assignee_open", "assignee_id", "status", "id"),
        sa.Index("ix_human_task_instance", "instance_id", "status"),
        # Inbox: unclaimed tasks addressed to a role held at a unit (one scan per position).
        sa.Index("ix_human_task_address_open", "address_unit_id", "candidate_group", "status",
                 "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"))
    # The centre (机构) of the task's case, copied from the instance: a group's inbox is read
    # within the reader's centre (docs/directory.md, "Scope").
    tenant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"))
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    task_name: Mapped[str] = mapped_column(sa.String(128))
    title: Mapped[str] = mapped_column(sa.String(255))
    process_id: Mapped[str] = mapped_column(sa.String(128))
    business_key: Mapped[str] = mapped_column(sa.String(128))
    candidate_group: Mapped[str | None] = mapped_column(sa.String(64))
    # Addressed by relation (docs/directory.md): the task belongs to whoever holds the role
    # ``candidate_group`` at this unit; None: offered to the members of the group.
    address_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("org_unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(sa.String(16))
    # The form is a file of the pinned definition's bundle: rows stay small at 10^6 tasks.
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"))
    form_ref: Mapped[str | None] = mapped_column(sa.String(255))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))

"""The demo's incident: a service task that failed for good, waiting for an administrator.

考务 周考务 forwards a batch of results to a teacher who has left the school: the
``certflow.notify`` service task finds no such account and the case becomes an incident, listed
under 故障 with its error, retried by an administrator after the cause is fixed (for example
after the teacher's account is re-created). Idempotent, like the rest of the demo.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from api.context import unit_of_work
from models import ProcessInstance, User
from workflows.definitions.bundles import collect_bundle
from workflows.definitions.deploy import deploy_definition
from workflows.identity.users import load_actor
from workflows.instances import lifecycle as instances

DIAGRAM = Path(__file__).resolve().parent.parent / "config" / "demo_files" / \
    "demo_result_notice.bpmn"
KEY = "DEMO-INCIDENT-0001"
LEFT_THE_SCHOOL = "liuls"  # 刘老师, who has left: no account of that name


def seed_incident() -> bool:
    """Start the failing demo case once; True if it was started now."""
    deploy_definition(collect_bundle(DIAGRAM), actor=None, uow=unit_of_work())
    uow = unit_of_work(write=False)
    with uow:
        if uow.session.scalar(sa.select(ProcessInstance.id)
                              .where(ProcessInstance.business_key == KEY)) is not None:
            return False
        user_id = uow.session.scalar(sa.select(User.id).where(User.username == "zhou"))
        actor = load_actor(uow.session, user_id)
    instances.start_instance("demo_result_notice", business_key=KEY, data={
        "recipient": LEFT_THE_SCHOOL,
        "subject": "2026年第一批职业技能等级认定成绩已发布，请通知本班考生"}, actor=actor,
        uow=unit_of_work())
    return True

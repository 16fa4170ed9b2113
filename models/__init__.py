"""SQLAlchemy models only; no business rules live here."""

from flask_sqlalchemy import SQLAlchemy

from models.base import Base
from models.definition import ProcessDefinition
from models.event import ProcessEvent
from models.human_task import HumanTask
from models.instance import ProcessInstance
from models.user import Group, Membership, User

db = SQLAlchemy(model_class=Base)

__all__ = [
    "Base",
    "Group",
    "HumanTask",
    "Membership",
    "ProcessDefinition",
    "ProcessEvent",
    "ProcessInstance",
    "User",
    "db",
]

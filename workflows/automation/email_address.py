"""The address a user's notifications are e-mailed to (when SMTP is configured)."""

from __future__ import annotations

from models import User
from workflows.core.actors import Actor
from workflows.core.unit_of_work import UnitOfWork


def notification_email(actor: Actor, *, uow: UnitOfWork) -> str | None:
    with uow:
        return uow.session.get_one(User, actor.id).email


def set_notification_email(actor: Actor, email: str | None, *, uow: UnitOfWork) -> str | None:
    """Set (or with None, remove) my address; it is used for notifications made from now on."""
    with uow:
        user = uow.session.get_one(User, actor.id)
        user.email = email.strip() if email else None
        uow.commit()
        return email

"""The runtime of the app serving this request, and units of work of it (blueprints' access).

``create_app`` keeps the one ``Runtime`` built by ``workflows.bootstrap.bootstrap`` in
``app.extensions``; nothing in ``api`` or ``workflows`` holds it in a module global.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from workflows.core.runtime import Runtime, runtime_of
from workflows.core.unit_of_work import UnitOfWork


def runtime() -> Runtime:
    return runtime_of(current_app)


def unit_of_work(*, write: bool = True) -> UnitOfWork:
    """A fresh unit of work for one use case of this request."""
    return UnitOfWork(runtime_of(current_app), write=write)


def now() -> datetime:
    """The app's clock (tests move it)."""
    return runtime_of(current_app).now()

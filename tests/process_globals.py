"""Process-wide state that ``create_app`` installs, saved and put back around a test.

``create_app`` installs the background dispatcher and makes its Celery app the default; a test
that builds an app of its own (another database, other settings) would otherwise leave the
suite's app sending service jobs to the other app's database, and later tests would wait for
jobs that never run there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from celery import _state as celery_state

from workflows.core import jobs as background


@contextmanager
def process_globals_kept() -> Iterator[None]:
    dispatcher, default_app = background.get_dispatcher(), celery_state.default_app
    try:
        yield
    finally:
        background.set_dispatcher(dispatcher)
        celery_state.set_default_app(default_app)

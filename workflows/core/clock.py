"""Time for tests: a clock they move by hand instead of sleeping.

Each runtime has its own clock (``Runtime.clock``, the wall clock by default); use cases read it
through their unit of work (``uow.runtime.now()``), so two apps in one process can live at two
different times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from workflows.core.runtime import system_clock

__all__ = ["FrozenClock", "system_clock"]


class FrozenClock:
    """A clock tests can advance by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now

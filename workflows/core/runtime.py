"""What one certflow app runs with: built once by ``workflows.bootstrap.bootstrap(settings)``,
kept on the app (``app.extensions["certflow"]``) and reached by use cases through their unit of
work (``uow.runtime``), never through module globals, so two apps in one process never see each
other's clock, calendar, hasher, issuer, limits, job dispatch or service functions.

The parts that live in higher layers (the password hasher of ``identity``, the service registry
of ``automation``) are typed here by the little this package needs of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from workflows.core.blobs import BlobStore
from workflows.core.calendar_store import CalendarSource
from workflows.core.history import chain_key
from workflows.core.jobs import JobDispatch
from workflows.core.working_days import WorkCalendar

if TYPE_CHECKING:

    from config import Settings

EXTENSION = "certflow"  # the key of the runtime in ``app.extensions``
Clock = Callable[[], datetime]
# A process's own rule on the data it is started with (a certification application must fit a
# published plan; a reissue is the holder's): ``check(session, data, now=..., actor=...)``
# returns the data to start with (it may add what it looked up) or raises a domain error.
StartCheck = Callable[..., dict[str, Any]]
# The same for a user task's form: ``check(session, data, instance_data=..., now=...)`` returns
# the data to complete the task with (it may add what it computed) or raises a domain error.
TaskCheck = Callable[..., dict[str, Any]]
# A process's own record kept beside the engine (a leave's period): called with
# ``(uow, instance, ready_task_names)`` after each run is stored, and with no ready task when
# the instance is terminated or withdrawn.
ProgressHook = Callable[..., None]


def system_clock() -> datetime:
    """The wall clock, as an aware UTC datetime."""
    return datetime.now(UTC)


class PasswordHashing(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored: str | None, password: str) -> bool: ...


@dataclass(frozen=True)
class EngineLimits:
    """Bounds of what diagrams may run: one script, condition or DMN cell's wall-clock time,
    and the steps and wall-clock time of one engine run (everything one transaction runs)."""

    script_time_limit_s: float = 1.0
    run_step_limit: int = 2000
    run_time_limit_s: float = 5.0


@dataclass(frozen=True)
class RunContext:
    """What one engine run needs from its process: the script limit, the clock that timers
    start from, the calendar of ``P<n>WD`` (None: the calendar shipped with certflow) and the
    run's budget (steps, wall-clock seconds). ``calendar_at``, when given, is the calendar in
    effect at an instant (``CalendarSource.at``): a timer started at ``now()`` is computed with
    ``calendar_at(now())``, which is how replay recomputes it with the calendar of its time."""

    time_limit_s: float = 1.0
    now: Clock = system_clock
    calendar: WorkCalendar | None = None
    step_limit: int = 2000
    run_time_limit_s: float = 5.0
    calendar_at: Callable[[datetime], WorkCalendar] | None = None

    def calendar_now(self) -> tuple[datetime, WorkCalendar | None]:
        """The run's current time and the calendar in effect then."""
        now = self.now()
        return now, self.calendar_at(now) if self.calendar_at is not None else self.calendar


class Runtime:
    """Everything a use case needs from its process besides the database session."""

    def __init__(self, *, settings: Settings, passwords: PasswordHashing, services: Any,
                 blobs: BlobStore, clock: Clock = system_clock) -> None:
        self.settings = settings
        # Keys event hashes (workflows/core/history.py); derived from the audit signing key.
        self.chain_key = chain_key(settings.audit_signing_key)
        # Tests move time by putting a FrozenClock here (never a sleep).
        self.clock: Clock = clock
        # The file of ``holidays_file`` overlaid with the revisions stored in the database.
        self.calendar_source = CalendarSource(settings.holidays_file)
        self.passwords = passwords
        self.issuer_code = settings.certificate_issuer_code
        self.limits = EngineLimits(script_time_limit_s=settings.script_time_limit_s,
                                   run_step_limit=settings.run_step_limit,
                                   run_time_limit_s=settings.run_time_limit_s)
        self.jobs = JobDispatch()
        # workflows.automation.service_registry.ServiceRegistry (a higher part)
        self.services = services
        # Where attachments' files are kept (workflows/attachments/store.py); tests swap it.
        self.blobs = blobs
        # process id -> its StartCheck (workflows/bootstrap.py fills it)
        self.start_checks: dict[str, StartCheck] = {}
        # (process id, task name) -> its TaskCheck; process id -> its ProgressHook (the same)
        self.task_checks: dict[tuple[str, str], TaskCheck] = {}
        self.progress_hooks: dict[str, ProgressHook] = {}

    def now(self) -> datetime:
        """Current time as an aware UTC datetime, from this runtime's clock."""
        return self.clock()

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar in effect now (bundled file + stored revisions)."""
        return self.calendar_source.at(self.now())

    def run_context(self) -> RunContext:
        """What an engine run of this runtime needs (its clock is read when a timer starts)."""
        limits = self.limits
        return RunContext(limits.script_time_limit_s, self.now, self.calendar,
                          limits.run_step_limit, limits.run_time_limit_s,
                          self.calendar_source.at)


def runtime_of(app: Any) -> Runtime:
    """The runtime an app was built with (``app`` is a Flask app; duck-typed here)."""
    runtime: Runtime = app.extensions[EXTENSION]
    return runtime

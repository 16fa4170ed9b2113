"""CPU-time and memory limits for sandboxed code, enforced by one watchdog thread.

A script's time limit counts the CPU time of the thread that runs it, not the wall clock: on a
busy machine (a CI runner, a worker sharing its cores) a script that is merely waiting for a core
is not overrunning, and the same script must pass or fail the same way wherever it runs, or a
replay of a case could disagree with the original run. A wall-clock backstop of
``WALL_BACKSTOP`` times the limit still stops a thread the kernel cannot report on.

Why not ``sys.settrace`` with a deadline check: CPython silently uninstalls a trace function
whenever calling it raises, and that includes a RecursionError raised merely because the
script recursed deeply. A script can therefore catch that RecursionError and then loop
forever with the limit switched off. Why not SIGALRM: only the main thread receives signals,
and the engine runs scripts in worker threads.

Instead a daemon thread posts an asynchronous exception (``PyThreadState_SetAsyncExc``) into
the script's thread once its deadline has passed, and re-posts it every tick until that thread
reports that it has finished. CPython checks for a pending asynchronous exception on every
backward jump and function entry, so pure-Python loops always stop, even if a post is lost
(e.g. raised while a dropped generator was being finalised). The tracer is never touched, so
``sys.gettrace()`` is whatever the caller had. Work that stays inside one C call (a giant
multiplication, say) cannot be interrupted this way; ``guards.py`` refuses such work up front.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from workflows.engine.sandbox.errors import Abort, ScriptError, script_line

T = TypeVar("T")

TICK_S = 0.01  # how often the watchdog looks at running scripts (and re-posts an abort)
LINGER_S = 0.5  # how long the watchdog keeps ticking after its last job before it sleeps
WALL_BACKSTOP = 20  # a script is also stopped after this many times its limit of wall-clock time

_post = ctypes.pythonapi.PyThreadState_SetAsyncExc
_post.argtypes = [ctypes.c_ulong, ctypes.py_object]
_post.restype = ctypes.c_int
# The same C function with a NULL exception withdraws a post that has not been raised yet.
_withdraw = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_bytes() -> int | None:
    """Resident memory of this process (Linux); None where it cannot be read cheaply."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return None


_recent_rss: tuple[float, int | None] = (-1.0, None)


def _baseline_rss() -> int | None:
    """This process's resident size, at most one tick old: a request evaluates dozens of
    expressions, and reading /proc for each one's memory baseline cost more than the
    expression itself. The guard is best-effort anyway (see ``run_limited``)."""
    global _recent_rss
    now = time.monotonic()
    at, rss = _recent_rss
    if now - at > TICK_S:
        rss = _rss_bytes()
        _recent_rss = (now, rss)
    return rss


def _thread_cpu_clock() -> int | None:
    """The CPU-time clock of the calling thread, where the platform has one (Linux does)."""
    try:
        return time.pthread_getcpuclockid(threading.get_ident())
    except (AttributeError, OSError):
        return None


class _Job:
    """One running evaluation. ``finished`` is only written while holding the watchdog lock.

    With a ``cpu_limit`` the job overruns once its thread has used that much CPU time since it
    started (or at the wall-clock ``deadline``, the backstop); without one, at ``deadline``.
    """

    __slots__ = ("cpu_clock", "cpu_limit", "cpu_start", "deadline", "finished", "rss_ceiling",
                 "thread_id", "verdict")

    def __init__(self, deadline: float, rss_ceiling: int | None,
                 cpu_limit: float | None = None) -> None:
        self.thread_id = threading.get_ident()
        self.deadline = deadline
        self.rss_ceiling = rss_ceiling
        self.cpu_clock = _thread_cpu_clock() if cpu_limit is not None else None
        self.cpu_limit = cpu_limit
        self.cpu_start = time.clock_gettime(self.cpu_clock) if self.cpu_clock is not None else 0.0
        self.verdict: str | None = None  # "timeout" or "memory" once the watchdog gave up
        self.finished = False

    def overran(self, now: float) -> bool:
        if now >= self.deadline:
            return True
        if self.cpu_clock is None or self.cpu_limit is None:
            return False
        try:
            used = time.clock_gettime(self.cpu_clock) - self.cpu_start
        except OSError:  # the thread is gone; its job is about to be marked finished
            return False
        return used >= self.cpu_limit


class _Watchdog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.jobs: list[_Job] = []
        self.thread: threading.Thread | None = None

    def add(self, job: _Job) -> None:
        with self.lock:
            self.jobs.append(job)
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="script-watchdog",
                                               daemon=True)
                self.thread.start()
            # Waking a sleeping thread per expression hands the GIL over each time (a request
            # evaluates dozens); the thread stays awake for LINGER_S after its last job, so a
            # burst of evaluations wakes it once.
            if not self.wake.is_set():
                self.wake.set()

    def _loop(self) -> None:
        idle_since: float | None = None
        while True:
            self.wake.wait()
            with self.lock:
                self.jobs = [job for job in self.jobs if not job.finished]
                now = time.monotonic()
                if self.jobs:
                    idle_since = None
                    self._police(now)
                elif idle_since is None:
                    idle_since = now
                elif now - idle_since >= LINGER_S:
                    idle_since = None
                    self.wake.clear()  # under the lock, so a new job's wake-up is not lost
                    continue
            time.sleep(TICK_S)

    def _police(self, now: float) -> None:
        rss = _rss_bytes() if any(job.rss_ceiling for job in self.jobs) else None
        for job in self.jobs:
            if job.verdict is None:
                if job.overran(now):
                    job.verdict = "timeout"
                elif rss is not None and job.rss_ceiling is not None and rss > job.rss_ceiling:
                    job.verdict = "memory"
            if job.verdict is not None:
                _post(job.thread_id, Abort)


_watchdog = _Watchdog()


def _after_fork() -> None:
    # A forked worker inherits neither the thread nor a usable lock state.
    global _watchdog
    _watchdog = _Watchdog()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def run_limited(action: Callable[[], T], *, time_limit_s: float,
                memory_limit_bytes: int | None) -> T:
    """Run ``action`` in this thread; raise ScriptError("timeout"/"resource") if it overruns.

    Other exceptions from ``action`` propagate unchanged. Memory is measured as growth of the
    whole process's resident size, so it is a best-effort guard: concurrent work in other
    threads of the same process counts against it too.
    """
    rss = _baseline_rss() if memory_limit_bytes else None
    ceiling = rss + memory_limit_bytes if rss is not None and memory_limit_bytes else None
    job = _Job(time.monotonic() + WALL_BACKSTOP * time_limit_s, ceiling, cpu_limit=time_limit_s)
    if job.cpu_clock is None:  # no per-thread CPU clock here: the limit is wall-clock time
        job.deadline = time.monotonic() + time_limit_s
    watchdog = _watchdog
    trace: TracebackType | None = None
    aborted = False
    try:
        watchdog.add(job)  # inside the try: an outer job's abort may land in here
        result = action()
    except Abort as abort:  # also catches a post that lands just after action() returned
        # No calls in here or below until the withdrawal: CPython delivers pending async
        # exceptions on function entry and after calls, so a second post could land.
        if job.verdict is None:
            raise  # posted for an enclosing run (``run_within``), not for this script
        aborted, trace = True, abort.__traceback__
    finally:
        # The watchdog only posts while holding the lock and never for a finished job, so
        # once a pending post is withdrawn no Abort can surface in the caller.
        with watchdog.lock:
            job.finished = True
            # Withdraw only if a post was made: on CPython 3.11 a NULL "withdrawal" with
            # nothing pending leaves the eval-breaker flag set and hangs tracers/profilers.
            if job.verdict is not None:
                _withdraw(job.thread_id, None)
    if aborted:
        stopped_at = script_line(trace)
        if job.verdict == "memory":
            raise ScriptError("resource", f"The script used more than "
                              f"{(memory_limit_bytes or 0) // 2**20} MB of memory and was "
                              "stopped.", stopped_at)
        raise ScriptError("timeout", f"The script used more than its time limit of "
                          f"{time_limit_s:g} s of CPU time and was stopped.", stopped_at)
    return result


class Overrun(Exception):
    """``run_within``'s action was still running at its deadline and was stopped."""


def run_within(action: Callable[[], T], *, deadline: float, cpu_left: float | None = None) -> T:
    """Run ``action`` in this thread; stop it and raise ``Overrun`` at ``deadline`` (wall
    clock) or, with ``cpu_left``, once the thread has used that much more CPU time.

    For a whole engine run, around the scripts it evaluates (each under ``run_limited``): an
    abort posted for this job passes through the scripts' own guards. What ``action`` was
    doing when it stopped is left half done, so the caller must throw its result away.
    """
    if cpu_left is not None and cpu_left <= 0:
        raise Overrun()
    job = _Job(deadline, None, cpu_limit=cpu_left)
    watchdog = _watchdog
    stopped = False
    try:
        watchdog.add(job)
        result = action()
    except Abort:
        if job.verdict is None:
            raise
        stopped = True
    finally:
        with watchdog.lock:
            job.finished = True
            if job.verdict is not None:
                _withdraw(job.thread_id, None)
    if stopped or job.verdict is not None:
        raise Overrun()
    return result

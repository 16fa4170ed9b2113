"""``certflow serve`` runs one serving process per core, and exactly one of them runs the
embedded periodic jobs (timers, sweeps, anchors): the holder of the server's leader lock. When
that process dies, another takes the lock over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench.server import KEY_ENV, ROOT, free_port
from config import Settings
from worker.leader import FileLeader, lock_path_for


def test_one_lock_one_leader_and_the_next_takes_over(tmp_path: Path) -> None:
    path = tmp_path / "serve.leader"
    first, second = FileLeader(path), FileLeader(path)

    assert first.lead()
    assert not second.lead()  # a second open file of the same lock: refused while held
    assert first.lead()  # kept
    first.release()
    assert second.lead()
    assert not first.lead()
    second.release()


def lock_holders(path: Path) -> set[int]:
    """Pids holding an flock on ``path`` (from /proc/locks, by the file's inode)."""
    if not path.exists():
        return set()
    inode = path.stat().st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and not line.lstrip().startswith("->"):
            pid, where = fields[4], fields[5]
            if where.split(":")[-1] == str(inode):
                holders.add(int(pid))
    return holders


def children(pid: int) -> set[int]:
    return {int(child) for child in
            Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def wait_for(condition: object, what: str, timeout_s: float = 600) -> None:
    """Wait (not a timing assertion: the bound only ends a hung test) until it holds."""
    assert callable(condition)
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)


@pytest.fixture()
def served(settings: Settings, clean_db: None, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url, **KEY_ENV, "BROKER_URL": "",
           "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()

    def ready() -> bool:
        assert process.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
        try:
            return requests.get(f"http://127.0.0.1:{port}/api/v1/health",
                                timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(ready, "certflow serve answers")
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_runs_a_process_per_core_and_one_of_them_runs_the_timers(
        served: subprocess.Popen[bytes]) -> None:
    cores = len(os.sched_getaffinity(0))
    lock = lock_path_for(served.pid)
    wait_for(lambda: len(children(served.pid)) == cores, f"{cores} serving processes")
    wait_for(lambda: len(lock_holders(lock)) == 1, "a leader")
    [leader] = lock_holders(lock)
    assert leader in children(served.pid)

    os.kill(leader, signal.SIGKILL)  # however the leader dies, the lock goes with it

    wait_for(lambda: len(lock_holders(lock)) == 1 and leader not in lock_holders(lock),
             "a new leader")
    assert lock_holders(lock) <= children(served.pid)
    assert len(lock_holders(lock)) == 1

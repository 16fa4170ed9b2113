"""The scaled-out deployment the crash and load benches kill: gunicorn, celery workers, beat.

Every process gets the same environment (database, broker, a queue of its own per run, short
leases so recovery is measurable in seconds rather than the production minutes) and its own
session, so a "whole host dies" kill can take the process group at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from bench.server import KEY_ENV, ROOT, free_port

DEFAULT_BROKER = "redis://127.0.0.1:6379/11"


def children(pid: int) -> list[int]:
    """Direct children of a process (Linux /proc), e.g. gunicorn or celery pool workers."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def kill(pid: int) -> bool:
    """SIGKILL one process; False if it was already gone."""
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


class Stack:
    """gunicorn on a fixed port (clients keep their URL across restarts) plus workers/beat."""

    def __init__(self, *, database_url: str, log_dir: Path, broker_url: str | None,
                 api_workers: int = 1, threads: int = 4, extra_env: dict[str, str] | None = None
                 ) -> None:
        self.log_dir, self.api_workers, self.threads = log_dir, api_workers, threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.queue = f"certflow-bench-{uuid.uuid4().hex[:8]}"
        self.mark_dir = log_dir / "marks"
        self.mark_dir.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k != "BROKER_URL"}
        self.env.update({
            "DATABASE_URL": database_url, **KEY_ENV, "PYTHONPATH": str(ROOT),
            "CERTFLOW_QUEUE": self.queue, "CERTFLOW_SERVICE_MODULES": "bench.crash_services",
            "CRASH_MARK_DIR": str(self.mark_dir), "CERTFLOW_SERVICE_TASK_BACKOFF": "0.2",
            **(extra_env or {})})
        if broker_url:
            self.env["BROKER_URL"] = broker_url
        self.api: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.beat: subprocess.Popen[bytes] | None = None
        self._spawned = 0
        self.logs: dict[int, Path] = {}
        self.ready_pids: set[int] = set()

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        self._spawned += 1
        path = self.log_dir / f"{name}-{self._spawned}.log"
        with path.open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=self.env,
                                       stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.logs[process.pid] = path
        return process

    # --- API ---------------------------------------------------------------------------
    def start_api(self, timeout_s: float = 90) -> None:
        self.api = self._spawn("gunicorn", [
            "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.api_workers),
            "--threads", str(self.threads), "--log-level", "warning", "--graceful-timeout", "5",
            "api.wsgi:app"])
        self.wait_api(timeout_s)

    def wait_api(self, timeout_s: float = 90) -> float:
        """Block until every API worker answers; seconds waited."""
        begin = time.monotonic()
        while time.monotonic() - begin < timeout_s:
            if self.api is not None and self.api.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.api.returncode}); see {self.log_dir}")
            try:
                ok = requests.get(self.base_url + "/api/v1/health", timeout=5).status_code == 200
            except requests.RequestException:
                ok = False
            if ok and len(self.api_worker_pids()) >= self.api_workers:
                return time.monotonic() - begin
            time.sleep(0.05)
        raise RuntimeError(f"API not ready after {timeout_s}s; see {self.log_dir}")

    def api_worker_pids(self) -> list[int]:
        return [p for p in children(self.api.pid) if alive(p)] if self.api else []

    def kill_api_master(self) -> None:
        """The master and its workers die together (the host lost the process tree)."""
        if self.api is None:
            return
        workers = self.api_worker_pids()
        kill(self.api.pid)
        for pid in workers:
            kill(pid)
        self.api.wait()
        deadline = time.monotonic() + 10
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.02)

    # --- Celery ------------------------------------------------------------------------
    def start_worker(self) -> subprocess.Popen[bytes]:
        index = len(self.workers)
        process = self._spawn("celery-worker", [
            "celery", "-A", "worker.main", "worker", "-Q", self.queue, "--concurrency", "1",
            "-n", f"w{index}-{self.queue}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO"])
        self.workers.append(process)
        return process

    def live_workers(self) -> list[subprocess.Popen[bytes]]:
        return [w for w in self.workers if w.poll() is None]

    def pool_pids(self) -> dict[int, int]:
        """Pool process pid -> its worker's main pid (where tasks actually run)."""
        return {child: w.pid for w in self.live_workers() for child in children(w.pid)}

    def wait_workers(self, count: int, timeout_s: float = 90) -> None:
        """Until ``count`` live workers each have a pool process and have said "ready."."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready = [w for w in self.live_workers() if children(w.pid) and self._ready(w)]
            if len(ready) >= count:
                return
            time.sleep(0.1)
        self.dump_stacks("workers-not-ready")
        raise RuntimeError(f"{count} celery workers not ready; see {self.log_dir}")

    def stalled_workers(self, idle_s: float) -> list[subprocess.Popen[bytes]]:
        """Live workers whose log has been silent for ``idle_s`` although beat sends a timer
        tick every second: the pool process is not taking work (see bench/README.md)."""
        now = time.time()
        return [w for w in self.live_workers() if self._ready(w)
                and now - self.logs[w.pid].stat().st_mtime > idle_s]

    def _ready(self, process: subprocess.Popen[bytes]) -> bool:
        """Seen "ready." in its log once (the line scrolls away under later task lines)."""
        if process.pid not in self.ready_pids:
            path = self.logs.get(process.pid)
            if path and path.exists() and b" ready." in path.read_bytes():
                self.ready_pids.add(process.pid)
        return process.pid in self.ready_pids

    def dump_stacks(self, why: str) -> Path:
        """py-spy dump of every worker process and pool process, for a post-mortem."""
        path = self.log_dir / f"stacks-{why}-{int(time.time())}.txt"
        with path.open("w") as out:
            for worker in self.live_workers():
                for pid in (worker.pid, *children(worker.pid)):
                    out.write(f"===== pid {pid} (worker {worker.pid})\n")
                    out.flush()
                    subprocess.run([str(Path(sys.executable).parent / "py-spy"), "dump",
                                    "--pid", str(pid)], stdout=out, stderr=subprocess.STDOUT,
                                   timeout=30, check=False)
        return path

    def start_beat(self) -> None:
        self.beat = self._spawn("celery-beat", [
            "celery", "-A", "worker.main", "beat", "-s", str(self.log_dir / "beat-schedule"),
            "--loglevel", "WARNING"])

    def stop(self) -> None:
        """SIGTERM everything we started (their process groups), SIGKILL what lingers."""
        processes = [p for p in (self.api, self.beat, *self.workers) if p is not None]
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

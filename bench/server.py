"""A fresh database per run and the service under gunicorn on a loopback port.

The database is emptied completely (SQLite: a new temp file; PostgreSQL: the ``public`` schema
of the bench's own database is dropped and recreated), then the schema comes from
``Base.metadata.create_all`` exactly as in the tests, the demo users are seeded and the
diagrams deployed in-process (what ``certflow seed`` / ``certflow deploy`` do).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests
import sqlalchemy as sa

from api.cli import default_workers

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = [ROOT / "bpmn" / "leave_approval.bpmn",
            ROOT / "bench" / "diagrams" / "rework_loop.bpmn",
            ROOT / "bench" / "diagrams" / "review_chain.bpmn"]
SECRET = "bench-secret-key-with-at-least-32-bytes-0123456789"
AUDIT_KEY = "bench-audit-signing-key-with-at-least-32-bytes-0123"
KEYS = {"secret_key": SECRET, "audit_signing_key": AUDIT_KEY}  # set explicitly, as everywhere
KEY_ENV = {"CERTFLOW_SECRET_KEY": SECRET, "CERTFLOW_AUDIT_SIGNING_KEY": AUDIT_KEY}
PG_URL = os.environ.get("BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/certflow_bench")


def database_url(kind: str, tmp_dir: Path) -> str:
    return f"sqlite:///{tmp_dir / 'bench.sqlite3'}" if kind == "sqlite" else PG_URL


def ensure_pg_database(url: str) -> None:
    """Create the bench's own PostgreSQL database once (never the shared ``test`` one)."""
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": name})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def prepare_database(url: str) -> None:
    """Empty database + schema + demo users + the leave process and the bench diagrams."""
    from api import create_app
    from api.context import unit_of_work
    from config import Settings
    from models import Base, db
    from workflows.definitions import spec_cache
    from workflows.definitions.bundles import collect_bundle
    from workflows.definitions.deploy import deploy_definition
    from workflows.identity.users import seed_users

    if url.startswith("postgresql"):
        ensure_pg_database(url)
    settings = Settings(database_url=url, **KEYS, password_time_cost=1,
                        password_memory_cost_kib=1024)
    app = create_app(settings)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        Base.metadata.create_all(db.engine)
        spec_cache.clear()
        seed_users(settings.seed_file, uow=unit_of_work())
        for path in DIAGRAMS:
            deploy_definition(collect_bundle(path), actor=None, uow=unit_of_work())
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """``gunicorn --workers N --threads 4`` on a free port: what ``certflow serve`` runs, one
    process per core by default, with its hooks (the embedded timer thread in one process)."""

    def __init__(self, app: str, *, database_url: str, log_dir: Path, workers: int | None = None,
                 threads: int = 4, ready_path: str = "/api/v1/health") -> None:
        workers = workers or self.default_count()
        self.app, self.workers, self.threads, self.ready_path = app, workers, threads, ready_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, **KEY_ENV,
                    "PYTHONPATH": str(ROOT)}
        self.log_path = log_dir / f"gunicorn-{app.replace(':', '_')}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *self._hooks(),
             "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--threads", str(self.threads),
             "--log-level", "warning", self.app],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @staticmethod
    def default_count() -> int:
        """``certflow serve``'s default, one per core; BENCH_GUNICORN_WORKERS=1 measures one
        process (one interpreter lock) for comparison."""
        return int(os.environ.get("BENCH_GUNICORN_WORKERS", "0")) or default_workers()

    def _hooks(self) -> list[str]:
        """certflow's own server hooks for certflow's app; none for the trivial floor app."""
        return ["--config", "python:worker.gunicorn_hooks"] if self.app.startswith("api.") else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:  # the master accepts before the worker has imported the app: allow for it
                if requests.get(self.base_url + self.ready_path, timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn not ready after {timeout_s}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the gunicorn master we started)."""
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def worker_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in self.worker_pids()]


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


class CpuMeter:
    """CPU time spent by the gunicorn workers and by the database's backends.

    CPU time hardly depends on how busy the machine is, unlike latency: on a shared machine it
    is the steadier measure of what one operation costs. PostgreSQL backends are found in
    ``pg_stat_activity`` for the bench database (SQLite runs inside the worker).
    """

    def __init__(self, server: Gunicorn, engine: sa.Engine) -> None:
        self.server, self.engine = server, engine

    def snapshot(self) -> dict[str, dict[int, float]]:
        backends: list[int] = []
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                backends = list(connection.scalars(sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")))
        return {"worker": {p: cpu_seconds(p) for p in self.server.worker_pids()},
                "database": {p: cpu_seconds(p) for p in backends}}

    @staticmethod
    def used_ms(before: dict[str, dict[int, float]],
                after: dict[str, dict[int, float]]) -> dict[str, float]:
        return {side: 1000 * sum(max(0.0, cpu - before[side].get(pid, 0.0))
                                 for pid, cpu in after[side].items()) for side in after}


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

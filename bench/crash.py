"""Crash safety: SIGKILL the API and the Celery workers mid-work, then prove nothing was lost,
nothing was done twice, nothing is stuck, and the history still verifies and replays.

    python -m bench.crash                       # 50 API kills + 50 worker kills (~10 min)
    python -m bench.crash --kills 5 --name ci   # quick

Runs against PostgreSQL (``CRASH_PG_URL``, default database ``certflow_crash``; its ``public``
schema is dropped and recreated) and Redis (``--broker``, default db 11), with gunicorn
(2 workers), 2 ``celery worker`` processes and ``celery beat``. Leases are shortened
(``--lease``, default 10 s; production 5/10 min) so recovery is measured in seconds. Prints a
table and writes ``bench/results/crash-<name>.json``; exit status 1 if an invariant failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.crash_api import run_api_kills
from bench.crash_checks import status_counts, verify_all
from bench.crash_procs import DEFAULT_BROKER, Stack
from bench.crash_worker import run_worker_kills
from bench.load import fetch_tokens
from bench.server import ROOT, prepare_database

CRASH_PG_URL = os.environ.get("CRASH_PG_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/certflow_crash")
DIAGRAM = ROOT / "bench" / "diagrams" / "crash_flow.bpmn"
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class CrashConfig:
    database_url: str = CRASH_PG_URL
    broker_url: str = DEFAULT_BROKER
    api_kills: int = 50
    worker_kills: int = 50
    clients: int = 4
    api_workers: int = 2
    workers: int = 2
    lease_s: float = 10.0
    sweep_s: float = 2.0
    # One new crash-flow instance per second keeps 2 workers busy without a growing backlog
    # (a backlog would add queueing to every recovery time).
    start_interval_s: float = 1.0

    @property
    def recovery_bound_s(self) -> float:
        """Longest an orphan may wait: a lease, a sweep period, and slack for a busy box."""
        return self.lease_s + self.sweep_s + 60.0


def deploy_crash_flow(url: str) -> None:
    """A fresh database with the leave process, the bench diagrams and the crash flow."""
    import bench.crash_services  # noqa: F401  (registers bench.crash_call for validation)
    from api.context import unit_of_work
    from bench.crash_checks import app_for
    from models import db
    from workflows.definitions.bundles import collect_bundle
    from workflows.definitions.deploy import deploy_definition

    prepare_database(url)
    with app_for(url).app_context():
        deploy_definition(collect_bundle(DIAGRAM), actor=None, uow=unit_of_work())
        db.session.remove()


def run_crash(config: CrashConfig, log_dir: Path) -> dict[str, Any]:
    """Both kill phases on one deployment, then every invariant; the result as a dict."""
    deploy_crash_flow(config.database_url)
    stack = Stack(database_url=config.database_url, log_dir=log_dir,
                  broker_url=config.broker_url, api_workers=config.api_workers, extra_env={
                      "CERTFLOW_TIMER_POLL_SECONDS": "1", "CERTFLOW_TIMER_BATCH_SIZE": "10",
                      "CERTFLOW_SWEEP_SECONDS": str(config.sweep_s),
                      "CERTFLOW_CLAIM_LEASE_SECONDS": str(config.lease_s),
                      "CERTFLOW_SERVICE_JOB_LEASE_SECONDS": str(config.lease_s)})
    result: dict[str, Any] = {"config": config.__dict__, "log_dir": str(log_dir)}
    try:
        stack.start_api()
        for _ in range(config.workers):
            stack.start_worker()
        stack.start_beat()
        stack.wait_workers(config.workers)
        tokens = fetch_tokens(stack.base_url)
        if config.worker_kills:
            result["worker"] = run_worker_kills(
                stack, tokens, url=config.database_url, kills=config.worker_kills,
                workers=config.workers, bound_s=config.recovery_bound_s,
                interval_s=config.start_interval_s)
        if config.api_kills:
            api = run_api_kills(stack, tokens, kills=config.api_kills, clients=config.clients)
            acked = api.pop("acked")
            api["acked_completions"] = len(acked)
            api["leave_statuses"] = status_counts(config.database_url, "leave_approval")
            result["api"] = api
        else:
            acked = []
    finally:
        stack.stop()
    result["checks"] = verify_all(config.database_url, acked)
    result["ok"] = _ok(result)
    return result


def _ok(result: dict[str, Any]) -> bool:
    api, worker = result.get("api"), result.get("worker")
    fine = result["checks"]["ok"]
    if api is not None:
        running = {k: v for k, v in api["leave_statuses"].items() if k != "completed"}
        fine = (fine and not api["unfinished"] and not running and not api["client_errors"]
                and not api["statuses"].get("5xx"))
    if worker is not None:
        fine = fine and worker["stuck_count"] == 0 and not worker["orphans_stuck"]
    return bool(fine)


def table(result: dict[str, Any]) -> str:
    api, worker, checks = result.get("api") or {}, result.get("worker") or {}, result["checks"]
    replay = checks["replay"]
    rows = [
        ("API kills survived (worker / master+workers)",
         f"{api.get('kills', 0)} ({api.get('worker_kills', 0)} / {api.get('master_kills', 0)})"),
        ("  kills with a completion in flight", api.get("kills_with_completion_in_flight", "-")),
        ("  requests cut off / answered 5xx", f"{api.get('cut_requests', '-')} / "
                                             f"{api.get('statuses', {}).get('5xx', 0)}"),
        ("  acked completions / leaves finished",
         f"{api.get('acked_completions', '-')} / {len(api.get('instances', []))}"),
        ("  API back after kill, median / max s",
         f"{api.get('down_s_median', '-')} / {api.get('down_s_max', '-')}"),
        ("worker kills survived (service / timer; whole worker)",
         f"{worker.get('kills', 0)} ({worker.get('service_kills', 0)} / "
         f"{worker.get('timer_kills', 0)}; {worker.get('host_kills', 0)})"),
        ("  orphans recovered / left", f"{worker.get('orphans_recovered', '-')} / "
                                       f"{len(worker.get('orphans_stuck', []))}"),
        ("  recovery s, median / max", f"{worker.get('recovery_s_median', '-')} / "
                                       f"{worker.get('recovery_s_max', '-')}"),
        *[(f"    {name.replace('_', ' after ')} kill: n, median / max",
           f"{g['n']}, {g['median']} / {g['max']}")
          for name, g in worker.get("recovery_s_by_kind", {}).items()],
        ("  instances started / stuck", f"{worker.get('instances', '-')} / "
                                        f"{worker.get('stuck_count', '-')}"),
        ("lost completions (2xx without history)", checks["lost_count"]),
        ("inputs applied twice (task/job/timer)", checks["duplicate_count"]),
        ("audit verify", "ok" if checks["audit"]["ok"] else checks["audit"]["findings"]),
        ("replay == stored state", f"{replay['instances'] - replay['mismatches']}"
                                   f"/{replay['instances']} instances"),
        ("RESULT", "PASS" if result["ok"] else "FAIL"),
    ]
    width = max(len(str(label)) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50, help="kills per phase")
    parser.add_argument("--api-kills", type=int, help="override --kills for the API phase")
    parser.add_argument("--worker-kills", type=int, help="override --kills for the workers")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--lease", type=float, default=10.0)
    parser.add_argument("--broker", default=os.environ.get("CRASH_BROKER_URL", DEFAULT_BROKER))
    parser.add_argument("--db", default=CRASH_PG_URL)
    parser.add_argument("--name", default=datetime.now(UTC).strftime("%Y%m%dT%H%M%S"))
    args = parser.parse_args(argv)
    config = CrashConfig(
        database_url=args.db, broker_url=args.broker, clients=args.clients, lease_s=args.lease,
        api_kills=args.kills if args.api_kills is None else args.api_kills,
        worker_kills=args.kills if args.worker_kills is None else args.worker_kills)
    began = time.monotonic()
    log_dir = Path(tempfile.mkdtemp(prefix="certflow-crash-"))
    load_before = os.getloadavg()
    result = run_crash(config, log_dir)
    result["seconds"] = round(time.monotonic() - began, 1)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"crash-{args.name}.json"
    path.write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    print(table(result))
    print(f"\n{result['seconds']} s, load average {result['load_average']}; JSON: {path}; "
          f"logs: {log_dir}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

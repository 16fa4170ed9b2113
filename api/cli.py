"""The ``certflow`` command: set up the database, seed users, deploy diagrams, serve."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from api import create_app
from api.cli_audit import audit
from api.cli_backup import backup, restore
from api.cli_demo import seed_demo
from config import SettingsError, load_settings
from workflows.core.unit_of_work import units_of


class _Commands(click.Group):
    """Settings a command must not start with end it (status 2) with the variables to set."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            click.echo(str(error), err=True)
            ctx.exit(2)


@click.group(cls=_Commands)
def main() -> None:
    """certflow: certification workflows on SpiffWorkflow."""


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from models.migrate import upgrade_database
    from workflows.audit.verify import adopt_unkeyed_history
    from workflows.core.runtime import runtime_of

    app = create_app()
    with app.app_context():
        upgrade_database()
        runtime = runtime_of(app)
        report = adopt_unkeyed_history(key=runtime.settings.audit_signing_key,
                                       uows=units_of(runtime))
    click.echo("database is up to date")
    if report is not None and not report.ok:
        click.echo(json.dumps(report.to_dict()["first_broken"], ensure_ascii=False), err=True)
        click.echo("the audit trail does not verify: the history written before event chains "
                   "were keyed is not adopted (see docs/audit.md, certflow audit verify)", err=True)
        sys.exit(1)
    if report is not None and report.new_anchor is not None:
        click.echo(f"anchor {report.new_anchor['id']}: event chains are keyed from now on")


@main.command()
@click.option("--file", "seed_file", type=click.Path(exists=True, path_type=Path))
def seed(seed_file: Path | None) -> None:
    """Create the demo users and groups (idempotent)."""
    from api.context import unit_of_work
    from workflows.identity.users import seed_users

    settings = load_settings()
    app = create_app(settings)
    with app.app_context():
        added = seed_users(seed_file or settings.seed_file, uow=unit_of_work())
    click.echo(f"seeded {added} new user(s)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--process-id", help="the process to deploy when a file holds several")
def deploy(paths: tuple[Path, ...], process_id: str | None) -> None:
    """Deploy a .bpmn file with its DMN tables and forms (found beside it), or explicit files."""
    from api.context import unit_of_work
    from workflows.core.errors import InvalidDefinition
    from workflows.definitions.bundles import collect_bundle
    from workflows.definitions.deploy import deploy_definition

    if len(paths) == 1 and paths[0].suffix == ".bpmn":
        files = collect_bundle(paths[0])
    else:
        files = {path.name: path.read_bytes() for path in paths}
    app = create_app()
    with app.app_context():
        try:
            result = deploy_definition(files, actor=None, uow=unit_of_work(), process_id=process_id)
        except InvalidDefinition as error:
            click.echo(f"error: {error.detail}", err=True)
            for problem in error.problems:
                click.echo("  " + json.dumps(problem.to_dict(), ensure_ascii=False), err=True)
            sys.exit(2)
    definition = result.definition
    state = "deployed" if result.created else "unchanged (identical content), still"
    click.echo(f"{definition.process_id} {state} version {definition.version}")


@main.command("deploy-bundled")
def deploy_bundled() -> None:
    """Deploy every diagram shipped in bpmn/ (identical content is skipped)."""
    from api.context import unit_of_work
    from workflows.definitions.bundles import bundled_diagrams, collect_bundle
    from workflows.definitions.deploy import deploy_definition

    settings = load_settings()
    app = create_app(settings)
    with app.app_context():
        for path in bundled_diagrams(settings.bpmn_dir):
            result = deploy_definition(collect_bundle(path), actor=None, uow=unit_of_work())
            click.echo(f"{path.name}: {result.definition.process_id} "
                       f"v{result.definition.version}{'' if result.created else ' (unchanged)'}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="serving processes  [default: one per core]")
@click.option("--demo", is_flag=True, help="demo mode (CERTFLOW_DEMO=1): keys made up if unset")
def serve(host: str, port: int, workers: int | None, demo: bool) -> None:
    """Serve the API with gunicorn: one process per core by default, 4 threads each.

    Embedded mode (no ``BROKER_URL``): a daemon thread in one of the serving processes (the
    leader, ``worker/leader.py``) fires due timers every few seconds
    (``worker/gunicorn_hooks.py``); scaled out, ``celery -A worker.main beat``
    schedules that job for the workers instead. Settings are checked here first, so a missing
    key ends the command with its name rather than a worker that fails to boot.
    """
    from gunicorn.app.wsgiapp import run

    if demo:
        os.environ["CERTFLOW_DEMO"] = "1"  # the serving processes read the same environment
    load_settings()

    sys.argv = ["gunicorn", "--config", "python:worker.gunicorn_hooks",
                "--bind", f"{host}:{port}", "--workers", str(workers or default_workers()),
                "--threads", "4", "--access-logfile", "-", "api.wsgi:app"]
    run()


def default_workers() -> int:
    """One serving process per core this process may run on: one process's threads share one
    interpreter lock, so a second core only helps with a second process."""
    return max(1, len(os.sched_getaffinity(0)))


main.add_command(audit)  # certflow audit anchor|verify|verify-export (docs/audit.md)
main.add_command(backup)  # certflow backup FILE / restore FILE (docs/operations.md)
main.add_command(restore)
main.add_command(seed_demo)  # certflow seed-demo (skill-level certification cases)

if __name__ == "__main__":
    main()

"""``certflow backup`` / ``certflow restore``: the commands docs/operations.md describes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from config import load_settings


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Write a consistent backup of DATABASE_URL to TARGET (SQLite file or pg_dump archive),
    and the local attachment store's files to TARGET.attachments/."""
    from api.backup import BackupError, backup_database, copy_files, files_beside

    settings = load_settings()
    try:
        backup_database(settings.database_url, target)
    except BackupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"backup written to {target} ({target.stat().st_size:,} bytes)")
    if settings.attachment_store == "local":
        # After the database: every file a backed-up row names was stored before it.
        copied = copy_files(settings.attachment_dir / "files", files_beside(target) / "files")
        click.echo(f"attachments: {copied} new file(s) copied to {files_beside(target)}")


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace a database that already has data")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="check every instance's history hash chain after restoring")
def restore(source: Path, force: bool, verify: bool) -> None:
    """Restore the backup SOURCE into DATABASE_URL (stop the API and workers first)."""
    from api.backup import (
        BackupError,
        copy_files,
        files_beside,
        restore_database,
        verify_chains,
        verify_files,
    )
    from workflows.attachments.store import make_store
    from workflows.core.history import chain_key

    settings = load_settings()
    url = settings.database_url
    try:
        restore_database(url, source, force=force)
    except BackupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"restored {source}")
    if settings.attachment_store == "local" and files_beside(source).is_dir():
        copied = copy_files(files_beside(source) / "files", settings.attachment_dir / "files")
        click.echo(f"attachments: {copied} file(s) restored to {settings.attachment_dir}")
    if verify:
        report = verify_chains(url, key=chain_key(settings.audit_signing_key))
        verify_files(url, make_store(settings), report)
        click.echo(f"history: {report.instances} instance(s), {report.events} event(s) checked;"
                   f" attachments: {report.files} file(s) re-hashed")
        for problem in report.broken:
            click.echo(f"  broken: {problem}", err=True)
        if not report.ok:
            sys.exit(3)
        click.echo("every history chain verifies; every attached file is there, unchanged")

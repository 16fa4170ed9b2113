"""``certflow audit …``: anchor and verify the trail, verify an export offline (docs/audit.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from workflows.core.unit_of_work import units_of

if TYPE_CHECKING:
    from flask import Flask

    from config import Settings
    from workflows.audit.verify import VerifyReport


@click.group()
def audit() -> None:
    """Tamper evidence: anchors, verification, exports."""


@audit.command()
def anchor() -> None:
    """Verify every chain and, if intact, sign an anchor of the heads (run it periodically)."""
    report = _verify(anchor_as="cli")
    if not report.ok:
        click.echo(json.dumps(report.to_dict()["first_broken"], ensure_ascii=False), err=True)
        click.echo("trail is broken: no anchor written", err=True)
        sys.exit(1)
    new = report.new_anchor
    click.echo(f"anchor {new['id']} {new['hash']} ({new['instances_in_delta']} moved heads)"
               if new else f"nothing moved since anchor {(report.latest_anchor or {}).get('id')}")


@audit.command()
@click.option("--anchor/--no-anchor", "write_anchor", default=False, show_default=True,
              help="anchor the verified heads when the trail is intact")
def verify(write_anchor: bool) -> None:
    """Walk every chain and anchor; print the report; exit 1 if a link is broken."""
    report = _verify(anchor_as="cli" if write_anchor else None)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    sys.exit(0 if report.ok else 1)


@audit.command("verify-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="file holding the audit signing key (else CERTFLOW_AUDIT_SIGNING_KEY)")
def verify_export(file: Path, key_file: Path | None) -> None:
    """Verify an export offline (same as ``python -m workflows.audit.export_format verify``)."""
    from workflows.audit.export_format import main

    sys.exit(main(["verify", str(file), *(["--key-file", str(key_file)] if key_file else [])]))


def _verify(*, anchor_as: str | None) -> VerifyReport:
    from workflows.audit.verify import verify_trail
    from workflows.core.runtime import runtime_of

    app, settings = load_app()
    with app.app_context():
        return verify_trail(key=settings.audit_signing_key, uows=units_of(runtime_of(app)),
                            anchor_as=anchor_as)


def load_app() -> tuple[Flask, Settings]:
    """The app and settings from the environment (tests substitute their own)."""
    from api import create_app
    from config import load_settings

    settings = load_settings()
    return create_app(settings), settings

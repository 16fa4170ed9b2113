"""The ``certflow`` command line: schema set-up, seeding and deploying from files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keys import key_env

ROOT = Path(__file__).resolve().parents[2]


def certflow(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", **key_env()}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)  # a hang guard only


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite3"
    assert certflow("init-db", db=path).returncode == 0
    return path


def test_seed_and_deploy_from_the_command_line(db: Path) -> None:
    seeded = certflow("seed", db=db)
    assert seeded.returncode == 0 and "seeded 26" in seeded.stdout
    assert "seeded 0" in certflow("seed", db=db).stdout  # idempotent
    first = certflow("deploy", "bpmn/leave_approval.bpmn", db=db)
    assert first.returncode == 0, first.stderr
    assert "leave_approval deployed version 1" in first.stdout
    again = certflow("deploy-bundled", db=db)
    assert "unchanged" in again.stdout


def test_a_bad_diagram_exits_non_zero_and_says_where(db: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/"
                      "MODEL'><bpmn:process id='p' isExecutable='true'>", encoding="utf-8")
    result = certflow("deploy", str(broken), db=db)
    assert result.returncode == 2
    assert "broken.bpmn" in result.stderr and "XML 格式错误" in result.stderr


def test_init_db_keys_the_event_chains_at_once(tmp_path: Path) -> None:
    """The first keyed anchor is written by the upgrade itself, then never again."""
    path = tmp_path / "fresh.sqlite3"
    first = certflow("init-db", db=path)
    assert first.returncode == 0, first.stderr
    assert "anchor 1: event chains are keyed from now on" in first.stdout
    again = certflow("init-db", db=path)
    assert again.returncode == 0 and "anchor" not in again.stdout

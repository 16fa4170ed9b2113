"""The layering rule is the import-linter contracts in pyproject.toml (docs/architecture.md).

``scripts/test.sh`` runs ``lint-imports`` on the tree; this file runs the same contracts from
pytest and proves each one can fail: in a copy of the packages with one forbidden import added,
exactly the contracts that import breaks are reported broken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "workflows", "models", "worker", "config")
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True, no_logo=True))")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run every contract on the packages under ``tree`` (found first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([sys.executable, "-c", LINT], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_tree_keeps_every_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


PARTS = "workflows parts import only parts below them"
TOP = "adapters over use cases over models over settings"
FRAMEWORKS = "use cases and models know nothing of HTTP, Celery or the adapters"
SPIFF = "only the engine talks to SpiffWorkflow and RestrictedPython"
FACADE = "the engine is reached through its facade (workflows.engine) only"
BLUEPRINTS = "blueprints are independent of each other"
WORKER = "only the app factory wires the worker"
CONTRACTS = {PARTS, TOP, FRAMEWORKS, SPIFF, FACADE, BLUEPRINTS, WORKER}

# (file, line added at its end, the contracts that must break: no more, no fewer)
VIOLATIONS = [
    ("workflows/core/clock.py", "from workflows.instances import lifecycle", {PARTS}),
    ("workflows/engine/timing.py", "from workflows.identity import users", {PARTS}),
    ("workflows/tasks/inbox.py", "def _x():\n    from flask import g", {FRAMEWORKS}),
    ("models/timer.py", "import celery", {FRAMEWORKS}),
    ("workflows/audit/verify.py", "from api import errors", {TOP, FRAMEWORKS}),
    ("models/user.py", "from workflows.core import clock", {TOP}),
    ("workflows/instances/run_store.py", "from SpiffWorkflow.task import Task", {SPIFF}),
    ("api/errors.py", "import RestrictedPython", {SPIFF}),
    ("workflows/definitions/deploy.py", "from ..engine import serialization", {FACADE}),
    ("workflows/audit/views.py", "from workflows.engine.trace import completed_path", {FACADE}),
    ("api/blueprints/health.py", "from api.blueprints import auth", {BLUEPRINTS}),
    ("api/cli.py", "from worker import tasks", {WORKER}),
]


def test_every_contract_is_exercised_and_listed() -> None:
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert {name for name in CONTRACTS if f'name = "{name}"' in config} == CONTRACTS
    assert config.count("[[tool.importlinter.contracts]]") == len(CONTRACTS)
    assert set().union(*(broken for *_, broken in VIOLATIONS)) == CONTRACTS


def copy_tree(tree: Path, path: str, line: str) -> Path:
    """The packages and the contracts, with ``line`` added at the end of ``path``."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package,
                        ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.json"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    target = tree / path
    target.write_text(f"{target.read_text(encoding='utf-8')}\n{line}\n", encoding="utf-8")
    return tree


@pytest.fixture(scope="module")
def broken_trees(tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every violation linted in its own copy, all at once (each run mostly waits)."""
    trees = [copy_tree(tmp_path_factory.mktemp("tree"), path, line)
             for path, line, _ in VIOLATIONS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lint, trees))
    return {f"{path}+{line}": result for (path, line, _), result in zip(VIOLATIONS, results,
                                                                          strict=True)}


@pytest.mark.parametrize(("path", "line", "broken"), VIOLATIONS,
                         ids=[f"{path}+{line.split()[-1]}" for path, line, _ in VIOLATIONS])
def test_each_contract_breaks_on_a_forbidden_import(
        broken_trees: dict[str, subprocess.CompletedProcess[str]], path: str, line: str,
        broken: set[str]) -> None:
    result = broken_trees[f"{path}+{line}"]
    assert result.returncode == 1, result.stdout + result.stderr
    assert {name for name in CONTRACTS if f"{name} BROKEN" in result.stdout} == broken
    assert {name for name in CONTRACTS if f"{name} KEPT" in result.stdout} == CONTRACTS - broken

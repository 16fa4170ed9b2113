"""The layering rule, enforced: who may import whom (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# package -> top-level packages it must never import
FORBIDDEN = {
    "workflows": {"api", "worker", "flask", "flask_smorest", "celery"},
    "models": {"api", "worker", "workflows", "SpiffWorkflow", "celery"},
    "config": {"api", "worker", "workflows", "models", "flask", "SpiffWorkflow"},
    "api": {"SpiffWorkflow"},  # api/__init__.py may wire worker.celery_app (the factory)
    "worker": {"SpiffWorkflow"},
}
# Only the engine package and the sandbox may talk to SpiffWorkflow inside workflows/.
SPIFF_ALLOWED = ("workflows/engine/", "workflows/engine/script_env.py", "workflows/engine/sandbox/")


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def violations() -> list[str]:
    found = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            roots = imported_roots(path.read_text(encoding="utf-8"))
            bad = roots & forbidden
            if package == "workflows" and "SpiffWorkflow" in roots and not relative.startswith(
                    SPIFF_ALLOWED):
                bad.add("SpiffWorkflow")
            found.extend(f"{relative} imports {name}" for name in sorted(bad))
    return found


def test_no_module_breaks_the_layering_rule() -> None:
    assert violations() == []


@pytest.mark.parametrize(("source", "expected"), [
    ("import flask", {"flask"}),
    ("from flask import g", {"flask"}),
    ("from .sibling import x", set()),
    ("import SpiffWorkflow.bpmn as b", {"SpiffWorkflow"}),
])
def test_the_checker_itself_sees_imports(source: str, expected: set[str]) -> None:
    assert imported_roots(source) == expected

"""After a sandboxed evaluation, profilers and tracers still work (no stuck eval-breaker)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from workflows.engine.script_env import RestrictedEnvironment
env = RestrictedEnvironment(time_limit_s=0.5)
assert env.evaluate("1 + 2", {}) == 3
import cProfile
cProfile.run("sum(range(1000))")
print("profiled")
"""


def test_a_profiler_runs_after_a_sandboxed_expression() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "profiled" in result.stdout

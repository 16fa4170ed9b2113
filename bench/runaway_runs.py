"""How long a runaway diagram runs before it is cut off: ``python -m bench.runaway_runs``.

Each case is parsed, then started and advanced the way a start request does, with the default
budget (``CERTFLOW_RUN_STEP_LIMIT``, ``CERTFLOW_RUN_TIME_LIMIT``); the figure is the time from
the start of the run to the ``RunawayRun`` that becomes the incident.
"""

from __future__ import annotations

import time

from config import Settings
from tests.runaway_diagrams import gateway_loop, parallel_flows, parallel_scripts
from workflows.core.runtime import RunContext
from workflows.engine import Run, RunawayRun, parse_bundle

CASES = {"5,000 parallel script tasks": lambda: parallel_scripts(5000),
         "10,000 parallel flows": lambda: parallel_flows(10000),
         "loop of two gateways": gateway_loop}


def main() -> None:
    fields = Settings.model_fields
    steps = int(fields["run_step_limit"].default)
    seconds = float(fields["run_time_limit_s"].default)
    context = RunContext(step_limit=steps, run_time_limit_s=seconds)
    print(f"budget: {steps} steps, {seconds:g} s")
    for name, diagram in CASES.items():
        bundle = parse_bundle({"case.bpmn": diagram()})
        started = time.monotonic()
        try:
            run = Run.start(bundle.spec, bundle.subprocess_specs, {}, context=context)
            run.advance()
            outcome = "completed (not cut off!)"
        except RunawayRun as runaway:
            outcome = f"incident ({runaway.details.get('limit')})"
        print(f"{name:30} {time.monotonic() - started:6.2f} s  {outcome}")


if __name__ == "__main__":
    main()

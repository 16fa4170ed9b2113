"""How much work each mode does. ``short`` fits in CI (< 3 min for both databases);
``full`` reproduces every figure of the issue (see bench/README.md for its run time)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    name: str
    runs: int  # every figure is the median of this many runs (min-max shown)
    starts_per_client: int  # item 1: instances started per client per run
    completions_per_client: int  # item 2: claim+complete pairs per client per run
    whole_per_client: int  # item 3: whole leave instances per client per run
    rework_rounds: int  # item 4: reject -> resubmit rounds of one instance
    review_tasks: int  # item 4: length of the sequential review (the diagram has 40)
    curve_runs: int  # item 4 is long: it may use fewer runs than the other items
    inbox_levels: dict[str, tuple[int, ...]]  # item 5: open tasks in the database, per DB
    inbox_requests: int  # item 5: GETs per client per run
    memory_instances: int  # instances in the database when the last RSS sample is taken
    floor_iterations: int  # in-process floor samples
    rss_every: int  # sample the worker's RSS every this many started instances


SHORT = Mode(
    name="short", runs=3, starts_per_client=15, completions_per_client=15, whole_per_client=5,
    rework_rounds=30, review_tasks=40, curve_runs=1,
    inbox_levels={"sqlite": (1_000, 10_000), "postgres": (1_000, 100_000)},
    inbox_requests=40, memory_instances=0, floor_iterations=200, rss_every=0,
)

FULL = Mode(
    name="full", runs=3, starts_per_client=100, completions_per_client=100,
    whole_per_client=30, rework_rounds=200, review_tasks=40, curve_runs=3,
    inbox_levels={"sqlite": (1_000, 100_000), "postgres": (1_000, 100_000, 1_000_000)},
    inbox_requests=300, memory_instances=100_000, floor_iterations=2_000, rss_every=5_000,
)

MODES = {"short": SHORT, "full": FULL}

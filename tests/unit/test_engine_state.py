"""Engine state round-trips through storage, and its size does not grow with age."""

from __future__ import annotations

from pathlib import Path

from workflows.engine import ParsedBundle, Run, parse_bundle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def load(name: str) -> ParsedBundle:
    return parse_bundle({name: (FIXTURES / name).read_bytes()})


def step(bundle: ParsedBundle, state: str, data: dict) -> tuple[str, Run]:
    run = Run.resume(state, bundle.spec, bundle.subprocess_specs)
    [task] = run.ready_user_tasks()
    run.complete(task.spiff_task_id, data)
    run.advance()
    return run.dump(), run


def test_a_long_rework_loop_keeps_constant_state_size_and_its_data() -> None:
    bundle = load("rework_loop.bpmn")
    run = Run.start(bundle.spec, bundle.subprocess_specs, {"rounds": 0, "applicant": "小明"})
    run.advance()
    state = run.dump()
    sizes = []
    for round_no in range(1, 61):
        state, _ = step(bundle, state, {"note": f"第{round_no}次提交"})
        state, run = step(bundle, state, {"approved": False})
        sizes.append(len(state))
        assert run.data()["rounds"] == round_no + 1
    assert max(sizes[10:]) <= sizes[9] * 1.1, sizes  # flat, not linear
    state, _ = step(bundle, state, {"note": "最终"})
    _, run = step(bundle, state, {"approved": True})
    assert run.completed
    data = run.data()
    assert (data["rounds"], data["applicant"], data["note"]) == (61, "小明", "最终")


def test_parallel_branches_survive_pruning_between_completions() -> None:
    bundle = load("parallel_review.bpmn")
    run = Run.start(bundle.spec, bundle.subprocess_specs, {})
    run.advance()
    state = run.dump()
    run = Run.resume(state, bundle.spec, bundle.subprocess_specs)
    first, second = sorted(run.ready_user_tasks(), key=lambda t: t.task_name)
    run.complete(first.spiff_task_id, {"a": 1})
    run.advance()
    state = run.dump()
    run = Run.resume(state, bundle.spec, bundle.subprocess_specs)
    assert [t.task_name for t in run.ready_user_tasks()] == [second.task_name]
    run.complete(second.spiff_task_id, {"b": 2})
    run.advance()
    assert run.completed
    assert run.data()["a"] == 1 and run.data()["b"] == 2


def test_the_lowest_common_ancestor_is_where_every_anchors_line_meets() -> None:
    """Pruning keeps the subtree under the anchors' lowest common ancestor: checked against
    the plain definition (the nearest task of the first anchor's line that is in every
    anchor's line) for every pair and for all the unfinished tasks of a parallel review."""
    from SpiffWorkflow.util.task import TaskState

    from workflows.engine.pruning import _ancestor_path, _lowest_common_ancestor

    bundle = load("parallel_review.bpmn")
    run = Run.start(bundle.spec, bundle.subprocess_specs, {})
    run.advance()
    workflow = run._workflow
    tasks = list(workflow.tasks.values())
    unfinished = [t for t in tasks if not t.has_state(TaskState.FINISHED_MASK)]
    assert len(unfinished) > 2

    def by_definition(anchors: list) -> object:
        common = set(_ancestor_path(anchors[0]))
        for task in anchors[1:]:
            common &= set(_ancestor_path(task))
        return next(i for i in _ancestor_path(anchors[0]) if i in common)

    groups = [unfinished, *([a, b] for a in tasks for b in tasks)]
    for anchors in groups:
        assert _lowest_common_ancestor(anchors) == by_definition(anchors)
    assert _lowest_common_ancestor(unfinished) != workflow.task_tree.id  # not trivially the root

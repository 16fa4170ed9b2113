"""Keep finished history out of the engine state, so a step's cost does not grow with age.

SpiffWorkflow keeps every task it ever created: a process that loops (reject → resubmit) grows
its tree, and its serialized state, by every round. certflow's history lives in
``process_event`` rows, so the engine only needs the part of the tree that can still change:
the smallest subtree holding every unfinished task (and the last completed one, whose data is
the process data, and the earlier tasks an open task may send the case back to). Everything
above that subtree is finished and is dropped before storing;
the subtree is re-attached to the root with its full data.
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from workflows.engine.approval import send_back_anchors


def prune_finished_history(workflow: BpmnWorkflow) -> int:
    """Drop finished tasks above the live part of the tree; returns how many were dropped."""
    root = workflow.task_tree
    anchors = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if workflow.last_task is not None:
        anchors.append(workflow.last_task)
    # The earlier tasks an open task may send the case back to (approval.py) stay resettable.
    anchors += send_back_anchors(workflow)
    if not anchors:
        return 0
    lca = workflow.tasks[_lowest_common_ancestor(anchors)]
    if lca is root or lca.parent is root:
        return 0
    keep = _subtree_ids(workflow, lca)
    keep.add(root.id)
    lca._parent = root.id
    root._children = [lca.id]
    dropped = [task_id for task_id in workflow.tasks if task_id not in keep]
    for task_id in dropped:
        del workflow.tasks[task_id]
        workflow.subprocesses.pop(task_id, None)
    return len(dropped)


def _ancestor_path(task: Task) -> list[UUID]:
    path = []
    current: Task | None = task
    while current is not None:
        path.append(current.id)
        current = current.parent
    return path


def _lowest_common_ancestor(anchors: list[Task]) -> UUID:
    """The nearest task above (or at) every anchor: the first anchor's path to the root, cut
    back by each other anchor to where that anchor's own way up meets it. Most anchors are
    predicted tasks next to each other, so each climbs a step or two, not to the root."""
    path = _ancestor_path(anchors[0])  # nearest first
    depth = {task_id: i for i, task_id in enumerate(path)}
    lowest = 0
    for task in anchors[1:]:
        current: Task | None = task
        while current is not None and current.id not in depth:
            current = current.parent
        lowest = max(lowest, depth[current.id] if current is not None else len(path) - 1)
        if lowest == len(path) - 1:
            break  # already the root
    return path[lowest]


def _subtree_ids(workflow: BpmnWorkflow, top: Task) -> set[UUID]:
    found = set()
    stack = [top.id]
    while stack:
        task_id = stack.pop()
        found.add(task_id)
        stack.extend(workflow.tasks[task_id]._children)
    return found

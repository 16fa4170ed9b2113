"""What certflow needs to know about each user task, read once at deploy time.

A lane's ``id`` is the candidate group (its ``name`` is the Chinese display name); the task's
``spiffworkflow:properties`` name its form (``formJsonSchemaFilename``), optional due time
(``dueIn``, an ISO 8601 duration or ``P<n>WD`` working days) and separation-of-duties rules
(``separationOfDuties``, ``workflows/engine/duty_rules.py``; enforced by
``workflows/tasks/duties.py``), the approval actions it allows (``approvalActions``,
``sendBackTo``; ``workflows/engine/approval.py``), the facts shown to whoever decides it
(``summaryFields``, ``workflows/engine/summary_fields.py``) and who performs it as a relation
over the directory (``performer``, ``workflows/directory/addresses.py``; it then decides the
candidate role).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from workflows.core import working_days
from workflows.core.errors import Problem
from workflows.directory.addresses import PROPERTY as PERFORMER_PROPERTY
from workflows.directory.addresses import Address, InvalidAddress, parse_address
from workflows.engine import approval
from workflows.engine.diagram_limits import element_lines
from workflows.engine.duty_rules import PROPERTY as DUTIES_PROPERTY
from workflows.engine.duty_rules import InvalidDutyRule, parse_rules
from workflows.engine.reader_fields import InvalidReaderFields, parse_reader_fields
from workflows.engine.summary_fields import PROPERTY as SUMMARY_PROPERTY
from workflows.engine.summary_fields import InvalidSummaryField, parse_summary_fields

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FORM_PROPERTY = "formJsonSchemaFilename"
DUE_PROPERTY = "dueIn"
# A task due at a moment the case's data holds (an ISO date-time in that field), e.g. 销假 at
# the end of the leave; it wins over ``dueIn`` when the field is set.
DUE_AT_PROPERTY = "dueAt"
# A data field holding the id of the one account the task is for (a certificate's holder, asked
# to answer before a revocation is decided): the task is created claimed by that account.
ASSIGNEE_FIELD_PROPERTY = "assigneeField"
GROUP_PROPERTY = "candidateGroup"
INITIATOR_GROUP = "applicant"
# The data field whose text the person doing the task must read first (e.g. 补正: the
# reviewer's comment); ``workflows/tasks/task_guidance.py`` shows it.
REASON_PROPERTY = "reasonField"
START_FORM_KEY = "__start__"


def lane_groups(root: etree._Element) -> dict[str, str]:
    """Map each flow node id to the id of the lane that holds it."""
    groups: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                groups[ref.text.strip()] = lane.get("id", "")
    return groups


def extract_task_meta(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
                      root: etree._Element, forms: dict[str, dict[str, Any]], bpmn_file: str,
                      known_groups: Collection[str] | None = None,
                      ) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Collect lane/group, title, form and due time per user task; report what is missing.

    With ``known_groups`` (the roles and groups people can hold), a lane or ``candidateGroup``
    naming any other group is a problem on the lane (or the task): nobody could claim its
    tasks."""
    groups = lane_groups(root)
    unknown: dict[str, Problem] = {}
    lines = element_lines(root)
    user_tasks: set[str | None] | None = None  # read once, if any task has duty rules
    meta: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id is None:
                continue
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            is_user = bool(getattr(task_spec, "manual", False))
            is_start = type(task_spec).__name__ == "StartEvent" and process_spec is spec
            if not (is_user or is_start):
                continue
            where = {"file": bpmn_file, "element_id": bpmn_id, "line": lines.get(bpmn_id)}
            form_name = properties.get(FORM_PROPERTY)
            if form_name and form_name not in forms:
                problems.append(Problem(f"form schema '{form_name}' is not in the upload",
                                        **where))
            due_in = properties.get(DUE_PROPERTY)
            if due_in and not _valid_duration(due_in):
                problems.append(Problem(f"dueIn '{due_in}' is not an ISO 8601 duration or P<n>WD",
                                        **where))
            due_at = properties.get(DUE_AT_PROPERTY)
            if due_at and not str(due_at).isidentifier():
                problems.append(Problem(f"dueAt '{due_at}' is not the name of a data field",
                                        **where))
            group = properties.get(GROUP_PROPERTY) or groups.get(bpmn_id)
            address = _address(properties.get(PERFORMER_PROPERTY), problems, where) \
                if is_user else None
            if address is not None:  # the relation decides the role, not the lane
                group = address.role or INITIATOR_GROUP
            if is_user and not group:
                problems.append(Problem("user task is in no lane and names no candidateGroup",
                                        **where))
            if (is_user and group and address is None and known_groups is not None
                    and group not in known_groups and group not in unknown):
                unknown[group] = _unknown_group(group, root, where,
                                                in_lane=not properties.get(GROUP_PROPERTY))
            entry = {
                "bpmn_id": bpmn_id,
                "title": task_spec.bpmn_name or bpmn_id,
                "lane": getattr(task_spec, "lane", None),
                "group": group,
                "form": form_name,
                "due_in": due_in,
            }
            if due_at:
                entry["due_at_field"] = due_at
            assignee_field = properties.get(ASSIGNEE_FIELD_PROPERTY)
            if assignee_field and is_user:
                if not str(assignee_field).isidentifier():
                    problems.append(Problem(
                        f"assigneeField '{assignee_field}' is not the name of a data field",
                        **where))
                entry["assignee_field"] = assignee_field
            if user_tasks is None and (is_user or properties.get(DUTIES_PROPERTY)):
                user_tasks = {getattr(t, "bpmn_id", None)
                              for s in [spec, *subprocess_specs.values()]
                              for t in s.task_specs.values() if getattr(t, "manual", False)}
            if is_user and user_tasks is not None:
                entry["actions"], entry["send_back_to"] = _approval_actions(
                    properties, user_tasks, problems, where)
                if properties.get(REASON_PROPERTY):
                    entry["reason_field"] = properties[REASON_PROPERTY]
            if address is not None:
                entry["address"] = address.text
            if properties.get(DUTIES_PROPERTY) and user_tasks is not None:
                entry["duties"] = _duties(properties[DUTIES_PROPERTY], user_tasks, problems,
                                          where)
            if properties.get(SUMMARY_PROPERTY):
                try:
                    entry["summary"] = parse_summary_fields(properties[SUMMARY_PROPERTY], forms)
                except InvalidSummaryField as error:
                    problems.append(Problem(str(error), **where))
            if is_start:
                try:
                    reads = parse_reader_fields(properties)
                except InvalidReaderFields as error:
                    problems.append(Problem(str(error), **where))
                    reads = None
                if reads is not None:
                    entry["applicant_reads"] = reads
            meta[START_FORM_KEY if is_start else task_spec.name] = entry
    return meta, problems + list(unknown.values())


def _unknown_group(group: str, root: etree._Element, where: dict[str, Any], *,
                   in_lane: bool) -> Problem:
    """A group nobody holds, located on the lane that names it (or on the task)."""
    lanes = [lane for lane in root.iter(f"{{{BPMN_NS}}}lane") if lane.get("id") == group]
    if in_lane and lanes:
        name = lanes[0].get("name") or group
        return Problem(
            f"泳道“{name}”的 id 即候选组“{group}”，但它不是本系统已知的角色或用户组："
            "没有人能领取这个泳道中的任务；请把泳道 id 改为一个角色（如 class_teacher）",
            english=f"lane '{name}' names the group '{group}', which is no role or group of "
                    "this system: nobody could claim its tasks; use a role id such as "
                    "class_teacher", file=where["file"], element_id=group,
            line=lanes[0].sourceline, extra={"group": group})
    return Problem(
        f"candidateGroup“{group}”不是本系统已知的角色或用户组：没有人能领取这个任务",
        english=f"candidateGroup '{group}' is no role or group of this system: nobody could "
                "claim this task", **where, extra={"group": group})


def _duties(value: str, user_tasks: set[str | None], problems: list[Problem],
            where: dict[str, Any]) -> list[str]:
    """Separation-of-duties rules (``workflows/engine/duty_rules.py``); a bad rule is a problem."""
    try:
        rules = parse_rules(value)
    except InvalidDutyRule as error:
        problems.append(Problem(str(error), **where))
        return []
    for rule in rules:
        if rule.kind == "differs_from" and rule.argument not in user_tasks:
            problems.append(Problem(f"separation-of-duties rule '{rule.name}' names no user "
                                    "task of this process", **where))
    return [rule.name for rule in rules]


def _approval_actions(properties: dict[str, Any], user_tasks: set[str | None],
                      problems: list[Problem], where: dict[str, Any]
                      ) -> tuple[list[str], list[str]]:
    """The approval actions a task allows (``workflows/engine/approval.py``) and the earlier
    user tasks it may send a case back to; unknown names are problems."""
    actions = approval.declared_actions(properties)
    for name in actions:
        if name not in approval.ACTIONS:
            problems.append(Problem(f"approval action '{name}' is not one of "
                                    f"{', '.join(approval.ACTIONS)}", **where))
    targets = approval.split_list(properties.get(approval.SEND_BACK_PROPERTY))
    for target in targets:
        if target not in user_tasks:
            problems.append(Problem(f"sendBackTo '{target}' names no user task of this "
                                    "process", **where))
    if "send_back" in actions and not targets:
        problems.append(Problem("approval action 'send_back' needs sendBackTo (the earlier "
                                "user tasks a case may be sent back to)", **where))
    return [a for a in actions if a in approval.ACTIONS], targets
def _address(value: str | None, problems: list[Problem],
             where: dict[str, Any]) -> Address | None:
    """The task's ``performer`` expression (``workflows/directory/addresses.py``); a bad one
    is a located problem."""
    if not value:
        return None
    try:
        return parse_address(value)
    except InvalidAddress as error:
        problems.append(Problem(str(error), **where, extra={"expression": value}))
        return None


def _valid_duration(expression: str) -> bool:
    deadline = working_days.parse_deadline(expression)
    if deadline is not None:  # a window: its period counts whole days
        return "T" not in deadline[0] and _valid_duration(deadline[0])
    if working_days.parse_working_days(expression) is not None:
        return True
    try:
        TimerEventDefinition.parse_iso_duration(expression)
    except Exception:
        return False
    return expression.startswith("P")

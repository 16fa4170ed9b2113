"""What a diagram must respect before SpiffWorkflow parses it, so that validate, deploy and run
give the same answer.

* The parser follows sequence flows recursively, two Python frames per element: a chain longer
  than ``MAX_CHAIN`` elements would fail with a raw ``RecursionError`` at some stack depths (a
  deploy) and not at others (a validation). Refused at both, with the element where the chain
  gets too long.
* A process id longer than ``MAX_PROCESS_ID`` characters could be deployed but never started
  (the start request and the instance tables hold at most that many).
* A lane's id (or a ``candidateGroup``) is the group that claims its tasks; a group id longer
  than ``MAX_GROUP_ID`` characters names a group nobody can ever be a member of.

Everything here is linear in the size of the file.
"""

from __future__ import annotations

from collections import defaultdict

from lxml import etree

from workflows.core.errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_CHAIN = 300
MAX_PROCESS_ID = 128
MAX_GROUP_ID = 64
_CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def longest_chain(container: etree._Element) -> tuple[int, str | None]:
    """Elements on the longest path of sequence flows in one process or sub-process (loops
    are cut where they close), and the element of that path just past ``MAX_CHAIN``."""
    successors: dict[str, list[str]] = defaultdict(list)
    nodes: list[str] = []
    for child in container:
        name = _local(child)
        if name == "sequenceFlow":
            source, target = child.get("sourceRef"), child.get("targetRef")
            if source and target:
                successors[source].append(target)
        elif child.get("id") and name not in ("laneSet", "textAnnotation", "association"):
            nodes.append(child.get("id", ""))
    depth: dict[str, int] = {}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    best, best_node = 0, None
    for root in nodes:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, index = stack[-1]
            nexts = successors.get(node, [])
            if index < len(nexts):
                stack[-1] = (node, index + 1)
                target = nexts[index]
                if target not in state:
                    state[target] = 1
                    stack.append((target, 0))
                continue  # a loop closes (state 1) or a finished node (state 2)
            stack.pop()
            state[node] = 2
            depth[node] = 1 + max((depth.get(t, 0) for t in nexts if state.get(t) == 2
                                   and t in depth), default=0)
            if depth[node] > best:
                best, best_node = depth[node], node
    at = best_node  # walk the longest path to the element where it passes the limit
    for _ in range(min(best, MAX_CHAIN)):
        nexts = [t for t in successors.get(at or "", []) if t in depth]
        if not nexts:
            break
        at = max(nexts, key=depth.__getitem__)
    return best, at


def diagram_problems(root: etree._Element, bpmn_file: str) -> list[Problem]:
    """Problems of the .bpmn file that SpiffWorkflow would hit late, or never."""
    problems: list[Problem] = []
    for element in root.iter(*(f"{{{BPMN_NS}}}{name}" for name in _CONTAINERS)):
        length, at = longest_chain(element)
        if length > MAX_CHAIN:
            problems.append(Problem(
                f"流程中有一条 {length} 个元素首尾相连的链，超过上限 {MAX_CHAIN}；"
                "请把其中一段拆成子流程或调用活动",
                english=f"a chain of {length} connected elements exceeds the limit of "
                        f"{MAX_CHAIN}; split part of it into a sub-process or call activity",
                file=bpmn_file, element_id=at,
                line=_line(root, at)))
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        process_id = process.get("id", "")
        if len(process_id) > MAX_PROCESS_ID:
            problems.append(Problem(
                f"流程 id 有 {len(process_id)} 个字符，超过上限 {MAX_PROCESS_ID}，"
                "部署后无法启动",
                english=f"the process id has {len(process_id)} characters, over the limit of "
                        f"{MAX_PROCESS_ID}: it could be deployed but never started",
                file=bpmn_file, element_id=process_id,
                line=process.sourceline))
    problems.extend(_dangling_references(root, bpmn_file))
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        group = lane.get("id", "")
        if len(group) > MAX_GROUP_ID:
            problems.append(Problem(
                f"泳道 id 即候选组 id，但它有 {len(group)} 个字符，超过组 id 的上限 "
                f"{MAX_GROUP_ID}：没有人能属于这个组，泳道中的任务无人能领取",
                english=f"a lane's id is its candidate group, and this one has {len(group)} "
                        f"characters, over the group id limit of {MAX_GROUP_ID}: nobody can "
                        "belong to it, so nobody could claim the lane's tasks",
                file=bpmn_file, element_id=group, line=lane.sourceline))
    return problems


# Attributes naming another element of the file; the engine fails on a name that is not there
# with a library exception (or, for a flow, with a message about duplicate ids).
_REFERENCES = {"sequenceFlow": ("sourceRef", "targetRef"),
               "messageEventDefinition": ("messageRef",),
               "signalEventDefinition": ("signalRef",), "errorEventDefinition": ("errorRef",),
               "escalationEventDefinition": ("escalationRef",),
               "exclusiveGateway": ("default",), "inclusiveGateway": ("default",)}


def _dangling_references(root: etree._Element, bpmn_file: str) -> list[Problem]:
    ids = set(element_lines(root))
    problems = []
    for element in root.iter(*(f"{{{BPMN_NS}}}{name}" for name in _REFERENCES)):
        for attribute in _REFERENCES[_local(element)]:
            target = element.get(attribute)
            if target is None or target in ids:
                continue
            # An event definition is drawn as its event: the editor marks the event.
            on_parent = _local(element).endswith("EventDefinition") or not element.get("id")
            located = element.getparent() if on_parent else element
            problems.append(Problem(
                f"{_local(element)} 的 {attribute} 指向“{target}”，但文件中没有这个 id 的元素",
                english=f"{_local(element)} {attribute} '{target}' names no element of the file",
                file=bpmn_file, element_id=located.get("id") if located is not None else None,
                line=element.sourceline, extra={"reference": attribute}))
    return problems


def element_lines(root: etree._Element) -> dict[str, int]:
    """Every element id of a file and its line, read in one pass: looking ids up one by one
    made validating 5,000 user tasks quadratic."""
    lines: dict[str, int] = {}
    for element in root.iter(tag=etree.Element):
        element_id = element.get("id")
        if element_id and element_id not in lines and element.sourceline is not None:
            lines[element_id] = element.sourceline
    return lines


def _line(root: etree._Element, element_id: str | None) -> int | None:
    if element_id is None:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None

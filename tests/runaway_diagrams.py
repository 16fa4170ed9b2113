"""Diagrams that never stop on their own or do far too much in one engine run.

Generated rather than stored: they are large, and their size is the point.
"""

from __future__ import annotations

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="defs_{pid}" targetNamespace="http://certflow.dev/tests">\n'
        '<bpmn:process id="{pid}" name="失控流程" isExecutable="true">\n'
        '<bpmn:startEvent id="start" name="开始"/>\n')
TAIL = '<bpmn:endEvent id="end" name="结束"/>\n</bpmn:process>\n</bpmn:definitions>\n'


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>\n'
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>'
            '</bpmn:sequenceFlow>\n')


def parallel_scripts(count: int, pid: str = "runaway_scripts") -> bytes:
    """A fork into ``count`` script tasks joined again before the end."""
    parts = [HEAD.format(pid=pid), '<bpmn:parallelGateway id="fork"/>\n',
             '<bpmn:parallelGateway id="join"/>\n', _flow("f_start", "start", "fork")]
    for i in range(count):
        parts.append(f'<bpmn:scriptTask id="s{i}"><bpmn:script>x{i} = {i}</bpmn:script>'
                     '</bpmn:scriptTask>\n')
        parts.append(_flow(f"a{i}", "fork", f"s{i}"))
        parts.append(_flow(f"b{i}", f"s{i}", "join"))
    parts += [_flow("f_end", "join", "end"), TAIL]
    return "".join(parts).encode()


def parallel_flows(count: int, pid: str = "runaway_flows") -> bytes:
    """``count`` sequence flows straight from one parallel gateway to another."""
    parts = [HEAD.format(pid=pid), '<bpmn:parallelGateway id="fork"/>\n',
             '<bpmn:parallelGateway id="join"/>\n', _flow("f_start", "start", "fork")]
    parts += [_flow(f"p{i}", "fork", "join") for i in range(count)]
    parts += [_flow("f_end", "join", "end"), TAIL]
    return "".join(parts).encode()


def gateway_loop(pid: str = "runaway_loop") -> bytes:
    """Two exclusive gateways sending the token to each other forever; the end is unreachable."""
    parts = [HEAD.format(pid=pid), '<bpmn:exclusiveGateway id="g1"/>\n',
             '<bpmn:exclusiveGateway id="g2"/>\n', _flow("f_start", "start", "g1"),
             _flow("g1_g2", "g1", "g2", "True"), _flow("g1_end", "g1", "end", "False"),
             _flow("g2_g1", "g2", "g1")]
    parts.append(TAIL)
    return "".join(parts).encode()


def task_then_loop(pid: str = "runaway_after_task") -> bytes:
    """A user task, then the gateway loop: the completion is what runs away."""
    nodes = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>"
                    for n in ("start", "fill", "g1", "g2", "end"))
    parts = [HEAD.format(pid=pid),
             f'<bpmn:laneSet id="lanes"><bpmn:lane id="class_teacher" name="班主任">{nodes}'
             '</bpmn:lane></bpmn:laneSet>\n',
             '<bpmn:userTask id="fill" name="填写"/>\n',
             '<bpmn:exclusiveGateway id="g1"/>\n', '<bpmn:exclusiveGateway id="g2"/>\n',
             _flow("f_start", "start", "fill"), _flow("f_fill", "fill", "g1"),
             _flow("g1_g2", "g1", "g2", "True"), _flow("g1_end", "g1", "end", "False"),
             _flow("g2_g1", "g2", "g1")]
    parts.append(TAIL)
    return "".join(parts).encode()


def script_chain(count: int, pid: str = "long_chain") -> bytes:
    """``count`` script tasks one after the other."""
    parts = [HEAD.format(pid=pid)]
    previous = "start"
    for i in range(count):
        parts.append(f'<bpmn:scriptTask id="t{i}"><bpmn:script>n = {i}</bpmn:script>'
                     '</bpmn:scriptTask>\n')
        parts.append(_flow(f"f{i}", previous, f"t{i}"))
        previous = f"t{i}"
    parts += [_flow("f_end", previous, "end"), TAIL]
    return "".join(parts).encode()


def parallel_user_tasks(count: int, pid: str = "many_user_tasks") -> bytes:
    """A fork into ``count`` user tasks in one lane, joined again."""
    refs = "".join(f"<bpmn:flowNodeRef>u{i}</bpmn:flowNodeRef>" for i in range(count))
    parts = [HEAD.format(pid=pid),
             f'<bpmn:laneSet id="lanes"><bpmn:lane id="class_teacher">{refs}</bpmn:lane>'
             '</bpmn:laneSet>\n',
             '<bpmn:parallelGateway id="fork"/>\n', '<bpmn:parallelGateway id="join"/>\n',
             _flow("f_start", "start", "fork")]
    for i in range(count):
        parts.append(f'<bpmn:userTask id="u{i}" name="任务{i}"/>\n')
        parts.append(_flow(f"a{i}", "fork", f"u{i}"))
        parts.append(_flow(f"b{i}", f"u{i}", "join"))
    parts += [_flow("f_end", "join", "end"), TAIL]
    return "".join(parts).encode()

"""Write the bench-only diagrams (run once; the .bpmn files are kept in the repository).

``python -m bench.diagrams.generate`` rewrites ``rework_loop.bpmn`` and ``review_chain.bpmn``.
They carry no forms: what is measured is the engine and storage, not JSON Schema validation.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
REVIEW_TASKS = 40

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="definitions_{pid}" \
targetNamespace="http://bpmn.io/schema/bpmn" exporter="certflow-bench" exporterVersion="0.1.0">
  <bpmn:process id="{pid}" name="{name}" isExecutable="true">
"""
TAIL = """  </bpmn:process>
</bpmn:definitions>
"""


def _lane(lane_id: str, name: str, refs: list[str]) -> str:
    inner = "".join(f"        <bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>\n" for r in refs)
    return f'      <bpmn:lane id="{lane_id}" name="{name}">\n{inner}      </bpmn:lane>\n'


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return (f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" '
                f'targetRef="{target}" />\n')
    return (f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">\n'
            f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
            "</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n")


def _node(kind: str, node_id: str, name: str, incoming: list[str], outgoing: list[str],
          extra: str = "") -> str:
    ins = "".join(f"      <bpmn:incoming>{f}</bpmn:incoming>\n" for f in incoming)
    outs = "".join(f"      <bpmn:outgoing>{f}</bpmn:outgoing>\n" for f in outgoing)
    return f'    <bpmn:{kind} id="{node_id}" name="{name}"{extra}>\n{ins}{outs}    </bpmn:{kind}>\n'


def rework_loop() -> str:
    """submit (applicant) -> review (class_teacher) -> approved? end : back to submit."""
    pid = "bench_rework_loop"
    body = HEAD.format(pid=pid, name="返工循环（基准）")
    body += '    <bpmn:laneSet id="lanes_rework">\n'
    body += _lane("applicant", "申请人", ["start", "gw_merge", "submit", "end"])
    body += _lane("class_teacher", "班主任", ["review", "gw_review"])
    body += "    </bpmn:laneSet>\n"
    body += _node("startEvent", "start", "开始", [], ["f_start"])
    body += _node("exclusiveGateway", "gw_merge", "合并", ["f_start", "f_rework"], ["f_submit"])
    body += _node("userTask", "submit", "提交材料", ["f_submit"], ["f_review"])
    body += _node("userTask", "review", "审核", ["f_review"], ["f_decide"])
    body += _node("exclusiveGateway", "gw_review", "审核结果", ["f_decide"],
                  ["f_done", "f_rework"], extra=' default="f_rework"')
    body += _node("endEvent", "end", "结束", ["f_done"], [])
    body += _flow("f_start", "start", "gw_merge")
    body += _flow("f_submit", "gw_merge", "submit")
    body += _flow("f_review", "submit", "review")
    body += _flow("f_decide", "review", "gw_review")
    body += _flow("f_done", "gw_review", "end", "approved == True")
    body += _flow("f_rework", "gw_review", "gw_merge")
    return body + TAIL


def review_chain(count: int = REVIEW_TASKS) -> str:
    """start -> review_01 -> ... -> review_40 -> end, every task in the class_teacher lane."""
    pid = "bench_review_chain"
    tasks = [f"review_{i:02d}" for i in range(1, count + 1)]
    nodes = ["start", *tasks, "end"]
    body = HEAD.format(pid=pid, name=f"{count} 步顺序审核（基准）")
    body += '    <bpmn:laneSet id="lanes_chain">\n'
    body += _lane("class_teacher", "班主任", nodes)
    body += "    </bpmn:laneSet>\n"
    flows = [f"f_{i:02d}" for i in range(len(nodes) - 1)]
    body += _node("startEvent", "start", "开始", [], [flows[0]])
    for i, task in enumerate(tasks, start=1):
        body += _node("userTask", task, f"第 {i} 步审核", [flows[i - 1]], [flows[i]])
    body += _node("endEvent", "end", "结束", [flows[-1]], [])
    for i, flow in enumerate(flows):
        body += _flow(flow, nodes[i], nodes[i + 1])
    return body + TAIL


def main() -> None:
    (HERE / "rework_loop.bpmn").write_text(rework_loop(), encoding="utf-8")
    (HERE / "review_chain.bpmn").write_text(review_chain(), encoding="utf-8")


if __name__ == "__main__":
    main()

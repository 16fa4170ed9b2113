// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { diffFiles, diffXml } from "./diff";

const BPMN = (condition: string, extra = "") => `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="defs">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" name="开始" />
    <bpmn:userTask id="review" name="审核" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review">
      <bpmn:conditionExpression>${condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    ${extra}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="review_di" bpmnElement="review"><dc:Bounds x="${extra ? 200 : 100}" y="0" width="100" height="80" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

describe("diffXml", () => {
  it("finds nothing between identical files", () => {
    expect(diffXml(BPMN("a"), BPMN("a"))).toEqual([]);
  });

  it("reports changed conditions, added elements and moved shapes", () => {
    const changes = diffXml(BPMN("a == 1"), BPMN("a == 2", '<bpmn:endEvent id="end" name="结束" />'));
    expect(changes).toContainEqual({ id: "end", type: "endEvent", name: "结束", change: "added", details: [] });
    expect(changes).toContainEqual({ id: "f1", type: "sequenceFlow", name: "", change: "changed", details: ["conditionExpression"],
      values: { conditionExpression: { before: "a == 1", after: "a == 2" } } });
    expect(changes).toContainEqual({ id: "review", type: "userTask", name: "审核", change: "changed", details: ["layout"] });
    expect(changes.some((c) => c.id === "review_di")).toBe(false);
  });

  it("reports removed elements and changed DMN cell text", () => {
    const dmn = (cell: string) => `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d"><decision id="x"><decisionTable id="t">
      <rule id="r1"><inputEntry id="r1_in"><text>${cell}</text></inputEntry></rule></decisionTable></decision></definitions>`;
    expect(diffXml(dmn("&lt;= 1"), dmn("&lt;= 2"))).toEqual([
      { id: "r1_in", type: "inputEntry", name: "", change: "changed", details: ["text"], values: { text: { before: "<= 1", after: "<= 2" } } },
    ]);
    const removed = diffXml(BPMN("a", '<bpmn:endEvent id="end" />'), BPMN("a"));
    expect(removed.find((c) => c.id === "end")?.change).toBe("removed");
  });
});

describe("diffFiles", () => {
  it("lists added, removed and changed files", () => {
    expect(diffFiles({ a: "1", b: "2", c: "3" }, { a: "1", b: "x", d: "4" })).toEqual([
      { file: "b", change: "changed" },
      { file: "c", change: "removed" },
      { file: "d", change: "added" },
    ]);
  });
  it("does not report attributes an editor dropped at their default, and shows old → new values", () => {
    const flowWith = (attrs: string, name: string) => BPMN("a", `<bpmn:boundaryEvent id="late" name="${name}" attachedToRef="review" ${attrs} />`);
    expect(diffXml(flowWith('cancelActivity="true"', "超时"), flowWith("", "超时"))).toEqual([]);
    const renamed = diffXml(flowWith('cancelActivity="true"', "超时"), flowWith('cancelActivity="false"', "逾期提醒"));
    expect(renamed.find((c) => c.id === "late")?.values).toEqual({
      cancelActivity: { before: "true", after: "false" }, name: { before: "超时", after: "逾期提醒" },
    });
    const table = (policy: string) => `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d"><decision id="x"><decisionTable id="t" ${policy}></decisionTable></decision></definitions>`;
    expect(diffXml(table('hitPolicy="UNIQUE"'), table(""))).toEqual([]);
  });
});

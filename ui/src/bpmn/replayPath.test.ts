// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { gatewayChoices, replayMarkers, sequenceFlows } from "./replayPath";

const XML = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="route" />
    <bpmn:userTask id="teacher" />
    <bpmn:exclusiveGateway id="after_teacher" />
    <bpmn:userTask id="office" />
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="route" />
    <bpmn:sequenceFlow id="f_route_teacher" sourceRef="route" targetRef="teacher" />
    <bpmn:sequenceFlow id="f_route_office" sourceRef="route" targetRef="office" />
    <bpmn:sequenceFlow id="f_teacher" sourceRef="teacher" targetRef="after_teacher" />
    <bpmn:sequenceFlow id="f_to_office" sourceRef="after_teacher" targetRef="office" />
  </bpmn:process>
</bpmn:definitions>`;

describe("replay markers", () => {
  const flows = sequenceFlows(XML);

  it("reads every sequence flow", () => {
    expect(flows.map((f) => f.id)).toEqual(["f_start", "f_route_teacher", "f_route_office", "f_teacher", "f_to_office"]);
  });

  it("lights the path, its flows and the open task", () => {
    const events = [
      { seq: 2, kind: "gateway_passed", task_name: "route", outcome: { taken: ["teacher.BoundaryEventSplit"] } },
      { seq: 5, kind: "gateway_passed", task_name: "after_teacher", outcome: { taken: ["office.BoundaryEventSplit"] } },
    ];
    const markers = replayMarkers(flows, ["start", "route", "teacher", "after_teacher"], ["office"], gatewayChoices(events, 6));
    expect(markers.office).toEqual(["cf-current"]);
    expect(markers.teacher).toEqual(["cf-done"]);
    expect(markers.f_to_office).toEqual(["cf-done"]);
    expect(markers.f_route_teacher).toEqual(["cf-done"]);
    // The gateway took the teacher branch: its direct flow to the office is not part of the path.
    expect(markers.f_route_office).toBeUndefined();
  });

  it("ignores gateway passes after the replayed point", () => {
    const events = [{ seq: 9, kind: "gateway_passed", task_name: "route", outcome: { taken: ["office"] } }];
    expect(gatewayChoices(events, 8).size).toBe(0);
    expect(gatewayChoices(events, 9).get("route")).toEqual(new Set(["office"]));
  });

  it("marks nothing but the first task before anything completed", () => {
    expect(replayMarkers(flows, [], ["teacher"])).toEqual({ teacher: ["cf-current"] });
  });
});

"""Engine state <-> JSON, without the spec.

SpiffWorkflow's default serializer embeds the whole parsed spec in every instance; certflow
caches parsed specs per definition version instead, so an instance's state is only its task tree
and data, and loading it never re-builds the spec.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from workflows.core import fast_json
from workflows.engine.pruning import prune_finished_history

SERIALIZER_VERSION = VERSION


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Like SpiffWorkflow's converter, but the spec is supplied on restore instead of stored."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], *, spec: BpmnProcessSpec | None = None,
                  subprocess_specs: dict[str, BpmnProcessSpec] | None = None) -> BpmnWorkflow:
        from uuid import UUID

        if spec is None:
            raise ValueError("a stored instance is restored with its definition's spec")
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _build_serializer()


def dump_state(workflow: BpmnWorkflow) -> str:
    """Serialize the live state (task tree and data) as JSON; finished history is pruned."""
    prune_finished_history(workflow)
    # ``BpmnWorkflowSerializer.serialize_json`` (SpiffWorkflow 3.2), with orjson writing the
    # text where it writes exactly what ``json.dumps`` would.
    registry = _SERIALIZER.registry
    registry._encoder_mode = True  # values are converted while encoding
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
        text = fast_json.dumps_exact(dct)
        if text is None:  # big integers, dates, sets... in the data: the library's own way
            text = json.dumps(dct, cls=_SERIALIZER._encoder_cls)
    finally:
        registry._encoder_mode = False
    return text


def load_state(state: str, spec: BpmnProcessSpec,
               subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    """Restore a workflow from ``dump_state`` output and the cached spec of its definition."""
    dct = fast_json.loads_written(state)
    _SERIALIZER.migrate(dct)
    return _SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


def to_plain(data: dict[str, Any]) -> dict[str, Any]:
    """Task data as plain JSON values (dates become ISO strings) for the API and history."""
    copy = fast_json.exact_copy(data)
    if copy is not None:  # plain already: orjson's copy is the standard library's
        return copy[1]
    return json.loads(json.dumps(data, default=_default, ensure_ascii=False))


def _default(value: object) -> object:
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return repr(value)

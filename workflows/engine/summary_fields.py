"""Summary fields: the facts of a case a user task shows to whoever decides it.

A user task declares them in the diagram, ``spiffworkflow:property name="summaryFields"``, as a
comma-separated list of the case's data fields in the order they are shown:
``@applicant, @class, days, leave_type, reason``. ``@applicant`` is the name of the person who
started the case and ``@class`` their class; any other name is a field of the case's data
(``a.b`` reaches into an object). The label shown is the field's ``title`` in one of the
bundle's forms, or an explicit one (``route=审批路径``); a field with neither is a deploy
problem. Choices are shown by their titles (``sick`` as 病假), yes/no as 是/否.
"""

from __future__ import annotations

from typing import Any

PROPERTY = "summaryFields"
APPLICANT = "@applicant"
APPLICANT_CLASS = "@class"
BUILTIN_LABELS = {APPLICANT: "申请人", APPLICANT_CLASS: "班级"}


class InvalidSummaryField(ValueError):
    """A declared summary field that cannot be shown."""


def parse_summary_fields(value: str, forms: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The declared fields, each ``{"field", "label", "options"}``, labels found in the forms."""
    fields: list[dict[str, Any]] = []
    for raw in value.split(","):
        item = raw.strip()
        if not item:
            continue
        path, _, explicit = (part.strip() for part in item.partition("="))
        if not path or any(not part for part in path.split(".")):
            raise InvalidSummaryField(f"summary field '{item}' names no data field")
        found = _property_of(path, forms)
        label = explicit or BUILTIN_LABELS.get(path) or str((found or {}).get("title") or "")
        if not label:
            raise InvalidSummaryField(
                f"summary field '{path}' has no title in any form of the bundle; give it a "
                f"label: {path}=<label>")
        fields.append({"field": path, "label": label, "options": _options(found or {})})
    return fields


def _property_of(path: str, forms: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON Schema of a data field, from the first form that declares it."""
    if path.startswith("@"):
        return None
    for schema in forms.values():
        node: Any = schema
        for part in path.split("."):
            properties = node.get("properties") if isinstance(node, dict) else None
            node = properties.get(part) if isinstance(properties, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            return node
    return None


def _options(prop: dict[str, Any]) -> dict[str, str]:
    options = prop.get("oneOf") or prop.get("anyOf") or []
    return {str(option["const"]): str(option["title"]) for option in options
            if isinstance(option, dict) and "const" in option and "title" in option}


def summary_value(value: Any, options: dict[str, str]) -> str | None:
    """A stored value as a person reads it; None when there is nothing to show."""
    if value is None or value == "" or value == [] or isinstance(value, dict):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        shown = [summary_value(item, options) for item in value]
        return "、".join(item for item in shown if item) or None
    return options.get(str(value), str(value))

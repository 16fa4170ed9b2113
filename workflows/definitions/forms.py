"""Server-side validation of submitted form data against the task's JSON Schema."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from workflows.core import id_numbers
from workflows.core.errors import InvalidTaskData, Problem

# The standard formats plus certflow's own (a form names them with "format": "<name>").
FORMAT_CHECKER = FormatChecker()
# A form's fields the server computes (name -> why it is not sent), told when one is sent.
COMPUTED = "x-computed"
# Custom format -> function giving the reason a value fails (a Chinese sentence) or None.
CUSTOM_FORMAT_PROBLEMS = {id_numbers.FORMAT: id_numbers.problem}


@FORMAT_CHECKER.checks(id_numbers.FORMAT)
def _is_cn_resident_id(value: object) -> bool:
    return not isinstance(value, str) or id_numbers.is_valid(value)


# An attachment field's item: the random id an upload was given (workflows/attachments/fields.py).
_ATTACHMENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@FORMAT_CHECKER.checks("attachment")
def _is_attachment_id(value: object) -> bool:
    return not isinstance(value, str) or bool(_ATTACHMENT_ID.match(value))


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=FORMAT_CHECKER)


# Validators by the schema object they were asked for (the spec cache hands out the same
# parsed schema every time): no canonical JSON of the schema per call. The schema is kept
# with its validator, so its id cannot be reused by another object while it is here.
_BY_SCHEMA: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}


def _validator_of(schema: dict[str, Any]) -> Draft202012Validator:
    known = _BY_SCHEMA.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    validator = _validator(json.dumps(schema, sort_keys=True))
    if len(_BY_SCHEMA) >= 512:
        _BY_SCHEMA.clear()
    _BY_SCHEMA[id(schema)] = (schema, validator)
    return validator


def validate(schema: dict[str, Any] | None, data: dict[str, Any], *, where: str) -> None:
    """Raise ``InvalidTaskData`` listing every field problem; ``where`` names the form."""
    if schema is None:
        return
    validator = _validator_of(schema)
    problems = []
    for error in sorted(_leaf_errors(validator.iter_errors(data)),
                        key=lambda e: [str(p) for p in e.absolute_path]):
        path = [*error.absolute_path, *_missing(error)]
        problems.append(Problem(_message(error, schema, path),
                                pointer="/data" + "".join(f"/{p}" for p in path),
                                extra={"rule": str(error.validator)}))
    if problems:
        shown = "；".join(dict.fromkeys(problem.message for problem in problems[:3]))
        raise InvalidTaskData(f"{where}有 {len(problems)} 处需要修改：{shown}",
                              problems=problems)


def _leaf_errors(errors: Any) -> list[Any]:
    """The errors a person can act on: an ``if``/``then`` that failed is told by the error
    inside it, and the per-option errors of a choice by the choice itself."""
    return [error for error in errors if error.validator not in ("if", "then", "else")]


def _missing(error: Any) -> list[str]:
    """Point at the missing field itself for ``required`` errors, not at its parent.

    jsonschema gives one error per missing field, each carrying the whole ``required`` list;
    the field it is about is the one its message names (``'class_name' is a required ...``).
    """
    if error.validator != "required":
        return []
    missing = [name for name in error.validator_value if name not in (error.instance or {})]
    named = [name for name in missing if str(error.message).startswith(f"{name!r} ")]
    return named[:1] or missing[:1]


def _field(schema: dict[str, Any], path: list[Any]) -> tuple[dict[str, Any], str]:
    """The schema of the field at ``path`` and its title (the field's name without one)."""
    node: Any = schema
    title: str | None = None
    for part in path:
        properties = node.get("properties") if isinstance(node, dict) else None
        if isinstance(properties, dict) and part in properties:
            node = properties[part]
            title = node.get("title") if isinstance(node, dict) else None
            title = title if isinstance(title, str) else str(part)
        elif isinstance(node, dict) and isinstance(node.get("items"), dict):
            node = node["items"]
            # An item of a list is named by its list and its place ("证明材料第 2 项").
            position = f"第 {part + 1} 项" if isinstance(part, int) else str(part)
            title = f"{title}{position}" if title else position
        else:
            node = {}
            title = str(part)
    node = node if isinstance(node, dict) else {}
    return node, title or "表单"


def _message(error: Any, schema: dict[str, Any], path: list[Any]) -> str:
    """What to do, in Chinese, naming the field ("请填写审批意见", "请选择是否同意").

    A custom format says why the value fails (e.g. which check digit was expected).
    """
    rule, limit = error.validator, error.validator_value
    if rule == "format" and limit in CUSTOM_FORMAT_PROBLEMS:
        reason = CUSTOM_FORMAT_PROBLEMS[limit](error.instance)
        if reason:
            return str(reason)
    field, title = _field(schema, path)
    choice = field.get("type") == "boolean" or "oneOf" in field or "enum" in field
    if rule == "required" or (rule == "minLength" and limit <= 1) or (
            rule == "pattern" and limit == "\\S"):
        return f"请选择{title}" if choice else f"请填写{title}"
    if rule in ("oneOf", "enum", "const", "anyOf"):
        return f"请选择{title}（所填不是可选的值）"
    if rule == "additionalProperties":
        extra = sorted(set(error.instance or {}) - set(schema_properties(error.schema)))
        # Fields the server works out itself say so (``"x-computed": {"days": "…"}``).
        found = schema.get(COMPUTED)
        computed: dict[str, Any] = found if isinstance(found, dict) else {}
        reasons = [str(computed[name]) for name in extra if name in computed]
        if reasons:
            return "；".join(reasons)
        return f"表单中没有这些项：{'、'.join(extra)}" if extra else "表单中有多余的项"
    if rule == "type":
        kinds = {"number": "数字", "integer": "整数", "string": "文字", "boolean": "是或否",
                 "array": "列表", "object": "一组内容"}
        wanted = "或".join(kinds.get(kind, str(kind)) for kind in
                          (limit if isinstance(limit, list) else [limit]))
        sent = json.dumps(error.instance, ensure_ascii=False)
        sent = sent if len(sent) <= 40 else sent[:37] + "…"
        return f"{title}应填写{wanted}，收到的是 {sent}"
    simple = {
        "minLength": f"{title}至少 {limit} 个字", "maxLength": f"{title}最多 {limit} 个字",
        "minimum": f"{title}不能小于 {limit}", "maximum": f"{title}不能大于 {limit}",
        "exclusiveMinimum": f"{title}须大于 {limit}", "exclusiveMaximum": f"{title}须小于 {limit}",
        "multipleOf": f"{title}请以 {limit} 为单位填写",
        "format": f"{title}的格式不对", "pattern": f"{title}的格式不对",
        "minItems": f"{title}至少 {limit} 项", "maxItems": f"{title}最多 {limit} 项",
    }
    return simple.get(rule, f"{title}：{error.message}")


def schema_properties(schema: Any) -> list[str]:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return list(properties) if isinstance(properties, dict) else []

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


def validate(schema: dict[str, Any] | None, data: dict[str, Any], *, where: str) -> None:
    """Raise ``InvalidTaskData`` listing every field problem; ``where`` names the form."""
    if schema is None:
        return
    validator = _validator(json.dumps(schema, sort_keys=True))
    problems = [
        Problem(_message(error), pointer="/data" + "".join(f"/{p}" for p in error.absolute_path)
                + _missing_suffix(error), extra={"rule": str(error.validator)})
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise InvalidTaskData(f"{len(problems)} problem(s) in the data for {where}",
                              problems=problems)


def _missing_suffix(error: Any) -> str:
    """Point at the missing field itself for ``required`` errors, not at its parent."""
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        if missing:
            return f"/{missing[0]}"
    return ""


def _message(error: Any) -> str:
    """A custom format says why the value fails (e.g. which check digit was expected)."""
    if error.validator == "format" and error.validator_value in CUSTOM_FORMAT_PROBLEMS:
        reason = CUSTOM_FORMAT_PROBLEMS[error.validator_value](error.instance)
        if reason:
            return reason
    return error.message

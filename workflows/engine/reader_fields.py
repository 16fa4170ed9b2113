"""Which process data the applicant may read, declared on the diagram's start event.

``applicantReads`` lists the data fields the person who started the case may always read;
``applicantReadsWhen`` adds fields once a data flag is true, groups separated by ``;``:

    <spiffworkflow:property name="applicantReads" value="applicant_name, occupation, level" />
    <spiffworkflow:property name="applicantReadsWhen"
        value="results_published: theory_score, practical_score, result" />

A diagram that declares neither keeps its data open to the applicant (the leave process).
Enforced by ``workflows/instances/visibility.py`` wherever the API hands out case data.
"""

from __future__ import annotations

import re
from typing import Any

ALWAYS_PROPERTY = "applicantReads"
WHEN_PROPERTY = "applicantReadsWhen"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class InvalidReaderFields(ValueError):
    pass


def _names(text: str, where: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    for name in names:
        if not _NAME.match(name):
            raise InvalidReaderFields(f"{where}: '{name}' is not a data field name")
    return names


def parse_reader_fields(properties: dict[str, Any]) -> dict[str, Any] | None:
    """``{"always": [...], "when": {flag: [...]}}``, or None when nothing is declared."""
    always, when = properties.get(ALWAYS_PROPERTY), properties.get(WHEN_PROPERTY)
    if not always and not when:
        return None
    groups: dict[str, list[str]] = {}
    for group in (when or "").split(";"):
        if not group.strip():
            continue
        flag, sep, fields = group.partition(":")
        if not sep or not _NAME.match(flag.strip()):
            raise InvalidReaderFields(
                f"{WHEN_PROPERTY}: '{group.strip()}' is not '<flag>: field, field'")
        groups.setdefault(flag.strip(), []).extend(_names(fields, WHEN_PROPERTY))
    return {"always": _names(always or "", ALWAYS_PROPERTY), "when": groups}

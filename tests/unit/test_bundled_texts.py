"""What the bundled processes tell people (process descriptions on the start page, form titles
and help texts) is written for them: no element ids, service or table names, true/false or
documentation paths."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from config.settings import PROJECT_ROOT

BPMN = PROJECT_ROOT / "bpmn"
MACHINE_TALK = re.compile(r"[a-z]+_[a-z_]+|\b(cert|certflow)\.[a-z_]+|\.md\b|\.dmn\b|"
                          r"\b(true|false)\b|separationOfDuties")


def _texts() -> list[tuple[str, str]]:
    found = []
    for path in sorted(BPMN.glob("*.bpmn")):
        root = etree.parse(str(path)).getroot()
        for doc in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}documentation"):
            if doc.getparent() is not None and doc.getparent().tag.endswith("}process"):
                found.append((path.name, doc.text or ""))
    for path in sorted((BPMN / "forms").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found.append((path.name, f"{schema.get('title', '')} {schema.get('description', '')}"))
        for name, prop in schema.get("properties", {}).items():
            found.append((f"{path.name}:{name}",
                          f"{prop.get('title', '')} {prop.get('description', '')}"))
    return found


@pytest.mark.parametrize(("where", "text"), _texts())
def test_texts_for_people_carry_no_machine_talk(where: str, text: str) -> None:
    assert not MACHINE_TALK.search(text), f"{where}: {MACHINE_TALK.search(text)}"

"""Find the files that belong with a BPMN diagram on disk (its DMN tables and form schemas)."""

from __future__ import annotations

import re
from pathlib import Path

_DECISION_REF = re.compile(r"calledDecisionId>\s*([^<\s]+)\s*<")
_FORM_REF = re.compile(r'name="formJsonSchemaFilename"\s+value="([^"]+)"')
_DECISION_ID = re.compile(r'<(?:\w+:)?decision\b[^>]*\bid="([^"]+)"')


def collect_bundle(bpmn_path: Path) -> dict[str, bytes]:
    """The BPMN file plus the DMN files (same folder) and forms (``forms/``) it references."""
    text = bpmn_path.read_text(encoding="utf-8")
    folder = bpmn_path.parent
    files = {bpmn_path.name: bpmn_path.read_bytes()}
    wanted = set(_DECISION_REF.findall(text))
    for dmn in sorted(folder.glob("*.dmn")):
        content = dmn.read_text(encoding="utf-8")
        if wanted & set(_DECISION_ID.findall(content)):
            files[dmn.name] = dmn.read_bytes()
    for form in sorted(set(_FORM_REF.findall(text))):
        path = folder / "forms" / form
        if path.exists():
            files[form] = path.read_bytes()
    return files


def bundled_diagrams(bpmn_dir: Path) -> list[Path]:
    """Every diagram shipped in ``bpmn/``, deployed at start-up of the demo."""
    return sorted(bpmn_dir.glob("*.bpmn"))

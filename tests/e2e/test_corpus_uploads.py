"""Real diagrams from modelling tools (BPMN MIWG suite): each deploys or is refused clearly.

Most of these models are descriptive, not executable. Each must either deploy (201) or be
refused with a 4xx problem document naming the file, the element and the reason — never a
5xx. Speed is measured by ``bench/corpus_uploads.py``, not asserted here.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from lxml import etree

from tests.api_client import ApiClient

# The corpus is shared by several checkouts, beside the repository (``../shared/corpus``), and
# is not part of it: a fresh clone has none. ``CERTFLOW_CORPUS`` names it explicitly, and then
# it must be there (CI sets it, so the corpus is never skipped silently).
REQUIRED = os.environ.get("CERTFLOW_CORPUS", "")
CORPUS = (Path(REQUIRED) if REQUIRED else
          Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bpmn-miwg")
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".bpmn", ".xml"))
CJK = re.compile(r"[\u4e00-\u9fff]")
RAW = re.compile(r"\w+(?:Error|Exception)\b|\{http|0x[0-9a-f]{6}")
MISSING = (f"the BPMN MIWG corpus is not at {CORPUS} (set CERTFLOW_CORPUS to its folder; "
           "`.ci/run` requires it)")


def test_the_corpus_is_there() -> None:
    if not FILES and not REQUIRED:
        pytest.skip(MISSING)
    assert len(FILES) >= 60, MISSING


@pytest.mark.skipif(not FILES, reason=MISSING)
@pytest.mark.parametrize("path", FILES or [None],
                         ids=[p.relative_to(CORPUS).as_posix() for p in FILES] or ["absent"])
def test_corpus_file_deploys_or_is_refused_with_a_located_reason(api: ApiClient,
                                                                 path: Path) -> None:
    name = path.name if path.suffix == ".bpmn" else path.stem + ".bpmn"
    response = api.deploy_files({name: path.read_bytes()})
    body = response.get_json()
    assert response.status_code < 500, body
    if response.status_code in (200, 201):
        assert body["bpmn_file"] == name and body["version"] >= 1
        source = api.get(f"/api/v1/definitions/{body['process_id']}/versions/"
                         f"{body['version']}/files/{name}", as_="admin")
        assert source.status_code == 200
        return
    assert response.status_code == 422, body
    assert response.mimetype == "application/problem+json"
    assert name in body["detail"], body["detail"]
    assert body["errors"], body
    ids = {element.get("id") for element in etree.fromstring(path.read_bytes()).iter()}
    for problem in body["errors"]:
        assert problem["file"] == name, problem
        # Chinese, with no library exception, qualified tag or memory address in it.
        assert CJK.search(problem["message"]) and not RAW.search(problem["message"]), problem
        assert problem.get("element_id") in ids, problem  # one real element the editor marks
    validated = api.post("/api/v1/definitions/validate", as_="admin", data={
        "files": [(io.BytesIO(path.read_bytes()), name)]}, content_type="multipart/form-data")
    assert validated.status_code == 422 and validated.get_json()["errors"] == body["errors"]

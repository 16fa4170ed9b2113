"""Helpers shared by several test modules."""

from __future__ import annotations

from pathlib import Path

from tests.api_client import ApiClient
from workflows.definitions.bundles import collect_bundle

ROOT = Path(__file__).resolve().parent.parent
LEAVE_BPMN = ROOT / "bpmn" / "leave_approval.bpmn"


def leave_bundle() -> dict[str, bytes]:
    return collect_bundle(LEAVE_BPMN)


def deploy_modified_leave(api: ApiClient) -> dict:
    """Deploy version 2 of leave approval (a renamed task) and return the response body."""
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        "班主任审批".encode(), "班主任审批（新）".encode(), 1)
    response = api.deploy_files(files)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2
    return response.get_json()

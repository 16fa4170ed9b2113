"""Scripts in uploaded diagrams run sandboxed: escapes fail the instance cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from xml.sax.saxutils import escape

import pytest

from tests.api_client import ApiClient
from tests.conftest import FIXTURES
from workflows.core.runtime import Runtime


def deploy_script(api: ApiClient, script: str) -> object:
    text = (FIXTURES / "script_then_task.bpmn").read_text(encoding="utf-8")
    bpmn = text.replace("SCRIPT_PLACEHOLDER", escape(script))
    return api.deploy_files({"script_then_task.bpmn": bpmn.encode()})


def test_a_harmless_script_runs(api: ApiClient) -> None:
    assert deploy_script(api, "total = sum([1, 2, 3])\nlabel = f'共{total}项'").status_code == 201
    response = api.start("script_then_task", as_="zhang")
    body = response.get_json()
    assert body["status"] == "running"
    assert body["data"]["total"] == 6 and body["data"]["label"] == "共6项"


@pytest.mark.parametrize("script", [
    "import os",
    "__import__('os').system('id')",
    "x = ().__class__.__bases__[0].__subclasses__()",
])
def test_obvious_escapes_are_refused_at_deploy_time(api: ApiClient, script: str) -> None:
    response = deploy_script(api, script)
    assert response.status_code == 422
    problem = response.get_json()["errors"][0]
    assert problem["element_id"] == "run_script"


@pytest.mark.parametrize(("script", "fragment"), [
    ("f = open('/etc/passwd')\ndata = f.read()", "open"),
    ("name = '__cla' + 'ss__'\nx = getattr(1, name)", "getattr"),
    ("while True:\n    pass", "time"),
    ("x = 10 ** 10 ** 10", ""),
])
def test_runtime_escapes_fail_the_instance_with_a_recorded_error(
        api: ApiClient, script: str, fragment: str) -> None:
    assert deploy_script(api, script).status_code == 201
    response = api.start("script_then_task", as_="zhang")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "failed"
    assert body["open_tasks"] == []
    error = body["error"]
    assert error["element_id"] == "run_script"
    assert fragment.lower() in error["message"].lower()
    events = api.events(body["id"])
    assert events[-1]["kind"] == "instance_failed"
    assert events[-1]["payload"]["error"]["element_id"] == "run_script"


@pytest.fixture()
def patient_scripts(runtime: Runtime) -> Iterator[None]:
    """A script limit long enough for 100,000 loop passes even on a busy machine, so what
    stops the script is the data check, not the clock."""
    saved = runtime.limits
    runtime.limits = replace(saved, script_time_limit_s=30.0)
    yield
    runtime.limits = saved


@pytest.mark.usefixtures("patient_scripts")
@pytest.mark.parametrize("script", [
    "x = []\nfor i in range(100000):\n    x = [x]",
    "x = {}\nfor i in range(100000):\n    x = {'a': x}",
    "x = []\nx.append(x)",
])
def test_data_nested_too_deep_or_in_a_cycle_is_a_clean_script_failure(
        api: ApiClient, script: str) -> None:
    assert deploy_script(api, script).status_code == 201
    response = api.start("script_then_task", as_="zhang")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "failed"
    assert body["error"]["element_id"] == "run_script"
    assert body["error"]["kind"] == "resource"
    assert api.instance(body["id"])["status"] == "failed"

"""The bulk task list filters on case data that other processes may shape differently."""

from __future__ import annotations

from types import SimpleNamespace

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from tests.e2e.matrix_scenes import incident


def test_a_level_filter_survives_cases_whose_level_is_not_a_number(api: ApiClient) -> None:
    steps.deploy_certification(api)
    case = steps.apply(api, "liuyang", level=5)
    incident(SimpleNamespace(api=api, ids={}))  # another process's instance: level "三级"
    [task] = api.instance(case["id"])["open_tasks"]
    query = {"task_name": task["task_name"], "level": 5}
    listed = api.get("/api/v1/batch/tasks", as_="sun", query_string=query)
    assert listed.status_code == 200, listed.get_json()  # was 500 on PostgreSQL
    assert [t["id"] for t in listed.get_json()["items"]] == [task["id"]]
    other = api.get("/api/v1/batch/tasks", as_="sun", query_string={**query, "level": 4})
    assert other.get_json()["items"] == []

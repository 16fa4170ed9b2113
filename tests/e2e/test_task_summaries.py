"""Summary fields: whoever decides a task sees who asks and what, on the inbox and the task."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.test_support import leave_bundle


def test_inbox_and_task_show_the_declared_summary(leave_api: ApiClient) -> None:
    proof = leave_api.uploaded("医院证明.pdf", b"%PDF-1.4\n%%EOF\n", as_="xiaoming")
    started = leave_api.start_leave(as_="xiaoming", key="SUM-1", days=1.5,
                                    leave_type="sick", reason="发烧就医", proof=[proof["id"]])
    assert started.status_code == 201, started.get_json()
    inbox = leave_api.inbox(as_="zhang")  # 1.5 days: the class teacher decides first
    [item] = [task for task in inbox["items"] if task["business_key"] == "SUM-1"]
    period = started.get_json()["data"]["period"]  # e.g. "2026-11-03 上午 至 2026-11-04 上午"
    expected = [{"label": "申请人", "value": "小明"}, {"label": "请假时间", "value": period},
                {"label": "请假天数（上课日）", "value": "1.5"},
                {"label": "请假类型", "value": "病假"}, {"label": "请假事由", "value": "发烧就医"}]
    assert item["summary"] == expected
    detail = leave_api.get(f"/api/v1/tasks/{item['id']}", as_="zhang").get_json()
    assert detail["summary"] == expected


def test_a_summary_field_without_a_label_is_a_deploy_problem(leave_api: ApiClient) -> None:
    files = leave_bundle()
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        "value=\"@applicant, @class, period=请假时间, days=请假天数（上课日）, leave_type, reason\""
        .encode(),
        b'value="@applicant, route"', 1)
    response = leave_api.deploy_files(files)
    assert response.status_code == 422, response.get_json()
    [problem] = [p for p in response.get_json()["errors"] if "route" in p["message"]]
    assert problem["element_id"] == "approve_class_teacher"
    # an explicit label makes it showable
    files["leave_approval.bpmn"] = files["leave_approval.bpmn"].replace(
        b'value="@applicant, route"', "value=\"@applicant, route=审批路径\"".encode(), 1)
    assert leave_api.deploy_files(files).status_code == 201

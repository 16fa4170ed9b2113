"""Personal data is masked in lists, error messages and logs, and shown where it is needed."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from tests.api_client import ApiClient

ID_NUMBER = "110101199003071234"
MASKED = "1101**********1234"


def test_a_422_that_echoes_an_id_number_shows_it_masked(leave_api: ApiClient) -> None:
    response = leave_api.start_leave(as_="xiaoming", sessions=ID_NUMBER,
                                     leave_type="personal", reason="x")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert ID_NUMBER not in text
    assert MASKED in text


def test_lists_mask_the_business_key_and_the_detail_shows_it(leave_api: ApiClient) -> None:
    started = leave_api.start_leave(as_="xiaoming", key=ID_NUMBER, days=1,
                                    leave_type="personal", reason="家中有事")
    assert started.status_code == 201
    instances = leave_api.get("/api/v1/instances", as_="xiaoming").get_json()["items"]
    assert [i["business_key"] for i in instances] == [MASKED]
    inbox = leave_api.inbox(as_="zhang")["items"]
    assert [t["business_key"] for t in inbox] == [MASKED]
    # Filtering by the full key still works, and the detail view shows it to those allowed.
    found = leave_api.get("/api/v1/instances", as_="zhang",
                          query_string={"business_key": ID_NUMBER}).get_json()
    assert found["total"] == 1
    assert leave_api.instance(started.get_json()["id"], as_="xiaoming")["business_key"] == \
        ID_NUMBER


def test_log_records_are_masked(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("certflow.anything").info("applicant %s, phone %s", ID_NUMBER,
                                                    "13812345678")
        logging.getLogger("some.library").warning(f"raw f-string {ID_NUMBER}")
    assert ID_NUMBER not in caplog.text and "13812345678" not in caplog.text
    assert MASKED in caplog.text and "138****5678" in caplog.text


def test_an_unhandled_error_is_logged_masked(app: Flask, leave_api: ApiClient,
                                             caplog: pytest.LogCaptureFixture,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from workflows.instances import lifecycle as instances

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"cannot list instances of {ID_NUMBER}")

    monkeypatch.setattr(instances, "list_instances", explode)
    with caplog.at_level(logging.ERROR):
        response = leave_api.get("/api/v1/instances", as_="admin")
    assert response.status_code == 500
    assert ID_NUMBER not in response.get_data(as_text=True)
    assert "RuntimeError" in caplog.text and MASKED in caplog.text
    assert ID_NUMBER not in caplog.text

"""Problems speak Chinese unless the client asks for English (``?lang=en`` or
``Accept-Language``), on every operation."""

from __future__ import annotations

from tests.api_client import ApiClient

MISSING = "/api/v1/definitions/no_such_process/versions/1"


def test_a_problem_is_chinese_by_default_and_english_on_request(api: ApiClient) -> None:
    chinese = api.get(MISSING, as_="admin")
    assert chinese.status_code == 404 and chinese.get_json()["title"] == "未找到"
    english = api.get(MISSING + "?lang=en", as_="admin")
    assert english.status_code == 404 and english.get_json()["title"] == "Not found"
    header = api.client.get(MISSING, headers={**api.headers("admin"),
                                              "Accept-Language": "en-GB,en;q=0.8"})
    assert header.get_json()["title"] == "Not found"
    chosen = api.client.get(MISSING + "?lang=zh", headers={**api.headers("admin"),
                                                           "Accept-Language": "en"})
    assert chosen.get_json()["title"] == "未找到"


def test_operations_with_a_query_schema_accept_the_language_parameter(api: ApiClient) -> None:
    listed = api.get("/api/v1/definitions?lang=en&all_versions=true", as_="admin")
    assert listed.status_code == 200 and listed.get_json() == [], listed.get_json()

"""Single sign-on (统一身份认证) against a real OpenID Connect provider on loopback: the provider's
own login page, the code exchange, the ID token checked, the person matched by 学号/工号, and the
refusals (not in the directory, no account, disabled), in Chinese."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api import create_app
from config import Settings
from tests.api_client import ApiClient
from tests.e2e.test_accounts import bearer, class_id
from tests.idp_support import Provider, running_provider, sign_in_at_provider
from workflows.core.runtime import runtime_of

CERTFLOW = "http://localhost"  # the test client's host
CALLBACK = f"{CERTFLOW}/api/v1/auth/sso/callback"
ACCOUNTS = [
    {"username": "stu", "password": "campus-pw-1", "claims": {"name": "林同学",
                                                             "employee_number": "S26SSO01"}},
    {"username": "ghost", "password": "campus-pw-2", "claims": {"name": "外校人",
                                                               "employee_number": "X99999"}},
    {"username": "fresh", "password": "campus-pw-3", "claims": {"name": "新同学",
                                                               "employee_number": "S26SSO02"}},
    {"username": "nonumber", "password": "campus-pw-4", "claims": {"name": "无学号"}},
]


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider(tmp_path_factory.mktemp("idp"), client_id="certflow",
                          client_secret=secrets.token_urlsafe(24), redirect_uris=[CALLBACK],
                          post_logout_redirect_uris=[f"{CERTFLOW}/"],
                          accounts=ACCOUNTS) as running:
        yield running


@pytest.fixture(scope="module")
def sso_app(settings: Settings, app: Flask, provider: Provider) -> Flask:
    """A second app on the suite's database, with the provider configured."""
    return create_app(settings.replace(
        oidc_issuer=provider.issuer, oidc_client_id=provider.client_id,
        oidc_client_secret=provider.client_secret, oidc_person_claim="employee_number",
        oidc_redirect_uri=CALLBACK))


@pytest.fixture()
def learner(api: ApiClient) -> dict[str, Any]:
    """林同学 (学号 S26SSO01) with an account, 新同学 (S26SSO02) without one."""
    cls = class_id(api, "机电2301")
    people = []
    for name, number in (("林同学", "S26SSO01"), ("新同学", "S26SSO02")):
        created = api.post("/api/v1/admin/people", as_="admin",
                           json={"name": name, "number": number, "class_id": cls})
        assert created.status_code == 201, created.get_json()
        people.append(created.get_json())
    opened = api.post("/api/v1/admin/accounts", as_="admin",
                      json={"person_ids": [people[0]["id"]]})
    assert opened.status_code == 201, opened.get_json()
    return {**people[0], "account": opened.get_json()["accounts"][0]}


def campus_sign_in(client: FlaskClient, username: str, password: str) -> Any:
    """The browser's round trip: certflow → the provider's login page → certflow's callback."""
    start = client.get("/api/v1/auth/sso/start")
    assert start.status_code == 302, start.get_data(as_text=True)
    _, back = sign_in_at_provider(start.headers["Location"], username=username,
                                  password=password, back_to=CERTFLOW)
    assert back is not None, "the provider did not send the browser back"
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}", headers={"Accept": "text/html"})


def token_of(answer: Any) -> str:
    assert answer.status_code == 302, answer.get_data(as_text=True)
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/sso"
    return parse_qs(location.fragment)["access_token"][0]


def test_the_sign_in_page_learns_the_button_only_when_a_provider_is_configured(
        api: ApiClient, sso_app: Flask) -> None:
    assert api.client.get("/api/v1/auth/sso").get_json() == {
        "enabled": False, "label": None, "start_url": None}
    off = api.client.get("/api/v1/auth/sso/start")
    assert off.status_code == 404 and "没有配置统一身份认证" in off.get_json()["detail"]
    assert sso_app.test_client().get("/api/v1/auth/sso").get_json() == {
        "enabled": True, "label": "统一身份认证", "start_url": "/api/v1/auth/sso/start"}


def test_a_learner_signs_in_through_the_campus_sign_on_by_their_student_number(
        learner: dict[str, Any], sso_app: Flask, provider: Provider) -> None:
    client = sso_app.test_client()
    token = token_of(campus_sign_in(client, "stu", "campus-pw-1"))
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.get_json()
    assert me.get_json()["username"] == learner["account"]["username"] == "S26SSO01"
    # The handed-over password was seen on the class teacher's sheet: after the campus sign-on
    # vouched for the learner it no longer works, and nothing forces a password change.
    assert me.get_json()["must_change_password"] is False
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200
    old = client.post("/api/v1/auth/token", json={
        "username": "S26SSO01", "password": learner["account"]["password"]})
    assert old.status_code == 401
    # Signing out: the token is revoked, then the browser signs out at the provider too.
    assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    out = client.get("/api/v1/auth/sso/logout")
    assert out.status_code == 302
    assert out.headers["Location"].startswith(f"{provider.issuer}/session/end?")


def test_a_wrong_password_at_the_provider_never_reaches_certflow(
        learner: dict[str, Any], sso_app: Flask) -> None:
    start = sso_app.test_client().get("/api/v1/auth/sso/start")
    answer, back = sign_in_at_provider(start.headers["Location"], username="stu",
                                       password="wrong", back_to=CERTFLOW)
    assert back is None and answer is not None
    assert answer.status_code == 401 and "账号或密码错误" in answer.text


@pytest.mark.parametrize(("username", "password", "says"), [
    ("ghost", "campus-pw-2", "学号/工号 X99999 不在本系统的人员名录中"),
    ("fresh", "campus-pw-3", "还没有可用的账号"),
    ("nonumber", "campus-pw-4", "没有提供学号/工号（声明 employee_number）"),
])
def test_people_certflow_cannot_match_are_refused_with_a_chinese_page(
        learner: dict[str, Any], sso_app: Flask, username: str, password: str,
        says: str) -> None:
    refused = campus_sign_in(sso_app.test_client(), username, password)
    assert refused.status_code == 403
    assert refused.mimetype == "text/html"
    page = refused.get_data(as_text=True)
    assert "统一身份认证登录被拒绝" in page and says in page and 'href="/signin"' in page


def test_a_client_asking_for_json_gets_the_refusal_as_problem_json(
        learner: dict[str, Any], sso_app: Flask) -> None:
    client = sso_app.test_client()
    start = client.get("/api/v1/auth/sso/start")
    _, back = sign_in_at_provider(start.headers["Location"], username="ghost",
                                  password="campus-pw-2", back_to=CERTFLOW)
    assert back is not None
    parts = urlsplit(back)
    refused = client.get(f"{parts.path}?{parts.query}", headers={"Accept": "application/json"})
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["title"] == "统一身份认证登录被拒绝" and "不在本系统的人员名录中" in body["detail"]


def test_where_turned_on_a_known_person_without_an_account_gets_one_at_the_first_sign_on(
        api: ApiClient, learner: dict[str, Any], sso_app: Flask) -> None:
    opening = create_app(runtime_of(sso_app).settings.replace(oidc_create_accounts=True))
    client = opening.test_client()
    token = token_of(campus_sign_in(client, "fresh", "campus-pw-3"))
    me = client.get("/api/v1/me", headers=bearer(token)).get_json()
    assert me["username"] == "S26SSO02" and me["display_name"] == "新同学"
    assert me["role"] == "applicant" and me["must_change_password"] is False
    history = api.get("/api/v1/directory/history", as_="admin").get_json()
    opened = [c for c in history["changes"] if c["kind"] == "account_added"
              and (c.get("after") or {}).get("by") == "统一身份认证"]
    assert len(opened) == 1 and opened[0]["after"]["username"] == "S26SSO02"
    # Still nobody unknown to the directory.
    assert campus_sign_in(client, "ghost", "campus-pw-2").status_code == 403


def test_a_disabled_person_cannot_sign_in_through_the_campus_sign_on(
        api: ApiClient, learner: dict[str, Any], sso_app: Flask) -> None:
    done = api.post(f"/api/v1/admin/people/{learner['id']}/disable", as_="admin")
    assert done.status_code == 200, done.get_json()
    refused = campus_sign_in(sso_app.test_client(), "stu", "campus-pw-1")
    assert refused.status_code == 403
    assert "已停用或离职" in refused.get_data(as_text=True)


def test_a_forged_or_replayed_callback_is_refused(
        learner: dict[str, Any], sso_app: Flask) -> None:
    client = sso_app.test_client()
    forged = client.get("/api/v1/auth/sso/callback?code=made-up&state=made-up",
                        headers={"Accept": "application/json"})
    assert forged.status_code == 401, forged.get_data(as_text=True)
    assert "统一身份认证登录未完成" in forged.get_json()["detail"]
    start = client.get("/api/v1/auth/sso/start")
    _, back = sign_in_at_provider(start.headers["Location"], username="stu",
                                  password="campus-pw-1", back_to=CERTFLOW)
    assert back is not None
    parts = urlsplit(back)
    token_of(client.get(f"{parts.path}?{parts.query}"))
    replayed = client.get(f"{parts.path}?{parts.query}", headers={"Accept": "application/json"})
    assert replayed.status_code == 401


def test_outside_the_demo_mode_the_demo_secret_and_a_remote_http_provider_are_refused(
        settings: Settings) -> None:
    from config.settings import DEMO_OIDC_CLIENT_SECRET, SettingsError

    with pytest.raises(SettingsError, match="demo's published secret"):
        settings.replace(oidc_issuer="https://sso.example.edu.cn", oidc_client_id="certflow",
                         oidc_client_secret=DEMO_OIDC_CLIENT_SECRET)
    with pytest.raises(SettingsError, match="must be an https:// URL"):
        settings.replace(oidc_issuer="http://sso.example.edu.cn", oidc_client_id="certflow",
                         oidc_client_secret="x" * 32)
    with pytest.raises(SettingsError, match="CERTFLOW_OIDC_CLIENT_SECRET must be set"):
        settings.replace(oidc_issuer="https://sso.example.edu.cn", oidc_client_id="certflow")
    demo = settings.replace(demo=True, oidc_issuer="http://sso.example.edu.cn",
                            oidc_client_id="certflow", oidc_client_secret=DEMO_OIDC_CLIENT_SECRET)
    assert demo.single_sign_on


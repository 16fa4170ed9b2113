"""Attachments cited by forms: checked against each field's rules, attached to the case by the
submission, readable by whoever may see the case and by nobody else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from config import Settings
from models import AuditAccessLog, db
from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from tests.test_support import leave_bundle
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import units_of

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "attachments"
PDF = (FILES / "diagnosis.pdf").read_bytes()
PNG = (FILES / "photo.png").read_bytes()


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def content(api: ApiClient, attachment_id: str, *, as_: str | None) -> Any:
    return api.get(f"/api/v1/attachments/{attachment_id}/content", as_=as_)


def access_rows(app: Flask) -> list[AuditAccessLog]:
    with app.app_context():
        try:
            return list(db.session.scalars(sa.select(AuditAccessLog).order_by(AuditAccessLog.id)))
        finally:
            db.session.remove()


def test_an_application_carries_its_documents_to_the_reviewer(cert_api: ApiClient,
                                                              app: Flask) -> None:
    api = cert_api
    photo = api.uploaded("身份证正面.png", PNG, as_="liuyang")
    scan = api.uploaded("学籍证明.pdf", PDF, as_="liuyang")
    case = steps.apply(api, "liuyang", documents=[photo["id"], scan["id"]])
    started = next(e for e in api.events(case["id"]) if e["kind"] == "instance_started")
    assert started["payload"]["attachments"] == [
        {"id": photo["id"], "field": "documents", "sha256": photo["sha256"], "size": len(PNG),
         "media_type": "image/png", "filename": "身份证正面.png"},
        {"id": scan["id"], "field": "documents", "sha256": scan["sha256"], "size": len(PDF),
         "media_type": "application/pdf", "filename": "学籍证明.pdf"}]

    steps.task(api, case["id"], "review_eligibility")  # waits on the eligibility reviewers
    answer = content(api, scan["id"], as_="sun")
    assert answer.status_code == 200 and answer.get_data() == PDF
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="attachment.pdf"')
    assert "filename*=UTF-8''%E5%AD%A6%E7%B1%8D" in answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.mimetype == "application/pdf"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    described = api.get(f"/api/v1/attachments/{photo['id']}", as_="sun").get_json()
    assert (described["filename"], described["attached"]) == ("身份证正面.png", True)
    assert content(api, photo["id"], as_="liuyang").get_data() == PNG
    assert content(api, photo["id"], as_="auditor").get_data() == PNG

    for outsider in ("chenjing", "zhang"):  # another applicant; staff of another group
        assert content(api, scan["id"], as_=outsider).status_code == 404
        assert api.get(f"/api/v1/attachments/{scan['id']}", as_=outsider).status_code == 404
    assert content(api, "x" * 32, as_="sun").status_code == 404
    assert content(api, scan["id"], as_=None).status_code == 401

    logged = [(row.role, row.action, row.instance_id) for row in access_rows(app)]
    assert logged == [("reviewer", "attachments.download", case["id"]),
                      ("reviewer", "attachments.describe", case["id"]),
                      ("auditor", "attachments.download", case["id"])]


def test_an_upload_not_yet_attached_is_its_uploaders_alone(api: ApiClient) -> None:
    upload = api.uploaded("证明.pdf", PDF, as_="xiaoming")
    assert content(api, upload["id"], as_="xiaoming").get_data() == PDF
    for other in ("xiaohong", "admin", "auditor", "zhang"):
        assert content(api, upload["id"], as_=other).status_code == 404


def strict_leave(api: ApiClient, **rules: Any) -> None:
    """The leave process with its proof field limited to ``rules`` (a school's own form)."""
    files = leave_bundle()
    form = json.loads(files["leave_request.schema.json"])
    form["properties"]["proof"]["x-attachment"] = rules
    files["leave_request.schema.json"] = json.dumps(form, ensure_ascii=False).encode()
    response = api.deploy_files(files)
    assert response.status_code == 201, response.get_json()


def pointers(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {e["pointer"]: e["message"] for e in response.get_json()["errors"]}


def sick_leave(api: ApiClient, proof: list[str], *, as_: str = "xiaoming") -> Any:
    return api.start_leave(as_=as_, days=1, leave_type="sick", reason="发烧就医",
                     proof=proof)


def test_each_cited_document_is_checked_against_its_fields_rules(
        api: ApiClient, runtime: Runtime, settings: Settings) -> None:
    strict_leave(api, accept=["application/pdf"], maxBytes=len(PDF))
    mine = api.uploaded("诊断书.pdf", PDF, as_="xiaoming")
    photo = api.uploaded("诊断书.png", PNG, as_="xiaoming")
    big = api.uploaded("大.pdf", PDF + b"%" * 10, as_="xiaoming")
    theirs = api.uploaded("别人的.pdf", PDF, as_="xiaohong")
    found = pointers(sick_leave(api, [mine["id"], photo["id"], big["id"], theirs["id"],
                                      "A" * 32]))
    assert set(found) == {"/data/proof/1", "/data/proof/2", "/data/proof/3", "/data/proof/4"}
    assert "此处只接受 PDF" in found["/data/proof/1"]
    assert "不能超过" in found["/data/proof/2"]
    assert "不属于你" in found["/data/proof/3"] and "不属于你" in found["/data/proof/4"]
    assert "/data/proof" in pointers(sick_leave(api, []))  # sick leave needs its proof
    # A malformed id is named by its list and its place, not by its index alone.
    assert pointers(sick_leave(api, ["../../etc/passwd"]))["/data/proof/0"] == \
        "证明材料第 1 项的格式不对"

    started = sick_leave(api, [mine["id"]])
    assert started.status_code == 201, started.get_json()
    # Attached to that case now: nobody can cite it for another.
    assert "/data/proof/0" in pointers(sick_leave(api, [mine["id"]]))


def test_a_case_holds_at_most_its_configured_total(leave_api: ApiClient, runtime: Runtime,
                                                   settings: Settings) -> None:
    api = leave_api
    first = api.uploaded("a.pdf", PDF, as_="xiaoming")
    second = api.uploaded("b.png", PNG, as_="xiaoming")
    runtime.settings = settings.replace(attachment_max_case_bytes=len(PDF) + len(PNG) - 1)
    try:
        response = api.start_leave(as_="xiaoming", days=1, leave_type="sick",
                             reason="发烧就医", proof=[first["id"], second["id"]])
        assert "合计不能超过" in pointers(response)["/data/proof"]
    finally:
        runtime.settings = settings
    assert sick_leave(api, [first["id"], second["id"]]).status_code == 201


def test_the_orphan_sweep_leaves_attached_documents_alone(
        leave_api: ApiClient, app: Flask, runtime: Runtime, settings: Settings,
        frozen_clock: FrozenClock) -> None:
    from worker import jobs

    proof = leave_api.uploaded("诊断书.pdf", PDF, as_="xiaoming")
    assert sick_leave(leave_api, [proof["id"]]).status_code == 201
    frozen_clock.advance(hours=48)
    with app.app_context():
        try:
            assert jobs.remove_orphan_attachments(units_of(runtime), settings) == {
                "removed": 0}
        finally:
            db.session.remove()
    assert content(leave_api, proof["id"], as_="zhang").get_data() == PDF

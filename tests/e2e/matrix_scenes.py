"""Scenes for the authorization matrix beyond one leave request: a certificate in the register,
an incident, an instance waiting for a message. Each fills ``scene.ids`` for a row's path.

A scene is anything with ``api`` (an ``ApiClient``) and ``ids`` (a dict), as
``tests/e2e/test_authorization_matrix.Scene``; setups write through the ordinary use cases,
except the certificate, which is put straight into the register: how it gets there (a whole
certification case) is not what the matrix tests.
"""

from __future__ import annotations

from typing import Any

from tests.api_client import business_key
from tests.background_support import FIXTURES
from workflows.core.unit_of_work import UnitOfWork

# The certificate the matrix reads: xiaoming's (the applicant's), 五级 电工.
HOLDER = "小明"


def _app(scene: Any) -> Any:
    return scene.api.client.application


def xiaomings_certificate(scene: Any) -> None:
    """A valid certificate held by xiaoming; its number in ``certificate_no``."""
    from models import User, db
    from workflows.certification import register as certificates
    from workflows.core.runtime import runtime_of

    app = _app(scene)
    with app.app_context():
        holder = db.session.query(User).filter_by(username="xiaoming").one().id
        uow = UnitOfWork(runtime_of(app))
        certificate, _ = certificates.issue(uow, certificates.NewCertificate(
            holder_name=HOLDER, id_number="32010220050312123X", occupation="电工", level=5,
            exam_session="2026-11-A01", scores={"theory_score": 80, "practical_score": 75},
            holder_user_id=holder), source_instance_id=None, business_key=None,
            now=uow.runtime.now())
        db.session.commit()
        scene.ids.update(certificate_no=certificate.certificate_no, holder_name=HOLDER)


def incident(scene: Any) -> None:
    """xiaoming starts a service call the registry refuses (or does not know): an incident."""
    deployed = scene.api.deploy_files(
        {"service_call.bpmn": (FIXTURES / "service_call.bpmn").read_bytes()})
    assert deployed.status_code in (200, 201), deployed.get_json()
    started = scene.api.start("service_call", as_="xiaoming", holder=HOLDER, level="三级")
    assert started.status_code == 201, started.get_json()
    listed = scene.api.get("/api/v1/incidents", as_="admin",
                           query_string={"instance_id": started.get_json()["id"]})
    [found] = listed.get_json()["items"]
    scene.ids.update(instance_id=started.get_json()["id"], incident_id=found["id"])


def waiting_for_objection(scene: Any) -> None:
    """xiaoming's public notice, waiting for the message ``objection`` (and its timer)."""
    deployed = scene.api.deploy_files(
        {"public_notice.bpmn": (FIXTURES / "public_notice.bpmn").read_bytes()})
    assert deployed.status_code in (200, 201), deployed.get_json()
    key = business_key("GS")
    started = scene.api.start("public_notice", as_="xiaoming", key=key)
    assert started.status_code == 201, started.get_json()
    instance_id = started.get_json()["id"]
    listed = scene.api.get("/api/v1/timers", as_="admin", query_string={"instance_id": instance_id})
    scene.ids.update(instance_id=instance_id, business_key=key,
                     timer_id=listed.get_json()[0]["id"])


PLAN: dict[str, Any] = {
    "code": "RZ-MATRIX", "title": "矩阵认定计划", "occupations": [{"occupation": "电工",
                                                              "levels": [5]}],
    "apply_from": "2026-01-01", "apply_until": "2026-12-31", "exam_mode": "closed_book",
    "exams": [{"part": "theory", "date": "2027-01-09", "venue": "实训楼"}]}


def published_plan(scene: Any) -> None:
    """A published 认定计划; its code in ``code``."""
    response = scene.api.post("/api/v1/plans", as_="admin", json=PLAN)
    assert response.status_code == 201, response.get_json()
    scene.ids.update(code=PLAN["code"])

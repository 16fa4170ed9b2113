"""Serve certflow for the browser tests: a fresh SQLite file, demo users, bundled processes.

Run by ``scripts/test-ui.sh``; not for production. The schema comes from the models
(``create_all``, as the Python tests do), so it never lags behind unreleased migrations.
Prints ``READY <port>`` (and writes the port to ``--port-file``) once it accepts connections.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, type=Path, help="SQLite file to create")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default=0, type=int, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    # A throw-away database for the browser tests: demo mode, random keys kept beside it.
    os.environ["CERTFLOW_DEMO"] = "1"
    from werkzeug.serving import make_server

    from api import create_app
    from api.context import unit_of_work
    from config import load_settings
    from models import Base, db
    from workflows.core.errors import InvalidDefinition
    from workflows.definitions.bundles import bundled_diagrams, collect_bundle
    from workflows.definitions.deploy import deploy_definition
    from workflows.identity.users import seed_users

    settings = load_settings()
    app = create_app(settings)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_users(settings.seed_file, uow=unit_of_work())
        for path in bundled_diagrams(settings.bpmn_dir):
            try:
                result = deploy_definition(collect_bundle(path), actor=None, uow=unit_of_work())
                print(f"deployed {result.definition.process_id} v{result.definition.version}",
                      flush=True)
            except InvalidDefinition as error:  # another team's diagram in progress
                print(f"skipped {path.name}: {error.detail}", flush=True)
        for line in seed_certificates():
            print(line, flush=True)
        db.session.remove()
    # Request lines would bury the failures the test script prints from this log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server(args.host, args.port, app, threaded=True)
    port = server.server_port
    if args.port_file:
        args.port_file.write_text(str(port))
    print(f"READY {port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


def _publish_plan() -> None:
    """The 认定计划 the seeded applications are made against (open for years)."""
    from datetime import date

    import sqlalchemy as sa

    from api.context import unit_of_work
    from models import User, db
    from workflows.certification import plans
    from workflows.identity.users import load_actor

    admin = db.session.scalar(sa.select(User.id).where(User.role == "admin").limit(1))
    if admin is not None:
        plans.open_plan_for_demo("UI-RZ", opens=date(2020, 1, 1), closes=date(2098, 12, 31),
                                 actor=load_actor(db.session, admin), uow=unit_of_work())


def seed_certificates() -> list[str]:
    """Two register entries for the public check (ui/e2e/06-public-verify.spec.ts): a valid
    certificate of 刘洋 and a revoked one of 陈静.

    Each is linked to a real, just-started certification application (the register's
    idempotency key is the source instance); the application's own steps are not played
    through, which the public check never looks at. Run inside an app context.
    """
    import sqlalchemy as sa

    from api.context import unit_of_work
    from models import User, db
    from workflows.certification import register as certificates
    from workflows.core.errors import CertflowError
    from workflows.core.id_numbers import check_character
    from workflows.identity.users import load_actor
    from workflows.instances.lifecycle import start_instance

    lines = []
    for username, name, class_name, revoked in (("liuyang", "刘洋", "机电2301", False),
                                                 ("chenjing", "陈静", "数控2302", True)):
        first17 = "320102" + "20050312" + ("123" if not revoked else "456")
        id_number = first17 + check_character(first17)
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
        if user_id is None:
            return [f"skipped certificates: no demo user {username}"]
        actor = load_actor(db.session, user_id)
        try:
            _publish_plan()
            case = start_instance("certification_application", business_key=f"UI-CERT-{username}",
                                  data={"plan_code": "UI-RZ", "applicant_name": name,
                                        "id_number": id_number,
                                        "occupation": "电工", "level": 5, "years_experience": 1.5,
                                        "prior_certificate_level": 0,
                                        "documents": ["doc://id-card", "doc://study-proof"],
                                        "applicant_type": "student", "school": "市职业技术学校",
                                        "class_name": class_name},
                                  actor=actor, uow=unit_of_work())
        except CertflowError as error:  # e.g. the diagram is not deployed (another team at work)
            return [f"skipped certificates: {error}"]
        with unit_of_work() as uow:
            now = uow.runtime.now()
            certificate, _ = certificates.issue(uow, certificates.NewCertificate(
                holder_name=name, id_number=id_number, occupation="电工", level=5,
                exam_session="2026-11-S01", scores={"theory": 78, "practical": 82},
                holder_user_id=user_id), source_instance_id=case.instance.id,
                business_key=f"UI-CERT-{username}", now=now)
            if revoked:
                certificates.revoke(uow, certificate.certificate_no,
                                    reason="经查证明材料系伪造", instance_id=None, now=now)
            lines.append(f"certificate {certificate.certificate_no} {name} "
                         f"{'revoked' if revoked else 'valid'}")
            uow.commit()
    return lines


if __name__ == "__main__":
    main()

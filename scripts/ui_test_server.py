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
    os.environ.setdefault("CERTFLOW_SECRET_KEY", "ui-test-secret-key-with-at-least-32-bytes")
    from werkzeug.serving import make_server

    from api import create_app
    from config import load_settings
    from models import Base, db
    from workflows.bundles import bundled_diagrams, collect_bundle
    from workflows.definitions import deploy_definition
    from workflows.errors import InvalidDefinition
    from workflows.unit_of_work import UnitOfWork
    from workflows.users import seed_users

    settings = load_settings()
    app = create_app(settings)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_users(settings.seed_file, uow=UnitOfWork())
        for path in bundled_diagrams(settings.bpmn_dir):
            try:
                result = deploy_definition(collect_bundle(path), actor=None, uow=UnitOfWork())
                print(f"deployed {result.definition.process_id} v{result.definition.version}",
                      flush=True)
            except InvalidDefinition as error:  # another team's diagram in progress
                print(f"skipped {path.name}: {error.detail}", flush=True)
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


if __name__ == "__main__":
    main()

"""Another API process on the test database: ``python -m tests.e2e.import_process <id>``
signs in as the administrator, starts the background confirmation of an import through its
own HTTP API, says ``started`` and then waits to be killed (the test kills it mid-import)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from api import create_app
from config import Settings
from tests.api_client import ApiClient


def main(import_id: int) -> None:
    settings = Settings(database_url=os.environ["DATABASE_URL"],
                        attachment_dir=Path(os.environ["CERTFLOW_ATTACHMENT_DIR"]),
                        secret_key=os.environ["CERTFLOW_SECRET_KEY"],
                        audit_signing_key=os.environ["CERTFLOW_AUDIT_SIGNING_KEY"],
                        password_time_cost=1, password_memory_cost_kib=1024)
    api = ApiClient(create_app(settings).test_client())
    started = api.post(f"/api/v1/directory/imports/{import_id}/confirm-job", as_="admin")
    print("started" if started.status_code == 202 else started.get_json(), flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(int(sys.argv[1]))

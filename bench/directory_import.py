"""How long a school's sheet takes to import: ``python -m bench.directory_import
[--db postgres] [--rows 2000]``.

In-process (Flask test client) on a fresh bench database with the demo users: a generated
``.xlsx`` of learners spread over the demo classes is uploaded (preview), confirmed, then
uploaded and confirmed again (every row unchanged). Each step is timed once; the result is
printed and written to ``bench/results/directory-import-<db>-<rows>.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.report import RESULTS
from bench.server import KEYS, database_url, prepare_database

CLASSES = ["机电2301", "数控2302", "电商2303", "汽修2304"]


def run(db: str, rows: int) -> dict[str, Any]:
    from api import create_app
    from config import Settings
    from tests.sheet_files import learner_rows, xlsx

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(db, Path(tmp))
        prepare_database(url)
        app = create_app(Settings(database_url=url, **KEYS))
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={
            "username": "admin", "password": "admin123"}).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        sheet = xlsx(learner_rows(rows, classes=CLASSES))
        timings: dict[str, float] = {}

        def step(name: str, method: str, path: str, **kwargs: Any) -> Any:
            started = time.perf_counter()
            response = client.open(path, method=method, headers=headers, **kwargs)
            timings[name] = round(time.perf_counter() - started, 3)
            if response.status_code >= 300:
                raise RuntimeError(f"{name}: {response.status_code} {response.get_json()}")
            return response.get_json()

        def upload(name: str) -> Any:
            return step(name, "POST", "/api/v1/directory/imports?kind=learners",
                        data={"file": (io.BytesIO(sheet), "learners.xlsx")},
                        content_type="multipart/form-data")

        first = upload("preview (all new)")
        step("confirm (all new)", "POST", f"/api/v1/directory/imports/{first['id']}/confirm")
        again = upload("preview (all unchanged)")
        step("confirm (all unchanged)", "POST",
             f"/api/v1/directory/imports/{again['id']}/confirm")
        return {"db": db, "rows": rows, "file_bytes": len(sheet), "seconds": timings}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args(argv)
    result = run(args.db, args.rows)
    print(f"directory import of {result['rows']} learners ({result['file_bytes']} bytes of "
          f".xlsx) on {result['db']}:")
    for name, seconds in result["seconds"].items():
        print(f"  {name:<26} {seconds:8.3f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"directory-import-{args.db}-{args.rows}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

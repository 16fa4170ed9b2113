"""Entry point: ``celery -A worker.main worker`` / ``beat``.

Builds only what a worker needs (``create_worker_app``: settings, database, runtime, Celery);
settings it must not start with end the process with the variables to set.
"""

import sys

from celery.signals import worker_process_init

from config import SettingsError, load_settings
from models import db
from worker.celery_app import create_worker_app

try:
    settings = load_settings()
except SettingsError as error:  # refuse to start, naming the variables to set
    sys.exit(str(error))

flask_app = create_worker_app(settings)
celery = flask_app.extensions["celery"]


@worker_process_init.connect
def _fresh_connections(**_: object) -> None:
    """A forked pool process must not reuse the parent's database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)

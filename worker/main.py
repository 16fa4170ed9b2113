"""Entry point: ``celery -A worker.main worker`` / ``beat`` build the app through create_app()."""

from celery.signals import worker_process_init

from api import create_app
from models import db

flask_app = create_app()
celery = flask_app.extensions["celery"]


@worker_process_init.connect
def _fresh_connections(**_: object) -> None:
    """A forked pool process must not reuse the parent's database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)

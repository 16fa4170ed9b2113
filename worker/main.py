"""Entry point: ``celery -A worker.main worker`` builds the app through create_app()."""

from api import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

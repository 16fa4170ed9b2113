"""WSGI entry point for gunicorn: ``gunicorn api.wsgi:app``.

Settings are validated here: a missing or unsafe key raises ``SettingsError`` naming the variable,
the worker fails to boot and gunicorn stops (exit status 3) instead of serving.
"""

from api import create_app

app = create_app()

"""Celery adapter: thin task functions that call workflows/ use cases by id."""

"""OpenAPI plumbing: problem responses documented once, multipart uploads with form fields, and
path ids bounded to the database's integer range.

Every error leaves as ``application/problem+json`` (``api/errors.py``); the document must say so
or clients (and schemathesis) see responses that break it. ``problems(404, 409)`` documents
such responses on a view; ``login_required`` adds 401/403 itself.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from copy import deepcopy
from typing import Any, TypeVar

import flask
import marshmallow as ma
from flask_smorest import Blueprint
from flask_smorest.spec.plugins import (
    integerconverter2paramschema,
    unicodeconverter2paramschema,
)
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from api.safe_json import UnsafeJson, load_request_json

F = TypeVar("F", bound=Callable[..., Any])

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problems(*statuses: int) -> Callable[[F], F]:
    """Document problem responses (by status) on a view; place it below the route decorator.

    Each status refers to the shared component response of that status (``NOT_FOUND``...),
    which ``CertflowApi`` registers with the problem schema and content type.
    """

    def decorate(view: F) -> F:
        doc = deepcopy(getattr(view, "_apidoc", {}))
        responses = doc.setdefault("response", {}).setdefault("responses", {})
        for status in statuses:
            responses.setdefault(status, []).append(http.HTTPStatus(status).name)
        view._apidoc = doc  # type: ignore[attr-defined]
        return view

    return decorate


class CertflowParser(FlaskParser):
    """webargs' Flask parser, with JSON bodies checked (``api/safe_json.py``) and a
    ``form_and_files`` location.

    ``form_and_files``: webargs reads files and form fields as separate locations, which
    flask-smorest documents as two request bodies (only one survives); a multipart upload with
    a ``process_id`` field needs both in one schema.
    """

    __location_map__ = {**FlaskParser.__location_map__,  # noqa: RUF012
                        "form_and_files": "load_form_and_files"}

    def load_form_and_files(self, req: flask.Request, schema: ma.Schema) -> Any:
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def _raw_load_json(self, req: flask.Request) -> Any:
        """The body through ``load_request_json``: what it refuses is a 422 naming why."""
        if not is_json_request(req):
            return missing
        try:
            return load_request_json(req.get_data(cache=True))
        except UnsafeJson as error:
            raise ma.ValidationError(str(error)) from None


class CertflowBlueprint(Blueprint):
    """flask-smorest's Blueprint with ``CertflowParser``; ``location="form_and_files"`` is
    documented as one multipart body."""

    ARGUMENTS_PARSER = CertflowParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {  # noqa: RUF012
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }


# The largest value of a 32-bit INTEGER column (PostgreSQL ``integer``): ids never exceed it.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """Flask's ``<int:...>`` capped at ``MAX_ID``: a larger id is "no such route" (404), not an
    integer overflow inside the database driver (500)."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


class TextConverter(UnicodeConverter):
    """Flask's default ``<name>`` converter without NUL characters: ``/definitions/%00/...``
    is "no such route" (404) rather than text PostgreSQL refuses (500)."""

    def __init__(self, map: Map, minlength: int = 1, maxlength: int | None = None,
                 length: int | None = None) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def install_safe_converters(app: flask.Flask, api: Any) -> None:
    """Bounded ``<int:...>`` and NUL-free ``<name>``; call before registering blueprints."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = TextConverter
    api.register_converter(BoundedIntConverter, integerconverter2paramschema)
    api.register_converter(TextConverter, unicodeconverter2paramschema)

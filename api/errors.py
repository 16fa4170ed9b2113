"""Every error leaves as ``application/problem+json``: what was wrong and where."""

from __future__ import annotations

import http
import logging
from typing import Any

from flask import Flask, Response
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from api.language import request_language
from api.masking import mask_text, mask_value
from api.openapi import PROBLEM_CONTENT_TYPE, CertflowBlueprint
from api.safe_json import encode_json
from api.schemas.common import ProblemSchema
from workflows.core.errors import (
    CertflowError,
    Conflict,
    FileTooLarge,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
    UnsupportedFileType,
)

log = logging.getLogger("certflow.api")

STATUS_BY_ERROR: list[tuple[type[CertflowError], int]] = [
    (NotAuthenticated, 401),
    (NotAllowed, 403),
    (NotFound, 404),
    (Conflict, 409),
    (FileTooLarge, 413),
    (UnsupportedFileType, 415),
    (InvalidInput, 422),
    (TooManyAttempts, 429),
]
# Headers an HTTP error carries that the client needs (405 Allow, 413/429/503 Retry-After).
_KEPT_HEADERS = ("Allow", "Retry-After")


def problem_body(status: int, title: str, detail: str,
                 errors: list[dict[str, Any]] | None = None, *, slug: str | None = None,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A problem document; detail and errors are masked, as they may echo personal data."""
    body: dict[str, Any] = {
        "type": f"https://certflow.dev/problems/{slug or status}",
        "title": title,
        "status": status,
        "detail": mask_text(detail),
    }
    if errors:
        body["errors"] = mask_value(errors)
    body.update(mask_value(extra or {}))  # extension members (RFC 9457), e.g. ``claimed_by``
    return body


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None,
            *, slug: str | None = None, extra: dict[str, Any] | None = None) -> Response:
    """A problem answer (``problem_body`` as ``application/problem+json``)."""
    body = problem_body(status, title, detail, errors, slug=slug, extra=extra)
    response = Response(encode_json(body), status=status, mimetype=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="certflow"'
    return response


def domain_problem(error: CertflowError) -> tuple[int, dict[str, Any]]:
    """The status and problem document of a domain error: the one rendering, whether it is
    the whole answer or one item's result in a batch."""
    # A bare ``CertflowError`` (a batch item that failed unexpectedly) is the server's fault.
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(error, cls)), 500)
    slug = "-".join(part.lower() for part in _split_camel(type(error).__name__))
    claimed_by = getattr(error, "claimed_by", None)
    lang = request_language()
    return status, problem_body(status, error.title_in(lang), error.detail_in(lang),
                                [p.to_dict(lang) for p in error.problems], slug=slug,
                                extra={"claimed_by": claimed_by} if claimed_by else None)


def _domain_error(error: CertflowError) -> Response:
    status, body = domain_problem(error)
    response = Response(encode_json(body), status=status, mimetype=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="certflow"'
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


def _split_camel(name: str) -> list[str]:
    parts, current = [], ""
    for char in name:
        if char.isupper() and current:
            parts.append(current)
            current = char
        else:
            current += char
    return [*parts, current]


def _flatten_messages(messages: Any, pointer: str = "") -> list[dict[str, Any]]:
    """Nested marshmallow messages -> a flat list of ``{pointer, message}``."""
    if isinstance(messages, dict):
        return [e for key, value in messages.items()
                for e in _flatten_messages(value, f"{pointer}/{key}")]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"pointer": pointer or "/", "message": m} for m in messages]
    if isinstance(messages, list):
        return [e for i, m in enumerate(messages) for e in _flatten_messages(m, f"{pointer}/{i}")]
    return [{"pointer": pointer or "/", "message": str(messages)}]


def _request_problems(messages: Any) -> list[dict[str, Any]]:
    """webargs keys messages by request location first (json, query, files...): drop it."""
    if isinstance(messages, dict) and set(messages) <= _LOCATIONS:
        return [e for value in messages.values() for e in _flatten_messages(value)]
    return _flatten_messages(messages)


_LOCATIONS = {"json", "query", "files", "form", "form_and_files", "headers", "path", "view_args"}


class CertflowApi(Api):
    """flask-smorest's Api, answering errors as problem documents (and documenting them so)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """One component response per HTTP status, all ``application/problem+json``."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Unexpected error", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)

    def _register_doc_blueprint(self) -> None:
        """flask-smorest's document blueprint (``/api/openapi.json``, the docs UI), built as a
        ``CertflowBlueprint`` like every other blueprint of the app."""
        prefix = self.config.get("OPENAPI_URL_PREFIX")
        if prefix is None:
            return
        # The import name locates flask-smorest's templates, as its own blueprint does.
        blueprint = CertflowBlueprint(self._make_doc_blueprint_name(), "flask_smorest.spec",
                                      url_prefix="/" + prefix.lstrip("/"),
                                      template_folder="./templates")
        json_path = self.config.get("OPENAPI_JSON_PATH", "openapi.json")
        blueprint.add_url_rule("/" + json_path.lstrip("/"), endpoint="openapi_json",
                               view_func=self._openapi_json)
        self._register_redoc_rule(blueprint)
        self._register_swagger_ui_rule(blueprint)
        self._register_rapidoc_rule(blueprint)
        self._app.register_blueprint(blueprint)

    def handle_http_exception(self, error: HTTPException) -> Response:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        messages = data.get("messages")
        if status == 422 and messages is not None:
            errors = _request_problems(messages)
            response = problem(422, "Invalid request", f"{len(errors)} problem(s) in the request",
                               errors, slug="invalid-request")
        elif status == 413:
            response = problem(413, "Upload too large",
                               "the request body exceeds the configured upload limit")
        else:
            response = problem(status, error.name, error.description or error.name)
        for name, value in error.get_headers():
            if name in _KEPT_HEADERS:
                response.headers[name] = value
        return response


def register_error_handlers(app: Flask, api: CertflowApi) -> None:
    app.register_error_handler(CertflowError, _domain_error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return api.handle_http_exception(error)
        log.exception("unhandled error")
        return problem(500, "Internal error",
                       "the server failed to handle this request; it has been logged")

"""Every error leaves as ``application/problem+json``: what was wrong and where."""

from __future__ import annotations

import http
import logging
from typing import Any

from flask import Flask, Response, json
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from api.masking import mask_text, mask_value
from api.openapi import PROBLEM_CONTENT_TYPE
from api.schemas.common import ProblemSchema
from workflows.core.errors import (
    CertflowError,
    Conflict,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
)

log = logging.getLogger("certflow.api")

STATUS_BY_ERROR: list[tuple[type[CertflowError], int]] = [
    (NotAuthenticated, 401),
    (NotAllowed, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
    (TooManyAttempts, 429),
]
# Headers an HTTP error carries that the client needs (405 Allow, 413/429/503 Retry-After).
_KEPT_HEADERS = ("Allow", "Retry-After")


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None,
            *, slug: str | None = None, extra: dict[str, Any] | None = None) -> Response:
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
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="certflow"'
    return response


def _domain_error(error: CertflowError) -> Response:
    status = next(code for cls, code in STATUS_BY_ERROR if isinstance(error, cls))
    slug = "-".join(part.lower() for part in _split_camel(type(error).__name__))
    claimed_by = getattr(error, "claimed_by", None)
    response = problem(status, error.title, error.detail, [p.to_dict() for p in error.problems],
                       slug=slug, extra={"claimed_by": claimed_by} if claimed_by else None)
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

"""Input classes that break naive JSON and text handling, put into any slot of a request.

The property-based run (``test_openapi_fuzz.py``) takes cases schemathesis generated from the
OpenAPI document and puts one of these into one slot: a path or query parameter, a multipart
form field or file name, or any node of a JSON body (including a new key of the top object).
JSON bodies are spliced as raw text, so the literals JSON forbids or Python cannot serialise
(``NaN``, ``1e400``, 10,000 levels of nesting) reach the server exactly as an attacker sends
them. An operation without any slot gets the value as an unexpected JSON body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from schemathesis.core import NotSet

_PLACEHOLDER = "@@hostile-input@@"


@dataclass(frozen=True)
class Hostile:
    """One input class: as a JSON literal, and as text (path, query, form)."""

    name: str
    json_literal: str
    text: bytes


HOSTILE = (
    Hostile("lone surrogate", '"a\\ud800b"', "a\ud800b".encode("utf-8", "surrogatepass")),
    Hostile("lone surrogate in a key", '{"k\\udfff": 1}', b"\xed\xbf\xbf"),
    Hostile("NaN", "NaN", b"NaN"),
    Hostile("Infinity", "-Infinity", b"Infinity"),
    Hostile("1e400", "1e400", b"1e400"),
    Hostile("401 digits", "1" + "0" * 400, b"1" + b"0" * 400),
    Hostile("5,000 digits", "9" * 5000, b"9" * 5000),
    Hostile("nested 10,000 deep", "[" * 10_000 + "]" * 10_000, b"[" * 10_000),
)


@dataclass(frozen=True)
class Slot:
    location: str  # path, query, form, filename, body, unexpected-body
    name: str | tuple[Any, ...]


def slots(case: Any) -> list[Slot]:
    """Every place of the request a hostile value can go."""
    operation = case.operation
    found = [Slot(p.location.value, p.name) for p in operation.iter_parameters()
             if p.location.value in ("path", "query")]
    body = case.body
    if isinstance(body, NotSet) or body is None:
        if not any(slot.location == "path" for slot in found) and not operation.body:
            found.append(Slot("unexpected-body", ()))
        elif operation.body:
            found.append(Slot("body", ()))
        return found
    if case.media_type == "multipart/form-data":
        names = {name for name in body if not isinstance(body[name], list)} | {"process_id"}
        found += [Slot("form", name) for name in sorted(names)]
        found += [Slot("filename", index) for index, _ in enumerate(body.get("files", []))]
        return found
    found += [Slot("body", path) for path in _json_paths(body)]
    if isinstance(body, dict):
        found.append(Slot("body", ("extra",)))
    return found


def _json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _json_paths(item, (*prefix, index))
    return paths


def request_for(case: Any, slot: Slot, hostile: Hostile) -> dict[str, Any]:
    """Keyword arguments for ``FlaskClient.open``: the case with ``hostile`` in ``slot``."""
    path_values = {name: str(value).encode() if not isinstance(value, bool) else
                   str(value).lower().encode() for name, value in case.path_parameters.items()}
    query = {name: value for name, value in (case.query or {}).items()}
    encoded_query = {name: _query_values(value) for name, value in query.items()}
    if slot.location == "path":
        path_values[str(slot.name)] = hostile.text
    elif slot.location == "query":
        encoded_query[str(slot.name)] = [hostile.text]
    path = re.sub(r"{([^}]+)}", lambda m: quote(path_values.get(m.group(1), b"1"), safe=""),
                  case.operation.path)
    kwargs: dict[str, Any] = {
        "method": case.method.upper(), "path": path,
        "query_string": "&".join(f"{quote(name)}={quote(value, safe='')}"
                                 for name, values in encoded_query.items() for value in values),
    }
    body = case.body
    if slot.location in ("form", "filename"):
        kwargs["data"], kwargs["content_type"] = _multipart(body, slot, hostile)
    elif slot.location in ("body", "unexpected-body"):
        kwargs["data"] = _splice(None if isinstance(body, NotSet) else body, slot.name, hostile)
        kwargs["content_type"] = "application/json"
    elif case.media_type == "multipart/form-data" and not isinstance(body, NotSet):
        kwargs["data"], kwargs["content_type"] = _multipart(body, None, hostile)
    elif not isinstance(body, NotSet) and body is not None:
        kwargs["data"] = json.dumps(body).encode()
        kwargs["content_type"] = case.media_type or "application/json"
    return kwargs


def _query_values(value: Any) -> list[bytes]:
    items = value if isinstance(value, list) else [value]
    return [(str(item).lower() if isinstance(item, bool) else str(item)).encode()
            for item in items]


def _splice(body: Any, path: tuple[Any, ...], hostile: Hostile) -> bytes:
    """``body`` as JSON text with the node at ``path`` replaced by the hostile literal."""
    if not path:
        return hostile.json_literal.encode()
    text = json.dumps(_copy_with(body, path, _PLACEHOLDER), ensure_ascii=True)
    return text.replace(f'"{_PLACEHOLDER}"', hostile.json_literal, 1).encode()


def _copy_with(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``node`` with ``value`` at ``path`` (a new key where the dict has none)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _copy_with(node.get(head), rest, value)}
    copied = list(node)
    copied[head] = _copy_with(node[head], rest, value)
    return copied


def _multipart(body: dict[str, Any], slot: Slot | None, hostile: Hostile) -> tuple[bytes, str]:
    """A multipart body built by hand, so the hostile bytes go through unchanged."""
    boundary = "hostile-input-boundary"
    parts: list[bytes] = []
    fields = {name: value for name, value in body.items() if not isinstance(value, list)}
    if slot is not None and slot.location == "form":
        fields[str(slot.name)] = hostile.text
    for name, value in fields.items():
        data = value if isinstance(value, bytes) else str(value).encode()
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + data + b"\r\n")
    for index, item in enumerate(body.get("files", [])):
        data = getattr(item, "data", item)
        data = data if isinstance(data, bytes) else str(data).encode()
        filename = (hostile.text + b".bpmn" if slot is not None and slot.location == "filename"
                    and slot.name == index else f"f{index}.bpmn".encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                     .encode() + b'filename="' + filename + b'"\r\n'
                     b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"

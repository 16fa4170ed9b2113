"""The registry of Python functions a BPMN service task may call, by name, with declared inputs.

A diagram names an operation (``spiffworkflow:serviceTaskOperator id="certflow.notify"``) and
passes parameters as expressions; it never carries code. Each function declares its parameters
(name -> type, required or with a default), so a call with a wrong or missing input is refused
before the function runs — and such a refusal is permanent (no retry), unlike a failure of the
function itself, which the worker retries with backoff.

Functions do not write to the database: they return a JSON result (stored in the task's result
variable) and record effects on the ``ServiceContext`` (e.g. notifications), which certflow
applies in the same transaction that completes the task. A failed call therefore leaves nothing
behind, and a function's external side effects should be idempotent (a call can be retried).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list,),
    "dict": (dict,), "any": (object,),
}
_MISSING = object()
# Modules whose import registers the built-in functions.
BUILTIN_MODULES = ("workflows.automation.notifications",
                   # the certification diagrams' register and appeal functions
                   "workflows.certification.services", "workflows.certification.appeals")


class ServiceCallRefused(Exception):
    """The call cannot succeed as written (unknown operation, bad inputs): no retry helps."""


class PermanentServiceError(Exception):
    """Raised by a function that knows retrying is pointless (e.g. a rejected request)."""


@dataclass(frozen=True)
class Param:
    type: str = "any"
    required: bool = True
    default: Any = None
    description: str = ""


@dataclass(frozen=True)
class ServiceFunction:
    name: str
    fn: Callable[..., Any]
    params: dict[str, Param]
    description: str = ""


@dataclass
class ServiceContext:
    """What a function may know about its call, and where it records effects."""

    instance_id: int
    process_id: str
    business_key: str
    task_name: str
    now: datetime
    attempt: int
    effects: list[dict[str, Any]] = field(default_factory=list)

    def add_effect(self, effect: str, **values: Any) -> None:
        """Something to store when the task completes (``effect`` names what, e.g.
        ``notification``); applied in the completing transaction, never on failure."""
        self.effects.append({"effect": effect, **values})


_registry: dict[str, ServiceFunction] = {}
_lock = threading.Lock()
_builtins_loaded = False


def service(name: str, *, params: dict[str, Param | str] | None = None,
            description: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(ctx, **params)`` under ``name``; a ``str`` param is a required type."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        declared = {k: Param(type=v) if isinstance(v, str) else v
                    for k, v in (params or {}).items()}
        for key, param in declared.items():
            if param.type not in _TYPES:
                raise ValueError(f"{name}: parameter {key} has unknown type {param.type!r}")
        with _lock:
            _registry[name] = ServiceFunction(name, fn, declared, description or
                                              (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return register


def unregister(name: str) -> None:
    with _lock:
        _registry.pop(name, None)


def get(name: str) -> ServiceFunction:
    _load_builtins()
    function = _registry.get(name)
    if function is None:
        raise ServiceCallRefused(f"no service function is registered as {name!r}")
    return function


def names() -> list[str]:
    _load_builtins()
    return sorted(_registry)


def bind(function: ServiceFunction, given: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments for a call, checked against the declaration."""
    unknown = sorted(set(given) - set(function.params))
    if unknown:
        raise ServiceCallRefused(f"{function.name}: unknown parameter(s) {', '.join(unknown)}")
    bound = {}
    for key, param in function.params.items():
        value = given.get(key, _MISSING)
        if value is _MISSING or value is None:
            if param.required:
                raise ServiceCallRefused(f"{function.name}: parameter {key!r} is required")
            bound[key] = param.default
            continue
        types = _TYPES[param.type]
        if not isinstance(value, types) or (param.type in ("int", "float")
                                            and isinstance(value, bool)):
            raise ServiceCallRefused(f"{function.name}: parameter {key!r} must be {param.type},"
                                     f" got {type(value).__name__}")
        bound[key] = value
    return bound


def load_modules(modules: tuple[str, ...] | list[str]) -> None:
    """Import a deployment's own modules of service functions (``CERTFLOW_SERVICE_MODULES``)."""
    for module in modules:
        importlib.import_module(module)


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        for module in BUILTIN_MODULES:
            importlib.import_module(module)
        _builtins_loaded = True

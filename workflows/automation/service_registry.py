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

from workflows.core.unit_of_work import UnitOfWorkFactory

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "list": (list,),
    "dict": (dict,), "any": (object,),
}
_MISSING = object()


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
    # Units of work of the calling runtime, for functions that read or keep a register.
    unit_of_work: UnitOfWorkFactory
    effects: list[dict[str, Any]] = field(default_factory=list)

    def add_effect(self, effect: str, **values: Any) -> None:
        """Something to store when the task completes (``effect`` names what, e.g.
        ``notification``); applied in the completing transaction, never on failure."""
        self.effects.append({"effect": effect, **values})


MARK = "__certflow_service__"


def service(name: str, *, params: dict[str, Param | str] | None = None,
            description: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``fn(ctx, **params)`` as the service function ``name``; a ``str`` param is a
    required type. Declaring registers nothing: each runtime's ``ServiceRegistry`` collects the
    declared functions of the modules it loads."""

    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        declared = {k: Param(type=v) if isinstance(v, str) else v
                    for k, v in (params or {}).items()}
        for key, param in declared.items():
            if param.type not in _TYPES:
                raise ValueError(f"{name}: parameter {key} has unknown type {param.type!r}")
        setattr(fn, MARK, ServiceFunction(name, fn, declared, description or
                                          (fn.__doc__ or "").strip().split("\n")[0]))
        return fn

    return declare


class ServiceRegistry:
    """The service functions one runtime may call: those declared in ``modules`` (certflow's
    own and a deployment's, setting ``service_modules``; ``workflows.bootstrap`` names them)."""

    def __init__(self, modules: tuple[str, ...] | list[str] = ()) -> None:
        self._functions: dict[str, ServiceFunction] = {}
        self._lock = threading.Lock()
        for module in modules:
            self.load_module(module)

    def load_module(self, name: str) -> None:
        """Add every function the module declares with ``@service``."""
        module = importlib.import_module(name)
        for value in vars(module).values():
            declared = getattr(value, MARK, None)
            if isinstance(declared, ServiceFunction):
                self.add(value)

    def add(self, fn: Callable[..., Any]) -> ServiceFunction:
        """Register a function declared with ``@service`` (a newer one replaces its name)."""
        declared: ServiceFunction = getattr(fn, MARK)
        with self._lock:
            self._functions[declared.name] = declared
        return declared

    def remove(self, name: str) -> None:
        with self._lock:
            self._functions.pop(name, None)

    def get(self, name: str) -> ServiceFunction:
        function = self._functions.get(name)
        if function is None:
            raise ServiceCallRefused(f"no service function is registered as {name!r}")
        return function

    def names(self) -> list[str]:
        return sorted(self._functions)


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

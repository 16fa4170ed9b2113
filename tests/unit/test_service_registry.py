"""The service registry refuses calls that cannot succeed before the function runs."""

from __future__ import annotations

import pytest

from workflows.automation import service_registry
from workflows.automation.service_registry import (
    Param,
    ServiceCallRefused,
    ServiceRegistry,
    bind,
)
from workflows.bootstrap import BUILTIN_SERVICE_MODULES


@pytest.fixture()
def function() -> service_registry.ServiceFunction:
    @service_registry.service("tests.registry_probe", params={
        "name": "str", "count": Param("int", required=False, default=1),
        "ratio": Param("float", required=False)})
    def probe(ctx: object, **kwargs: object) -> dict:
        """Probe."""
        return dict(kwargs)

    registry = ServiceRegistry()
    registry.add(probe)
    yield registry.get("tests.registry_probe")
    registry.remove("tests.registry_probe")


def test_declared_parameters_are_checked_and_defaults_filled(function) -> None:
    assert bind(function, {"name": "x"}) == {"name": "x", "count": 1, "ratio": None}
    assert bind(function, {"name": "x", "ratio": 2}) == {"name": "x", "count": 1, "ratio": 2}
    assert function.description == "Probe."


@pytest.mark.parametrize(("given", "message"), [
    ({}, "'name' is required"),
    ({"name": "x", "count": "2"}, "'count' must be int"),
    ({"name": "x", "count": True}, "'count' must be int"),
    ({"name": "x", "colour": "red"}, "unknown parameter(s) colour"),
])
def test_wrong_calls_are_refused(function, given: dict, message: str) -> None:
    with pytest.raises(ServiceCallRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        bind(function, given)


def test_builtins_are_registered_and_unknown_names_refused() -> None:
    registry = ServiceRegistry(BUILTIN_SERVICE_MODULES)
    assert {"certflow.notify", "certflow.remind_task"} <= set(registry.names())
    with pytest.raises(ServiceCallRefused, match="no service function"):
        registry.get("nope")
    with pytest.raises(ValueError, match="unknown type"):
        service_registry.service("tests.bad", params={"x": "uuid"})(lambda ctx: None)

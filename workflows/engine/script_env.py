"""The one restricted evaluator for every expression and script an uploaded diagram contains.

Script tasks, gateway conditions, DMN cells and timer expressions all reach Python through
SpiffWorkflow's script engine; ``make_script_engine`` returns one whose environment compiles
with RestrictedPython (``sandbox/policy.py``), runs with allow-listed names and attributes
(``sandbox/safe_builtins.py``, ``sandbox/namespace.py``), bounds operations that could blow
up inside C (``sandbox/guards.py``) and stops scripts that run too long or grow too big
(``sandbox/watchdog.py``). Uploaded code never reaches a raw ``eval``/``exec``.

Getting the details of a failure from the engine: SpiffWorkflow wraps every error in a
``WorkflowTaskException``; the engine returned here sets that exception's ``__cause__`` to the
original ``ScriptError``, so ``exc.__cause__.kind``, ``.message`` and ``.line`` are available
(``exc.line_number`` is SpiffWorkflow's own guess at the line and is 0 for compile errors).
SpiffWorkflow also calls ``environment.evaluate`` directly in a few places (message
correlation, ad-hoc completion conditions); those raise the ``ScriptError`` itself.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Callable
from typing import Any, TypeVar

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from workflows.core.runtime import RunContext
from workflows.engine.sandbox.errors import ErrorKind, ScriptError, script_line
from workflows.engine.sandbox.guards import MAX_DATA_UNITS, MAX_INT_DIGITS, data_units
from workflows.engine.sandbox.namespace import hooks
from workflows.engine.sandbox.policy import compile_source
from workflows.engine.sandbox.watchdog import run_limited

__all__ = ["RestrictedEnvironment", "ScriptError", "check_expression", "check_script",
           "make_script_engine"]

T = TypeVar("T")


def check_expression(source: str) -> ScriptError | None:
    """Deploy-time check of a condition or DMN cell: the refusal, or None if it compiles."""
    try:
        compile_source(source.strip(), "eval")
    except ScriptError as error:
        return error
    return None


def check_script(source: str) -> ScriptError | None:
    """Deploy-time check of a script task's code: the refusal, or None if it compiles."""
    try:
        compile_source(source, "exec")
    except ScriptError as error:
        return error
    return None


def _public(name: object) -> bool:
    return isinstance(name, str) and not name.startswith("_")


def _check_data(value: Any, what: str) -> None:
    if data_units(value, MAX_DATA_UNITS, stored=True) > MAX_DATA_UNITS:
        raise ScriptError("resource", f"The {what} is larger than the sandbox limit of "
                                      f"{MAX_DATA_UNITS:,} values and characters.")


def _describe(error: BaseException) -> str:
    if isinstance(error, decimal.DecimalException):
        return f"Decimal arithmetic failed ({type(error).__name__})."
    text = str(error).strip().split("\n")[0][:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _with_bounded_decimals(action: Callable[[], T]) -> T:
    # Decimal arithmetic is bounded by its context; keep exponents as small as ints may be.
    context = decimal.getcontext().copy()
    context.Emax, context.Emin = min(context.Emax, MAX_INT_DIGITS), max(context.Emin,
                                                                        -MAX_INT_DIGITS)
    with decimal.localcontext(context):
        return action()


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow environment with the same semantics as ``TaskDataEnvironment``, sandboxed.

    Differences a caller may notice: a failed script leaves ``context`` exactly as it was
    (scripts run on a deep copy that is written back only on success); expressions may not
    call methods that modify data; names starting with ``_`` in task data are invisible to
    scripts and never touched. ``environment_globals`` are trusted helpers added by the
    application (they must themselves be safe to call with untrusted arguments).
    """

    def __init__(self, environment_globals: dict[str, Any] | None = None, *,
                 time_limit_s: float = 1.0, memory_limit_mb: int | None = 256) -> None:
        super().__init__(environment_globals)
        if time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        self.time_limit_s = time_limit_s
        self.memory_limit_mb = memory_limit_mb

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        code = compile_source(expression.strip(), "eval")
        namespace = self._namespace(context, external_context or {}, read_only=True)

        def evaluate() -> Any:
            result = eval(code, namespace)
            _check_data(result, "expression's result")  # a walk: inside the time limit too
            return result

        return self._run(evaluate)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        external = external_context or {}
        clashes = (set(self.globals) | set(external)) & set(context)
        if clashes:
            raise ScriptError("runtime", "Task data overwrites predefined names; rename these "
                                         f"fields: {', '.join(sorted(clashes))}.")
        code = compile_source(script, "exec")

        def execute() -> dict[str, Any]:
            # Copying the data in and checking what is left are walks over all of it: they
            # count against the script's time limit like the script itself.
            data = copy.deepcopy({k: v for k, v in context.items() if _public(k)})
            namespace = self._namespace(data, external, read_only=False)
            exec(code, namespace)
            outputs = {k: v for k, v in namespace.items() if _public(k) and not callable(v)
                       and k not in external and k not in self.globals}
            _check_data(outputs, "data left by the script")
            return outputs

        outputs = self._run(execute)
        for key in [k for k in context if _public(k) and k not in outputs]:
            del context[key]
        context.update(outputs)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise ScriptError("forbidden", "Service tasks cannot call external services yet; they "
                                       "will go through the service registry.")

    def _namespace(self, data: dict[str, Any], external: dict[str, Any],
                   read_only: bool) -> dict[str, Any]:
        namespace = dict(self.globals)
        namespace.update((k, v) for k, v in external.items() if _public(k))
        namespace.update((k, v) for k, v in data.items() if _public(k))
        namespace.update(hooks(read_only))  # last: task data can never replace a guard
        return namespace

    def _run(self, action: Callable[[], T]) -> T:
        limit = self.memory_limit_mb * 2**20 if self.memory_limit_mb else None
        kind: ErrorKind
        failure: Exception
        try:
            return run_limited(lambda: _with_bounded_decimals(action),
                               time_limit_s=self.time_limit_s, memory_limit_bytes=limit)
        except ScriptError as error:
            if error.line is None:
                error.line = script_line(error.__traceback__)
            raise
        except RecursionError as error:
            kind, message, failure = "resource", "The script recursed too deeply.", error
        except MemoryError as error:
            kind, message, failure = "resource", "The script ran out of memory.", error
        except Exception as error:
            kind, message, failure = "runtime", _describe(error), error
        # Keep the script's frames so SpiffWorkflow can point at the failing line too.
        raise ScriptError(kind, message, script_line(failure.__traceback__)).with_traceback(
            failure.__traceback__) from None


class _SandboxedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine that chains the ScriptError as ``__cause__`` of the
    WorkflowTaskException it raises (SpiffWorkflow only leaves it in ``__context__``)."""

    def evaluate(self, task: Any, expression: str,
                 external_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except SpiffWorkflowException as error:
            _chain_cause(error)
            raise

    def execute(self, task: Any, script: str,
                external_context: dict[str, Any] | None = None) -> Any:
        try:
            return super().execute(task, script, external_context)
        except SpiffWorkflowException as error:
            _chain_cause(error)
            raise

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The base class's version refers to an undefined name when the call fails.
        try:
            return self.environment.call_service(task.data, **kwargs)
        except ScriptError as error:
            raise WorkflowTaskException(str(error), task=task, exception=error) from error


def _chain_cause(error: BaseException) -> None:
    cause = error.__cause__ or error.__context__
    while cause is not None and not isinstance(cause, ScriptError):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        error.__cause__ = cause


def make_script_engine(*, time_limit_s: float = 1.0,
                       context: RunContext | None = None) -> PythonScriptEngine:
    """The script engine every workflow must use: sandboxed, with a per-evaluation limit.

    On failure SpiffWorkflow raises WorkflowTaskException; ``exc.__cause__`` is the
    ScriptError with ``kind``, ``message`` and ``line``. ``context`` (its limit wins over
    ``time_limit_s``) travels with the engine to the timers, which read its clock and calendar.
    """
    context = context or RunContext(time_limit_s=time_limit_s)
    engine = _SandboxedScriptEngine(
        environment=RestrictedEnvironment(time_limit_s=context.time_limit_s))
    engine.certflow_context = context
    return engine

"""The script sandbox (workflows.engine.script_env): what scripts may do, and what they may not."""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException

from workflows.engine.sandbox.watchdog import WALL_BACKSTOP, _Job
from workflows.engine.script_env import (
    RestrictedEnvironment,
    ScriptError,
    check_expression,
    check_script,
    make_script_engine,
)

LIMIT_S = 0.5
ENV = RestrictedEnvironment(time_limit_s=LIMIT_S)
TRACE_AT_IMPORT = sys.gettrace()


def run(script: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    context = dict(data or {})
    assert ENV.execute(script, context) is True
    return context


def refusal(script: str, data: dict[str, Any] | None = None) -> ScriptError:
    with pytest.raises(ScriptError) as caught:
        ENV.execute(script, dict(data or {}))
    return caught.value


# --- allowed behaviour -------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "data", "expected"), [
    ("amount > 100 and status == 'open'", {"amount": 120, "status": "open"}, True),
    ("amount > 100", {"amount": 5}, False),
    ("name.strip().upper()", {"name": "  li  "}, "LI"),
    ("d.get('x', 0) + len(items)", {"d": {"x": 2}, "items": [1, 2, 3]}, 5),
    ("[s * 2 for s in scores if s > 1]", {"scores": [1, 2, 3]}, [4, 6]),
    ("{k: v for k, v in sorted(d.items())}", {"d": {"b": 1, "a": 2}}, {"a": 2, "b": 1}),
    ("(due - timedelta(days=3)).year", {"due": date(2024, 1, 2)}, 2023),
    ("datetime(2024, 1, 31) + timedelta(days=1)", {}, datetime(2024, 2, 1)),
    ("Decimal('0.1') + Decimal('0.2') == Decimal('0.3')", {}, True),
    ("f'{n:>5}|{ratio:.2f}|{when:%Y-%m}'", {"n": 7, "ratio": 0.5, "when": date(2024, 3, 1)},
     "    7|0.50|2024-03"),
    ("isinstance(items, list) and isinstance(total, (int, float))", {"items": [], "total": 1.5},
     True),
    ("min(scores), max(scores), sum(scores), sorted(scores, reverse=True)",
     {"scores": [3, 1, 2]}, (1, 3, 6, [3, 2, 1])),
    ("list(enumerate(zip('ab', range(2))))", {}, [(0, ("a", 0)), (1, ("b", 1))]),
    ("type == 'A' and input > 1", {"type": "A", "input": 2}, True),  # fields named like builtins
    ("2 ** 10 + (1 << 4) + 7 % 3", {}, 1041),
    ("len(range(10**12))", {}, 10**12),
])
def test_expressions_evaluate_over_task_data(expression: str, data: dict[str, Any],
                                             expected: Any) -> None:
    assert ENV.evaluate(expression, data) == expected


@pytest.mark.parametrize(("script", "data", "expected"), [
    ("total = amount * 2\nlabel = f'共{total}项'", {"amount": 3},
     {"amount": 3, "total": 6, "label": "共6项"}),
    ("n = 0\nwhile n < 10:\n    n += 1", {}, {"n": 10}),
    ("squares = {i: i * i for i in range(4)}\nevens = [i for i in range(6) if i % 2 == 0]", {},
     {"squares": {0: 0, 1: 1, 2: 4, 3: 9}, "evens": [0, 2, 4]}),
    ("def grade(s):\n    return 'pass' if s >= 60 else 'fail'\nresult = grade(score)",
     {"score": 70}, {"score": 70, "result": "pass"}),
    ("totals = {}\nfor k, v in rows:\n    totals[k] = totals.get(k, 0)\n    totals[k] += v",
     {"rows": [("a", 1), ("b", 2), ("a", 3)]},
     {"rows": [("a", 1), ("b", 2), ("a", 3)], "totals": {"a": 4, "b": 2}, "k": "a", "v": 3}),
    ("due = start + timedelta(days=30)\nweekday = due.weekday()", {"start": date(2024, 1, 1)},
     {"start": date(2024, 1, 1), "due": date(2024, 1, 31), "weekday": 2}),
    ("fee = (Decimal(price) * Decimal('1.13')).quantize(Decimal('0.01'))", {"price": "10"},
     {"price": "10", "fee": Decimal("11.30")}),
    ("del old\nnew = 1", {"old": 1}, {"new": 1}),
    ("a, *rest = [1, 2, 3]\nitems.append(4)", {"items": [1]},
     {"items": [1, 4], "a": 1, "rest": [2, 3]}),
    # A self-reference is fine while the script runs; it cannot be stored (see ESCAPES).
    ("x = []\nx.append(x)\nsize = len(x)\ndel x", {}, {"size": 1}),
    ("parsed = datetime.strptime('2024-02-03', '%Y-%m-%d').date()\ntoday = date.today()", {},
     None),
])
def test_scripts_assign_variables_into_task_data(script: str, data: dict[str, Any],
                                                 expected: dict[str, Any] | None) -> None:
    context = run(script, data)
    if expected is not None:
        assert context == expected
    assert not [k for k in context if k.startswith("_")]


def test_functions_builtins_and_helpers_do_not_leak_into_task_data() -> None:
    context = run("def helper(x):\n    return x + 1\nf = lambda y: y\nlen_ = len\n"
                  "value = helper(f(1))\nprint('debug')", {"keep": 1})
    assert context == {"keep": 1, "value": 2}


def test_print_output_is_discarded(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("print('secret')\nshown = printed") == {"shown": ""}
    assert capsys.readouterr().out == ""


def test_task_data_cannot_replace_the_guards() -> None:
    data = {"_getattr_": lambda obj, name: "pwned", "_binop_": lambda *a: 0, "name": "li"}
    assert ENV.evaluate("name.upper() + str(2 ** 3)", data) == "LI8"
    context = run("x = name.title()", data)
    assert context["x"] == "Li" and context["_getattr_"] is data["_getattr_"]


def test_expressions_cannot_modify_task_data() -> None:
    data = {"items": [1], "d": {}}
    for expression in ("items.append(2) or True", "d.update(a=1)", "items.sort()"):
        with pytest.raises(ScriptError) as caught:
            ENV.evaluate(expression, data)
        assert caught.value.kind == "forbidden"
    assert data == {"items": [1], "d": {}}


def test_a_failed_script_leaves_task_data_untouched() -> None:
    context = {"items": [1], "keep": "yes"}
    with pytest.raises(ScriptError) as caught:
        ENV.execute("items.append(2)\nnew = 1\nboom = 1 / 0", context)
    assert (caught.value.kind, caught.value.line) == ("runtime", 3)
    assert "ZeroDivisionError" in caught.value.message
    assert context == {"items": [1], "keep": "yes"}


# --- known escapes and attacks -------------------------------------------------------------------

GENERATOR_FINALISER_LOOP = "def g():\n    yield 1\nwhile True:\n    it = g()\n    for v in it:\n" \
                           "        break\n    it = None"
ESCAPES: list[tuple[str, str]] = [
    # imports and code execution
    ("import os", "forbidden"),
    ("from os import system", "forbidden"),
    ("__import__('os')", "forbidden"),
    ("open('/etc/passwd')", "forbidden"),
    ("eval('1')", "forbidden"),
    ("exec('x = 1')", "forbidden"),
    ("compile('1', 'f', 'eval')", "forbidden"),
    ("breakpoint()", "forbidden"),
    ("input()", "forbidden"),
    ("help()", "forbidden"),
    ("exit()", "forbidden"),
    ("quit()", "forbidden"),
    ("memoryview(b'abc')", "forbidden"),
    ("bytearray(10**10)", "forbidden"),
    # introspection walks
    ("().__class__.__bases__[0].__subclasses__()", "forbidden"),
    ("[].__class__.__mro__", "forbidden"),
    ("(lambda: 0).__globals__", "forbidden"),
    ("x = 1\ngetattr(x, '__class__')", "forbidden"),
    ("getattr(__builtins__, 'open')", "forbidden"),
    ("name = '__cla' + 'ss__'\ngetattr(1, name)", "forbidden"),
    ("vars()", "forbidden"),
    ("globals()", "forbidden"),
    ("locals()", "forbidden"),
    ("dir()", "forbidden"),
    ("type(1).__subclasses__", "forbidden"),
    ("type(1)", "forbidden"),
    ("datetime.mro()", "forbidden"),
    ("str.mro()", "forbidden"),
    ("x = _getattr_", "forbidden"),
    # format-string attribute walks
    ("'{0.__class__}'.format(1)", "forbidden"),
    ("'{0.__init__.__globals__}'.format(len)", "forbidden"),
    ("'{x.__class__}'.format_map({'x': 1})", "forbidden"),
    ("fmt = 'x'.format", "forbidden"),
    ("f'{(1).__class__}'", "forbidden"),
    ("'%*d' % (5, 1)", "forbidden"),
    # frames of generators, coroutines and tracebacks
    ("(x for x in [1]).gi_frame.f_globals", "forbidden"),
    ("(x for x in [1]).gi_code", "forbidden"),
    ("async def f():\n    pass\nf().cr_frame", "forbidden"),
    ("try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "forbidden"),
    ("try:\n    1 / 0\nexcept Exception as e:\n    e.with_traceback(None)", "forbidden"),
    # constructs that could swallow the watchdog's stop signal, or have no use here
    ("try:\n    pass\nexcept:\n    pass", "forbidden"),
    ("try:\n    pass\nfinally:\n    pass", "forbidden"),
    ("class A:\n    pass", "forbidden"),
    ("with x:\n    pass", "forbidden"),
    # memory and CPU bombs that run inside one C call
    ("10**10**10", "resource"),
    ("2**10**8", "resource"),
    ("x = 2\nx **= 10**9", "resource"),
    ("'a' * 10**10", "resource"),
    ("x = 'a'\nx *= 10**10", "resource"),
    ("[0] * 10**10", "resource"),
    ("1 << 10**10", "resource"),
    ("list(range(10**12))", "resource"),
    ("sum(range(10**12))", "resource"),
    ("sorted(range(10**12))", "resource"),
    ("[*range(10**12)]", "resource"),
    ("'a'.ljust(10**10)", "resource"),
    ("('a' * 1000).replace('', 'b' * 10**4)", "resource"),
    ("','.join(['a' * 1000] * 10**4)", "resource"),
    ("sum([[0] * 10**6] * 10**6, [])", "resource"),
    ("s = 'ab'\nfor i in range(64):\n    s = s + s", "resource"),
    ("l = [1]\nfor i in range(64):\n    l.extend(l)", "resource"),
    ("l = [1]\nfor i in range(64):\n    l += l", "resource"),
    ("l = [1]\nfor i in range(64):\n    l[len(l):] = l", "resource"),
    ("l = [1]\nfor i in range(64):\n    l = [*l, *l]", "resource"),
    ("s = 'a'\nfor i in range(64):\n    s = f'{s}{s}'", "resource"),
    ("f'{1:{10**9}}'", "resource"),
    ("'%0999999999d' % 1", "resource"),
    ("round(1, -10**9)", "resource"),
    ("(1).to_bytes(10**10, 'big')", "resource"),
    ("int(Decimal('1e999999999'))", "resource"),
    ("a = [1]\nfor i in range(100):\n    a = [a, a]\ntext = str(a)", "resource"),
    ("a = [1]\nfor i in range(100):\n    a = [a, a]", "resource"),  # too big to store
    ("def f():\n    return f()\nf()", "resource"),
    # data that cannot be stored: nested too deep
    ("x = []\nfor i in range(1000):\n    x = [x]", "resource"),
    ("x = {}\nfor i in range(1000):\n    x = {'a': x}", "resource"),
    ("x = []\nx.append(x)", "resource"),
    ("x = {}\nx['me'] = [x]", "resource"),
    # C calls whose cost grows faster than their input
    ("s = set([i * (2**61 - 1) for i in range(20000)])", "resource"),
    ("s = frozenset(i * (2**61 - 1) for i in range(20000))", "resource"),
    ("s = {i * (2**61 - 1) for i in range(20000)}", "resource"),
    ("d = {i * (2**61 - 1): 1 for i in range(20000)}", "resource"),
    ("d = dict.fromkeys([i * (2**61 - 1) for i in range(20000)])", "resource"),
    ("d = dict((i * (2**61 - 1), 1) for i in range(20000))", "resource"),
    ("s = set()\ns.update([i * (2**61 - 1) for i in range(20000)])", "resource"),
    ("s = {1}.union([i * (2**61 - 1) for i in range(20000)])", "resource"),
    ("l = [i * (2**61 - 1) for i in range(20000)]\ns = {*l}", "resource"),
    ("x = int.from_bytes(b'\\xff' * 10**6, 'big')", "resource"),
    ("x = int.from_bytes(b'\\xff' * 10**6, 'big') // 7", "resource"),
    ("x = int('f' * 10**6, 16)", "resource"),
    ("x = Decimal(2 ** 16000)", "resource"),
    ("x = Decimal('1' * 10**6)", "resource"),
    # loops the time limit must stop
    ("while True:\n    pass", "timeout"),
    ("for i in range(10**9):\n    pass", "timeout"),
    ("'a' in range(10**12)", "timeout"),
    ("any(v < 0 for v in range(10**12))", "timeout"),
    ("while True:\n    try:\n        while True:\n            pass\n    except Exception:\n"
     "        pass", "timeout"),
    ("def f():\n    return f()\ntry:\n    f()\nexcept RecursionError:\n    pass\n"
     "while True:\n    pass", "timeout"),
    (GENERATOR_FINALISER_LOOP, "timeout"),
]


@pytest.mark.parametrize(("script", "kind"), ESCAPES, ids=[s[:40] for s, _ in ESCAPES])
def test_escape_is_refused_and_the_process_is_unharmed(script: str, kind: str) -> None:
    trace_before = sys.gettrace()
    context: dict[str, Any] = {"keep": 1}
    with pytest.raises(ScriptError) as caught:
        ENV.execute(script, context)  # an escape that worked would never return
    error = caught.value
    assert error.kind == kind, error.message
    assert error.message and "Traceback" not in error.message
    assert context == {"keep": 1}
    assert sys.gettrace() is trace_before
    assert ENV.evaluate("sum([1, 2]) + len('ab')", {}) == 5  # the interpreter still works


def test_the_escape_table_is_long_enough_and_the_tracer_is_back() -> None:
    assert len(ESCAPES) >= 35
    assert sys.gettrace() is TRACE_AT_IMPORT


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_memory_growth_across_many_small_steps_is_stopped() -> None:
    env = RestrictedEnvironment(time_limit_s=600, memory_limit_mb=128)
    with pytest.raises(ScriptError) as caught:
        env.execute("keep = []\nwhile True:\n    keep.append(list(range(10**5)))", {})
    # The memory limit, not the (far) time limit, stopped it.
    assert caught.value.kind == "resource" and "MB" in caught.value.message


def test_the_time_limit_works_in_a_worker_thread() -> None:
    outcome: list[ScriptError] = []

    def worker() -> None:
        try:
            ENV.execute("while True:\n    pass", {})
        except ScriptError as error:
            outcome.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=WALL_BACKSTOP * LIMIT_S)  # the limit is CPU time: allow for a busy machine
    assert not thread.is_alive()
    assert [e.kind for e in outcome] == ["timeout"]
    assert "time limit" in outcome[0].message


def test_the_time_limit_counts_cpu_time_not_waiting() -> None:
    """A script waiting for a core on a busy machine is not overrunning; one computing is."""
    job = _Job(time.monotonic() + 60, None, cpu_limit=0.05)
    if job.cpu_clock is None:
        pytest.skip("this platform has no per-thread CPU clock; the limit is wall-clock time")
    time.sleep(0.2)  # four times the limit of wall-clock time, next to no CPU time
    assert not job.overran(time.monotonic())
    spent_from = time.thread_time()
    while time.thread_time() - spent_from < 0.1:
        pass
    assert job.overran(time.monotonic())
    assert _Job(time.monotonic() - 1, None, cpu_limit=60).overran(time.monotonic())  # backstop


def test_timeout_reports_where_the_script_was_stopped() -> None:
    error = refusal("a = 1\nwhile True:\n    a = 2")
    assert error.kind == "timeout" and error.line in (2, 3)


# --- deploy-time checks -------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "line"), [
    ("x = (\n1", 1),
    ("a = 1\nb = = 2", 2),
    ("if x\n    y = 1", 1),
    ("a = 1\nreturn a", 2),
])
def test_check_script_reports_syntax_errors_with_their_line(source: str, line: int) -> None:
    error = check_script(source)
    assert error is not None and (error.kind, error.line) == ("syntax", line)
    assert error.message.startswith("Syntax error")


@pytest.mark.parametrize(("source", "line", "fragment"), [
    ("import os", 1, "import"),
    ("x = 1\nfrom os import path", 2, "import"),
    ("ok = 1\ny = x.__class__", 2, "__class__"),
    ("__import__('os')", 1, "__import__"),
    ("exec('x = 1')", 1, "exec"),
    ("x = '{0}'.format(1)", 1, "format"),
    ("x = 1\ny = (v for v in [1]).gi_frame", 2, "gi_frame"),
    ("try:\n    pass\nexcept:\n    pass", 3, "except"),
    ("class A:\n    pass", 1, "class"),
])
def test_check_script_refuses_forbidden_constructs(source: str, line: int, fragment: str) -> None:
    error = check_script(source)
    assert error is not None and (error.kind, error.line) == ("forbidden", line)
    assert fragment in error.message.lower()


@pytest.mark.parametrize(("source", "kind"), [
    ("amount >", "syntax"),
    ("x.__class__", "forbidden"),
    ("'{0.__class__}'.format(x)", "forbidden"),
])
def test_check_expression_refuses_bad_conditions(source: str, kind: str) -> None:
    error = check_expression(source)
    assert error is not None and error.kind == kind


@pytest.mark.parametrize("source", [
    "  amount > 10  \n",
    "status in ('open', 'new') and len(items) > 0",
    "(dmninputexpr) == ('A')",
])
def test_check_expression_accepts_good_conditions(source: str) -> None:
    assert check_expression(source) is None


def test_unavailable_builtins_compile_but_are_refused_when_called() -> None:
    # A data field may legitimately be called "input" or "type": refuse the call, not the name.
    assert check_script("f = open('/etc/passwd')") is None
    error = refusal("f = open('/etc/passwd')")
    assert error.kind == "forbidden" and "'open'" in error.message


# --- SpiffWorkflow integration -------------------------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
                  targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:scriptTask id="script"><bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="low"/>
    <bpmn:sequenceFlow id="high" sourceRef="gw" targetRef="end_high">
      <bpmn:conditionExpression>CONDITION</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="low" sourceRef="gw" targetRef="end_low"/>
    <bpmn:endEvent id="end_high"/>
    <bpmn:endEvent id="end_low"/>
  </bpmn:process>
</bpmn:definitions>"""


def start_workflow(script: str, condition: str, data: dict[str, Any]) -> BpmnWorkflow:
    parser = BpmnParser()
    parser.add_bpmn_str(BPMN.replace("SCRIPT", escape(script))
                        .replace("CONDITION", escape(condition)).encode())
    workflow = BpmnWorkflow(parser.get_spec("p"), script_engine=make_script_engine(
        time_limit_s=LIMIT_S))
    for task in workflow.get_tasks():
        task.data.update(data)
    workflow.do_engine_steps()
    return workflow


def test_workflow_runs_scripts_and_conditions_in_the_sandbox() -> None:
    workflow = start_workflow("total = amount * 2", "total > 10", {"amount": 7})
    assert workflow.is_completed() and workflow.data["total"] == 14
    reached = {t.task_spec.bpmn_id for t in workflow.get_tasks() if t.task_spec.bpmn_id
               and t.task_spec.bpmn_id.startswith("end") and t.has_state(64)}
    assert reached == {"end_high"}


@pytest.mark.parametrize(("script", "condition", "kind", "line"), [
    ("a = 1\nb = 1 / 0", "True", "runtime", 2),
    ("a = 1\nwhile True:\n    pass", "True", "timeout", 2),
    ("x = 1", "x.__class__", "forbidden", 1),
    ("x = 1", "x >", "syntax", 1),
])
def test_engine_errors_carry_the_script_error_as_cause(script: str, condition: str, kind: str,
                                                       line: int) -> None:
    with pytest.raises(SpiffWorkflowException) as caught:
        start_workflow(script, condition, {})
    cause = caught.value.__cause__
    assert isinstance(cause, ScriptError)
    assert (cause.kind, cause.line) == (kind, line)


def test_service_calls_are_refused_for_now() -> None:
    with pytest.raises(ScriptError) as caught:
        ENV.call_service({}, operation_name="http")
    assert caught.value.kind == "forbidden"


def test_script_error_survives_pickling_and_prints_its_line() -> None:
    error = pickle.loads(pickle.dumps(ScriptError("runtime", "It failed.", 3)))
    assert (error.kind, error.message, error.line, str(error)) == (
        "runtime", "It failed.", 3, "It failed. (line 3)")


def test_task_data_may_not_shadow_application_helpers() -> None:
    env = RestrictedEnvironment({"lookup": lambda key: key.upper()})
    assert env.evaluate("lookup('a')", {}) == "A"
    with pytest.raises(ScriptError) as caught:
        env.execute("x = lookup('a')", {"lookup": "oops"})
    assert "lookup" in caught.value.message

"""How long a script bomb can hold the thread that runs it: ``python -m bench.script_bombs``.

Each bomb runs the way a request runs it: a deployed diagram started in a thread of this
process, through the engine facade, with the default 1-second script limit. The figure that
matters is the worst time a thread was held past that limit (the sandbox promises at most
100 ms: guards refuse work a C call cannot be interrupted in, the watchdog stops the rest).
Two bombs also run at once, as two requests would. Prints a table and the worst overrun.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from xml.sax.saxutils import escape

from workflows.core.runtime import RunContext
from workflows.engine import EngineFailure, Run, parse_bundle

LIMIT_S = 1.0
COLLIDING = "i * (2**61 - 1)"  # every multiple of the hash modulus hashes to 0
BOMBS: dict[str, tuple[str, str]] = {  # name: (script, gateway condition)
    "set of 60,000 colliding ints": (f"s = set([{COLLIDING} for i in range(60000)])", ""),
    "set comprehension, colliding": (f"s = {{{COLLIDING} for i in range(60000)}}", ""),
    "dict of colliding keys": (f"d = dict.fromkeys([{COLLIDING} for i in range(60000)])", ""),
    "set.add loop, colliding": (f"s = set()\nfor i in range(60000):\n    s.add({COLLIDING})",
                                ""),
    "// on int.from_bytes": ("x = int.from_bytes(b'\\xff' * 10**6, 'big') // 7", ""),
    "int('f' * 10**6, 16)": ("x = int('f' * 10**6, 16) // 7", ""),
    "Decimal of a huge int": ("x = Decimal(2 ** 16000)", ""),
    "largest allowed int division": ("a = (1 << 16000) - 1\nb = 3 ** 5000\nx = a // b\n"
                                     "y = a % b", ""),
    "int(Decimal) at the limit": ("x = int(Decimal('9' * 4999))", ""),
    "set of 100,000 ints": ("s = set(range(10**5))\nn = len(s)\ndel s", ""),
    "sort of 100,000 ints": ("l = list(range(10**5))\nx = len(sorted(l, reverse=True))\n"
                               "del l", ""),
    "data walked after the script": ("x = [list(range(10**5 - 10)) for _ in range(9)]", ""),
    "endless loop": ("while True:\n    pass", ""),
    "condition: colliding set": ("", f"len(set([{COLLIDING} for i in range(60000)])) > 0"),
    "condition: from_bytes //": ("", "int.from_bytes(b'\\xff' * 10**6, 'big') // 7 > 0"),
}

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="http://certflow.dev/bench">
  <bpmn:process id="bomb" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:scriptTask id="script"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="gate"/>
    <bpmn:exclusiveGateway id="gate" default="f4"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gate" targetRef="end">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gate" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def held(script: str, condition: str) -> tuple[float, str]:
    """Seconds the thread was held starting the diagram, and how the run ended."""
    bundle = parse_bundle({"bomb.bpmn": DIAGRAM.format(
        script=escape(script or "x = 1"), condition=escape(condition or "False")).encode()})
    context = RunContext(time_limit_s=LIMIT_S, run_time_limit_s=30.0)
    outcome: list[str] = []

    def request() -> None:
        run = Run.start(bundle.spec, bundle.subprocess_specs, {}, context=context)
        try:
            run.advance()
            outcome.append("completed")
        except EngineFailure as failure:
            outcome.append(f"{failure.kind}: {failure.message[:60]}")

    started = time.monotonic()
    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    return time.monotonic() - started, outcome[0] if outcome else "?"


def twice_at_once(script: str, condition: str) -> float:
    """Two bombs in two threads, as two requests: the longer hold."""
    results: list[float] = []
    threads = [threading.Thread(target=lambda: results.append(held(script, condition)[0]))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(results)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.script_bombs", description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    worst = 0.0
    print(f"{'bomb':34} {'held (s), median':>16} {'worst':>7}  outcome")
    for name, (script, condition) in BOMBS.items():
        times, outcome = [], ""
        for _ in range(args.repeat):
            elapsed, outcome = held(script, condition)
            times.append(elapsed)
        worst = max(worst, *times)
        print(f"{name:34} {statistics.median(times):16.3f} {max(times):7.3f}  {outcome}")
    pair = twice_at_once(*BOMBS["set of 60,000 colliding ints"])
    pair_loop = twice_at_once(*BOMBS["endless loop"])
    print(f"{'two bombs at once (set / loop)':34} {pair:16.3f} {pair_loop:7.3f}")
    worst = max(worst, pair, pair_loop)
    print(f"\nworst hold {worst:.3f} s; over the {LIMIT_S:g} s script limit by "
          f"{max(0.0, worst - LIMIT_S) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

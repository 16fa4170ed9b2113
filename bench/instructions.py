"""Instructions per whole leave, this checkout against another, under callgrind.

``python -m bench.instructions --vs ../other-checkout [--n 10]``: for each checkout,
``bench/leave_cpu.py`` (this checkout's copy, the other checkout's code) runs under
``valgrind --tool=callgrind`` with instrumentation off through start-up and warm-up, switched on
(``callgrind_control -i on``) for ``--n`` whole leaves on SQLite, then the process ends. The
count of executed instructions does not depend on how busy the machine is, so the ratio of two
checkouts holds on a shared machine where times do not. Prints a table and writes
``bench/results/instructions.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import RESULTS

HERE = Path(__file__).resolve().parents[1]


def instructions(checkout: Path, n: int, db: str = "sqlite") -> int:
    with tempfile.TemporaryDirectory(prefix="certflow-callgrind-") as tmp:
        handshake, out = Path(tmp) / "go", Path(tmp) / "callgrind.out"
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={out}", sys.executable, str(HERE / "bench/leave_cpu.py"),
             "--n", str(n), "--db", db, "--handshake", str(handshake)],
            cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ready = handshake.with_suffix(".ready")
        while not ready.exists():
            if process.poll() is not None:
                raise RuntimeError(f"bench/leave_cpu.py ended early in {checkout}")
            time.sleep(0.2)
        subprocess.run(["callgrind_control", "-i", "on", str(process.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        handshake.write_text("go")
        process.wait()
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no totals")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--vs", type=Path, required=True, help="the other checkout")
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite",
                        help="postgres: the bench database (BENCH_PG_URL); the API process only")
    args = parser.parse_args(argv)
    counts = {"this": instructions(HERE, args.n, args.db),
              "vs": instructions(args.vs.resolve(), args.n, args.db)}
    per = {name: count / args.n for name, count in counts.items()}
    print(f"{'checkout':10} {'instructions per whole leave':>30}")
    for name, value in per.items():
        print(f"{name:10} {value / 1e6:27.1f} M")
    print(f"{'vs / this':10} {per['vs'] / per['this']:29.2f}x")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("instructions.json" if args.db == "sqlite" else f"instructions-{args.db}.json")
    out.write_text(json.dumps({"n": args.n, "db": args.db, "vs": str(args.vs), "per_leave": per,
                               "ratio_vs_over_this": per["vs"] / per["this"]}, indent=2))
    print(f"written: {out}")


if __name__ == "__main__":
    main()

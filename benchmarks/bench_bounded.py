"""Bounded evaluation: checks whose numeric evaluation once ran for minutes, cold.

Run from the repository root::

    python benchmarks/bench_bounded.py            # three runs of each, the median shown
    python benchmarks/bench_bounded.py --quick    # one run of each
    python benchmarks/bench_bounded.py --strict   # exit 1 when a target or an exit code is missed

Each row is a cold subprocess ``python -m symderiv ...`` (import included); the columns
are the wall time and the CPU time of the child (user + system), so that a busy machine
shows as wall ≫ CPU.  Target: under 5 s of wall time each, cold.  Before the element-wise
engine evaluated its symbolic entries at fixed precision, the first row ran for more than
15 minutes (SymPy's adaptive N() of terms near e^(10⁶) at data up to 1000), the labelled
rows for about 10 s.  See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 5.0

LOGISTIC = "sum(log(1 + exp(-y * (X @ w))))"
CLAIM = "X.T @ diag(exp(y * (X @ w)) / (1 + exp(y * (X @ w)))**2) @ X"
CASES = [
    ("logistic Hessian, y real (fails)", 1,
     ["hessian", LOGISTIC, "--wrt", "w", "--let", "X: m x n; y: m; w: n", "--claim", CLAIM]),
    ("logistic Hessian, y ±1 (holds)", 0,
     ["hessian", LOGISTIC, "--wrt", "w", "--let", "X: m x n; y: m, entries in {-1, 1}; w: n",
      "--claim", CLAIM]),
    ("logistic Hessian, y binary (fails)", 1,
     ["hessian", LOGISTIC, "--wrt", "w", "--let", "X: m x n; y: m, binary; w: n",
      "--claim", CLAIM]),
    ("zero gradient of trace(inv(M) M)", 0,
     ["grad", "trace(inv(X.T @ C @ X) @ (X.T @ C @ X))", "--wrt", "X", "--let",
      "X: m x n; C: m x m", "--claim", "0"]),
    ("relu's derivative a.e. (holds)", 0,
     ["grad", "sum(relu(X @ w))", "--wrt", "w", "--let", "X: m x n; w: n", "--claim",
      "X.T @ heaviside(X @ w, 1)"]),
]


def run(argv: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of one cold run, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    code = subprocess.run([sys.executable, "-m", "symderiv", *argv], cwd=REPO_ROOT,
                          capture_output=True, check=False).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a miss")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, target < {TARGET_S:g} s")
    print(f"{'check':38} {'wall s':>7} {'cpu s':>6} {'exit':>4}  result")
    missed = False
    for name, expected, argv in CASES:
        got = [run(argv) for _ in range(runs)]
        wall = statistics.median(g[0] for g in got)
        cpu = statistics.median(g[1] for g in got)
        codes = {g[2] for g in got}
        ok = wall < TARGET_S and codes == {expected}
        missed |= not ok
        print(f"{name:38} {wall:7.2f} {cpu:6.2f} {','.join(map(str, sorted(codes))):>4}  "
              f"{'PASS' if ok else 'FAIL'}" + ("" if codes == {expected} else
                                               f" (exit {expected} expected)"))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())

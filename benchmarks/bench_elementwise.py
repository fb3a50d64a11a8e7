"""Element-wise engine against the naive SymPy approach: the least-squares gradient.

Run from the repository root::

    python benchmarks/bench_elementwise.py            # n = 4, 8, 16, 32, 64
    python benchmarks/bench_elementwise.py --quick    # one repetition per size
    python benchmarks/bench_elementwise.py --strict   # exit 1 when a target is missed

The task at each size m = n: is  -2 Xᵀy + 2 XᵀXw  the gradient of ‖y − Xw‖² in w?

* naive (the baseline): an explicit ``sympy.Matrix`` of symbols for X, y and w,
  ``expand`` of (y − Xw)ᵀ(y − Xw), ``diff`` by every w_k, and ``expand`` of each entry
  of the gradient minus the claim, which must be 0.  It runs while the next size is
  predicted to stay under 60 s (from the growth between the last two sizes).
* symderiv: :func:`symderiv.check_entries` at that size — parse, build f and the claim
  entry by entry as polynomials in w's entries over ZZ (X and y random integers), and
  compare them exactly.

Both run in this process, one after the other.  Targets: symderiv at least 50× faster
than naive at n = 16, and under 2 s at n = 64.  See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from symderiv import check_entries  # noqa: E402

SIZES = (4, 8, 16, 32, 64)
NAIVE_BUDGET_S = 60.0
RATIO_TARGET = (16, 50.0)  # at n = 16, symderiv at least 50× faster than naive
TIME_TARGET = (64, 2.0)  # at n = 64, symderiv under 2 s

F = "norm(y - X @ w)**2"
LET = "X: m x n; y: m; w: n"
CLAIM = "-2 * X.T @ y + 2 * X.T @ X @ w"
ERRATUM = "-2 * X.T @ y + X.T @ X @ w"  # the book's version: the factor 2 is missing


def naive(n: int) -> tuple[float, bool]:
    """The textbook way with SymPy: explicit matrices, expand, diff, expand the difference."""
    t0 = time.perf_counter()
    x = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"X_{i}_{j}"))
    y = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"y_{i}"))
    w = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"w_{i}"))
    r = y - x * w
    f = sp.expand((r.T * r)[0, 0])
    grad = [sp.diff(f, w[k]) for k in range(n)]
    claim = -2 * x.T * y + 2 * x.T * x * w
    ok = all(sp.expand(grad[k] - claim[k]) == 0 for k in range(n))
    return time.perf_counter() - t0, ok


def symderiv_check(n: int, claim: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    v = check_entries(F, wrt="w", claim=claim, let=LET, sizes=(n,))
    return time.perf_counter() - t0, v.outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repetition per size")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    reps = 1 if args.quick else 3

    print(f"python {platform.python_version()}, sympy {sp.__version__} "
          f"(ground types: {sp.external.gmpy.GROUND_TYPES}), numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs")
    print(f"task: is {CLAIM} the gradient of {F} in w, at m = n?  ({LET})")
    print()
    symderiv_check(4, CLAIM)  # warm-up: imports and SymPy's caches, not timed

    head = (f"{'n':>4}  {'naive (s)':>10}  {'symderiv (s)':>12}  {'naive / symderiv':>16}  "
            f"{'erratum (s)':>11}  target                result")
    print(head)
    print("-" * len(head))
    failures = []
    naive_times: list[float] = []
    predicted: float | None = None
    skipped = False
    for n in SIZES:
        # naive: run while the prediction (the last growth factor, compounded) stays
        # inside the budget
        naive_s: float | None = None
        note = ""
        if len(naive_times) >= 2:
            growth = naive_times[-1] / naive_times[-2]
            predicted = (predicted if skipped else naive_times[-1]) * growth
        if predicted is not None and predicted > NAIVE_BUDGET_S:
            note = f"naive skipped (predicted {predicted:.0f} s > {NAIVE_BUDGET_S:.0f} s)"
            skipped = True
        else:
            naive_s, ok = naive(n)
            naive_times.append(naive_s)
            if not ok:
                failures.append(f"n={n}: the naive check did not confirm the claim")
        times, outcome = [], ""
        for _ in range(reps):
            t, outcome = symderiv_check(n, CLAIM)
            times.append(t)
        ours = statistics.median(times)
        erratum_s, erratum = symderiv_check(n, ERRATUM)
        if outcome != "holds":
            failures.append(f"n={n}: symderiv says {outcome} for the correct gradient")
        if erratum != "fails":
            failures.append(f"n={n}: symderiv says {erratum} for the erratum")
        ratio = naive_s / ours if naive_s is not None else None
        target, result = "", ""
        if n == RATIO_TARGET[0]:
            target = f"naive/symderiv >= {RATIO_TARGET[1]:.0f}"
            passed = ratio is not None and ratio >= RATIO_TARGET[1]
            result = "PASS" if passed else "FAIL"
            if not passed:
                failures.append(f"n={n}: speed-up {ratio} below {RATIO_TARGET[1]}")
        if n == TIME_TARGET[0]:
            target = f"symderiv < {TIME_TARGET[1]:.0f} s"
            passed = ours < TIME_TARGET[1]
            result = "PASS" if passed else "FAIL"
            if not passed:
                failures.append(f"n={n}: symderiv took {ours:.2f} s")
        naive_text = f"{naive_s:10.3f}" if naive_s is not None else f"{'-':>10}"
        ratio_text = f"{ratio:15.0f}x" if ratio is not None else f"{'-':>16}"
        print(f"{n:>4}  {naive_text}  {ours:12.3f}  {ratio_text}  {erratum_s:11.3f}  "
              f"{target:<21} {result}")
        if note:
            print(f"      {note}")
    print()
    print("naive: sympy.Matrix of symbols, expand, diff per entry, expand(grad - claim) == 0")
    print("symderiv: check_entries(...) — entries as exact polynomials over ZZ, compared exactly")
    for f in failures:
        print(f"!! {f}")
    return 1 if failures and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

"""Per-epoch time of symderiv's compiled batch gradient against a hand-written one.

Run from the repository root::

    python benchmarks/bench_descent.py            # 10⁶ points, median of 21 epochs
    python benchmarks/bench_descent.py --quick    # median of 7
    python benchmarks/bench_descent.py --strict   # exit 1 when the target is missed

The task: one batch-gradient evaluation of talk B's loss Σ (y_i − (w0 + w1·x_i))² over
10⁶ points — what one epoch of batch descent costs.

* baseline: the gradient written by hand in NumPy, r = y − (w0 + w1·x),
  (−2 Σ r, −2 r·x);
* symderiv: ``derive_regression("w0 + w1*x").gradient(w, x, y)`` — derived by the chain
  rule, checked by the core, compiled with ``lambdify``.

Both run in this process, interleaved, on the same arrays.  Target: symderiv at most
1.5× the hand-written time.  The quadratic model w0 + w1·x + w2·x² is shown too.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from symderiv.descent import derive_regression  # noqa: E402

N = 10**6
TARGET = 1.5


def _linear(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = y - (w[0] + w[1] * x)
    return -2.0 * np.array([r.sum(), r @ x])


def _quadratic(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    x2 = x * x
    r = y - (w[0] + w[1] * x + w[2] * x2)
    return -2.0 * np.array([r.sum(), r @ x, r @ x2])


def _median_ms(f, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="median of 7 epochs, not 21")
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args()
    reps = 7 if args.quick else 21
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 3, N)
    y = 1.0 + 2.0 * x + rng.normal(0, 0.3, N)
    print(f"Python {platform.python_version()} | numpy {np.__version__} | {N:,} points | "
          f"median of {reps} epochs")
    print(f"{'model':<22} {'hand NumPy (ms)':>16} {'symderiv (ms)':>14} {'ratio':>7} "
          f"{'target':>8}  result")
    ok = True
    for model, hand, w in (("w0 + w1*x", _linear, np.array([0.5, 1.5])),
                           ("w0 + w1*x + w2*x**2", _quadratic, np.array([0.5, 1.5, 0.1]))):
        reg = derive_regression(model)
        assert np.allclose(reg.gradient(w, x, y), hand(w, x, y))  # the same numbers
        base = symd = 0.0
        for _ in range(2):  # interleaved, warm
            base = _median_ms(lambda h=hand, v=w: h(v, x, y), reps)
            symd = _median_ms(lambda r=reg, v=w: r.gradient(v, x, y), reps)
        ratio = symd / base
        target = model == "w0 + w1*x"
        passed = ratio <= TARGET
        ok &= passed or not target
        print(f"{model:<22} {base:>16.2f} {symd:>14.2f} {ratio:>6.2f}x "
              f"{(f'<= {TARGET}x' if target else '-'):>8}  "
              f"{('PASS' if passed else 'MISS') if target else '-'}")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())

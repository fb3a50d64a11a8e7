"""symderiv.testing.assert_gradient against scipy's check_grad and numdifftools, on the
same correct and wrong gradients, in one run.

Run from the repository root (scipy and numdifftools are in the dev extras)::

    python benchmarks/bench_testing.py            # every case, times: median of 3 runs
    python benchmarks/bench_testing.py --quick    # one timed run per case
    python benchmarks/bench_testing.py --strict   # exit 1 if symderiv misses a target
    python benchmarks/bench_testing.py --cases    # also one line per case and checker

Each case is a function f of one array, a gradient function and a point; half the
gradients are right, half wrong (a factor, a sign, a transpose, one entry off by a small
amount, a term missing), on well and badly scaled data, float32 data, near a kink, and
with 100 entries.  Three checkers judge every case, each as a user would call it:

* symderiv: ``assert_gradient(f, grad, at=x)`` — passes unless it raises
  ``AssertionError``;
* scipy: ``check_grad(f, grad, x)`` (forward differences, step √ε of float64) — passes
  when the returned error is at most 1e-5 · max(1, ‖grad‖), a relative test;
* numdifftools: ``np.allclose(grad(x), nd.Gradient(f)(x))`` (central differences,
  Richardson extrapolation; allclose's rtol 1e-5, atol 1e-8).

Matrix-shaped points are flattened for scipy and numdifftools, which take vectors.  The
table counts false passes (a wrong gradient passed), false failures (a right one failed),
errors (the checker raised something else), the time and the evaluations of f (counted
by wrapping f), with ratios to scipy's check_grad (the cheapest) from the same run.
Targets for symderiv: no false pass, no false failure, no error.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

try:
    import numdifftools as nd
    import scipy
    from scipy.optimize import check_grad
except ImportError:  # dev-only dependencies
    sys.exit("bench_testing needs scipy and numdifftools: pip install -e '.[dev]'")

from symderiv.testing import assert_gradient  # noqa: E402

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    f: Callable[[Array], float]
    grad: Callable[[Array], Array]
    x: Array
    right: bool


def _cases() -> list[Case]:
    """Pairs of a right and a wrong gradient of the same f at the same point."""
    rng = np.random.default_rng(0)
    out: list[Case] = []

    def pair(name: str, f, right, wrong, x, how: str) -> None:
        out.append(Case(f"{name}", f, right, x, True))
        out.append(Case(f"{name}: {how}", f, wrong, x, False))

    A = rng.normal(size=(5, 5))
    pair("xᵀAx, A not symmetric", lambda x: x @ A @ x, lambda x: (A + A.T) @ x,
         lambda x: 2 * A @ x, rng.normal(size=5), "2Ax (symmetric A only)")
    X, y = rng.normal(size=(20, 4)), rng.normal(size=20)
    pair("‖y − Xw‖²", lambda w: np.sum((y - X @ w) ** 2),
         lambda w: -2 * X.T @ (y - X @ w), lambda w: -X.T @ (y - X @ w),
         rng.normal(size=4), "factor 2 missing")
    pair("log Σ exp", lambda x: np.log(np.sum(np.exp(x))),
         lambda x: np.exp(x) / np.sum(np.exp(x)), lambda x: -np.exp(x) / np.sum(np.exp(x)),
         rng.normal(size=6), "wrong sign")
    B, C = rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    pair("tr(B M C), M 4×4", lambda M: np.trace(B @ M @ C), lambda M: B.T @ C.T,
         lambda M: C @ B, rng.normal(size=(4, 4)), "transposed")
    W0, t = rng.normal(size=(4, 4)), rng.normal(size=4)
    v = rng.normal(size=4)

    def net(W: Array) -> float:
        return float(np.sum((np.tanh(W @ v) - t) ** 2))

    def net_grad(W: Array) -> Array:
        h = np.tanh(W @ v)
        return np.outer(2 * (h - t) * (1 - h**2), v)

    pair("‖tanh(Wv) − t‖², W 4×4", net, net_grad, lambda W: net_grad(W).T, W0, "transposed")
    pair("Σ exp(x)", lambda x: np.sum(np.exp(x)), np.exp, lambda x: 1.01 * np.exp(x),
         rng.normal(size=5), "factor 1.01")
    e0 = np.eye(5)[2]
    pair("½‖x‖² + Σ sin x", lambda x: 0.5 * x @ x + np.sum(np.sin(x)),
         lambda x: x + np.cos(x), lambda x: x + np.cos(x) + 1e-4 * e0,
         rng.normal(size=5), "one entry off by 1e-4")
    # an entry off by 2e-6 where the true entry is 1 is within rtol 1e-5 by the definition
    # every checker uses; off by 2e-6 where it is 0 (x + cos x = 0 at x = −0.739…) is not,
    # and random directions alone do not see it among 100 entries
    e7 = np.eye(100)[37]
    x100 = rng.normal(size=100)
    x100[37] = -0.7390851332151607  # x + cos x = 0 here, to float64's rounding
    pair("½‖x‖² + Σ sin x, 100 entries", lambda x: 0.5 * x @ x + np.sum(np.sin(x)),
         lambda x: x + np.cos(x), lambda x: x + np.cos(x) + 2e-6 * e7,
         x100, "an entry 0 given as 2e-6")
    Q = rng.normal(size=(100, 100)) / 10
    pair("log(1 + ‖Qx‖²), 100 entries", lambda x: np.log1p(np.sum((Q @ x) ** 2)),
         lambda x: 2 * Q.T @ (Q @ x) / (1 + np.sum((Q @ x) ** 2)),
         lambda x: 2 * Q @ (Q @ x) / (1 + np.sum((Q @ x) ** 2)),
         rng.normal(size=100), "Q for Qᵀ")

    def rosen(x: Array) -> float:
        return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))

    def rosen_grad(x: Array) -> Array:
        g = np.zeros_like(x)
        g[:-1] = -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
        g[1:] += 200 * (x[1:] - x[:-1] ** 2)
        return g

    def rosen_sign(x: Array) -> Array:
        g = rosen_grad(x)
        g[:-1] += 4 * (1 - x[:-1])  # −2(1 − x) written +2(1 − x)
        return g

    pair("Rosenbrock, 10 entries", rosen, rosen_grad, rosen_sign, rng.uniform(-1, 1, 10),
         "one term's sign")
    # badly scaled: data of size 10⁶ and weights of size 10⁻⁶, and the other way round
    Xb, yb = 1e6 * rng.normal(size=(30, 3)), rng.normal(size=30)
    pair("‖y − Xw‖², X ~ 10⁶, w ~ 10⁻⁶", lambda w: np.sum((yb - Xb @ w) ** 2),
         lambda w: -2 * Xb.T @ (yb - Xb @ w), lambda w: -Xb.T @ (yb - Xb @ w),
         1e-6 * rng.normal(size=3), "factor 2 missing")
    Xs, ys = 1e-4 * rng.normal(size=(30, 3)), 1e-4 * rng.normal(size=30)
    pair("‖y − Xw‖², X, y ~ 10⁻⁴", lambda w: np.sum((ys - Xs @ w) ** 2),
         lambda w: -2 * Xs.T @ (ys - Xs @ w), lambda w: 2 * Xs.T @ (ys - Xs @ w),
         rng.normal(size=3), "wrong sign")
    pair("Σ exp(x), x ~ 20", lambda x: np.sum(np.exp(x)), np.exp,
         lambda x: np.exp(x) * (1 + 1e-3), 20 + rng.normal(size=4), "factor 1.001")
    pair("1e8·‖x‖²", lambda x: 1e8 * x @ x, lambda x: 2e8 * x, lambda x: 1e8 * x,
         rng.normal(size=4), "factor 2 missing")
    # float32 data: f computes in float32, as a model in float32 does
    X32, y32 = rng.normal(size=(20, 4)).astype(np.float32), rng.normal(size=20).astype(
        np.float32)
    pair("‖y − Xw‖², float32", lambda w: np.sum((y32 - X32 @ w) ** 2),
         lambda w: -2 * X32.T @ (y32 - X32 @ w), lambda w: -X32.T @ (y32 - X32 @ w),
         rng.normal(size=4).astype(np.float32), "factor 2 missing")
    A32 = rng.normal(size=(6, 6)).astype(np.float32)
    pair("xᵀAx, float32", lambda x: x @ A32 @ x, lambda x: (A32 + A32.T) @ x,
         lambda x: 2 * A32 @ x, rng.normal(size=6).astype(np.float32),
         "2Ax (symmetric A only)")
    pair("log Σ exp, float32", lambda x: np.log(np.sum(np.exp(x))),
         lambda x: np.exp(x) / np.sum(np.exp(x)), lambda x: np.exp(x),
         rng.normal(size=6).astype(np.float32), "normalisation missing")
    # a float32 model: f casts its argument, so differences smaller than float32's
    # resolution see no change at all
    def model32(w: Array) -> float:
        return float(np.sum((y32 - X32 @ w.astype(np.float32)) ** 2))

    def model32_grad(w: Array) -> Array:
        w = w.astype(np.float32)
        return -2 * X32.T @ (y32 - X32 @ w)

    pair("‖y − Xw‖², f casts w to float32", model32, model32_grad,
         lambda w: 2 * model32_grad(w), rng.normal(size=4).astype(np.float32), "factor 2")
    # near a kink: |x| and ReLU a hair away from 0
    pair("Σ |x|, an entry 1e-4 from the kink", lambda x: np.sum(np.abs(x)), np.sign,
         lambda x: 0.5 * np.sign(x), np.array([1e-4, -0.5, 2.0]), "factor 1/2")
    xk = np.array([1e-9, -0.5, 2.0, -3e-10])
    pair("Σ |x|, entries 1e-9 from the kink", lambda x: np.sum(np.abs(x)), np.sign,
         lambda x: np.abs(np.sign(x)), xk, "|sign x|")
    wr = rng.normal(size=3)
    xr = np.array([1.0, 2.0, -1.0])

    def relu(w: Array) -> float:
        return float(np.maximum(0.0, w @ xr) ** 2 + w @ w)

    def relu_grad(w: Array) -> Array:
        return 2 * np.maximum(0.0, w @ xr) * xr + 2 * w

    w_kink = wr - (wr @ xr - 1e-8) * xr / (xr @ xr)  # wᵀx = 1e-8
    pair("max(0, wᵀx)² + ‖w‖², wᵀx = 1e-8", relu, relu_grad, lambda w: 2 * w + xr, w_kink,
         "a term that is 0 at the kink")
    return out


@dataclass(slots=True)
class Outcome:
    passed: bool | None  # None: the checker raised something other than a verdict
    seconds: float
    calls: int


class Counted:
    """f, counting its calls."""

    def __init__(self, f: Callable[[Array], float]) -> None:
        self.f, self.calls = f, 0

    def __call__(self, x: Array) -> float:
        self.calls += 1
        return self.f(x)


def _symderiv(case: Case, f: Counted) -> bool:
    try:
        assert_gradient(f, case.grad, at=case.x)
    except AssertionError:
        return False
    return True


def _flat(case: Case, f: Counted) -> tuple[Callable, Callable, Array]:
    shape = case.x.shape
    return (lambda z: f(z.reshape(shape)), lambda z: np.ravel(case.grad(z.reshape(shape))),
            case.x.ravel())


def _scipy(case: Case, f: Counted) -> bool:
    ff, gg, x = _flat(case, f)
    err = check_grad(ff, gg, x)
    return bool(err <= 1e-5 * max(1.0, float(np.linalg.norm(gg(x)))))


def _numdifftools(case: Case, f: Counted) -> bool:
    ff, gg, x = _flat(case, f)
    return bool(np.allclose(gg(x), nd.Gradient(ff)(x)))


CHECKERS = {"scipy check_grad": _scipy, "numdifftools": _numdifftools,
            "symderiv": _symderiv}
BASELINE = "scipy check_grad"


def _run(check, case: Case, reps: int) -> Outcome:
    times, passed, calls = [], None, 0
    for _ in range(reps):
        f = Counted(case.f)
        t0 = time.perf_counter()
        try:
            with np.errstate(all="ignore"):
                passed = check(case, f)
        except Exception:  # a checker that breaks on a case counts as an error
            passed = None
        times.append(time.perf_counter() - t0)
        calls = f.calls
    return Outcome(passed, statistics.median(times), calls)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per case, not 3")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if symderiv has a false pass, false failure or error")
    parser.add_argument("--cases", action="store_true", help="one line per case and checker")
    args = parser.parse_args()
    reps = 1 if args.quick else 3
    cases = _cases()
    right = sum(c.right for c in cases)
    print(f"Python {platform.python_version()} | numpy {np.__version__} | scipy "
          f"{scipy.__version__} | numdifftools {nd.__version__} | {len(cases)} cases "
          f"({right} right, {len(cases) - right} wrong) | median of {reps}")
    for check in CHECKERS.values():  # warm: imports and first calls outside the timing
        _run(check, cases[0], 1)
    results = {name: [_run(check, c, reps) for c in cases] for name, check in CHECKERS.items()}
    if args.cases:
        print(f"{'case':<48} " + " ".join(f"{n:>16}" for n in CHECKERS))
        for i, c in enumerate(cases):
            cells = []
            for name in CHECKERS:
                p = results[name][i].passed
                cells.append("error" if p is None else ("pass" if p else "fail")
                             + ("" if p == c.right else " ✗"))
            print(f"{('✓ ' if c.right else '✗ ') + c.name:<48.48} "
                  + " ".join(f"{x:>16}" for x in cells))
        print()
    base_t = sum(o.seconds for o in results[BASELINE])
    base_n = sum(o.calls for o in results[BASELINE])
    print(f"{'checker':<18} {'false pass':>10} {'false fail':>10} {'errors':>7} "
          f"{'time (ms)':>10} {'x scipy':>8} {'f calls':>8} {'x scipy':>8}")
    ok = True
    for name in CHECKERS:
        rs = results[name]
        fp = sum(o.passed is True and not c.right for o, c in zip(rs, cases, strict=True))
        ff = sum(o.passed is False and c.right for o, c in zip(rs, cases, strict=True))
        err = sum(o.passed is None for o in rs)
        t, n = sum(o.seconds for o in rs), sum(o.calls for o in rs)
        print(f"{name:<18} {fp:>10} {ff:>10} {err:>7} {t * 1e3:>10.1f} {t / base_t:>8.1f} "
              f"{n:>8} {n / base_n:>8.1f}")
        if name == "symderiv" and (fp or ff or err):
            ok = False
            wrong = [c.name for o, c in zip(rs, cases, strict=True) if o.passed is not c.right]
            print(f"  !! symderiv misjudged: {'; '.join(wrong)}")
    print("targets for symderiv (no false pass, no false failure, no error): "
          + ("PASS" if ok else "FAIL"))
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())

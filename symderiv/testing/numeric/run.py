"""One numeric check from the point to the report, whatever is checked.

Every check reads the point, evaluates ``f`` there, reads the claim, takes differences
along seeded random directions, compares the entries one by one when they fit in the
time budget, and reports; :func:`run_check` does the parts they share, and a
:class:`Kind` (one per check: gradient, Jacobian, Hessian, and the products vjp, jvp,
hvp) says what differs — the title, the order of the differences, the default of
``full``, what ``f`` returns, and the body that builds the families compared.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import ArgumentError
from ..differences import Difference, basis, first, second
from ..evaluation import Counter, NotAdmissible, Reference, noise, resolution
from ..parameters import ClaimError, Point, fmt, name_of, numbers_in, point, real_dtype
from ..report import (
    Check,
    Claim,
    Family,
    NumericReport,
    Tolerance,
    allowed,
    atol_of,
    check,
    compare,
)

#: Seconds that comparing entries one by one may take, beyond ``full`` entries, by default.
BUDGET = 0.5

_REAL_ONLY = ("this check compares real derivatives; for a real-valued f of complex "
              "parameters use assert_gradient (the gradient ∂f/∂Re z + i·∂f/∂Im z), or pass "
              "the real and imaginary parts as real arrays")


# -- settings and the function's values --------------------------------------------------------
def _int(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
        raise ArgumentError(f"{name} must be an integer ≥ 0, not {v!r}")
    return int(v)


def _settings(directions: Any, full: Any, seed: Any, budget: Any, default_full: int,
              size: int) -> tuple[int, int, int, float]:
    d, s = _int("directions", directions), _int("seed", seed)
    n = default_full if full is None else _int("full", full)
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real) or not (
            0 <= budget < float("inf")):
        raise ArgumentError(f"budget must be a number of seconds ≥ 0, not {budget!r}")
    if d == 0 and size > n:
        raise ArgumentError(f"nothing to compare: directions=0 and the variable has {size} "
                            f"entries, more than full={n}")
    return d, n, s, float(budget)


def _real(f: Callable[..., Any], out: Any, what: str) -> np.ndarray:
    """f's value as real numbers: a complex value whose imaginary part is rounding (zᴴz
    computed in complex arithmetic) is its real part; any other is refused."""
    arr = numbers_in(out, complex_ok=True)
    if arr is None:
        raise ArgumentError(f"{name_of(f)} returned something that is not {what}")
    if arr.dtype.kind == "c":
        with np.errstate(all="ignore"):
            imag = np.abs(arr.imag) > 8 * np.finfo(arr.real.dtype).eps * np.abs(arr.real)
        if np.any(imag & np.isfinite(arr)):
            raise ArgumentError(f"{name_of(f)} returned a complex value ({fmt(arr)}): "
                                "derivatives are checked for real-valued functions")
        arr = arr.real
    return arr


def _scalar(f: Callable[..., Any], p: Point, what: str) -> Callable[[np.ndarray, bool],
                                                                      np.ndarray]:
    """value(θ, promote): f at θ, checked to be one real number."""
    def value(theta: np.ndarray, promote: bool) -> np.ndarray:
        out = _real(f, p.call(f, theta, promote=promote), "a number")
        if out.size != 1:
            raise ArgumentError(f"{name_of(f)} returned shape {out.shape}, not a scalar: {what}")
        return out.reshape(())
    return value


def _array(f: Callable[..., Any], p: Point) -> Callable[[np.ndarray, bool], np.ndarray]:
    """value(θ, promote): f at θ, an array of real numbers."""
    return lambda theta, promote: _real(f, p.call(f, theta, promote=promote),
                                        "an array of numbers")


def _reference(p: Point, value: Callable[[np.ndarray, bool], np.ndarray], eps: Any,
               order: int) -> Reference:
    """How f is evaluated for the differences: in float64 when the variables are of lower
    precision and f then computes in float64; otherwise as given."""
    if eps is not None and (isinstance(eps, bool) or not isinstance(eps, numbers.Real)
                            or not 0 < eps < float("inf")):
        raise ArgumentError(f"eps must be a positive number, not {eps!r}")
    low = [real_dtype(leaf.dtype) for leaf in p.leaves
           if real_dtype(leaf.dtype).itemsize < 8]
    ref = None
    if low:
        try:
            with np.errstate(all="ignore"):  # a nan here is reported below
                f0 = value(p.theta, True)
        except ArgumentError:
            raise
        except Exception:  # f does not take float64: difference it as given
            f0 = None
        if f0 is not None and f0.dtype == np.float64:
            ref = Reference(value, True, np.dtype(np.float64), eps, order, f0, Counter())
    if ref is None:  # f computes in its own dtype
        with np.errstate(all="ignore"):
            out = value(p.theta, False)
        dtype = min(low, key=lambda d: d.itemsize) if low else np.dtype(np.float64)
        if out.dtype.kind == "f" and out.dtype.itemsize < dtype.itemsize:
            dtype = out.dtype
        ref = Reference(value, False, dtype, eps, order, out.astype(np.float64), Counter())
    if not np.all(np.isfinite(ref.f0)):
        raise ArgumentError(f"{name_of(p.fn)} is not finite at the point itself "
                            f"({fmt(ref.f0)}): there is no derivative to compare")
    # f may compute in float32 although its values are float64 (a float32 model), and
    # its computation may round far above ε·|f| (an ill-conditioned solve)
    return noise(resolution(ref, p.theta), p.theta, p.lowest())


# -- the claim -------------------------------------------------------------------------------
Reader = Callable[[Any, str], tuple[np.ndarray, np.dtype]]


def read_claim(p: Point, claim: Any, reader: Reader, label: Callable[[int], str],
          extra: tuple[Any, ...] = ()) -> tuple[np.ndarray, Claim]:
    """The user's derivative at the point (called if a function, with ``extra`` appended),
    as float64, and the precision it is judged in."""
    name = name_of(claim) if callable(claim) else "the given array"
    value, dtype = reader(p.call(claim, extra=extra) if callable(claim) else claim, name)
    low = p.lowest()
    if not callable(claim) or low is None:
        return value, Claim(name, dtype)
    # float16/float32 arguments: is the claim computed in that precision, or does it
    # follow its arguments' dtype (then judge the formula, from float64 arguments)?
    try:
        wide, wide_dtype = reader(p.call(claim, promote=True, extra=extra), name)
    except (ClaimError, ArgumentError):
        return value, Claim(name, dtype)
    except Exception:  # code that needs its own dtype is judged in it
        return value, Claim(name, dtype)
    if wide_dtype != np.float64 or wide.shape != value.shape:
        return value, Claim(name, dtype)
    lost = np.isfinite(wide) & ~np.isfinite(value)
    if lost.any():
        k = int(np.flatnonzero(lost.ravel())[0])
        raise ClaimError(f"{name} gives {value.ravel()[k]} at entry {label(k)} from your {low} "
                         f"arguments, where it gives {wide.ravel()[k]:.6g} from float64 "
                         f"arguments: the computation overflows or divides by zero in {low}")
    if np.array_equal(wide, value) and dtype.itemsize >= 8:
        # the same values from float64 arguments: computed in low precision inside
        return value, Claim(name, low, f"{name} gives the same values from float64 "
                            f"arguments, so it is judged as a {low} computation")
    with np.errstate(all="ignore"):
        dev = float(np.max(np.abs(value - wide), initial=0.0))
    return wide, Claim(name, np.dtype(np.float64),
                       f"{name} follows its arguments' dtype, so it is judged as it computes "
                       f"from float64 arguments; its result from your {low} arguments "
                       f"differs from that by at most {dev:.3g} (rounding)")


def output_reader(shape: tuple[int, ...]) -> Reader:
    """A claimed array in f's output shape (a Jacobian-vector product)."""
    def read(raw: Any, name: str) -> tuple[np.ndarray, np.dtype]:
        arr = numbers_in(raw)
        if arr is None:
            raise ClaimError(f"{name} returned something that is not an array of real numbers")
        if arr.shape != shape and not arr.size == 1 == int(np.prod(shape, dtype=int)):
            raise ClaimError(f"{name} returned shape {arr.shape}, but f's values have shape "
                             f"{shape}")
        return arr.reshape(1, -1).astype(np.float64), real_dtype(arr.dtype)
    return read


# -- one check in progress ----------------------------------------------------------------------
#: differences along several directions: values and error bounds (directions × outputs),
#: the derivative's size nearby, and the one-sided slopes and kinks of first differences
Diffs = tuple[np.ndarray, np.ndarray, float, tuple[np.ndarray, ...] | None]


class Run:
    """One check in progress: its point, settings, reference, counter and clock."""

    __slots__ = ("atol", "budget", "c", "count", "d", "estimate", "fn", "full", "notes", "p",
                 "ref", "resolution", "rtol", "seed", "started", "title")

    def __init__(self, p: Point, ref: Reference, title: str,
                 settings: tuple[int, int, int, float], rtol: Tolerance,
                 atol: Tolerance) -> None:
        self.p, self.ref, self.title, self.started = p, ref, title, time.perf_counter()
        self.d, self.full, self.seed, self.budget = settings
        self.fn, self.rtol, self.atol = name_of(p.fn), rtol, atol
        self.resolution = 0.0  # the smallest derivative the differences could resolve
        self.c: Check | None = None
        self.notes: list[str] = []
        self.count, self.estimate = 0, 0.0  # the entries to compare one by one, and the cost

    @property
    def against(self) -> str:
        return "central differences" if self.ref.order == 1 else "second differences"

    def judge(self, claim: Claim) -> Check:
        """The comparison's settings, once the claim (and the precision it is judged in) is
        read."""
        self.c = check(self.title, self.against, self.ref.words, self.fn, claim, self.rtol,
                       self.atol)
        return self.c

    def diffs(self, dirs: list[tuple[np.ndarray, ...]], labels: list[str],
              deadline: float | None = None) -> Diffs:
        """Differences along each direction (pair, for second ones), stopped at
        ``deadline``."""
        assert self.c is not None
        out: list[Difference] = []
        for d, where in zip(dirs, labels, strict=True):
            if deadline is not None and time.perf_counter() > deadline:
                break
            out.append(first(self.ref, self.p.theta, d[0], self.c.enough(), where)
                       if len(d) == 1 else
                       second(self.ref, self.p.theta, d[0], d[1], self.c.enough(), where))
        if not out:
            return np.zeros((0, 1)), np.zeros((0, 1)), 0.0, None
        self.resolution = max(self.resolution, *(r.resolution for r in out))
        values = np.array([np.ravel(r.value) for r in out])
        errors = np.array([np.ravel(r.error) for r in out])
        sides = None
        if all(r.kink is not None for r in out):
            sides = tuple(np.array([np.ravel(getattr(r, a)) for r in out])
                          for a in ("forward", "backward", "kink"))
        return values, errors, max(r.scale for r in out), sides

    def entries(self, deadline: float | None) -> Diffs:
        """First differences along each entry of the variables, stopped at ``deadline``."""
        n = self.p.size
        return self.diffs([(basis(n, k),) for k in range(n)],
                          [f"entry {self.p.entry(k)}" for k in range(n)], deadline)

    def plan(self, count: int, done: int) -> tuple[bool, float | None]:
        """Whether to compare ``count`` entries one by one: always while the variables have
        up to ``full`` entries; beyond, when at the cost measured so far (``done``
        differences) they fit in the budget.  Returns the decision and a deadline (4 ×
        budget from now, should the estimate be wrong)."""
        spent = time.perf_counter() - self.started
        self.count, self.estimate = count, count * (spent / max(done, 1))
        if self.p.size <= self.full:
            return True, None
        if self.budget > 0 and self.estimate <= self.budget:
            return True, time.perf_counter() + 4 * self.budget
        return False, None

    def unseen(self, what: str, bound: float | None, done: int | None = None) -> str:
        """What remains unseen when not all the planned entries were compared one by one:
        ``done`` of them before the deadline, or none; ``bound`` is the error a wrong
        entry may have and pass along the random directions alone."""
        if done is not None:
            head = (f"only the first {done} of the {self.count} {what} were compared one by "
                    "one (the time budget ran out)")
        else:
            head = (f"the {self.count} {what} were not compared one by one (about "
                    f"{self.estimate:.2g} s at the measured cost of f, beyond "
                    f"budget={self.budget:g} s; pass full={self.p.size} or a larger budget "
                    "to compare them)")
        if bound is None:
            return head
        return (f"{head}; along the random directions alone, a wrong entry can pass unseen if "
                f"its error is below {bound:.3g}")

    def tolerances(self, fam: Family, families: list[Family]) -> np.ndarray:
        """The allowed difference of each value of ``fam``."""
        assert self.c is not None
        atol, _ = atol_of(self.c, families)
        return allowed(self.c, fam, atol)

    def close(self, families: list[Family], what: str, done: int | None,
              bound: Callable[[], float | None]) -> NumericReport:
        """The report, saying what may have passed unseen where not every planned entry
        was compared one by one: ``done`` of them before the deadline, or none (None),
        and then ``bound()``, the error a wrong entry may have and pass along the random
        directions alone."""
        if done is None:
            return self.report(families, False, self.unseen(what, bound()))
        if done < self.count:
            return self.report(families, False, self.unseen(what, None, done))
        return self.report(families, True, None)

    def report(self, families: list[Family], exhaustive: bool, unseen: str | None
               ) -> NumericReport:
        assert self.c is not None
        notes = [*self.notes, *([unseen] if unseen else [])]
        outcome, title, lines = compare(self.c, families, notes, self.resolution)
        return NumericReport(outcome, title, tuple(lines),
                             self.ref.counter.calls, time.perf_counter() - self.started,
                             exhaustive, unseen)

    def refused(self, words: str, outcome: str) -> NumericReport:
        return NumericReport(outcome, f"{self.title}{words}", (), self.ref.counter.calls,  # type: ignore[arg-type]
                             time.perf_counter() - self.started, False, None)


# -- the kinds of check, and the driver -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Kind:
    """What differs between the checks; the rest is :func:`run_check`'s."""

    title: str  # "Gradient": the report's title names it
    order: int  # 1: central differences, 2: central second differences
    full: int  # the default of ``full``
    # f returns a scalar, and what to say when it does not; None: f returns an array
    scalar: str | None
    complex_ok: bool  # complex parameters (only a gradient of a real-valued f has them)
    # builds the families compared from the run, the claim and f's value at the point
    body: Callable[[Run, Any, np.ndarray], NumericReport]


def run_check(kind: Kind, f: Callable[..., Any], claim: Any, *, at: Any, wrt: Any,
              rtol: Tolerance, atol: Tolerance, directions: int, full: int | None, seed: int,
              eps: float | None, budget: float) -> NumericReport:
    """Check ``claim`` as ``kind`` says; bad arguments raise, a claim of the wrong shape
    fails, and no admissible step leaves the check undecided."""
    p = point(f, at, wrt, complex_ok=kind.complex_ok,
              complex_hint="" if kind.complex_ok else _REAL_ONLY)
    settings = _settings(directions, full, seed, budget, kind.full, p.size)
    value = (_array(f, p) if kind.scalar is None else _scalar(f, p, kind.scalar))
    with np.errstate(all="ignore"):  # its type and shape; the values come below
        y0 = value(p.theta, False)
    run = Run(p, _reference(p, value, eps, kind.order),
              f"{kind.title} of {name_of(f)} with respect to {p.describe()}", settings,
              rtol, atol)
    try:
        return kind.body(run, claim, y0)
    except ClaimError as exc:
        return run.refused(f" does not match {run.against}: {exc}", "fails")
    except NotAdmissible as exc:
        return run.refused(f": cannot compare, {exc.words(run.fn)}", "undecided")

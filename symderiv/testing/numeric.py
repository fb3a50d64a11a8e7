"""Checks of users' own numeric derivative code, against central differences.

``assert_gradient(f, grad, at=(X, w, y), wrt=1)`` calls the user's ``f`` and ``grad`` at
the point ``at`` and compares ``grad`` with central differences of ``f`` with respect to
one argument (or several: ``wrt=("W", "b")``): along a few seeded random directions
(cheap at any size), and entry by entry when the variable is small or ``f`` is cheap
enough to difference every entry within a time budget.  ``assert_jacobian`` and
``assert_hessian`` do the same for a vector-valued ``f`` and for second derivatives;
``assert_vjp``, ``assert_jvp`` and ``assert_hvp`` check the products autodiff code
computes (vector-Jacobian, Jacobian-vector, Hessian-vector) along seeded random
cotangents and tangents.  Each ``assert_*`` has a ``check_*`` twin that returns the
:class:`~symderiv.testing.report.NumericReport` instead of raising.

The differences follow Ridders' method (:mod:`.differences`); their estimated error, and
the rounding of ``f``'s values, are allowed for in the comparison.

float32: the differences are taken with the arguments promoted to float64 whenever ``f``
then computes in float64; and a claimed derivative computed by code that follows its
arguments' dtype is judged as that code computes it from float64 arguments (its float32
result must be finite where that one is).  Code that casts to float32 inside is judged
in float32, with float32's tolerance.

Complex parameters (``assert_gradient`` of a real-valued ``f``): the gradient with
respect to z is ∂f/∂Re z + i·∂f/∂Im z (= 2·∂f/∂z̄), the convention of PyTorch and
TensorFlow; ``jax.grad`` returns its complex conjugate.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import ArgumentError
from .differences import (
    Counter,
    Difference,
    NotAdmissible,
    Reference,
    basis,
    first,
    noise,
    resolution,
    second,
)
from .differences import directions as _draw
from .parameters import (
    ClaimError,
    Point,
    fmt,
    index_label,
    name_of,
    numbers_in,
    point,
    real_dtype,
)
from .report import (
    TOLERANCES,
    Check,
    Claim,
    Family,
    NumericReport,
    Tolerance,
    allowed,
    atol_of,
    check,
    compare,
    passes,
    unseen_single_entry,
)

__all__ = ["TOLERANCES", "NumericReport", "assert_gradient", "assert_hessian", "assert_hvp",
           "assert_jacobian", "assert_jvp", "assert_vjp", "check_gradient_numeric",
           "check_hessian_numeric", "check_hvp_numeric", "check_jacobian_numeric",
           "check_jvp_numeric", "check_vjp_numeric"]

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


def _read(p: Point, claim: Any, reader: Reader, label: Callable[[int], str],
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


def _output_reader(shape: tuple[int, ...]) -> Reader:
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


# -- differences, budget, report ------------------------------------------------------------------
class _Run:
    """One check in progress: its point, reference, counter and clock."""

    __slots__ = ("c", "notes", "p", "ref", "resolution", "started")

    def __init__(self, p: Point, ref: Reference) -> None:
        self.p, self.ref, self.started = p, ref, time.perf_counter()
        self.resolution = 0.0  # the smallest derivative the differences could resolve
        self.c: Check | None = None
        self.notes: list[str] = []

    def diffs(self, dirs: list[tuple[np.ndarray, ...]], labels: list[str],
              deadline: float | None = None) -> tuple[np.ndarray, np.ndarray, float,
                                                      tuple[np.ndarray, ...] | None]:
        """Differences along each direction (pair, for second ones), stopped at
        ``deadline``: values and error bounds (directions × outputs), the derivative's
        size nearby, and the one-sided slopes and kinks of first differences."""
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

    def plan(self, count: int, size: int, full: int, budget: float, done: int
             ) -> tuple[bool, float | None, float]:
        """Whether to compare ``count`` entries one by one (``size`` of the variable):
        always up to ``full``; beyond, when at the cost measured so far (``done``
        differences) they fit in ``budget`` seconds.  Returns the decision, a deadline
        (4 × budget from now, should the estimate be wrong) and the estimated seconds."""
        spent = time.perf_counter() - self.started
        per = spent / max(done, 1)
        estimate = count * per
        if size <= full:
            return True, None, estimate
        if budget > 0 and estimate <= budget:
            return True, time.perf_counter() + 4 * budget, estimate
        return False, None, estimate

    def unseen(self, what: str, count: int, size: int, budget: float, estimate: float,
               bound: float | None, done: int | None = None) -> str:
        """What remains unseen when not all ``count`` entries were compared one by one
        (``size``: the variables' entries, what ``full`` counts)."""
        if done is not None:
            head = (f"only the first {done} of the {count} {what} were compared one by one "
                    "(the time budget ran out)")
        else:
            head = (f"the {count} {what} were not compared one by one (about {estimate:.2g} s "
                    f"at the measured cost of f, beyond budget={budget:g} s; pass "
                    f"full={size} or a larger budget to compare them)")
        if bound is None:
            return head
        return (f"{head}; along the random directions alone, a wrong entry can pass unseen if "
                f"its error is below {bound:.3g}")

    def report(self, families: list[Family], exhaustive: bool, unseen: str | None
               ) -> NumericReport:
        assert self.c is not None
        notes = [*self.notes, *([unseen] if unseen else [])]
        outcome, title, lines = compare(self.c, families, notes, self.resolution)
        return NumericReport(outcome, title, tuple(lines),
                             self.ref.counter.calls, time.perf_counter() - self.started,
                             exhaustive, unseen)

    def refused(self, title: str, words: str, outcome: str) -> NumericReport:
        return NumericReport(outcome, f"{title}{words}", (), self.ref.counter.calls,  # type: ignore[arg-type]
                             time.perf_counter() - self.started, False, None)


def _guarded(title: str, against: str, run: _Run, body: Callable[[], NumericReport]
             ) -> NumericReport:
    """A claim of the wrong shape fails; no admissible step leaves the check undecided."""
    try:
        return body()
    except ClaimError as exc:
        return run.refused(title, f" does not match {against}: {exc}", "fails")
    except NotAdmissible as exc:
        return run.refused(title, f": cannot compare, {exc.words(name_of(run.p.fn))}",
                           "undecided")


def _tolerances(c: Check, fam: Family, families: list[Family]) -> np.ndarray:
    atol, _ = atol_of(c, families)
    return allowed(c, fam, atol)


# -- gradients -------------------------------------------------------------------------------
def check_gradient_numeric(f: Callable[..., Any], grad: Callable[..., Any] | Any, *, at: Any,
                           wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                           directions: int = 4, full: int | None = None, seed: int = 0,
                           eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check that ``grad`` is the gradient of the scalar function ``f``; return the report.

    The parameters are those of :func:`assert_gradient`, which raises where this returns.

    Examples
    --------
    >>> import numpy as np
    >>> report = check_gradient_numeric(lambda x: x @ x, lambda x: x, at=np.ones(3))
    >>> report.passed
    False
    >>> print(report.title)
    Gradient of <lambda> with respect to x (argument 0, shape (3,), float64) does not match ...
    >>> check_gradient_numeric(lambda x: x @ x, lambda x: 2 * x, at=np.ones(3)).passed
    True
    """
    p = point(f, at, wrt, complex_ok=True)
    d, full, seed, budget = _settings(directions, full, seed, budget, 32, p.size)
    value = _scalar(f, p, "for a function with array values use assert_jacobian")
    with np.errstate(all="ignore"):  # its type and shape; the values come below
        value(p.theta, False)
    run = _Run(p, _reference(p, value, eps, 1))
    title = f"Gradient of {name_of(f)} with respect to {p.describe()}"

    def body() -> NumericReport:
        g, claim = _read(p, grad, lambda raw, name: p.flatten(raw, name), p.entry)
        run.c = c = check(title, "central differences", run.ref.words, name_of(f), claim,
                          rtol, atol)
        if p.complex:
            run.notes.append("complex parameters: the gradient is read as ∂f/∂Re z + "
                             "i·∂f/∂Im z (= 2·∂f/∂z̄, as PyTorch computes it)")
        n = p.size
        vs = _draw(n, d, seed)
        labels = [f"direction {i}" for i in range(d)]
        along = run.diffs([(v,) for v in vs], labels)
        exhaustive, deadline, estimate = run.plan(n, n, full, budget, d)
        entries = [p.entry(k) for k in range(n)]
        each = run.diffs([(basis(n, k),) for k in range(n)], [f"entry {e}" for e in entries],
                         deadline) if exhaustive else None
        m = 0 if each is None else len(each[0])

        def families(g: np.ndarray) -> list[Family]:
            out = []
            if d:
                values, errors, scale, sides = along
                out.append(Family("directional derivatives",
                                  f"along {d} random directions (seed {seed})", vs @ g,
                                  values[:, 0], errors[:, 0], scale, labels,
                                  sides=_first_column(sides)))
            if each is not None:
                values, errors, scale, sides = each
                out.append(Family(
                    "entries", f"(all {n})" if m == n else f"(the first {m} of {n})", g[:m],
                    values[:, 0], errors[:, 0], scale, entries[:m],
                    (lambda a: p.show(a)) if m == n else None, _first_column(sides)))
            return out

        fams = families(g[0])
        unseen = None
        if each is not None and m < n:
            exhaustive, unseen = False, run.unseen("entries", n, n, budget, estimate, None, m)
        elif not exhaustive:
            tol = _tolerances(c, fams[0], fams)
            unseen = run.unseen("entries", n, n, budget, estimate,
                                unseen_single_entry(tol[:, None], vs))
        if each is not None and m == n and not passes(c, fams):
            run.notes.extend(_triangle_notes(p, name_of(f), claim.name, g[0], each[0][:, 0],
                                             each[1][:, 0], _tolerances(c, fams[-1], fams)))
        if p.complex and not passes(c, fams) and passes(c, families(g[0] * _flip(p))):
            run.notes.append(f"{claim.name} matches the complex conjugate, ∂f/∂Re z − "
                             "i·∂f/∂Im z (the convention of jax.grad): conjugate it")
        return run.report(fams, exhaustive, unseen)

    return _guarded(title, "central differences", run, body)


def _triangle_notes(p: Point, fn: str, claim: str, g: np.ndarray, desired: np.ndarray,
                    error: np.ndarray, tol: np.ndarray) -> list[str]:
    """A square matrix variable that f reads only one triangle of (np.linalg.cholesky
    reads the lower one): its differences are 0 on the other strict triangle, so the
    gradient is triangular, and a gradient in the symmetric convention fails there —
    rightly, but puzzlingly without this note."""
    notes = []
    for leaf in p.leaves:
        if leaf.complex or len(leaf.shape) != 2 or leaf.shape[0] != leaf.shape[1] \
                or leaf.shape[0] < 2:
            continue
        k = leaf.shape[0]
        part = slice(leaf.offset, leaf.offset + leaf.size)
        d, e, a, t = (v[part].reshape(k, k) for v in (desired, error, g, tol))
        for unread, read, words in ((np.triu_indices(k, 1), np.tril_indices(k, -1), "lower"),
                                    (np.tril_indices(k, -1), np.triu_indices(k, 1), "upper")):
            zero = np.all(np.abs(d[unread]) <= e[unread])
            if zero and np.any(np.abs(d[read]) > e[read]) and np.any(
                    np.abs(a[unread]) > t[unread]):
                other = "above" if words == "lower" else "below"
                notes.append(
                    f"{fn} reads only the {words} triangle of {leaf.name}: its differences "
                    f"are 0 {other} the diagonal, where {claim} is not, so the gradient over "
                    f"all {k * k} entries is {words} triangular; a gradient for a symmetric "
                    f"matrix (the symmetric convention) differs from it — symmetrise the "
                    f"argument in f ((S + Sᵀ)/2) to check that convention")
    return notes


def _first_column(sides: tuple[np.ndarray, ...] | None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    if sides is None:
        return None
    return sides[0][:, 0], sides[1][:, 0], sides[2][:, 0]


def _flip(p: Point) -> np.ndarray:
    """−1 on the imaginary parts of complex variables in θ: conjugation."""
    flip = np.ones(p.size)
    for leaf in p.leaves:
        if leaf.complex:
            flip[leaf.offset + 1:leaf.offset + leaf.size:2] = -1.0
    return flip


def _ravel_sides(sides: tuple[np.ndarray, ...] | None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    if sides is None:
        return None
    return sides[0].ravel(), sides[1].ravel(), sides[2].ravel()


# -- Jacobians -------------------------------------------------------------------------------
def check_jacobian_numeric(f: Callable[..., Any], jac: Callable[..., Any] | Any, *, at: Any,
                           wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                           directions: int = 4, full: int | None = None, seed: int = 0,
                           eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check that ``jac`` is the Jacobian of the array-valued ``f``; return the report.

    The parameters are those of :func:`assert_jacobian`, which raises where this returns.
    """
    p = point(f, at, wrt, complex_ok=False, complex_hint=_REAL_ONLY)
    d, full, seed, budget = _settings(directions, full, seed, budget, 32, p.size)
    value = _array(f, p)
    with np.errstate(all="ignore"):
        out_shape = value(p.theta, False).shape
    run = _Run(p, _reference(p, value, eps, 1))
    title = f"Jacobian of {name_of(f)} with respect to {p.describe()}"
    n, outs = p.size, int(np.prod(out_shape, dtype=int))
    single = len(p.leaves) == 1 and not p.leaves[0].path

    def cell(i: int, k: int) -> str:  # ∂f[i]/∂θ[k]
        if single:
            return index_label(out_shape + p.leaves[0].shape, i * n + k)
        return f"output {index_label(out_shape, i)}, {p.entry(k)}"

    def body() -> NumericReport:
        jm, claim = _read(p, jac, lambda raw, name: p.flatten(raw, name, out_shape),
                          lambda q: cell(q // n, q % n))
        run.c = c = check(title, "central differences", run.ref.words, name_of(f), claim,
                          rtol, atol)
        families, vs = [], _draw(n, d, seed)
        if d:
            values, errors, scale, sides = run.diffs(
                [(v,) for v in vs], [f"direction {i}" for i in range(d)])
            families.append(Family(
                "products J·v", f"along {d} random directions (seed {seed})",
                (vs @ jm.T).ravel(), values.ravel(), errors.ravel(), scale,
                [f"direction {i}, output {index_label(out_shape, k)}" for i in range(d)
                 for k in range(outs)],
                (lambda a: fmt(a.reshape(d, outs))) if outs > 1 else None,
                _ravel_sides(sides)))
        exhaustive, deadline, estimate = run.plan(n, n, full, budget, d)
        unseen = None
        if exhaustive:
            values, errors, scale, sides = run.diffs(
                [(basis(n, k),) for k in range(n)], [f"entry {p.entry(k)}" for k in range(n)],
                deadline)
            m = len(values)
            families.append(Family(
                "entries", f"(all {jm.size})" if m == n else
                f"(the columns of the first {m} of {n} entries)",
                jm[:, :m].T.ravel(), values.ravel(), errors.ravel(), scale,
                [cell(i, k) for k in range(m) for i in range(outs)],
                (lambda a: p.show(a.reshape(n, outs).T, out_shape)) if m == n else None,
                _ravel_sides(sides)))
            if m < n:
                exhaustive = False
                unseen = run.unseen("entries", n, n, budget, estimate, None, m)
        if not exhaustive and unseen is None:
            tol = _tolerances(c, families[0], families).reshape(d, outs)
            unseen = run.unseen("entries", n, n, budget, estimate,
                                unseen_single_entry(tol, vs))
        return run.report(families, exhaustive, unseen)

    return _guarded(title, "central differences", run, body)


# -- Hessians --------------------------------------------------------------------------------
def check_hessian_numeric(f: Callable[..., Any], hess: Callable[..., Any] | Any, *, at: Any,
                          wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                          directions: int = 4, full: int | None = None, seed: int = 0,
                          eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check that ``hess`` is the Hessian of the scalar function ``f``; return the report.

    The parameters are those of :func:`assert_hessian`, which raises where this returns.
    """
    p = point(f, at, wrt, complex_ok=False, complex_hint=_REAL_ONLY)
    d, full, seed, budget = _settings(directions, full, seed, budget, 12, p.size)
    value = _scalar(f, p, "the Hessian is of a function with scalar values")
    with np.errstate(all="ignore"):  # its type and shape; the values come below
        value(p.theta, False)
    run = _Run(p, _reference(p, value, eps, 2))
    title = f"Hessian of {name_of(f)} with respect to {p.describe()}"
    n = p.size
    single = len(p.leaves) == 1 and not p.leaves[0].path

    def cell(a: int, b: int) -> str:  # ∂²f/∂θ[a]∂θ[b]
        if single:
            return index_label(p.leaves[0].shape * 2, a * n + b)
        return f"{p.entry(a)}, {p.entry(b)}"

    def body() -> NumericReport:
        h, claim = _read(p, hess, lambda raw, name: p.flatten_square(raw, name),
                         lambda q: cell(q // n, q % n))
        run.c = c = check(title, "second differences", run.ref.words, name_of(f), claim,
                          rtol, atol)
        families = []
        vs = _draw(n, 2 * d, seed)
        pairs = list(zip(vs[::2], vs[1::2], strict=True))
        if d:
            labels = [f"directions {2 * i}, {2 * i + 1}" for i in range(d)]
            values, errors, scale, _ = run.diffs(pairs, labels)
            families.append(Family(
                "products uᵀHv", f"for {d} pairs of random directions (seed {seed})",
                np.array([u @ h @ v for u, v in pairs]), values[:, 0], errors[:, 0], scale,
                labels))
        upper = [(a, b) for a in range(n) for b in range(a, n)]
        exhaustive, deadline, estimate = run.plan(len(upper), n, full, budget, d)
        unseen = None
        if exhaustive:
            values, errors, scale, _ = run.diffs(
                [(basis(n, a), basis(n, b)) for a, b in upper],
                [f"entry {cell(a, b)}" for a, b in upper], deadline)
            m = len(values)
            if m == len(upper):
                desired, error = np.empty((n, n)), np.empty((n, n))
                for (a, b), dv, ev in zip(upper, values[:, 0], errors[:, 0], strict=True):
                    desired[a, b] = desired[b, a] = dv
                    error[a, b] = error[b, a] = ev
                families.append(Family(
                    "entries", f"(all {h.size})", h.ravel(), desired.ravel(), error.ravel(),
                    scale, [cell(k // n, k % n) for k in range(n * n)],
                    lambda a: fmt(a.reshape(n, n))))
            else:
                done = upper[:m]
                families.append(Family(
                    "entries", f"(the first {m} of the {len(upper)} on and above the diagonal)",
                    np.array([h[a, b] for a, b in done]), values[:, 0], errors[:, 0], scale,
                    [cell(a, b) for a, b in done]))
                exhaustive = False
                unseen = run.unseen("entries on and above the diagonal", len(upper), n,
                                    budget, estimate, None, m)
        if not exhaustive and unseen is None:
            bound = None
            if n * n <= 10**6:  # an error e in H[a, b] changes uᵀHv by e·u_a·v_b
                tol = _tolerances(c, families[0], families)
                bound = unseen_single_entry(tol[:, None], np.array(
                    [np.outer(u, v).ravel() for u, v in pairs]))
            unseen = run.unseen("entries on and above the diagonal", len(upper), n, budget,
                                estimate, bound)
        asym = float(np.max(np.abs(h - h.T), initial=0.0))
        if asym > 0 and asym > 1e-3 * float(np.max(np.abs(h), initial=0.0)):
            run.notes.append(f"the claimed Hessian is not symmetric (largest |H − Hᵀ| = "
                             f"{asym:.3g}); a Hessian of a twice continuously differentiable "
                             "f is")
        return run.report(families, exhaustive, unseen)

    return _guarded(title, "second differences", run, body)


# -- products: vector-Jacobian, Jacobian-vector, Hessian-vector -------------------------------
def check_vjp_numeric(f: Callable[..., Any], vjp: Callable[..., Any], *, at: Any,
                      wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                      directions: int = 4, full: int | None = None, seed: int = 0,
                      eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check a vector-Jacobian product; return the report.

    The parameters are those of :func:`assert_vjp`, which raises where this returns.
    """
    p = point(f, at, wrt, complex_ok=False, complex_hint=_REAL_ONLY)
    d, full, seed, budget = _settings(directions, full, seed, budget, 32, p.size)
    value = _array(f, p)
    with np.errstate(all="ignore"):
        y0 = value(p.theta, False)
    run = _Run(p, _reference(p, value, eps, 1))
    title = f"Vector-Jacobian products of {name_of(f)} with respect to {p.describe()}"
    n, outs, k = p.size, y0.size, max(d, 1)
    cdtype = y0.dtype if y0.dtype.kind == "f" else np.dtype(np.float64)
    cts = _draw(outs, k, seed, 1)  # cotangents: their own seeded stream

    def body() -> NumericReport:
        rows, claims = zip(*(_read(p, vjp, lambda raw, name: p.flatten(raw, name), p.entry,
                                   (ct.reshape(y0.shape).astype(cdtype),)) for ct in cts),
                           strict=True)
        g = np.concatenate(rows)  # (cotangents, θ): row i is cᵢᵀJ
        run.c = c = check(title, "central differences", run.ref.words, name_of(f),
                          claims[0], rtol, atol)
        families, us = [], _draw(n, d, seed)
        how = f"{k} random cotangent{'s' if k > 1 else ''} c (seed {seed})"
        if d:
            values, errors, scale, sides = run.diffs(
                [(u,) for u in us], [f"direction {j}" for j in range(d)])
            families.append(Family(
                "products cᵀJu", f"for {how}, along {d} random directions u",
                (g @ us.T).ravel(), (cts @ values.T).ravel(), (np.abs(cts) @ errors.T).ravel(),
                scale, [f"cotangent {i}, direction {j}" for i in range(k) for j in range(d)],
                (lambda a: fmt(a.reshape(k, d))) if k > 1 else None, _projected(cts, sides)))
        exhaustive, deadline, estimate = run.plan(n, n, full, budget, d)
        unseen = None
        if exhaustive:
            values, errors, scale, sides = run.diffs(
                [(basis(n, q),) for q in range(n)], [f"entry {p.entry(q)}" for q in range(n)],
                deadline)
            m = len(values)
            families.append(Family(
                "entries", f"of cᵀJ for {how}" + ("" if m == n else f" (the first {m} of {n})"),
                g[:, :m].ravel(), (cts @ values.T).ravel(), (np.abs(cts) @ errors.T).ravel(),
                scale, [f"cotangent {i}, {p.entry(q)}" for i in range(k) for q in range(m)],
                (lambda a: p.show(a.reshape(k, n), (k,) if k > 1 else ())) if m == n else None,
                _projected(cts, sides)))
            if m < n:
                exhaustive = False
                unseen = run.unseen("entries", n, n, budget, estimate, None, m)
        if not exhaustive and unseen is None:
            tol = _tolerances(c, families[0], families).reshape(k, d)
            unseen = run.unseen("entries", n, n, budget, estimate,
                                unseen_single_entry(tol.T, us))
        return run.report(families, exhaustive, unseen)

    return _guarded(title, "central differences", run, body)


def _projected(cts: np.ndarray, sides: tuple[np.ndarray, ...] | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """One-sided slopes of cᵀf; a kink where any output with weight in c has one."""
    if sides is None:
        return None
    fwd, bwd, kink = sides
    return ((cts @ fwd.T).ravel(), (cts @ bwd.T).ravel(),
            ((np.abs(cts) > 0) @ kink.T.astype(float) > 0).ravel())


def check_jvp_numeric(f: Callable[..., Any], jvp: Callable[..., Any], *, at: Any,
                      wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                      directions: int = 4, full: int | None = None, seed: int = 0,
                      eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check a Jacobian-vector product; return the report.

    The parameters are those of :func:`assert_jvp`, which raises where this returns.
    """
    p = point(f, at, wrt, complex_ok=False, complex_hint=_REAL_ONLY)
    d, full, seed, budget = _settings(directions, full, seed, budget, 32, p.size)
    value = _array(f, p)
    with np.errstate(all="ignore"):
        out_shape = value(p.theta, False).shape
    run = _Run(p, _reference(p, value, eps, 1))
    title = f"Jacobian-vector products of {name_of(f)} with respect to {p.describe()}"
    n, outs = p.size, int(np.prod(out_shape, dtype=int))
    reader = _output_reader(out_shape)

    def products(vectors: np.ndarray) -> tuple[np.ndarray, list[Claim]]:
        read = [_read(p, jvp, reader, lambda q: index_label(out_shape, q),
                      (p.structured(v),)) for v in vectors]
        return np.array([r[0][0] for r in read]).reshape(len(vectors), outs), [
            r[1] for r in read]

    def body() -> NumericReport:
        vs = _draw(n, d, seed)
        along, claims = products(vs) if d else products(basis(n, 0)[None, :])
        run.c = c = check(title, "central differences", run.ref.words, name_of(f),
                          claims[0], rtol, atol)
        families = []
        if d:
            values, errors, scale, sides = run.diffs(
                [(v,) for v in vs], [f"tangent {i}" for i in range(d)])
            families.append(Family(
                "products J·v", f"along {d} random tangents v (seed {seed})", along.ravel(),
                values.ravel(), errors.ravel(), scale,
                [f"tangent {i}, output {index_label(out_shape, q)}" for i in range(d)
                 for q in range(outs)],
                (lambda a: fmt(a.reshape(d, outs))) if outs > 1 else None,
                _ravel_sides(sides)))
        exhaustive, deadline, estimate = run.plan(n, n, full, budget, d)
        unseen = None
        if exhaustive:
            values, errors, scale, sides = run.diffs(
                [(basis(n, q),) for q in range(n)], [f"entry {p.entry(q)}" for q in range(n)],
                deadline)
            m = len(values)
            columns, _ = products(np.eye(n)[:m])
            families.append(Family(
                "entries", "of J, one column per entry of the variables "
                + (f"(all {n})" if m == n else f"(the first {m} of {n})"),
                columns.ravel(), values.ravel(), errors.ravel(), scale,
                [f"output {index_label(out_shape, i)}, {p.entry(q)}" for q in range(m)
                 for i in range(outs)],
                (lambda a: p.show(a.reshape(n, outs).T, out_shape)) if m == n else None,
                _ravel_sides(sides)))
            if m < n:
                exhaustive = False
                unseen = run.unseen("entries", n, n, budget, estimate, None, m)
        if not exhaustive and unseen is None:
            tol = _tolerances(c, families[0], families).reshape(d, outs)
            unseen = run.unseen("entries", n, n, budget, estimate,
                                unseen_single_entry(tol, vs))
        return run.report(families, exhaustive, unseen)

    return _guarded(title, "central differences", run, body)


def check_hvp_numeric(f: Callable[..., Any], hvp: Callable[..., Any], *, at: Any,
                      wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                      directions: int = 4, full: int | None = None, seed: int = 0,
                      eps: float | None = None, budget: float = BUDGET) -> NumericReport:
    """Check a Hessian-vector product; return the report.

    The parameters are those of :func:`assert_hvp`, which raises where this returns.
    """
    p = point(f, at, wrt, complex_ok=False, complex_hint=_REAL_ONLY)
    d, full, seed, budget = _settings(directions, full, seed, budget, 12, p.size)
    value = _scalar(f, p, "the Hessian is of a function with scalar values")
    with np.errstate(all="ignore"):
        value(p.theta, False)
    run = _Run(p, _reference(p, value, eps, 2))
    title = f"Hessian-vector products of {name_of(f)} with respect to {p.describe()}"
    n, k = p.size, max(d, 1)
    vs = _draw(n, k, seed)

    def body() -> NumericReport:
        rows, claims = zip(*(_read(p, hvp, lambda raw, name: p.flatten(raw, name), p.entry,
                                   (p.structured(v),)) for v in vs), strict=True)
        hv = np.concatenate(rows)  # (tangents, θ): row i is H·vᵢ
        run.c = c = check(title, "second differences", run.ref.words, name_of(f), claims[0],
                          rtol, atol)
        families = []
        if d:
            # vⱼᵀHvᵢ is symmetric in i, j: one second difference per pair i ≤ j
            upper = [(i, j) for i in range(d) for j in range(i, d)]
            values, errors, scale, _ = run.diffs([(vs[i], vs[j]) for i, j in upper],
                                                 [f"tangents {i}, {j}" for i, j in upper])
            desired, error = np.empty((d, d)), np.empty((d, d))
            for (i, j), dv, ev in zip(upper, values[:, 0], errors[:, 0], strict=True):
                desired[i, j] = desired[j, i] = dv
                error[i, j] = error[j, i] = ev
            products = hv @ vs.T  # [i, j] = ⟨H·vᵢ, vⱼ⟩
            families.append(Family(
                "products vⱼᵀ(H·vᵢ)", f"for {d} random tangents v, each against each (seed "
                f"{seed})", products.ravel(), desired.ravel(), error.ravel(), scale,
                [f"tangents {i}, {j}" for i in range(d) for j in range(d)],
                lambda a: fmt(a.reshape(d, d))))
            asym = float(np.max(np.abs(products - products.T), initial=0.0))
            if asym > 1e-3 * float(np.max(np.abs(products), initial=0.0)) and asym > 0:
                run.notes.append(f"{claims[0].name} is not symmetric: vⱼᵀ(H·vᵢ) and "
                                 f"vᵢᵀ(H·vⱼ) differ by up to {asym:.3g}; for a twice "
                                 "continuously differentiable f they are equal")
        exhaustive, deadline, estimate = run.plan(k * n, n, full, budget, d * (d + 1) // 2)
        unseen = None
        if exhaustive:
            cells = [(i, q) for i in range(k) for q in range(n)]
            values, errors, scale, _ = run.diffs(
                [(basis(n, q), vs[i]) for i, q in cells],
                [f"tangent {i}, entry {p.entry(q)}" for i, q in cells], deadline)
            m = len(values)
            families.append(Family(
                "entries", f"of H·v for {k} random tangent{'s' if k > 1 else ''} v"
                + ("" if m == len(cells) else f" (the first {m} of {len(cells)})"),
                hv.ravel()[:m], values[:, 0], errors[:, 0], scale,
                [f"tangent {i}, {p.entry(q)}" for i, q in cells[:m]],
                (lambda a: p.show(a.reshape(k, n), (k,) if k > 1 else ()))
                if m == len(cells) else None))
            if m < len(cells):
                exhaustive = False
                unseen = run.unseen("entries of the products", len(cells), n, budget,
                                    estimate, None, m)
        if not exhaustive and unseen is None:
            tol = _tolerances(c, families[0], families).reshape(d, d)
            # an error e in entry q of H·vᵢ changes vⱼᵀ(H·vᵢ) by e·vⱼ[q]
            unseen = run.unseen("entries of the products", k * n, n, budget, estimate,
                                unseen_single_entry(tol.T, vs))
        return run.report(families, exhaustive, unseen)

    return _guarded(title, "second differences", run, body)


# -- the assertions ---------------------------------------------------------------------------
def _raise(report: NumericReport) -> None:
    __tracebackhide__ = True
    if not report.passed:
        raise AssertionError(report.text)


def assert_gradient(f: Callable[..., Any], grad: Callable[..., Any] | Any, *, at: Any,
                    wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None, budget: float = BUDGET) -> None:
    """Assert that ``grad`` is the gradient of the scalar function ``f``.

    ``f(*at)`` (``f(**at)`` for a dict) must return a real scalar; ``grad`` is a function
    of the same arguments returning the gradient with respect to argument ``wrt`` (its
    position, or its name), in that argument's shape — or the gradient's value itself.

    Parameters
    ----------
    at : tuple, dict or array
        The arguments of ``f`` and ``grad``.  They are not changed.
    wrt : int, str, or a tuple of them
        Which argument is the variable: its position in ``at`` or its name.  Several
        (``wrt=("W", "b")``): ``grad`` returns a tuple in that order, or a dict by name.
        An argument that is a dict or a tuple of arrays (``params``) is a variable with
        parts: ``grad`` returns the same container.  A complex argument: the gradient is
        ∂f/∂Re z + i·∂f/∂Im z (= 2·∂f/∂z̄, PyTorch's convention; ``jax.grad`` returns its
        conjugate).
    rtol, atol : float or dict, optional
        A value passes when ``|actual − desired| ≤ atol + rtol·|desired| + e``, e the
        estimated error of the differences.  rtol defaults by the dtype the claim is
        judged in (:data:`TOLERANCES`: float64 1e-5, float32 1e-3); atol to 256ε × the
        largest |desired|.  A dict keyed by dtype overrides per dtype.
    directions : int
        Random unit directions v (seeded) along which ⟨grad, v⟩ is compared with the
        central difference of ``f``.
    full : int, optional
        Up to this many entries (default 32), the whole gradient is also compared entry
        by entry, whatever it costs.
    seed : int
        Seed of the directions.
    eps : float, optional
        The first step of the differences (default 0.1, or 0.1·(1 + log s) for x's size
        s beyond 1); Ridders' method then halves it until the answer is accurate or
        rounding takes over.  A step where ``f`` is not finite or raises is inadmissible:
        the step shrinks.
    budget : float
        Seconds (default 0.5) that comparing every entry may take beyond ``full``
        entries, estimated from the measured cost of the directions; 0 turns it off.
        When the entries are not all compared, the message says what the directions
        alone may miss.

    Raises
    ------
    AssertionError
        With what was checked, the tolerances, the largest differences, and the actual
        and desired values in the gradient's shape (the layout of
        :func:`check_gradient_numeric`'s report, which returns instead).
    ArgumentError
        Bad arguments, or an ``f`` that is not a finite real number at the point.

    Examples
    --------
    >>> import numpy as np
    >>> def loss(X, w, y):
    ...     return np.sum((y - X @ w) ** 2)
    >>> def loss_grad(X, w, y):
    ...     return -2 * X.T @ (y - X @ w)
    >>> X, w, y = np.eye(3), np.array([1.0, 2.0, 3.0]), np.ones(3)
    >>> assert_gradient(loss, loss_grad, at=(X, w, y), wrt=1)
    >>> assert_gradient(loss, lambda X, w, y: X.T @ (y - X @ w), at=(X, w, y), wrt="w")
    Traceback (most recent call last):
    AssertionError: Gradient of loss with respect to w (argument 1, shape (3,), float64) ...

    Several parameters at once, and a complex one:

    >>> def layer(W, b, x):
    ...     return np.sum(np.tanh(W @ x + b))
    >>> def layer_grad(W, b, x):
    ...     s = 1 - np.tanh(W @ x + b) ** 2
    ...     return np.outer(s, x), s
    >>> W, b, x = np.ones((2, 3)) / 4, np.zeros(2), np.array([1.0, -1.0, 2.0])
    >>> assert_gradient(layer, layer_grad, at=(W, b, x), wrt=("W", "b"))
    >>> assert_gradient(lambda z: np.sum(np.abs(z) ** 2), lambda z: 2 * z,
    ...                 at=np.array([1 + 2j, -0.5j]))
    """
    __tracebackhide__ = True
    _raise(check_gradient_numeric(f, grad, at=at, wrt=wrt, rtol=rtol, atol=atol,
                                  directions=directions, full=full, seed=seed, eps=eps,
                                  budget=budget))


def assert_jacobian(f: Callable[..., Any], jac: Callable[..., Any] | Any, *, at: Any,
                    wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None, budget: float = BUDGET) -> None:
    """Assert that ``jac`` is the Jacobian of the array-valued function ``f``.

    The Jacobian has shape ``f(...).shape + x.shape`` (entry ``[i…, j…]`` is
    ∂f[i…]/∂x[j…]); a 2-D ``(f.size, x.size)`` array is accepted as well (for several
    variables, a tuple or dict of such arrays).  Along each random direction v the product
    J·v is compared with the central difference of ``f``; up to ``full`` entries of x
    (default 32), or within ``budget``, every column too.  The other parameters are those
    of :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> def softplus(x):
    ...     return np.log1p(np.exp(x))
    >>> def softplus_jac(x):
    ...     return np.diag(1 / (1 + np.exp(-x)))
    >>> assert_jacobian(softplus, softplus_jac, at=np.array([-1.0, 0.0, 2.0]))
    >>> assert_jacobian(softplus, lambda x: np.diag(np.exp(x)), at=np.array([-1.0, 0.0, 2.0]))
    Traceback (most recent call last):
    AssertionError: Jacobian of softplus with respect to x (argument 0, shape (3,), float64) ...
    """
    __tracebackhide__ = True
    _raise(check_jacobian_numeric(f, jac, at=at, wrt=wrt, rtol=rtol, atol=atol,
                                  directions=directions, full=full, seed=seed, eps=eps,
                                  budget=budget))


def assert_hessian(f: Callable[..., Any], hess: Callable[..., Any] | Any, *, at: Any,
                   wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                   directions: int = 4, full: int | None = None, seed: int = 0,
                   eps: float | None = None, budget: float = BUDGET) -> None:
    """Assert that ``hess`` is the Hessian of the scalar function ``f``.

    The Hessian has shape ``x.shape + x.shape`` (a 2-D ``(x.size, x.size)`` array is
    accepted as well).  For several variables (``wrt=("W", "b")``) it is given in blocks,
    ``hess(...)[a][b]`` of shape ``a.shape + b.shape`` — the cross-derivatives ∂²f/∂W∂b
    included — as nested tuples or dicts (as ``jax.hessian`` returns them), or as one
    (n, n) array over all entries in order.  For pairs of random directions (u, v), uᵀHv
    is compared with the mixed second difference of ``f``, extrapolated the same way; up
    to ``full`` entries of x (default 12), or within ``budget``, every entry H[i, j] too.
    The other parameters are those of :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> def quad(x):
    ...     return x @ A @ x
    >>> assert_hessian(quad, lambda x: A + A.T, at=np.array([1.0, -1.0]))
    >>> assert_hessian(quad, lambda x: 2 * A, at=np.array([1.0, -1.0]))
    Traceback (most recent call last):
    AssertionError: Hessian of quad with respect to x (argument 0, shape (2,), float64) ...
    """
    __tracebackhide__ = True
    _raise(check_hessian_numeric(f, hess, at=at, wrt=wrt, rtol=rtol, atol=atol,
                                 directions=directions, full=full, seed=seed, eps=eps,
                                 budget=budget))


def assert_vjp(f: Callable[..., Any], vjp: Callable[..., Any], *, at: Any, wrt: Any = 0,
               rtol: Tolerance = None, atol: Tolerance = None, directions: int = 4,
               full: int | None = None, seed: int = 0, eps: float | None = None,
               budget: float = BUDGET) -> None:
    """Assert that ``vjp`` computes vector-Jacobian products cᵀJ of ``f``.

    ``vjp`` takes the arguments of ``f`` followed by a cotangent c of ``f``'s output
    shape (``vjp(*at, c)``, ``vjp(c, **at)`` for a dict) and returns cᵀJ — the gradient
    of ⟨c, f⟩ — in the variables' shape (a tuple or dict for several, as for
    :func:`assert_gradient`).  For ``directions`` seeded random unit cotangents c and as
    many random directions u, ⟨vjp(c), u⟩ is compared with ⟨c, ·⟩ of the central
    difference of ``f`` along u; up to ``full`` entries (default 32), or within
    ``budget``, every entry of each vjp(c) too.  The other parameters are those of
    :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> def f(x):
    ...     return np.sin(A @ x)
    >>> def f_vjp(x, c):
    ...     return A.T @ (np.cos(A @ x) * c)
    >>> assert_vjp(f, f_vjp, at=np.array([0.1, -0.2]))
    >>> assert_vjp(f, lambda x, c: A.T @ c, at=np.array([0.1, -0.2]))
    Traceback (most recent call last):
    AssertionError: Vector-Jacobian products of f with respect to x (argument 0, ...
    """
    __tracebackhide__ = True
    _raise(check_vjp_numeric(f, vjp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                             directions=directions, full=full, seed=seed, eps=eps,
                             budget=budget))


def assert_jvp(f: Callable[..., Any], jvp: Callable[..., Any], *, at: Any, wrt: Any = 0,
               rtol: Tolerance = None, atol: Tolerance = None, directions: int = 4,
               full: int | None = None, seed: int = 0, eps: float | None = None,
               budget: float = BUDGET) -> None:
    """Assert that ``jvp`` computes Jacobian-vector products J·v of ``f``.

    ``jvp`` takes the arguments of ``f`` followed by a tangent v in the variables' shape
    (a tuple for several; ``jvp(*at, v)``) and returns J·v in ``f``'s output shape.  For
    ``directions`` seeded random unit tangents, J·v is compared with the central
    difference of ``f`` along v; up to ``full`` entries (default 32), or within
    ``budget``, every column J·e_k too.  The other parameters are those of
    :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> def polar(r):
    ...     return np.array([r[0] * np.cos(r[1]), r[0] * np.sin(r[1])])
    >>> def polar_jvp(r, v):
    ...     c, s = np.cos(r[1]), np.sin(r[1])
    ...     return np.array([c * v[0] - r[0] * s * v[1], s * v[0] + r[0] * c * v[1]])
    >>> assert_jvp(polar, polar_jvp, at=np.array([2.0, 0.5]))
    >>> assert_jvp(polar, lambda r, v: polar_jvp(r, v[::-1]), at=np.array([2.0, 0.5]))
    Traceback (most recent call last):
    AssertionError: Jacobian-vector products of polar with respect to r ...
    """
    __tracebackhide__ = True
    _raise(check_jvp_numeric(f, jvp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                             directions=directions, full=full, seed=seed, eps=eps,
                             budget=budget))


def assert_hvp(f: Callable[..., Any], hvp: Callable[..., Any], *, at: Any, wrt: Any = 0,
               rtol: Tolerance = None, atol: Tolerance = None, directions: int = 4,
               full: int | None = None, seed: int = 0, eps: float | None = None,
               budget: float = BUDGET) -> None:
    """Assert that ``hvp`` computes Hessian-vector products H·v of the scalar ``f``.

    ``hvp`` takes the arguments of ``f`` followed by a tangent v in the variables' shape
    (``hvp(*at, v)``) and returns H·v in the variables' shape.  For ``directions`` seeded
    random unit tangents, every vⱼᵀ(H·vᵢ) is compared with the mixed second difference of
    ``f`` along vᵢ and vⱼ; up to ``full`` entries (default 12), or within ``budget``,
    every entry of each H·vᵢ too (against the second difference along e_k and vᵢ).  The
    other parameters are those of :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> def f(x):
    ...     return np.sum(x ** 4) / 4
    >>> assert_hvp(f, lambda x, v: 3 * x**2 * v, at=np.array([1.0, -2.0, 0.5]))
    >>> assert_hvp(f, lambda x, v: 3 * x**2, at=np.array([1.0, -2.0, 0.5]))
    Traceback (most recent call last):
    AssertionError: Hessian-vector products of f with respect to x (argument 0, ...
    """
    __tracebackhide__ = True
    _raise(check_hvp_numeric(f, hvp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                             directions=directions, full=full, seed=seed, eps=eps,
                             budget=budget))

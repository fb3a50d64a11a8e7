"""Assertions for users' own numeric derivative code, against central differences.

``assert_gradient(f, grad, at=(X, w, y), wrt=1)`` calls the user's ``f`` and ``grad`` at
the point ``at`` and compares ``grad`` with central differences of ``f`` with respect to
one argument: along a few seeded random directions (cheap at any size), and entry by
entry when the argument is small.  ``assert_jacobian`` and ``assert_hessian`` do the
same for a vector-valued ``f`` and for second derivatives.

The differences follow Ridders' method: central difference quotients at steps h, h/2,
h/4, … extrapolated towards h → 0 in a Neville tableau, which picks the step where
truncation and rounding balance and estimates the error of its answer.  That error, and
the rounding of ``f``'s values, are allowed for in the comparison.

float32: the differences are taken with the arguments promoted to float64 whenever ``f``
then computes in float64; and a claimed derivative computed by code that follows its
arguments' dtype is judged as that code computes it from float64 arguments (its float32
result must be finite where that one is).  Code that casts to float32 inside is judged
in float32, with float32's tolerance.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ArgumentError

__all__ = ["TOLERANCES", "assert_gradient", "assert_hessian", "assert_jacobian"]

#: Default relative tolerance by the dtype in which the claimed derivative is judged.
TOLERANCES: dict[np.dtype, float] = {
    np.dtype(np.float16): 5e-2,
    np.dtype(np.float32): 1e-3,
    np.dtype(np.float64): 1e-5,
    np.dtype(np.longdouble): 1e-5,
}

Tolerance = float | Mapping[Any, float] | None

_CON = 2.0  # the step shrinks by this factor from one level of the tableau to the next
_LEVELS = 16  # at most this many steps per difference (after the first finite one)
_SHRINKS = 64  # at most this many halvings to find a step where f is finite on both sides
_RESTARTS = 4  # tableaux from h0, h0/256, h0/256², h0/256³ when one does not settle


# -- the user's function at a point -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Point:
    """The user's arguments, with one of them (``key``) the variable."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    key: int | str
    x: np.ndarray
    label: str  # "w (argument 1)"
    raw: Any  # the variable as given (a Python float is passed back as one)

    def call(self, fn: Callable[..., Any], x: np.ndarray | None = None, *,
             promote: bool = False) -> Any:
        """``fn`` at the point, the variable replaced by ``x``; every array is a fresh copy,
        so a function that changes its arguments in place cannot change the point."""
        value: Any = self.x if x is None else x
        if self.x.ndim == 0 and not isinstance(self.raw, np.ndarray):
            value = value[()]  # a Python float stays a scalar
        args = [_fresh(a, promote) for a in self.args]
        kwargs = {k: _fresh(v, promote) for k, v in self.kwargs.items()}
        if isinstance(self.key, int):
            args[self.key] = _fresh(value, promote)
        else:
            kwargs[self.key] = _fresh(value, promote)
        return fn(*args, **kwargs)


def _fresh(v: Any, promote: bool) -> Any:
    """A copy of an array; float16/float32 arrays and scalars as float64 if ``promote``."""
    low = isinstance(v, np.ndarray | np.floating) and v.dtype.kind == "f" and v.dtype.itemsize < 8
    if promote and low:
        return v.astype(np.float64)
    return v.copy() if isinstance(v, np.ndarray) else v


def _numbers(out: Any) -> np.ndarray | None:
    """``out`` as an array of real numbers, or None if it is not one."""
    try:
        arr = np.asarray(out)
    except (ValueError, TypeError):  # ragged lists and the like
        return None
    return arr if arr.dtype.kind in "fiub" else None


def _name(fn: Any) -> str:
    return getattr(fn, "__name__", None) or type(fn).__name__


def _int(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
        raise ArgumentError(f"{name} must be an integer ≥ 0, not {v!r}")
    return int(v)


def _point(fn: Callable[..., Any], at: Any, wrt: int | str) -> _Point:
    """Split ``at`` into positional and keyword arguments and find the variable."""
    if not callable(fn):
        raise ArgumentError(f"f must be a function, not {type(fn).__name__}")
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    if isinstance(at, Mapping):
        args: tuple[Any, ...] = ()
        kwargs = dict(at)
        if wrt == 0 and len(kwargs) == 1:
            wrt = next(iter(kwargs))
        if not isinstance(wrt, str) or wrt not in kwargs:
            raise ArgumentError(f"wrt={wrt!r} is not one of the keyword arguments in at "
                                f"({', '.join(map(repr, kwargs))})")
        key: int | str = wrt
        label = repr(wrt)
    else:
        args = tuple(at) if isinstance(at, tuple | list) else (at,)
        kwargs = {}
        if isinstance(wrt, str):
            if wrt not in params[:len(args)]:
                raise ArgumentError(f"wrt={wrt!r} is not the name of one of the {len(args)} "
                                    f"arguments of {_name(fn)}")
            wrt = params.index(wrt)
        if isinstance(wrt, bool) or not isinstance(wrt, numbers.Integral) or not (
                -len(args) <= wrt < len(args)):
            raise ArgumentError(f"wrt={wrt!r} is not the position of one of the {len(args)} "
                                "arguments in at")
        key = int(wrt) % len(args)
        label = f"{params[key]} (argument {key})" if key < len(params) else f"argument {key}"
    raw = args[key] if isinstance(key, int) else kwargs[key]
    x = _numbers(raw)
    if x is None or x.dtype.kind != "f":
        kind = "integers" if x is not None else f"a {type(raw).__name__}"
        raise ArgumentError(f"{label} holds {kind}: derivatives need floating-point values "
                            f"(for example np.asarray(..., dtype=float))")
    if not np.all(np.isfinite(x)):
        raise ArgumentError(f"{label} holds inf or nan: there is no derivative to compare")
    args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
    kwargs = {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v
              for k, v in kwargs.items()}
    return _Point(fn, args, kwargs, key, x.copy(), label, raw)


def _with_shape(p: _Point) -> str:
    if p.label.endswith(")"):
        return f"{p.label[:-1]}, shape {p.x.shape}, {p.x.dtype})"
    return f"{p.label} (shape {p.x.shape}, {p.x.dtype})"


def _entry(shape: tuple[int, ...], k: int) -> str:
    if not shape:
        return "[]"
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(k, shape)) + "]"


# -- the reference: Ridders' extrapolation of central differences --------------------------------
class _NotFinite(Exception):
    """f is not finite on both sides of the point at any step tried."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


@dataclass(frozen=True, slots=True)
class _Reference:
    """How ``f`` is evaluated for the differences: promoted to float64, or as given."""

    fn: Callable[[np.ndarray, bool], np.ndarray]  # value(x, promote) → array
    promote: bool
    dtype: np.dtype
    first_step: float | None  # the user's eps
    order: int  # 2: second differences
    f0: np.ndarray  # f at the point, evaluated the same way

    @property
    def eps(self) -> float:
        return float(np.finfo(self.dtype).eps)

    @property
    def words(self) -> str:
        how = "f evaluated in float64" if self.promote else f"in {self.dtype}"
        kind = "central differences" if self.order == 1 else "central second differences"
        return f"{kind}, {how}, extrapolated by Ridders' method"


def _reference(p: _Point, value: Callable[[np.ndarray, bool], np.ndarray],
               eps: float | None, order: int = 1) -> _Reference:
    if eps is not None and (isinstance(eps, bool) or not isinstance(eps, numbers.Real)
                            or not 0 < eps < float("inf")):
        raise ArgumentError(f"eps must be a positive number, not {eps!r}")
    ref = None
    if p.x.dtype.itemsize < 8:
        with np.errstate(all="ignore"):  # a nan here is reported below
            f0 = value(p.x.astype(np.float64), True)
        if f0.dtype == np.float64:
            ref = _Reference(value, True, np.dtype(np.float64), eps, order, f0)
    if ref is None:  # f computes in its own dtype
        with np.errstate(all="ignore"):
            f0 = value(p.x, False).astype(np.float64)
        ref = _Reference(value, False, p.x.dtype, eps, order, f0)
    if not np.all(np.isfinite(ref.f0)):
        raise ArgumentError(f"{_name(p.fn)} is not finite at the point itself "
                            f"({_fmt(ref.f0)}): there is no derivative to compare")
    return ref


@dataclass(frozen=True, slots=True)
class _Run:
    """One extrapolation: estimate, error bound, and whether it settled."""

    best: np.ndarray
    error: np.ndarray
    settled: bool  # every estimate within ``enough``
    flat: bool  # f did not change at any step tried: no information about the slope
    scale: float  # |change of f| / h^order at the first step: the derivative's size nearby


def _tableau(quotient: Callable[[float], tuple[np.ndarray, float, float]], h0: float,
             order: int, eps: float, enough: Callable[[np.ndarray], np.ndarray], where: str,
             floor: float) -> _Run:
    h = h0
    for _ in range(_SHRINKS):  # a step where f is defined on both sides (log near 0)
        if h < floor:  # x ± h·v would round to x itself
            raise _NotFinite(where)
        val, fmax, scale = quotient(h)
        if np.all(np.isfinite(val)) and np.isfinite(scale):
            break
        h /= _CON
    else:
        raise _NotFinite(f"{where}, for every step from {h0:.3g} down to {h:.3g}")
    column, flat = [val], not np.any(val)
    best, err = val, np.full(val.shape, np.inf)
    step = np.full(val.shape, h)
    calm = False  # the last level was already within ``enough``
    for _ in range(_LEVELS):
        h /= _CON
        if h < floor:
            break
        val, fm, _ = quotient(h)
        if not np.all(np.isfinite(val)):
            break
        if np.any((val == 0) & (column[0] != 0)):  # f no longer changes: its resolution,
            break  # not the derivative (the sum inside log-sum-exp rounds at 1 ± ε)
        fmax, flat = max(fmax, fm), flat and not np.any(val)
        row, fac = [val], _CON**2
        for j in range(1, len(column) + 1):
            row.append((row[j - 1] * fac - column[j - 1]) / (fac - 1))
            fac *= _CON**2
            errt = np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - column[j - 1]))
            better = errt <= err
            best = np.where(better, row[j], best)
            err = np.where(better, errt, err)
            step = np.where(better, h, step)
        # rounding has taken over: the estimates drift apart again, and f's rounding at
        # this step is no longer small beside the error (in the truncation regime a lucky
        # agreement of two coarse entries must not stop the descent)
        noise = 4 * eps * max(fmax, fm) / h**order
        grew = (np.abs(row[-1] - column[-1]) >= 2 * err) & (noise >= 0.01 * err)
        column = row
        settled = bool(np.all(err <= enough(best)))
        if np.all(grew) or (settled and calm):  # two levels in a row: not a lucky agreement
            break
        calm = settled
    # no second level to compare with (f undefined or no longer changing at half the
    # step): the first difference alone, known only to within its own size
    err = np.where(np.isfinite(err), err, np.abs(best))
    # Ridders' estimate is a heuristic that can be a few times optimistic: ten times it
    total = 10 * err + 16 * eps * fmax / step**order
    return _Run(best, total, bool(np.all(err <= enough(best))), flat, scale)


def _ridders(quotient: Callable[[float], tuple[np.ndarray, float, float]], h0: float,
             order: int, eps: float, enough: Callable[[np.ndarray], np.ndarray], where: str,
             floor: float, near: float | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """The limit h → 0 of a central difference quotient whose error is a series in h².

    Ridders' tableau from the step h0 down.  If it does not settle — h0 was too large for
    f (a bump narrower than h0, a pole or the domain's edge within h0), or f did not
    change at all — again from ``near`` (a tenth of x's own size along the direction, for
    f whose scale is x's: log det of a matrix near 10⁻⁵) and from h0/256, h0/256² and
    h0/256³, keeping the run with the smallest error relative to its estimate among those
    where f changed (a coarse run can look converged on the tail of f, absolutely small
    but relatively huge).  Returns the estimate; a bound on its error, ten times Ridders'
    estimate (how far the best entry is from its neighbours; a heuristic, at times a few
    times optimistic) plus the rounding of f's values at that step, 16ε·max|f|/h^order (f
    sums terms larger than itself); and the derivative's size near the point,
    |f(x ± h₀v) − f(x)|/h₀^order (which scales the default atol)."""
    starts = [h0] + ([near] if near is not None and floor < near < h0 / 16 else [])
    starts += [h0 / 256**k for k in range(1, _RESTARTS)]
    runs: list[_Run] = []
    for k, start in enumerate(starts):
        try:
            run = _tableau(quotient, start, order, eps, enough, where, floor)
        except _NotFinite:
            continue
        runs.append(run)
        if k == 0 and run.settled and not run.flat:
            return run.best, run.error, run.scale
    if not runs:
        raise _NotFinite(f"{where}, for every step from {h0:.3g} down to {floor:.3g}")
    informative = [r for r in runs if not r.flat] or runs

    def relative(r: _Run) -> float:
        with np.errstate(all="ignore"):
            return float(np.max(r.error / np.maximum(np.abs(r.best), 1e-300)))

    pick = min(informative, key=relative)
    return pick.best, pick.error, max(r.scale for r in runs)


def _start(x: np.ndarray, v: np.ndarray) -> float:
    """The first step along v: 0.1 while x's size s is below 1, and 0.1·(1 + log s)
    beyond — f's scale need not grow with x (sin at 3000 varies as at 0).  s is the larger
    of x's size along v, Σ|x_i v_i|, and its mean entry.  A smaller scale (log det of a
    matrix with entries near 10⁻⁵) is found by the restarts."""
    s = max(float(np.sum(np.abs(x) * np.abs(v))), float(np.mean(np.abs(x))) if x.size else 0.0)
    if not np.isfinite(s) or s < 1:
        return 0.1
    return 0.1 * (1.0 + float(np.log(s)))


def _near(x: np.ndarray, v: np.ndarray) -> float:
    """A tenth of x's own size along v (0.1 if x is 0 there)."""
    s = float(np.sum(np.abs(x) * np.abs(v)))
    return 0.1 * s if s > 0 and np.isfinite(s) else 0.1


def _floor(x: np.ndarray, eps: float, v: np.ndarray) -> float:
    """The smallest step that still moves x along v: 64ε·max(|x_i|) over v's support."""
    return 64 * eps * max(float(np.max(np.abs(x) * (v != 0), initial=0.0)),
                          float(np.finfo(np.float64).tiny))


def _first(p: _Point, ref: _Reference, v: np.ndarray, enough: Callable[[np.ndarray],
           np.ndarray], where: str) -> tuple[np.ndarray, np.ndarray, float]:
    """d/dt f(x + t·v) at t = 0 (per output of f), a bound on its error, and the
    derivative's size near the point."""
    x, v = p.x.astype(ref.dtype), v.astype(ref.dtype)

    def quotient(h: float) -> tuple[np.ndarray, float, float]:
        # steps may leave f's domain (log of a negative): the tableau copes, NumPy is quiet
        with np.errstate(all="ignore"):
            hi = ref.fn(x + h * v, ref.promote).astype(np.float64)
            lo = ref.fn(x - h * v, ref.promote).astype(np.float64)
            change = float(np.max(np.abs([hi - ref.f0, lo - ref.f0]), initial=0.0)) / h
            return (hi - lo) / (2 * h), float(np.max(np.abs([hi, lo]), initial=0.0)), change

    return _ridders(quotient, ref.first_step or _start(p.x, v), 1, ref.eps, enough, where,
                    _floor(p.x, ref.eps, v), _near(p.x, v))


def _second(p: _Point, ref: _Reference, u: np.ndarray, v: np.ndarray,
            enough: Callable[[np.ndarray], np.ndarray], where: str
            ) -> tuple[np.ndarray, np.ndarray, float]:
    """∂²/∂s∂t f(x + s·u + t·v) at 0, a bound on its error, and its size near the point."""
    x, u, v = p.x.astype(ref.dtype), u.astype(ref.dtype), v.astype(ref.dtype)

    def quotient(h: float) -> tuple[np.ndarray, float, float]:
        with np.errstate(all="ignore"):
            vals = [ref.fn(x + a * h * u + b * h * v, ref.promote).astype(np.float64)
                    for a, b in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
            q = (vals[0] - vals[1] - vals[2] + vals[3]) / (4 * h * h)
            change = float(np.max(np.abs(np.array(vals) - ref.f0), initial=0.0)) / (h * h)
        return q, float(np.max(np.abs(vals), initial=0.0)), change

    h0 = ref.first_step or max(_start(p.x, u), _start(p.x, v))
    return _ridders(quotient, h0, 2, ref.eps, enough, where,
                    max(_floor(p.x, ref.eps, u), _floor(p.x, ref.eps, v)),
                    min(_near(p.x, u), _near(p.x, v)))


def _directions(shape: tuple[int, ...], count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        v = rng.standard_normal(shape)
        norm = np.linalg.norm(v)
        out.append(v / norm if norm > 0 else v)
    return out


def _basis(shape: tuple[int, ...], k: int) -> np.ndarray:
    e = np.zeros(int(np.prod(shape, dtype=int)))
    e[k] = 1.0
    return e.reshape(shape)


# -- the claim ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Claim:
    """The user's derivative as judged: values (float64), the dtype they were computed in."""

    value: np.ndarray
    dtype: np.dtype
    name: str
    note: str | None = None


def _claimed(p: _Point, claim: Any, want: tuple[int, ...], what: str,
             flat: tuple[int, int] | None = None) -> _Claim:
    """The user's derivative at the point (called if a function), in the wanted shape;
    ``flat`` is the 2-D shape also accepted for a Jacobian or a Hessian."""
    __tracebackhide__ = True
    name = _name(claim) if callable(claim) else "the given array"
    value = _numbers(p.call(claim) if callable(claim) else claim)
    if value is None:
        raise AssertionError(f"{what}: {name} returned something that is not an array of "
                             "numbers")

    def shaped(v: np.ndarray) -> np.ndarray:
        if v.shape == want:
            return v
        if v.shape == flat or v.size == 1 == int(np.prod(want, dtype=int)):
            return v.reshape(want)
        raise AssertionError(f"{what}: {name} returned shape {v.shape}, but the derivative "
                             f"has shape {want}")

    value = shaped(value)
    dtype = value.dtype if value.dtype.kind == "f" else np.dtype(np.float64)
    low = _lowest(p)
    if callable(claim) and low is not None:
        # float16/float32 arguments: is the claim computed in that precision, or does it
        # follow its arguments' dtype (then judge the formula, from float64 arguments)?
        wide = _numbers(p.call(claim, promote=True))
        if wide is not None and wide.dtype == np.float64 and wide.size == value.size:
            wide = shaped(wide)
            lost = np.isfinite(wide) & ~np.isfinite(value)
            if lost.any():
                k = int(np.flatnonzero(lost.ravel())[0])
                raise AssertionError(
                    f"{what}: {name} gives {value.ravel()[k]} at entry {_entry(want, k)} "
                    f"from your {low} arguments, where it gives {wide.ravel()[k]:.6g} from "
                    f"float64 arguments: the computation overflows or divides by zero in {low}")
            narrow = value.astype(np.float64)
            if np.array_equal(wide, narrow) and dtype.itemsize >= 8:
                # the same values from float64 arguments: computed in low precision inside
                return _Claim(narrow, low, name, f"{name} gives the same values from float64 "
                              f"arguments, so it is judged as a {low} computation")
            with np.errstate(all="ignore"):
                dev = float(np.max(np.abs(narrow - wide), initial=0.0))
            return _Claim(wide, np.dtype(np.float64), name,
                          f"{name} follows its arguments' dtype, so it is judged as it computes "
                          f"from float64 arguments; its result from your {low} arguments "
                          f"differs from that by at most {dev:.3g} (rounding)")
    return _Claim(value.astype(np.float64), dtype, name)


def _lowest(p: _Point) -> np.dtype | None:
    """The lowest floating-point precision among the arguments, if below float64."""
    found = [a.dtype for a in (*p.args, *p.kwargs.values(), p.x)
             if isinstance(a, np.ndarray | np.floating) and a.dtype.kind == "f"
             and a.dtype.itemsize < 8]
    return min(found, key=lambda d: d.itemsize) if found else None


# -- comparing, and the failure message -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Family:
    """One family of comparisons (random directions, or entries), flattened."""

    noun: str  # "directional derivatives", "entries"
    how: str  # "along 4 random directions (seed 0)", "(all 3)"
    actual: np.ndarray
    desired: np.ndarray
    error: np.ndarray  # a bound on the error of each desired value
    scale: float  # the derivative's size near the point (|f(x ± h₀v) − f(x)|/h₀)
    labels: list[str]  # where each value is: "[1]", "direction 2", "direction 2, output [0]"


def _tolerance(given: Tolerance, dtype: np.dtype, name: str) -> float | None:
    if given is None:
        return TOLERANCES.get(dtype, TOLERANCES[np.dtype(np.float64)]) if name == "rtol" else None
    if isinstance(given, Mapping):
        for k, v in given.items():
            try:
                key = np.dtype(k)
            except TypeError:
                raise ArgumentError(f"{name} is keyed by dtype; {k!r} is not one") from None
            if key == dtype:
                return _tolerance(v, dtype, name)
        return _tolerance(None, dtype, name)
    if isinstance(given, bool) or not isinstance(given, numbers.Real) or not given >= 0:
        raise ArgumentError(f"{name} must be a number ≥ 0 (or a dict keyed by dtype), "
                            f"not {given!r}")
    return float(given)


def _fmt(a: np.ndarray) -> str:
    return np.array2string(np.asarray(a, dtype=np.float64), precision=8, threshold=24,
                           edgeitems=4, max_line_width=88, separator=" ")


@dataclass(frozen=True, slots=True)
class _Check:
    """What one assertion compares: its title, reference and tolerances."""

    title: str
    ref: _Reference
    claim: _Claim
    rtol: float
    atol: float | None  # None: the default, 256ε × the derivative's size nearby

    def enough(self) -> Callable[[np.ndarray], np.ndarray]:
        """When an extrapolation may stop: far inside the tolerance."""
        return lambda best: self.rtol * 1e-3 * np.abs(best)


def _check(title: str, ref: _Reference, claim: _Claim, rtol: Tolerance, atol: Tolerance
           ) -> _Check:
    r = _tolerance(rtol, claim.dtype, "rtol")
    assert r is not None
    return _Check(title, ref, claim, r, _tolerance(atol, claim.dtype, "atol"))


def _compare(c: _Check, families: list[_Family], notes: list[str]) -> None:
    """Raise the fixed failure layout if any value of any family is out of tolerance.

    One atol for all families; the largest differences and the values shown are those of
    the last failing family (the entries, when they were compared)."""
    __tracebackhide__ = True
    scale = max(max(float(np.max(np.abs(f.desired), initial=0.0)), f.scale) for f in families)
    info = np.finfo(c.claim.dtype)
    if c.atol is not None:
        atol, atol_words = c.atol, f"atol={c.atol:.3g}"
    else:  # the claim's own rounding relative to the derivative's size, and underflow
        atol = 256 * float(info.eps) * scale + float(info.tiny) / float(info.eps)
        atol_words = f"atol={atol:.3g} (256ε × the derivative's size nearby)"
    rows, failing = [], None
    for fam in families:
        with np.errstate(all="ignore"):
            diff = np.where(np.isfinite(fam.actual), np.abs(fam.actual - fam.desired), np.inf)
        bad = ~(diff <= atol + c.rtol * np.abs(fam.desired) + fam.error)
        rows.append(f"{int(bad.sum())} of {diff.size} {fam.noun}")
        if bad.any():
            failing = (fam, diff, bad)
    if failing is None:
        return
    fam, diff, bad = failing
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(fam.desired != 0, diff / np.abs(fam.desired), np.inf)
    i, j = int(np.argmax(diff)), int(np.argmax(np.where(bad, rel, -1.0)))
    error = max(float(np.max(f.error, initial=0.0)) for f in families)
    judged = "" if c.claim.dtype == np.float64 else f" (judged in {c.claim.dtype})"
    lines = [
        c.title,
        f"  checked:   {'; '.join(f'{f.noun} {f.how}' for f in families)}",
        "  tolerance: |actual − desired| ≤ atol + rtol·|desired| + error of the differences,",
        f"             rtol={c.rtol:.3g}{judged}, {atol_words}, error at most {error:.3g}",
        f"  mismatch:  {', '.join(rows)}",
        f"  largest absolute difference: {diff[i]:.6g} at {fam.labels[i]}",
        f"  largest relative difference: {rel[j]:.6g} at {fam.labels[j]}",
        f"  ACTUAL  ({fam.noun} of {c.claim.name}):",
        "    " + _fmt(fam.actual).replace("\n", "\n    "),
        f"  DESIRED ({c.ref.words}):",
        "    " + _fmt(fam.desired).replace("\n", "\n    "),
        *(f"  note: {n}" for n in ([c.claim.note] if c.claim.note else []) + notes),
    ]
    raise AssertionError("\n".join(lines))


def _counts(directions: Any, full: Any, seed: Any, default_full: int, size: int) -> tuple[
        int, int, int]:
    d, s = _int("directions", directions), _int("seed", seed)
    n = default_full if full is None else _int("full", full)
    if d == 0 and size > n:
        raise ArgumentError(f"nothing to compare: directions=0 and the variable has {size} "
                            f"entries, more than full={n}")
    return d, n, s


def _scalar(f: Callable[..., Any], p: _Point, what: str) -> Callable[[np.ndarray, bool],
                                                                      np.ndarray]:
    """value(x, promote): f at x, checked to be one real number."""
    def value(x: np.ndarray, promote: bool) -> np.ndarray:
        out = _numbers(p.call(f, x, promote=promote))
        if out is None:
            raise ArgumentError(f"{_name(f)} returned something that is not a number")
        if out.size != 1:
            raise ArgumentError(f"{_name(f)} returned shape {out.shape}, not a scalar: {what}")
        return out.reshape(())
    return value


def _differences(p: _Point, c: _Check, pairs: list[tuple[np.ndarray, ...]], order: int,
                 labels: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """The differences along each direction (pair of directions, for order 2), their
    error bounds, and the derivative's size near the point."""
    __tracebackhide__ = True
    out = []
    for dirs, where in zip(pairs, labels, strict=True):
        try:
            if order == 1:
                out.append(_first(p, c.ref, dirs[0], c.enough(), where))
            else:
                out.append(_second(p, c.ref, dirs[0], dirs[1], c.enough(), where))
        except _NotFinite as exc:
            raise AssertionError(f"{c.title}: cannot compare, {_name(p.fn)} is not finite "
                                 f"on both sides of the point along {exc.where}") from None
    return (np.concatenate([np.ravel(d) for d, _, _ in out]),
            np.concatenate([np.ravel(e) for _, e, _ in out]), max(s for _, _, s in out))


# -- the assertions ---------------------------------------------------------------------------
def assert_gradient(f: Callable[..., Any], grad: Callable[..., Any] | Any, *, at: Any,
                    wrt: int | str = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None) -> None:
    """Assert that ``grad`` is the gradient of the scalar function ``f``.

    ``f(*at)`` (``f(**at)`` for a dict) must return a scalar; ``grad`` is a function of
    the same arguments returning the gradient with respect to argument ``wrt`` (its
    position, or its name), in that argument's shape — or the gradient's value itself.

    Parameters
    ----------
    at : tuple, dict or array
        The arguments of ``f`` and ``grad``.  They are not changed.
    wrt : int or str
        Which argument is the variable: its position in ``at`` or its name.
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
        by entry.
    seed : int
        Seed of the directions.
    eps : float, optional
        The first step of the differences (default 0.1, or 0.1·(1 + log s) for x's size
        s beyond 1); Ridders'
        method then halves it until the answer is accurate or rounding takes over.

    Raises
    ------
    AssertionError
        With what was checked, the tolerances, the largest differences, and the actual
        and desired values.

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
    """
    __tracebackhide__ = True
    p = _point(f, at, wrt)
    directions, full, seed = _counts(directions, full, seed, 32, p.x.size)
    value = _scalar(f, p, "for a function with array values use assert_jacobian")
    with np.errstate(all="ignore"):  # its type and shape; the values come below
        value(p.x, False)
    title = (f"Gradient of {_name(f)} with respect to {_with_shape(p)} does not match "
             "central differences")
    claim = _claimed(p, grad, p.x.shape, title)
    c = _check(title, _reference(p, value, eps), claim, rtol, atol)
    g = claim.value
    families = []
    if directions:
        vs = _directions(p.x.shape, directions, seed)
        labels = [f"direction {i}" for i in range(directions)]
        families.append(_Family(
            "directional derivatives", f"along {directions} random directions (seed {seed})",
            np.array([np.sum(g * v) for v in vs]),
            *_differences(p, c, [(v,) for v in vs], 1, labels), labels))
    if p.x.size <= full:
        labels = [_entry(p.x.shape, k) for k in range(p.x.size)]
        families.append(_Family(
            "entries", f"(all {p.x.size})", g.ravel(),
            *_differences(p, c, [(_basis(p.x.shape, k),) for k in range(p.x.size)], 1,
                          [f"entry {e}" for e in labels]), labels))
    _compare(c, families, [])


def assert_jacobian(f: Callable[..., Any], jac: Callable[..., Any] | Any, *, at: Any,
                    wrt: int | str = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None) -> None:
    """Assert that ``jac`` is the Jacobian of the array-valued function ``f``.

    The Jacobian has shape ``f(...).shape + x.shape`` (entry ``[i…, j…]`` is
    ∂f[i…]/∂x[j…]); a 2-D ``(f.size, x.size)`` array is accepted as well.  Along each
    random direction v the product J·v is compared with the central difference of ``f``;
    up to ``full`` entries of x (default 32), every column too.  The other parameters are
    those of :func:`assert_gradient`.

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
    p = _point(f, at, wrt)
    directions, full, seed = _counts(directions, full, seed, 32, p.x.size)

    def value(x: np.ndarray, promote: bool) -> np.ndarray:
        out = _numbers(p.call(f, x, promote=promote))
        if out is None:
            raise ArgumentError(f"{_name(f)} returned something that is not an array of "
                                "numbers")
        return out

    with np.errstate(all="ignore"):
        out_shape = value(p.x, False).shape
    title = (f"Jacobian of {_name(f)} with respect to {_with_shape(p)} does not match "
             "central differences")
    want = out_shape + p.x.shape
    outs = int(np.prod(out_shape, dtype=int))
    claim = _claimed(p, jac, want, title, (outs, p.x.size))
    c = _check(title, _reference(p, value, eps), claim, rtol, atol)
    j = claim.value.reshape(outs, p.x.size)
    families = []
    if directions:
        vs = _directions(p.x.shape, directions, seed)
        families.append(_Family(
            "products J·v", f"along {directions} random directions (seed {seed})",
            np.concatenate([j @ v.ravel() for v in vs]),
            *_differences(p, c, [(v,) for v in vs], 1,
                          [f"direction {i}" for i in range(directions)]),
            [f"direction {i}, output {_entry(out_shape, k)}" for i in range(directions)
             for k in range(outs)]))
    if p.x.size <= full:
        families.append(_Family(
            "entries", f"(all {j.size})", j.T.ravel(),
            *_differences(p, c, [(_basis(p.x.shape, k),) for k in range(p.x.size)], 1,
                          [f"entry {_entry(p.x.shape, k)}" for k in range(p.x.size)]),
            [_entry(want, int(np.ravel_multi_index(
                np.unravel_index(i, out_shape) + np.unravel_index(k, p.x.shape), want)))
             for k in range(p.x.size) for i in range(outs)]))
    _compare(c, families, [])


def assert_hessian(f: Callable[..., Any], hess: Callable[..., Any] | Any, *, at: Any,
                   wrt: int | str = 0, rtol: Tolerance = None, atol: Tolerance = None,
                   directions: int = 4, full: int | None = None, seed: int = 0,
                   eps: float | None = None) -> None:
    """Assert that ``hess`` is the Hessian of the scalar function ``f``.

    The Hessian has shape ``x.shape + x.shape`` (a 2-D ``(x.size, x.size)`` array is
    accepted as well).  For pairs of random directions (u, v), uᵀHv is compared with the
    mixed second difference of ``f``, extrapolated the same way; up to ``full`` entries of
    x (default 12), every entry H[i, j] too.  The other parameters, ``eps`` (the first
    step) included, are those of :func:`assert_gradient`.

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
    p = _point(f, at, wrt)
    directions, full, seed = _counts(directions, full, seed, 12, p.x.size)
    value = _scalar(f, p, "the Hessian is of a function with scalar values")
    with np.errstate(all="ignore"):  # its type and shape; the values come below
        value(p.x, False)
    title = (f"Hessian of {_name(f)} with respect to {_with_shape(p)} does not match "
             "second differences")
    want = p.x.shape + p.x.shape
    claim = _claimed(p, hess, want, title, (p.x.size, p.x.size))
    c = _check(title, _reference(p, value, eps, 2), claim, rtol, atol)
    h = claim.value.reshape(p.x.size, p.x.size)
    families = []
    if directions:
        vs = _directions(p.x.shape, 2 * directions, seed)
        pairs = list(zip(vs[::2], vs[1::2], strict=True))
        labels = [f"directions {2 * i}, {2 * i + 1}" for i in range(directions)]
        families.append(_Family(
            "products uᵀHv", f"for {directions} pairs of random directions (seed {seed})",
            np.array([u.ravel() @ h @ v.ravel() for u, v in pairs]),
            *_differences(p, c, pairs, 2, labels), labels))
    if p.x.size <= full:
        n = p.x.size
        upper = [(a, b) for a in range(n) for b in range(a, n)]
        d, e, scale = _differences(p, c, [(_basis(p.x.shape, a), _basis(p.x.shape, b))
                                          for a, b in upper], 2,
                                   [f"entry {_entry(want, a * n + b)}" for a, b in upper])
        desired, error = np.empty((n, n)), np.empty((n, n))
        for (a, b), dv, ev in zip(upper, d, e, strict=True):
            desired[a, b] = desired[b, a] = dv
            error[a, b] = error[b, a] = ev
        families.append(_Family("entries", f"(all {h.size})", h.ravel(), desired.ravel(),
                                error.ravel(), scale,
                                [_entry(want, k) for k in range(h.size)]))
    notes = []
    asym = float(np.max(np.abs(h - h.T), initial=0.0))
    if asym > 0 and asym > 1e-3 * float(np.max(np.abs(h), initial=0.0)):
        notes.append(f"the claimed Hessian is not symmetric (largest |H − Hᵀ| = {asym:.3g}); "
                     "a Hessian of a twice continuously differentiable f is")
    _compare(c, families, notes)

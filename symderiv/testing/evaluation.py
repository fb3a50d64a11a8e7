"""The user's f as the differences evaluate it, and how finely it computes.

A :class:`Reference` evaluates f at trial points (promoted to float64, or as given),
counts the calls, and turns an exception of f at a trial step into inadmissibility.
f's rounding is measured at the point (:func:`noise`), not assumed to be ε·|f|: a solve
with a nearly singular matrix rounds at cond·ε·|f|, and the error bound carries it; and
f's own precision is found where it is coarser than its values say (:func:`resolution`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..errors import ArgumentError

Value = Callable[[np.ndarray, bool], np.ndarray]  # value(θ, promote) → f's numbers


class NotAdmissible(Exception):
    """No step on both sides of the point where f is finite and does not raise."""

    def __init__(self, where: str, span: str = "", raised: Exception | None = None,
                 nonfinite: bool = True) -> None:
        super().__init__(where)
        self.where, self.span, self.raised, self.nonfinite = where, span, raised, nonfinite

    def words(self, name: str) -> str:
        """'f is not finite on both sides …' or 'f raised LinAlgError: … at every step …'."""
        span = f", for every step {self.span}" if self.span else ""
        if self.raised is None and not self.nonfinite:  # no step was tried at all
            return (f"no step along {self.where} is both below the first step and above "
                    f"the rounding of {name}'s arguments ({self.span}): pass a larger eps")
        if self.raised is None:
            return f"{name} is not finite on both sides of the point along {self.where}{span}"
        exc = self.raised
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        also = " (or was not finite)" if self.nonfinite else ""
        return (f"{name} raised {text}{also} on one side of the point or the other along "
                f"{self.where}{span}: no admissible step, so no difference to compare")


class _Raised(Exception):
    """The user's f raised at a trial step (not at the point itself)."""

    def __init__(self, exc: Exception) -> None:
        super().__init__(exc)
        self.exc = exc


class Counter:
    """Calls of f made for the differences, and the time they took."""

    __slots__ = ("calls", "seconds")

    def __init__(self) -> None:
        self.calls, self.seconds = 0, 0.0


@dataclass(frozen=True, slots=True)
class Reference:
    """How ``f`` is evaluated for the differences: promoted to float64, or as given."""

    fn: Value
    promote: bool
    dtype: np.dtype  # the precision of f's values, which sets their rounding
    first_step: float | None  # the user's eps
    order: int  # 2: second differences
    f0: np.ndarray  # f at the point, evaluated the same way (float64)
    counter: Counter
    # the precision f reads its arguments in (it casts them): a step must move them by
    # more than its rounding; and how much f's value moves when they move by one unit of it
    reads: np.dtype | None = None
    quantum: float = 0.0
    # f's measured noise at the point: what its computation adds to ε·|f| (a solve with
    # a nearly singular matrix rounds at cond·ε·|f|)
    noise: float = 0.0

    @property
    def eps(self) -> float:
        return float(np.finfo(self.dtype).eps)

    @property
    def step_eps(self) -> float:
        """The rounding of the arguments as f sees them: steps below it change nothing."""
        return max(self.eps, float(np.finfo(self.reads).eps) if self.reads else 0.0)

    @property
    def words(self) -> str:
        how = "f evaluated in float64" if self.promote else f"in {self.dtype}"
        if self.reads is not None:  # f's own precision, found by probing it
            how = "f evaluated in float64" if self.promote else "f evaluated as given"
            how += (f" (it computes in {self.reads})" if self.reads == self.dtype else
                    f" (it reads its arguments in {self.reads})")
        kind = "central differences" if self.order == 1 else "central second differences"
        return f"{kind}, {how}, extrapolated by Ridders' method"

    def rounding(self, values: list[np.ndarray]) -> float:
        """f's absolute rounding at a step: ε·max|f| (f sums terms about as large as
        itself) plus what the rounding of its arguments does to it, plus the noise
        measured in its values (:func:`noise`)."""
        return (self.eps * float(np.max(np.abs(values), initial=0.0)) + self.quantum
                + self.noise)

    def at(self, theta: np.ndarray) -> np.ndarray:
        """f at a trial point, as float64; an exception f raises there is inadmissibility
        (our own ArgumentError, and KeyboardInterrupt and the like, pass through)."""
        start = time.perf_counter()
        try:
            out = self.fn(theta, self.promote)
        except ArgumentError:
            raise
        except Exception as exc:  # any error of f at a trial step
            raise _Raised(exc) from None
        finally:
            self.counter.calls += 1
            self.counter.seconds += time.perf_counter() - start
        return np.asarray(out, dtype=np.float64)


_LOWER = (np.dtype(np.float32), np.dtype(np.float16))  # the finer first


def resolution(ref: Reference, theta: np.ndarray) -> Reference:
    """``ref`` with f's own precision, where f is coarser than the values it returns say:
    f casts its arguments to float32 (a float32 model) or computes in float32 and returns
    a Python float.  Differences then need steps above float32's rounding of x, and an
    error bound with float32's rounding of f; taken for float64, f's quantisation steps
    look like kinks and steps below them like a derivative.

    For a lower precision T: a = θ rounded to T, b = a moved by 2⁻⁷ of T's relative
    rounding in every entry (so that b rounds to a in T), c = a moved by 8 units of it.
    f reads its arguments in T when f(b) = f(a) exactly but f(c) ≠ f(a): a float64 f
    sees b's change unless its own rounding is larger than the change at b that c's
    change implies (1/1024 of it), and then T is not concluded (f = 10⁸ + sin x).  The
    values are T's when f(a), f(b) and f(c) are all numbers of T as well.  The quantum
    |f(c) − f(a)|/8 is how much f moves when its arguments move by one unit of T's
    rounding.  Two or three calls of f for a float64 f; an f that raises at these
    points is left as it was."""
    nonzero = theta != 0
    if not nonzero.any():
        return ref
    signs = np.where(np.arange(theta.size) % 3 == 1, -1.0, 1.0)  # not along θ itself
    for low in _LOWER:
        if low.itemsize >= ref.dtype.itemsize or (ref.reads is not None
                                                 and low.itemsize >= ref.reads.itemsize):
            continue
        with np.errstate(all="ignore"):
            a = theta.astype(low).astype(np.float64)
        if not np.all(np.isfinite(a)) or not np.any(a):
            continue
        nmant = np.finfo(low).nmant
        try:
            fa = ref.f0 if np.array_equal(a, theta) else ref.at(a)
            fb = ref.at(a * (1 + 2.0 ** -(nmant + 7) * signs))
            if not np.array_equal(fa, fb):
                return ref  # f sees a change far below T's rounding
            fc = ref.at(a * (1 + 2.0 ** -(nmant - 3) * signs))
        except _Raised:
            return ref
        if not (np.all(np.isfinite(fa)) and np.all(np.isfinite(fc))):
            return ref
        if np.array_equal(fa, fc):
            continue  # no change at T's scale either: perhaps a coarser precision
        quantum = float(np.max(np.abs(fc - fa))) / 8
        if quantum / 128 <= 4 * ref.eps * float(np.max(np.abs(fa))):
            return ref  # b's change (1/1024 of c's) is below f's own rounding: no sign of T
        with np.errstate(all="ignore"):
            values_in_low = all(np.array_equal(y.astype(low).astype(np.float64), y)
                                for y in (fa, fb, fc))
        return replace(ref, dtype=low if values_in_low else ref.dtype, reads=low,
                       quantum=max(ref.quantum, quantum))
    return ref


_NOISE_POINTS = 7  # f at x + k·δ·w for k = −3…3 (f(x) is known): six calls of f
_NOISE_STEP = 2.0 ** -42  # each entry moves by about this much of itself: many roundings
_NOISE_SEED = 0x5EED  # the probe's direction is the same at every call (reproducible)


def noise(ref: Reference, theta: np.ndarray, low: np.dtype | None = None) -> Reference:
    """``ref`` with f's noise measured at the point: how far f's computed values stray
    from a smooth function of x, which ε·|f| underestimates when f's computation is
    ill-conditioned (the solve of a matrix with condition number 10⁶ rounds at about
    10⁶·ε·|f|, and lucky agreements in Ridders' tableau at steps where that rounding
    dominates looked like an accurate answer).

    Moré and Wild's ECnoise (SIAM J. Sci. Comput. 33, 2011): f at 7 points x + k·w, w
    moving every entry by a seeded random multiple (standard normal) of 2⁻⁴² of itself
    (of x's mean size for an entry that is 0) — random, since a fixed pattern can keep
    the structure that makes f ill-conditioned (two nearly equal rows moved alike); the
    k-th differences of noise of standard deviation σ have mean square σ²·(2k)!/(k!)²,
    while those of a smooth f vanish with δᵏ.  σ is the largest estimate from the 3rd to
    the 5th differences (rounding that jumps at a few places rather than at every point
    can leave one difference small by chance); per output of f, the largest.  Arguments
    given in a lower precision ``low`` (float16, float32) may be rounded to it inside f,
    which then does not change at all at 2⁻⁴²: a second probe moves them by about 8 of
    its roundings, and the larger σ stands.  An f that raises or is not finite at these
    points is left as it was."""
    if theta.size == 0:
        return ref
    sigma = _noise(ref, theta, _NOISE_STEP)
    if low is not None:
        sigma = max(sigma, _noise(ref, theta, 2.0 ** -(np.finfo(low).nmant - 3)))
    return replace(ref, noise=sigma) if np.isfinite(sigma) and sigma > 0 else ref


def _noise(ref: Reference, theta: np.ndarray, step: float) -> float:
    """ECnoise's σ for moves of each entry by about ``step`` of itself (0 when f raises
    or is not finite there)."""
    size = float(np.mean(np.abs(theta)))
    scale = np.where(theta != 0, np.abs(theta), size if 0 < size < np.inf else 1.0)
    w = step * scale * np.random.default_rng(_NOISE_SEED).standard_normal(theta.size)
    half = _NOISE_POINTS // 2
    try:
        with np.errstate(all="ignore"):
            values = np.array([ref.f0 if k == 0 else ref.at(theta + k * w)
                               for k in range(-half, half + 1)]).reshape(_NOISE_POINTS, -1)
    except _Raised:
        return 0.0
    if not np.all(np.isfinite(values)):
        return 0.0
    estimates = []
    diffs = values
    for k in range(1, _NOISE_POINTS - 1):
        diffs = np.diff(diffs, axis=0)
        if k >= 3:  # γ_k = (k!)²/(2k)!
            gamma = float(np.prod(np.arange(1, k + 1)) ** 2 / np.prod(np.arange(1, 2 * k + 1)))
            estimates.append(np.sqrt(gamma * np.mean(diffs ** 2, axis=0)))
    return float(np.max(estimates))

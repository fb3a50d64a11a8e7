"""Data whose scale defeats float64, and standardization with the exact way back.

Descent computes residuals r = y − f_w(x), the loss c·Σ r² and the gradient
c·Σ −2 r·∂f/∂w_j.  In float64 a square beyond about 1.3·10¹⁵⁴ overflows and one below about
10⁻¹⁵⁴ loses its digits (numbers below 2.2·10⁻³⁰⁸ are subnormal, below 5·10⁻³²⁴ zero): data
of such a size cannot be fitted as they are.  :func:`check_scale` refuses them, naming the
column; :func:`standardize` turns a model linear in its parameters,
f = f₀(x) + Σ_j w_j·d_j(x), into a least-squares problem on columns of mean 0 and spread 1
(each column is first multiplied by a power of two that brings its largest entry to [1, 2),
so nothing is squared at the old scale and no digit is lost; then centred), and maps the
fitted weights back to the original scale exactly (an affine change of the parameters: the
minimiser of one problem is the image of the other's).  :func:`check_resolution` warns when
a column varies so little around its offset that float64 keeps few digits of the variation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import ArgumentError, UnsupportedError
from .derive import CHUNK, Regression

__all__ = ["LinearFeatures", "Standardized", "check_resolution", "check_scale", "standardize"]

TINY = float(np.finfo(float).tiny)  # the smallest normal float64, 2.2e-308
EPS = float(np.finfo(float).eps)
HUGE = float(np.finfo(float).max)
#: below this a value's square has fewer than float64's 53 bits (it is near or below TINY)
SMALLEST = math.sqrt(TINY / EPS)
#: the data's columns (standardized) are taken as linearly dependent when the smallest
#: eigenvalue of their Gram matrix is below this fraction of the largest: beneath the
#: rounding of the Gram matrix itself, so no digit of the weights is determined
DEPENDENT = 1e3 * EPS

STANDARDIZE_HINT = ("use --standardize (descent on standardized data; the weights are "
                    "reported on the original scale)")
RESCALE_HINT = "rescale the column (--standardize needs a model linear in its parameters)"


def _columns(reg: Regression, x: np.ndarray, y: np.ndarray, names: tuple[str, str]
             ) -> list[tuple[str, np.ndarray]]:
    """The arrays descent multiplies and squares, each with the words that locate it."""
    xname, yname = names
    if not reg.linear:
        return [(f"column {xname!r}", x), (f"column {yname!r}", y)]
    with np.errstate(all="ignore"):
        base = reg.predict(np.zeros(len(reg.params)), x)
        design = reg.design(x)
    out = []
    for j, partial in enumerate(reg.partials):
        if partial.free_symbols:  # a constant column (an intercept) is not data
            what = (f"column {xname!r}" if partial == reg.x else
                    f"the model's column ∂f/∂{reg.names[j]} = {sp.sstr(partial)} of "
                    f"column {xname!r}")
            out.append((what, design[:, j]))
    out.append((f"column {yname!r}" if not np.any(base) else
                f"column {yname!r} minus the model's terms without a parameter", y - base))
    return out


def check_scale(reg: Regression, x: np.ndarray, y: np.ndarray, *,
                names: tuple[str, str] = ("x", "y"), source: str = "the data") -> None:
    """Refuse data whose squares and sums overflow or lose their digits in float64.

    Each array descent computes with — the output, and for a model linear in its
    parameters each column ∂f/∂w_j(x) (for other models, x) — must have its largest entry M
    between ~10⁻¹⁴⁶ (M² keeps 53 bits) and √(max float / 4n) (a sum of n squared
    residuals stays finite).  The error names the column and says what to do instead.

    >>> from symderiv.descent import derive_regression
    >>> reg = derive_regression("w0 + w1*x", check=False)
    >>> try:
    ...     check_scale(reg, np.array([1e-300, 2e-300]), np.array([1.0, 2.0]))
    ... except ArgumentError as exc:
    ...     print(str(exc).split(", so")[0])
    column 'x' of the data: its values are at most 2e-300 in size
    """
    n = len(x)
    hint = STANDARDIZE_HINT if reg.linear else RESCALE_HINT
    largest_allowed = math.sqrt(HUGE / (4.0 * n))
    for what, values in _columns(reg, x, y, names):
        with np.errstate(all="ignore"):
            size = float(np.max(np.abs(values)))
        if not math.isfinite(size):
            raise ArgumentError(f"{what} of {source} overflows float64 (beyond {HUGE:.2g}) "
                                f"at some data points; {RESCALE_HINT}")
        if size > largest_allowed:
            raise ArgumentError(f"{what} of {source}: its values reach {size:.3g}, so the "
                                f"sum of {n:,} squared residuals overflows float64 (beyond "
                                f"{HUGE:.2g}); {hint}")
        if 0 < size < SMALLEST:
            raise ArgumentError(f"{what} of {source}: its values are at most {size:.3g} in "
                                f"size, so their squares underflow float64 (below "
                                f"{TINY:.2g}) and the loss's gradient loses every digit; "
                                f"{hint}")


#: the fitted weights are printed to 6 significant digits: a column whose variation float64
#: keeps to fewer digits than that is said to be under-resolved
RESOLVED_DIGITS = 6


def check_resolution(reg: Regression, x: np.ndarray, y: np.ndarray, *,
                     names: tuple[str, str] = ("x", "y")) -> tuple[str, ...]:
    """Warnings for columns that vary so little around a large offset that float64 keeps
    fewer than :data:`RESOLVED_DIGITS` significant digits of their variation.

    When the model absorbs a shift (an intercept, or a model not linear in its parameters)
    the fit depends only on each column's variation about its mean.  A value v is held
    to within half a unit in its last place, ε/2·|v|, so with spread σ about an offset μ
    (|μ| ≫ σ) only about log₁₀(σ/(ε/2·|v|)) digits of the variation survive: the fit of
    the numbers as float64 holds them is exact (:func:`standardize`), but numbers written
    with more digits were rounded on reading, and that rounding moves the weights by up to
    about ε/2·|v|/σ of their size.  A constant column is left to the rank test of
    :func:`standardize` (a constant x) or is no fault (a constant y).

    >>> from symderiv.descent import derive_regression
    >>> reg = derive_regression("w0 + w1*x", check=False)
    >>> t = 1e13 + 0.25 * np.arange(20)
    >>> print(check_resolution(reg, t, 3 + 0.5 * np.arange(20))[0].split(":")[0])
    column 'x' varies by only 1.44 (standard deviation) around 1e+13
    >>> check_resolution(reg, t - 1e13, 3 + 0.5 * np.arange(20))
    ()
    """
    if reg.linear and not any(not p.free_symbols for p in reg.partials):
        return ()  # no shift to absorb: each value counts whole, to float64's precision
    out = []
    for what, values in _columns(reg, x, y, names):
        with np.errstate(all="ignore"):
            if not np.all(np.isfinite(values)):
                continue  # refused elsewhere (check_scale, standardize), naming the column
            a = _binary_size(values)
            mean, sd = _spread(values / a, True)
        if sd == 0:
            continue
        lost = EPS / 2 / sd  # half a unit in the last place at |v| ~ a, over the spread
        digits = -math.log10(lost)
        if digits >= RESOLVED_DIGITS:
            continue
        kept = round(max(digits, 0.0))
        kept_text = ("less than one significant digit of its variation is" if kept == 0 else
                     f"about {kept} significant digit{'s' if kept != 1 else ''} of its "
                     f"variation {'are' if kept != 1 else 'is'}")
        out.append(f"{what} varies by only {sd * a:.3g} (standard deviation) around "
                   f"{mean * a:.6g}: float64 holds its values to {EPS * a:.2g} there, so "
                   f"{kept_text} kept; the fit is exact for the numbers as float64 "
                   "holds them, but values written with more digits were rounded on reading, "
                   f"which can move the weights by up to about {lost:.1g} of their size — "
                   "subtract the offset from the column before fitting")
    return tuple(out)


class LinearFeatures:
    """The least-squares problem min c·‖t − X w‖² on given columns X, shaped like a
    :class:`~symderiv.descent.derive.Regression` so that :func:`descend`, :func:`auto_lr`
    and the plots run on it: ``x`` is the n×p matrix X, ``y`` the target t.  Its
    gradient −2c·Xᵀ(t − Xw) is the checked chain rule of the model it came from, whose
    ∂f/∂w_j are the columns."""

    linear = True

    def __init__(self, reg: Regression) -> None:
        self.params = reg.params
        self.loss = reg.loss
        self.model_text = reg.model_text + " (standardized)"
        self._reg = reg

    @property
    def names(self) -> tuple[str, ...]:
        return self._reg.names

    @property
    def cost(self) -> int:
        """Array operations per data point: X w, the residual, rᵀr and rᵀX."""
        return 2 * len(self.params) + 2

    def factor(self, n: int) -> float:
        return self._reg.factor(n)

    def predict(self, w: np.ndarray, x: np.ndarray) -> np.ndarray:
        return x @ w

    def loss_value(self, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
        return self.loss_and_gradient(w, x, y)[0]

    def loss_and_gradient(self, w: np.ndarray, x: np.ndarray, y: np.ndarray
                          ) -> tuple[float, np.ndarray]:
        rr, out = 0.0, np.zeros(len(self.params))
        for lo in range(0, len(x), CHUNK):  # in chunks, as Regression does (and why)
            r = y[lo:lo + CHUNK] - x[lo:lo + CHUNK] @ w
            rr += r @ r
            out += r @ x[lo:lo + CHUNK]
        c = self.factor(len(x))
        return float(c * rr), -2.0 * c * out

    def gradient(self, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.loss_and_gradient(w, x, y)[1]

    def design(self, x: np.ndarray) -> np.ndarray:
        return x


@dataclass(frozen=True)
class Standardized:
    """A model linear in its parameters as a least-squares problem in standardized
    coordinates: descend on (``problem``, ``design``, ``target``), then :meth:`original`.

    Each data column d_j is d_j = a_j·(μ_j + σ_j·x̃_j) (a_j the power of two at or below
    its largest entry, so that nothing is squared at the old scale and d_j/a_j is exact;
    μ_j = 0 and σ_j its root mean square when the model has no constant column to absorb a
    shift), the target t = y − f₀(x) likewise t = a_t·(μ_t + σ_t·t̃), and a constant column
    c stays as the intercept, 1 in X̃.  The centred d_j/a_j − μ_j is exact wherever the
    column's values lie near μ_j (a large offset), so the variation keeps every digit
    float64 gave it.
    """

    problem: LinearFeatures
    design: np.ndarray
    target: np.ndarray
    intercept: int | None
    intercept_value: float
    size: np.ndarray
    mean: np.ndarray
    spread: np.ndarray
    target_size: float
    target_mean: float
    target_spread: float

    def original(self, w: np.ndarray) -> np.ndarray:
        """The weights on the original scale: w_j = (a_t σ_t)/(a_j σ_j)·w̃_j, and the
        intercept c·w_k = a_t·(μ_t + σ_t·(w̃_k − Σ_j w̃_j μ_j/σ_j)).  Raises
        :class:`ArgumentError` when one is beyond float64's range there."""
        w = np.asarray(w, dtype=float)
        out = np.empty_like(w)
        shift = 0.0
        with np.errstate(all="ignore"):
            for j in range(len(w)):
                if j == self.intercept:
                    continue
                # ratios first: each factor is moderate, the scales themselves need not be
                out[j] = (self.target_size / self.size[j]) * (
                    self.target_spread / self.spread[j]) * w[j]
                shift += w[j] * self.mean[j] / self.spread[j]
                if not math.isfinite(out[j]) or (w[j] != 0 and abs(out[j]) < TINY
                                                 and abs(w[j]) > 1e-8):
                    raise ArgumentError(
                        f"the fitted {self.problem.names[j]} is about {_magnitude(self, j, w)}"
                        " on the original scale, beyond float64's range: rescale the data")
            if self.intercept is not None:
                k = self.intercept
                out[k] = self.target_size * (self.target_mean + self.target_spread * (
                    w[k] - shift)) / self.intercept_value
                if not math.isfinite(out[k]):
                    raise ArgumentError(f"the fitted {self.problem.names[k]} overflows float64 "
                                        "on the original scale: rescale the data")
        return out

    def loss_log10(self, value: float) -> float:
        """log₁₀ of the loss on the original scale, (a_t σ_t)²·L̃ — finite even where the
        loss itself is beyond float64's range."""
        if value <= 0:
            return -math.inf
        return 2 * (math.log10(self.target_size) + math.log10(self.target_spread)) + \
            math.log10(value)


def _magnitude(s: Standardized, j: int, w: np.ndarray) -> str:
    exponent = (math.log10(s.target_size) - math.log10(s.size[j]) + math.log10(
        s.target_spread) - math.log10(s.spread[j]) + math.log10(abs(w[j])))
    return f"10^{exponent:.0f}"


def _binary_size(v: np.ndarray) -> float:
    """The power of two at or below max|v| (1 for a zero column): dividing by it is exact,
    where dividing by max|v| itself rounds every entry and, at a large offset, the
    differences between entries with it (1e13 + 0.25·i gave a slope of 2.00004, not 2)."""
    top = float(np.max(np.abs(v)))
    return math.ldexp(1.0, math.frexp(top)[1] - 1) if top > 0 else 1.0


def _spread(u: np.ndarray, centred: bool) -> tuple[float, float]:
    """(mean, spread) of u, entries below 2 in size: the standard deviation when the
    model can absorb a shift, else the root mean square.  u − mean is exact for entries
    within a factor 2 of the mean (Sterbenz), and where it rounds, the same rounded mean is
    used on the way back, so the change of parameters stays exact."""
    mean = float(np.mean(u)) if centred else 0.0
    return mean, float(np.sqrt(np.mean((u - mean) ** 2)))


def standardize(reg: Regression, x: np.ndarray, y: np.ndarray, *,
                names: tuple[str, str] = ("x", "y")) -> Standardized:
    """The least-squares problem of ``reg`` on (x, y) in standardized coordinates.

    Refuses (:class:`UnsupportedError`) a model that is not linear in its parameters —
    weights fitted on standardized data do not carry back exactly through, say,
    a·exp(b·x) — and data where the model is not finite; refuses
    (:class:`ArgumentError`) data that do not determine the parameters: columns that are
    linearly dependent on these data (a constant x beside an intercept).
    """
    if not reg.linear:
        raise UnsupportedError(f"{reg.model_text} is not linear in its parameters: its "
                               "weights do not carry back exactly from standardized data")
    with np.errstate(all="ignore"):
        target = y - reg.predict(np.zeros(len(reg.params)), x)  # terms without a parameter
        design = reg.design(x)
    if not (np.all(np.isfinite(target)) and np.all(np.isfinite(design))):
        raise UnsupportedError(f"{reg.model_text} is not defined (or overflows float64) at "
                               "some data points")
    constant = [j for j, p in enumerate(reg.partials) if not p.free_symbols]
    intercept = constant[0] if constant else None
    p = len(reg.params)
    size, mean, spread = np.ones(p), np.zeros(p), np.ones(p)
    columns = np.empty((len(x), p))
    for j in range(p):
        if j == intercept:
            columns[:, j] = 1.0
            continue
        size[j] = _binary_size(design[:, j])
        u = design[:, j] / size[j]
        mean[j], spread[j] = _spread(u, intercept is not None)
        # a column without spread is left at 0: the rank test below names it
        columns[:, j] = (u - mean[j]) / spread[j] if spread[j] > 0 else 0.0
        if spread[j] == 0:
            spread[j] = 1.0
    a_t = _binary_size(target)
    u_t = target / a_t
    mean_t, spread_t = _spread(u_t, intercept is not None)
    spread_t = spread_t if spread_t > 0 else 1.0
    out = Standardized(LinearFeatures(reg), columns, (u_t - mean_t) / spread_t, intercept,
                       float(design[0, intercept]) if intercept is not None else 1.0,
                       size, mean, spread, a_t, mean_t, spread_t)
    _check_determined(reg, x, out, names)
    return out


def _check_determined(reg: Regression, x: np.ndarray, s: Standardized,
                      names: tuple[str, str]) -> None:
    """Columns that are linearly dependent on these data leave the weights undetermined."""
    gram = s.design.T @ s.design / len(x)
    values, vectors = np.linalg.eigh(gram)
    if values[0] > DEPENDENT * max(values[-1], TINY):
        return
    v = vectors[:, 0]
    involved = [j for j in range(len(reg.params)) if abs(v[j]) > 1e-3]
    if s.intercept is not None and s.intercept not in involved and abs(
            sum(v[j] * s.mean[j] / s.spread[j] for j in involved)) > 1e-3:
        involved = sorted([*involved, s.intercept])  # a shift along x moves the intercept too
    cols = ", ".join(sp.sstr(reg.partials[j]) for j in involved)
    what = ", ".join(reg.names[j] for j in involved)
    single = ""
    if np.all(x == x[0]):
        single = f" ({names[0]!r} takes the single value {x[0]:g})"
    raise ArgumentError(f"the data do not determine {what}: on these {len(x):,} points the "
                        f"model's columns ∂f/∂w ({cols}) are linearly dependent{single}; "
                        "any weights on a line of them fit equally well")

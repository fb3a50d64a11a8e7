"""Numeric engine: derivatives by finite differences, with an error estimate.

Independent of the symbolic engines: it only evaluates the function.

* Complex step, ∂f/∂xₖ ≈ Im f(x + ih eₖ)/h with h = 1e-20: no cancellation, so
  exact to rounding for the analytic functions of the language.
* Central differences with one Richardson extrapolation,
  R = (4 D(h/2) − D(h)) / 3, whose distance to D(h/2) is the error estimate;
  always computed, and the answer when the complex step is not available or
  disagrees with it (a non-analytic point).

All stencils of a gradient are evaluated in one batched call (see
:mod:`symderiv.calculus.evaluate`).  Hessians are central differences
(with Richardson) of the gradient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..errors import EvaluationError, OutOfRangeError, UnsupportedError
from .evaluate import Batched, Compiled

__all__ = ["NumericDerivative", "compare", "evaluate_float", "numeric_gradient",
           "numeric_hessian", "off_kinks_float"]

CS_STEP = 1e-20
#: a second complex step, the same in exact arithmetic: the two differ only in rounding
CS_STEP2 = 1.37e-20
REL_STEP = 1e-3


@dataclass(frozen=True, slots=True)
class NumericDerivative:
    """A numeric derivative: value, per-entry error estimate, and how it was obtained."""

    value: np.ndarray
    error: np.ndarray
    method: str


def _float_error(exc: FloatingPointError) -> EvaluationError:
    """Division by zero is a point outside the domain; overflow is only out of range."""
    if "divide" in str(exc):
        return EvaluationError(f"floating-point error ({exc})")
    return OutOfRangeError(f"floating-point error ({exc})")


def _batch(point: Mapping[str, Any], k: int, dtype: type) -> dict[str, np.ndarray]:
    out = {}
    for name, v in point.items():
        arr = np.asarray(v, dtype=dtype)
        if arr.ndim == 1:
            arr = arr[:, None]
        out[name] = np.broadcast_to(arr, (k, *arr.shape)).copy()
    return out


def evaluate_float(fc: Compiled, point: Mapping[str, Any], sizes: Mapping[sp.Symbol, int]
                   ) -> np.ndarray | float:
    """Evaluate at one float point; matrices come back 2-D, scalars as float."""
    # underflow raises here: 0 = 0 after underflow would be agreement without evidence
    with np.errstate(over="raise", invalid="raise", divide="raise", under="raise"):
        try:
            out = fc(_batch(point, 1, float), sizes, Batched(1))
        except FloatingPointError as exc:
            raise _float_error(exc) from None
    out = np.asarray(out)
    if not np.all(np.isfinite(out)):
        raise OutOfRangeError("the value is not finite here")
    return out[0]


def _eval_batch(fc: Compiled, batch: dict[str, np.ndarray], sizes: Mapping[sp.Symbol, int],
                k: int, dtype: type) -> np.ndarray:
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        try:
            out = np.asarray(fc(batch, sizes, Batched(k, dtype=dtype)))
        except FloatingPointError as exc:
            raise _float_error(exc) from None
    if out.shape != (k,):
        raise UnsupportedError("the function is not scalar-valued")
    if not np.all(np.isfinite(out)):
        raise OutOfRangeError("the function is not finite near this point")
    return out


def _grads(fc: Compiled, points: list[dict[str, Any]], wrt: str,
           sizes: Mapping[sp.Symbol, int], *, complex_step: bool
           ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Gradients at several base points: values and error estimates, shape (P, *wrt_shape),
    and whether the complex step (rather than central differences) gave them."""
    base = np.asarray(points[0][wrt], dtype=float)
    shape = base.shape if base.ndim else ()
    e_count = int(np.prod(shape)) if shape else 1
    p_count = len(points)
    stacked = {name: np.stack([np.asarray(p[name], dtype=float) for p in points])
               for name in points[0]}

    vectors = _vector_names(points)
    x_flat = stacked[wrt].reshape(p_count, e_count)
    x_scale = np.maximum(1.0, np.abs(x_flat))  # steps are relative to |x|, at least 1

    def stencil(offsets: list[complex | float], dtype: type) -> np.ndarray:
        """f at x + off·scale·eₑ for every base point, entry e and offset (batch order)."""
        reps = e_count * len(offsets)
        k = p_count * reps
        batch = {}
        for name, arr in stacked.items():
            rep = np.repeat(arr.astype(dtype), reps, axis=0)
            batch[name] = rep[:, :, None] if name in vectors else rep
        var = batch[wrt].reshape(p_count, e_count, len(offsets), e_count).copy()
        for e in range(e_count):
            for o, off in enumerate(offsets):
                var[:, e, o, e] += off * x_scale[:, e]
        batch[wrt] = var.reshape(batch[wrt].shape)
        return _eval_batch(fc, batch, sizes, k, dtype).reshape(p_count, e_count, len(offsets))

    def scaled(offset: float) -> np.ndarray:
        return offset * x_scale  # (P, E)

    # central differences with Richardson
    h = REL_STEP
    vals = stencil([h, -h, h / 2, -h / 2], float)
    hs = scaled(h)
    d1 = (vals[..., 0] - vals[..., 1]) / (2 * hs)
    d2 = (vals[..., 2] - vals[..., 3]) / hs
    rich = (4 * d2 - d1) / 3
    fmag = np.max(np.abs(vals), axis=-1)
    err = np.abs(rich - d2) + 1e-15 * fmag / hs
    value = rich
    used_cs = False
    if complex_step:
        try:
            cs_vals = stencil([CS_STEP * 1j, CS_STEP2 * 1j], complex).imag
            cs = cs_vals[..., 0] / (CS_STEP * x_scale)
            cs2 = cs_vals[..., 1] / (CS_STEP2 * x_scale)
            agree = np.abs(cs - rich) <= 10 * err + 1e-9 * np.maximum(np.abs(cs), 1.0)
            if np.all(agree):
                value, used_cs = cs, True
                # the two steps differ only in rounding: their spread is the rounding of
                # f's own terms, which |f| does not show where they cancel (a gradient
                # that is exactly 0 comes out as 1e-12 of noise, not as 0)
                noise = np.max(np.abs(cs - cs2), axis=-1, keepdims=True)
                err = 1e-14 * np.maximum(np.abs(cs), fmag) + noise
        except (UnsupportedError, EvaluationError, FloatingPointError, TypeError):
            pass
    out_shape = (p_count, *shape)
    return value.reshape(out_shape), err.reshape(out_shape), used_cs


def _vector_names(points: list[dict[str, Any]]) -> set[str]:
    return {n for n, v in points[0].items() if np.ndim(v) == 1}


def numeric_gradient(fc: Compiled, point: Mapping[str, Any], wrt: str,
                     sizes: Mapping[sp.Symbol, int], *, complex_step: bool = True
                     ) -> NumericDerivative:
    """∇f at ``point`` (values as NumPy arrays; vectors 1-D); without ``complex_step``
    (f has a kink: abs, relu … are not analytic) by central differences only."""
    value, err, used_cs = _grads(fc, [dict(point)], wrt, sizes, complex_step=complex_step)
    if used_cs:
        return NumericDerivative(value[0], err[0], "complex step, checked by "
                                 "Richardson-extrapolated central differences")
    return NumericDerivative(value[0], err[0],
                             "central differences with Richardson extrapolation")


def numeric_hessian(fc: Compiled, point: Mapping[str, Any], wrt: str,
                    sizes: Mapping[sp.Symbol, int], *, complex_step: bool = True
                    ) -> NumericDerivative:
    """∇²f at ``point`` for a scalar or vector variable: central differences of the gradient
    (of the complex-step gradient unless ``complex_step`` is False)."""
    x0 = np.asarray(point[wrt], dtype=float)
    n = x0.size
    pts = []
    steps = []
    for j in range(n):
        hj = REL_STEP * max(1.0, abs(float(x0.flat[j])))
        steps.append(hj)
        for off in (hj, -hj, hj / 2, -hj / 2):
            x = x0.copy().reshape(-1)
            x[j] += off
            p = dict(point)
            p[wrt] = x.reshape(x0.shape) if x0.ndim else float(x[0])
            pts.append(p)
    g, gerr, used_cs = _grads(fc, pts, wrt, sizes, complex_step=complex_step)
    g = g.reshape(n, 4, n)
    gerr = gerr.reshape(n, 4, n)
    hs = np.asarray(steps)[:, None]
    d1 = (g[:, 0, :] - g[:, 1, :]) / (2 * hs)
    d2 = (g[:, 2, :] - g[:, 3, :]) / hs
    rich = (4 * d2 - d1) / 3  # row j: ∂(∇f)/∂x_j
    err = np.abs(rich - d2) + np.max(gerr, axis=1) / hs
    value, error = rich.T, err.T  # H[i, j] = ∂²f/∂x_i∂x_j
    inner = "complex-step" if used_cs else "central-difference"
    if x0.ndim == 0:
        return NumericDerivative(value.reshape(()), error.reshape(()),
                                 f"central differences of the {inner} derivative")
    return NumericDerivative(value, error, "central differences (Richardson) of the "
                             f"{inner} gradient")


def off_kinks_float(kinks: tuple[Compiled, ...], point: Mapping[str, Any], wrt: str,
                    sizes: Mapping[sp.Symbol, int]) -> None:
    """EvaluationError where the finite differences' stencils could cross a kink: where an
    argument u of a non-smooth function is, relative to its scale, no farther from 0 than
    steps of twice the largest stencil step in each entry of the variable move it (its
    change, entry by entry, added up: the Hessian's stencils move two entries at once)."""
    if not kinks:
        return
    x0 = np.asarray(point[wrt], dtype=float)
    flat = x0.reshape(-1)
    moved = []
    for e in range(flat.size):
        for sign in (1.0, -1.0):
            x = flat.copy()
            x[e] += sign * 2 * REL_STEP * max(1.0, abs(flat[e]))
            p = dict(point)
            p[wrt] = x.reshape(x0.shape) if x0.ndim else float(x[0])
            moved.append(p)
    for k in kinks:
        u0 = np.asarray(evaluate_float(k, point, sizes), dtype=float)
        change = np.zeros_like(u0)
        for i in range(0, len(moved), 2):
            plus, minus = (np.abs(np.asarray(evaluate_float(k, p, sizes), dtype=float) - u0)
                           for p in moved[i:i + 2])
            change += np.maximum(plus, minus)
        scale = float(np.max(np.abs(u0), initial=0.0))
        # an entry 0 that the steps leave 0 is 0 by design (v − max(v) at the largest
        # entry, relu of data): f is smooth along the steps there
        by_design = (np.abs(u0) <= 1e-12 * scale) & (change <= 1e-12 * max(scale, 1.0))
        if np.any((np.abs(u0) <= change + 1e-12 * scale) & ~by_design):
            raise EvaluationError("a kink within the finite differences' steps: the argument "
                                  "of a non-smooth function is about 0 here")


@dataclass(frozen=True, slots=True)
class Comparison:
    ok: bool
    max_abs: float
    max_rel: float
    worst: tuple[int, ...]


def compare(claim: np.ndarray, ref: np.ndarray, err: np.ndarray | float = 0.0, *,
            rtol: float = 1e-7) -> Comparison:
    """Scale-aware comparison: |claim − ref| ≤ rtol·scale + 10·err, scale = max |·|.

    ``max_rel`` is relative to the scale, or to the error estimate's equivalent scale
    when the reference is itself about 0 (a relative error of 1 against 0 means nothing).
    """
    claim = np.asarray(claim, dtype=float)
    ref = np.asarray(ref, dtype=float)
    if claim.shape != ref.shape:
        claim = claim.reshape(ref.shape)
    diff = np.abs(claim - ref)
    scale = max(float(np.max(np.abs(ref), initial=0.0)), float(np.max(np.abs(claim), initial=0.0)))
    tol = rtol * scale + 10 * np.asarray(err) + 1e-300
    bad = diff > tol
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.size else ()
    max_abs = float(np.max(diff, initial=0.0))
    scale = max(scale, 10 * float(np.max(np.asarray(err), initial=0.0)) / rtol)
    return Comparison(ok=not bool(np.any(bad)), max_abs=max_abs,
                      max_rel=max_abs / scale if scale else (0.0 if max_abs == 0 else np.inf),
                      worst=tuple(int(i) for i in worst))

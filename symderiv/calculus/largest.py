"""The largest entry of an array, ``max(v)``, and with it ``norm(v, inf) = max(abs(v))``.

The largest entry is differentiable wherever one entry alone is largest; there its
gradient is the indicator of that entry, written ``where(v >= max(v), 1, 0)`` (the step
of v − max(v), 1 at 0).  Where two entries tie for the largest it has a kink: every
evaluator refuses such a point (:func:`top_entry`), so no engine judges a derivative
there, as for the kinks of abs and relu.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from ..errors import EvaluationError
from .functions import elementwise

__all__ = ["Largest", "indicator", "top_entries", "top_entry"]

#: relative gap below which two float entries count as tied (finite differences take steps
#: of about 1e-5 relative: a smaller gap would let a stencil cross the kink)
FLOAT_TIE = 1e-4


class Largest(sp.Expr):
    """max(M): the largest entry of the matrix expression M (a real scalar)."""

    is_real = True
    is_commutative = True

    def __new__(cls, m: sp.MatrixExpr) -> sp.Expr:
        if m.shape == (1, 1):  # one entry: it is the largest
            return sp.Trace(m)
        return sp.Expr.__new__(cls, m)

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[0]

    def _eval_derivative(self, s: sp.Symbol) -> sp.Expr:  # SymPy's diff: not by matrices
        raise NotImplementedError("the largest entry is differentiated by symderiv's rules")


def indicator(m: sp.MatrixExpr) -> sp.MatrixExpr:
    """The gradient of max(m) by m: 1 at the largest entry, 0 elsewhere."""
    return elementwise(sp.Heaviside, sp.MatAdd(m, -Largest(m) * sp.OneMatrix(*m.shape)),
                       sp.Integer(1))


def top_entry(values: list[Any]) -> Any:
    """The largest of exact or multiprecision ``values``; EvaluationError at a tie."""
    ordered = sorted(values, reverse=True)
    if len(ordered) > 1 and ordered[0] == ordered[1]:
        raise EvaluationError("two entries tie for the largest: max is not differentiable "
                              "there")
    return ordered[0]


def top_entries(batch: np.ndarray) -> np.ndarray:
    """The largest entry of each matrix of a float (or complex-step) batch ``(K, r, c)``;
    EvaluationError where two entries are within FLOAT_TIE of tying."""
    flat = batch.reshape(batch.shape[0], -1)
    real = np.real(flat)
    if flat.shape[1] > 1:
        two = np.sort(real, axis=1)[:, -2:]
        scale = np.maximum(np.max(np.abs(real), axis=1), 1.0)
        if np.any(two[:, 1] - two[:, 0] <= FLOAT_TIE * scale):
            raise EvaluationError("two entries (nearly) tie for the largest: max is not "
                                  "differentiable there")
    at = np.argmax(real, axis=1)
    return np.take_along_axis(flat, at[:, None], axis=1)[:, 0]

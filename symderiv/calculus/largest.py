"""The largest entry of an array, ``max(v)``, and with it ``norm(v, inf) = max(abs(v))``.

The largest entry is differentiable wherever one entry alone is largest; there its
gradient is the indicator of that entry, written ``where(v >= max(v), 1, 0)`` (the step
of v − max(v), 1 at 0).  Where two entries tie for the largest it has a kink; its value
is the largest entry all the same, and :func:`tie_argument` shows the kink to the engines
as the arguments of abs and relu show theirs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from .functions import elementwise

__all__ = ["Largest", "indicator", "tie_argument", "top_entries", "top_entry"]


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

    def tie_argument(self) -> sp.MatrixExpr:
        return tie_argument(self)

    def _eval_derivative(self, s: sp.Symbol) -> sp.Expr:  # SymPy's diff: not by matrices
        raise NotImplementedError("the largest entry is differentiated by symderiv's rules")


def indicator(m: sp.MatrixExpr) -> sp.MatrixExpr:
    """The gradient of max(m) by m: 1 at the largest entry, 0 elsewhere."""
    return elementwise(sp.Heaviside, sp.MatAdd(m, -Largest(m) * sp.OneMatrix(*m.shape)),
                       sp.Integer(1))


def top_entry(values: list[Any]) -> Any:
    """The largest of exact or multiprecision ``values`` (a tie is a kink of the derivative,
    not of the value: :func:`tie_argument` shows it to the engines)."""
    return max(values)


def top_entries(batch: np.ndarray) -> np.ndarray:
    """The largest entry of each matrix of a float (or complex-step) batch ``(K, r, c)``:
    the entry itself, so that the complex step's imaginary part follows it."""
    flat = batch.reshape(batch.shape[0], -1)
    at = np.argmax(np.real(flat), axis=1)
    return np.take_along_axis(flat, at[:, None], axis=1)[:, 0]


def tie_argument(e: Largest) -> sp.MatrixExpr:
    """M − max(M)·𝟙 for e = max(M): 0 at the largest entry by design, and at another
    entry only where it ties — where max is not differentiable.  The engines treat it as
    a kink's argument: an entry that is 0 and stays 0 at a point close by (the largest
    one, or data ±1 labels that tie) is 0 by design and does not count."""
    m = e.arg
    return sp.MatAdd(m, -e * sp.OneMatrix(*m.shape))

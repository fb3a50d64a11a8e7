"""SymPy's ``DiagMatrix.doit``, without its one slow question.

``DiagMatrix(v).doit()`` first asks SymPy's assumption system whether ``v`` is itself a
diagonal matrix (true of a 1×1 one); on the logistic loss's Hessian, whose result holds
diag(σ(Xw)∘(1 − σ(Xw))) many times over, those questions took 2.2 of 7.2 profiled seconds.
A column whose length is not 1 (a symbol such as n, or an integer above 1) is not
diagonal, so for it the answer is known without asking; everything else goes to SymPy's
own method, and the result is the same either way.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

__all__ = ["install"]

_SYMPY_DOIT = DiagMatrix.doit


def _doit(self: DiagMatrix, **hints: Any) -> sp.MatrixExpr:
    vector = self._vector
    rows, cols = vector.shape
    if cols != 1 or rows == 1 or isinstance(vector, sp.MatrixBase):
        return _SYMPY_DOIT(self, **hints)
    # the rest of SymPy's method, as it is after its question has answered no
    if vector.is_MatMul:
        matrices = [a for a in vector.args if a.is_Matrix]
        scalars = [a for a in vector.args if a not in matrices]
        if scalars:
            return sp.Mul.fromiter(scalars) * DiagMatrix(
                sp.MatMul.fromiter(matrices).doit()).doit()
    if isinstance(vector, sp.Transpose):
        vector = vector.arg
    return DiagMatrix(vector)


def install() -> None:
    """Use :func:`_doit` for every DiagMatrix (idempotent)."""
    DiagMatrix.doit = _doit  # type: ignore[method-assign]

"""Exact linear algebra over the rationals: determinant and inverse by Gaussian elimination.

Entries are :class:`fractions.Fraction` (or anything ``Fraction`` accepts) in NumPy
arrays.  Both the random instances of :mod:`symderiv.space` (a positive definite draw,
an orthogonal Cayley transform) and the exact evaluation of the engines need them, so
they live below both.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .errors import EvaluationError

__all__ = ["exact_det", "exact_inv", "exact_rank"]


def _frac_matrix(m: np.ndarray) -> list[list[Fraction]]:
    return [[Fraction(v) for v in row] for row in m.tolist()]


def exact_det(m: np.ndarray) -> Fraction:
    """Determinant by Gaussian elimination over the rationals."""
    a = _frac_matrix(m)
    n = len(a)
    det = Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if a[r][col] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            det = -det
        det *= a[col][col]
        for r in range(col + 1, n):
            f = a[r][col] / a[col][col]
            if f:
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
    return det


def exact_rank(m: np.ndarray) -> int:
    """Rank by Gaussian elimination over the rationals (any shape)."""
    a = _frac_matrix(m)
    rows = len(a)
    cols = len(a[0]) if rows else 0
    rank = 0
    for col in range(cols):
        pivot = next((r for r in range(rank, rows) if a[r][col] != 0), None)
        if pivot is None:
            continue
        a[rank], a[pivot] = a[pivot], a[rank]
        for r in range(rank + 1, rows):
            f = a[r][col] / a[rank][col]
            if f:
                a[r] = [x - f * y for x, y in zip(a[r], a[rank], strict=True)]
        rank += 1
    return rank


def exact_inv(m: np.ndarray) -> np.ndarray:
    """Inverse by Gauss–Jordan over the rationals; singular matrices raise EvaluationError."""
    a = _frac_matrix(m)
    n = len(a)
    aug = [row + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if aug[r][col] != 0), None)
        if pivot is None:
            raise EvaluationError("singular matrix")
        aug[col], aug[pivot] = aug[pivot], aug[col]
        p = aug[col][col]
        aug[col] = [x / p for x in aug[col]]
        for r in range(n):
            if r != col and aug[r][col] != 0:
                f = aug[r][col]
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[col], strict=True)]
    out = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            out[i, j] = aug[i][n + j]
    return out

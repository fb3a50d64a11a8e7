"""How a matrix expression reads in notation, for every expression printer.

A 1×1 trace is a constant, a sum of entries (𝟙ᵀv), a squared norm (vᵀv) or an inner
product; a product splits into its inner products (scalars) and what remains, which
is at most one outer product.  No printing here: the printers in
:mod:`symderiv.render.printing` ask, and spell the answer in their format.
"""

from __future__ import annotations

import sympy as sp

from ..forms import norm_operand


def _sum_operand(m: sp.MatrixExpr) -> sp.Basic | None:
    """If m is 𝟙ᵀ v, vᵀ 𝟙 or 𝟙ᵀ M 𝟙 (a 1×1 sum of entries), return v or M."""
    if not isinstance(m, sp.MatMul):
        return None
    coeff, mats = m.as_coeff_matrices()
    if coeff != 1:
        return None
    mats = list(mats)
    if len(mats) >= 2 and isinstance(mats[0], sp.OneMatrix) and mats[0].rows == 1:
        inner = mats[1:]
        if isinstance(inner[-1], sp.OneMatrix) and inner[-1].cols == 1 and len(inner) > 1:
            inner = inner[:-1]
        return inner[0] if len(inner) == 1 else sp.MatMul(*inner)
    if len(mats) == 2 and isinstance(mats[1], sp.OneMatrix) and mats[1].cols == 1:
        return mats[0].T.doit() if mats[0].rows == 1 else None
    return None


def _scaled_one(m: sp.Basic) -> sp.Expr | None:
    """c when m is c·𝟙 with 𝟙 the 1×1 all-ones matrix (a scalar in disguise)."""
    if isinstance(m, sp.OneMatrix) and m.shape == (1, 1):
        return sp.Integer(1)
    if isinstance(m, sp.MatMul):
        coeff, mats = m.as_coeff_matrices()
        if len(mats) == 1 and isinstance(mats[0], sp.OneMatrix) and mats[0].shape == (1, 1):
            return coeff
    return None


def _scalar_form(e: sp.Trace) -> tuple[str, sp.Basic]:
    """How a trace reads: of a 1×1 it is a constant, a sum 𝟙ᵀv, a squared norm vᵀv, or
    an inner product; otherwise a real trace."""
    if e.arg.shape != (1, 1):
        return "trace", e.arg
    for kind, find in (("constant", _scaled_one), ("sum", _sum_operand),
                       ("norm", norm_operand)):
        operand = find(e.arg)
        if operand is not None:
            return kind, operand
    return "inner", e.arg


def _trace_norm(e: sp.Basic) -> sp.Basic | None:
    """v when e is tr(vᵀv) = ‖v‖²."""
    if isinstance(e, sp.Trace) and e.arg.shape == (1, 1):
        return norm_operand(e.arg)
    return None


def _pull_inner_products(mats: list[sp.Basic]) -> tuple[list[sp.Expr], list[sp.Basic]]:
    """Split a product into its inner products (row … column, 1×1: scalars) and the rest.

    ``a aᵀ x xᵀ x`` becomes the scalars aᵀx, xᵀx and the spine ``a``, so that what
    remains has at most one column-then-row boundary (an outer product).
    """
    scalars: list[sp.Expr] = []
    mats = list(mats)
    changed = True
    while changed:
        changed = False
        for i, m in enumerate(mats):
            if m.shape[0] != 1:
                continue
            j = next((k for k in range(i, len(mats)) if mats[k].shape[1] == 1), None)
            if j is None or (i == 0 and j == len(mats) - 1):
                continue
            scalars.append(sp.Trace(_chain(mats[i:j + 1])))
            mats = mats[:i] + mats[j + 1:]
            changed = True
            break
    return scalars, mats


def _chain(mats: list[sp.Basic]) -> sp.Basic:
    return mats[0] if len(mats) == 1 else sp.MatMul(*mats)


def _outer_split(mats: list[sp.Basic]) -> int | None:
    """Index i such that mats[:i] is a column and mats[i:] a row (an outer product)."""
    for i in range(1, len(mats)):
        if mats[i - 1].shape[1] == 1 and mats[i].shape[0] == 1 and mats[0].shape[0] != 1:
            return i
    return None


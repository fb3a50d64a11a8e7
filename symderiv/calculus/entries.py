"""Entries of matrix expressions in index form: (AB)_ij = Σ_p a_ip b_pj.

The first half of :func:`symderiv.calculus.indexform.to_index`: a scalar expression
becomes a sum of terms (:mod:`symderiv.calculus.indexterms`), the entry (r, c) of each
matrix in it written out by the rules of products, transposes, traces, Hadamard products
and diag.  Index names here are fresh (``_1``, ``_2``, …); ``tidy`` names them later.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

from ..errors import Shown, UnsupportedError
from ..forms import norm_operand
from ..space import Space
from .indexterms import (
    MAX_SUMMED,
    MAX_TERMS,
    ONE_TERM,
    ZERO,
    Bound,
    Delta,
    Entry,
    Group,
    Index,
    IndexExpr,
    Term,
)


class _Fresh:
    """Fresh indices _1, _2, … for the sums of one expression."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, dim: Any) -> Index:
        self.count += 1
        return Index(f"_{self.count}", dim)


def _product(*parts: IndexExpr) -> IndexExpr:
    out = [ONE_TERM]
    for part in parts:
        if len(out) * len(part.terms) > 4 * MAX_TERMS:  # stop before multiplying out
            raise UnsupportedError(f"multiplying out the index form gives more than "
                                   f"{4 * MAX_TERMS} terms: too large to derive entry by entry")
        out = [Term(a.coeff * b.coeff, a.factors + b.factors, a.sums + b.sums)
               for a in out for b in part.terms]
        if out and max(len(t.sums) for t in out) > 2 * MAX_SUMMED:
            raise UnsupportedError(f"a term of the index form has more than {2 * MAX_SUMMED} "
                                   "summed indices: too large to derive entry by entry")
    return IndexExpr(tuple(out))


def _summed(e: IndexExpr, *indices: Index | None) -> IndexExpr:
    bounds = tuple(Bound(i) for i in indices if i is not None)
    return IndexExpr(tuple(replace(t, sums=bounds + t.sums) for t in e.terms))


def _unsupported(e: sp.Basic) -> UnsupportedError:
    return UnsupportedError(
        f"the index form covers polynomial expressions (products, sums, transposes, traces, "
        f"squared norms, Hadamard products, diag); not {Shown(e)}")



def _scalar(e: sp.Basic, space: Space, fresh: _Fresh, nested: bool) -> IndexExpr:
    if isinstance(e, sp.Trace):
        m = e.arg
        if nested and isinstance(m, sp.MatMul):
            coeff, mats = m.as_coeff_matrices()
            v = norm_operand(sp.MatMul(*mats)) if len(mats) == 2 else None
            if v is not None:  # ‖v‖² = Σ_i (v_i)², kept as a sum of squares
                i = fresh(v.rows) if v.rows != 1 else None
                inner = _entry(v, i, None, space, fresh)
                square = IndexExpr((Term(sp.Integer(1), (Group(inner, 2),)),))
                return _summed(_product(_scalar(coeff, space, fresh, nested), square), i)
        if m.shape == (1, 1):
            return _entry(m, None, None, space, fresh, nested)
        i = fresh(m.rows)
        return _summed(_entry(m, i, i, space, fresh), i)
    if isinstance(e, sp.Add):
        out = ZERO
        for a in e.args:
            out = out + _scalar(a, space, fresh, nested)
        return out
    if isinstance(e, sp.Mul):
        return _product(*(_scalar(a, space, fresh, nested) for a in e.args))
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp >= 0:
        return _product(*(_scalar(e.base, space, fresh, nested) for _ in range(int(e.exp))))
    if isinstance(e, sp.Symbol):
        if e in space.dim_symbols:
            return IndexExpr((Term(e),))
        return IndexExpr((Term(sp.Integer(1), (Entry(e.name),)),))
    if e.is_number and not isinstance(e, sp.MatrixExpr):
        return IndexExpr((Term(e),)) if e != 0 else ZERO
    raise _unsupported(e)


def _position(i: Index | None) -> tuple[Index, ...]:
    return () if i is None else (i,)


def _entry(m: sp.Basic, r: Index | None, c: Index | None, space: Space,
           fresh: _Fresh, nested: bool = False) -> IndexExpr:
    """Entry (r, c) of the matrix m; None stands for a dimension of size 1."""
    if isinstance(m, sp.MatrixSymbol):
        if m.cols == 1:
            idx = _position(r)
        else:
            idx = (r if r is not None else Index("1", 1), c if c is not None else Index("1", 1))
        return IndexExpr((Term(sp.Integer(1), (Entry(str(m.name), idx),)),))
    if isinstance(m, sp.Transpose):
        return _entry(m.arg, c, r, space, fresh)
    if isinstance(m, sp.MatAdd):
        out = ZERO
        for a in m.args:
            out = out + _entry(a, r, c, space, fresh)
        return out
    if isinstance(m, sp.MatMul):
        coeff, mats = m.as_coeff_matrices()
        parts = [_scalar(coeff, space, fresh, False)] if coeff != 1 else []
        inner: list[Index] = []
        left = r
        for a in mats[:-1]:
            j = fresh(a.cols) if a.cols != 1 else None
            parts.append(_entry(a, left, j, space, fresh, nested))
            if j is not None:
                inner.append(j)
            left = j
        parts.append(_entry(mats[-1], left, c, space, fresh, nested))
        return _summed(_product(*parts), *inner)
    if isinstance(m, sp.MatPow) and m.exp.is_Integer and m.exp >= 1:
        return _entry(sp.MatMul(*([m.base] * int(m.exp))), r, c, space, fresh)
    if isinstance(m, sp.Identity):
        if r is None and c is None:
            return IndexExpr((ONE_TERM,))
        return IndexExpr((Term(sp.Integer(1), (Delta(r, c),)),))  # type: ignore[arg-type]
    if isinstance(m, sp.ZeroMatrix):
        return ZERO
    if isinstance(m, sp.OneMatrix):
        return IndexExpr((ONE_TERM,))
    if isinstance(m, sp.HadamardProduct):
        return _product(*(_entry(a, r, c, space, fresh) for a in m.args))
    if isinstance(m, sp.HadamardPower) and m.exp.is_Integer and m.exp >= 0:
        if nested:
            inner = _entry(m.base, r, c, space, fresh)
            return IndexExpr((Term(sp.Integer(1), (Group(inner, int(m.exp)),)),))
        return _product(*(_entry(m.base, r, c, space, fresh) for _ in range(int(m.exp))))
    if isinstance(m, DiagMatrix):
        v = _entry(m.args[0], r, None, space, fresh)
        if r is None:
            return v
        return _product(v, IndexExpr((Term(sp.Integer(1), (Delta(r, c),)),)))  # type: ignore
    if isinstance(m, DiagonalOf):
        return _entry(m.args[0], r, r, space, fresh)
    if isinstance(m, sp.Mul | sp.Add | sp.Trace | sp.Pow | sp.Symbol) or m.is_number:
        return _scalar(m, space, fresh, False)  # a 1×1 scalar factor inside a product
    raise _unsupported(m)

"""Index form at symbolic size: Σ_i Σ_j a_ij x_i x_j, differentiated entry by entry.

A scalar matrix expression becomes a sum of :class:`Term` objects — a coefficient,
a product of entries (``a_ij``, ``x_i``, scalars) and Kronecker deltas, and the
indices summed over, each running from 1 to a symbolic dimension.  On that form
this module does what the talk does by hand:

* :func:`differentiate` by a generic entry x_k (the product rule: each occurrence
  x_i contributes δ_ik), and :func:`resolve_deltas` (Σ_i a_ki δ_il = a_kl);
* :func:`case_split`, the talk's way with a term quadratic in the variable: only the
  cases i = k, j = k (or both) depend on x_k, and :func:`absorb` puts the diagonal
  term back into the sum (2 a_kk x_k + 2 Σ_{i≠k} a_ki x_i = 2 Σ_i a_ki x_i);
* :func:`use_symmetry` (a_ik = a_ki for a declared symmetric A) and :func:`collect`
  (like terms up to the names of summed indices);
* :func:`to_matrix`, which reads a result back as a matrix expression:
  2 Σ_i a_ki x_i is (2Ax)_k, so ∇f = 2Ax.

Everything here is exact and works for every size at once; :func:`evaluate` gives
the value at a concrete size, which is how the worked solutions are checked.
The form covers polynomial expressions (products, sums, transposes, traces,
norms squared, Hadamard products, diag); others raise :class:`UnsupportedError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

from ..errors import UnsupportedError
from ..forms import norm_operand
from ..space import Space

__all__ = [
    "Bound", "Delta", "Entry", "Group", "Index", "IndexExpr", "Term", "absorb", "case_split",
    "check_size",
    "collect", "differentiate", "evaluate", "expand", "free_indices", "rename",
    "resolve_deltas", "splittable", "tidy", "to_index", "to_matrix", "use_symmetry",
    "var_entries",
]

DUMMY_NAMES = ("i", "j", "p", "q", "r", "s", "t", "u", "v")
MAX_RENAME = 5  # terms with more summed indices are collected without renaming
MAX_TERMS = 120  # an index form larger than this is no worked solution (and slow to check)
MAX_SUMMED = 6  # nor is a term with more summed indices (n⁶ values to check it at size n)


@dataclass(frozen=True, slots=True)
class Index:
    """An index running from 1 to ``dim``."""

    name: str
    dim: Any


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry of a declared symbol: ``x_i``, ``a_ij``, or a scalar (no indices)."""

    base: str
    indices: tuple[Index, ...] = ()


@dataclass(frozen=True, slots=True)
class Delta:
    """The Kronecker delta δ_ab: 1 where a = b, else 0."""

    a: Index
    b: Index


@dataclass(frozen=True, slots=True)
class Bound:
    """A summation Σ_index, leaving out the values ``excluded`` (Σ_{i≠k})."""

    index: Index
    excluded: tuple[Index, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """A parenthesised sum raised to a power, as in Σ_i (y_i − Σ_j x_ij w_j)²."""

    expr: IndexExpr
    power: int


Factor = Entry | Delta | Group


@dataclass(frozen=True, slots=True)
class Term:
    """coeff · Π factors, summed over ``sums``."""

    coeff: Any
    factors: tuple[Factor, ...] = ()
    sums: tuple[Bound, ...] = ()

    @property
    def summed(self) -> set[Index]:
        return {b.index for b in self.sums}


@dataclass(frozen=True, slots=True)
class IndexExpr:
    """A sum of terms; the empty sum is 0."""

    terms: tuple[Term, ...] = ()

    def __add__(self, other: IndexExpr) -> IndexExpr:
        return IndexExpr(self.terms + other.terms)

    def scaled(self, c: Any) -> IndexExpr:
        return IndexExpr(tuple(replace(t, coeff=t.coeff * c) for t in self.terms))


ZERO = IndexExpr()
ONE_TERM = Term(sp.Integer(1))


# -- from matrix expressions ------------------------------------------------------------------
class _Fresh:
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
        f"squared norms, Hadamard products, diag); not {type(e).__name__}")


def to_index(expr: sp.Basic, space: Space, *, nested: bool = False,
             taken: Iterable[str] = ("k", "l")) -> IndexExpr:
    """The index form of a scalar expression: xᵀAx ↦ Σ_i Σ_j a_ij x_i x_j.

    With ``nested``, a squared norm stays a sum of squares, ‖y − Xw‖² ↦
    Σ_i (y_i − Σ_j x_ij w_j)², instead of being multiplied out.
    """
    return tidy(resolve_deltas(_scalar(expr, space, _Fresh(), nested)), taken=taken)


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


# -- renaming and collecting -----------------------------------------------------------------
def rename(x: Any, mapping: Mapping[Index, Index]) -> Any:
    """x (a term, factor, bound or group) with its indices renamed by ``mapping``."""
    return _sub_index(x, mapping)


def _sub_index(x: Any, mapping: Mapping[Index, Index]) -> Any:
    if isinstance(x, Index):
        return mapping.get(x, x)
    if isinstance(x, Entry):
        return Entry(x.base, tuple(mapping.get(i, i) for i in x.indices))
    if isinstance(x, Delta):
        return Delta(mapping.get(x.a, x.a), mapping.get(x.b, x.b))
    if isinstance(x, Bound):
        return Bound(mapping.get(x.index, x.index),
                     tuple(mapping.get(i, i) for i in x.excluded))
    if isinstance(x, Group):
        return Group(IndexExpr(tuple(_sub_index(t, mapping) for t in x.expr.terms)), x.power)
    if isinstance(x, Term):
        return Term(x.coeff, tuple(_sub_index(f, mapping) for f in x.factors),
                    tuple(_sub_index(b, mapping) for b in x.sums))
    raise TypeError(x)


def _factor_rank(f: Factor, var: str | None) -> tuple[int, int]:
    if isinstance(f, Entry):
        kind = {2: 0, 1: 1, 0: 3}[len(f.indices)]
        return (kind, int(f.base == var))
    if isinstance(f, Group):
        return (2, 0)
    return (4, 0)


def _indices_of(f: Any) -> list[Index]:
    if isinstance(f, Entry):
        return list(f.indices)
    if isinstance(f, Delta | _Link):
        return [f.a, f.b]
    if isinstance(f, Group):
        return [i for t in f.expr.terms for g in t.factors for i in _indices_of(g)]
    return []


def free_indices(e: IndexExpr) -> list[Index]:
    """The indices of e that are not summed (k in 2 Σ_i a_ki x_i), sorted by name."""
    out = {i for t in e.terms for f in t.factors for i in _indices_of(f)
           if i not in t.summed and i.name != "1"}
    return sorted(out, key=lambda i: i.name)


def tidy(e: IndexExpr, *, var: str | None = None, taken: Iterable[str] = ("k", "l")
         ) -> IndexExpr:
    """Display order (matrices, vectors, the variable last) and summed indices renamed
    i, j, p, … in order of appearance, avoiding the names in ``taken`` (the free indices,
    and the names of symbols, so that Σ_p never sums over a scalar called p)."""
    return IndexExpr(tuple(_tidy_term(t, var, set(taken)) for t in e.terms))


def _tidy_term(t: Term, var: str | None, taken: set[str]) -> Term:
    used = {i for f in t.factors for i in _indices_of(f)}
    for b in t.sums:  # Σ_i 1 = n
        if b.index not in used and not b.excluded:
            t = Term(t.coeff * b.index.dim, t.factors, tuple(x for x in t.sums if x != b))
    factors = tuple(sorted(t.factors, key=lambda f: _factor_rank(f, var)))
    inner: list[Index] = []
    for f in factors:
        if isinstance(f, Group):
            for it in f.expr.terms:
                inner.extend(b.index for b in it.sums)
    summed = [b.index for b in t.sums]
    order: list[Index] = []
    for f in factors:
        for i in _indices_of(f):
            if (i in summed or i in inner) and i not in order:
                order.append(i)
    order.extend(i for i in summed if i not in order)
    pool = [n for n in DUMMY_NAMES if n not in taken]
    mapping = {i: Index(pool[n % len(pool)] + ("'" * (n // len(pool))), i.dim)
               for n, i in enumerate(order)}
    out = _sub_index(Term(t.coeff, factors, t.sums), mapping)
    sums = tuple(sorted(out.sums, key=lambda b: [m.name for m in mapping.values()].index(
        b.index.name) if b.index in mapping.values() else 0))
    groups = tuple(Group(IndexExpr(tuple(_tidy_term_inner(it, var) for it in f.expr.terms)),
                         f.power) if isinstance(f, Group) else f for f in out.factors)
    return Term(out.coeff, groups, sums)


def _tidy_term_inner(t: Term, var: str | None) -> Term:
    return Term(t.coeff, tuple(sorted(t.factors, key=lambda f: _factor_rank(f, var))), t.sums)


def _key(t: Term) -> tuple:
    """The term without its coefficient, up to the names of its summed indices."""
    summed = [b.index for b in t.sums]
    if len(summed) > MAX_RENAME:
        return _raw_key(t)
    best = None
    for perm in itertools.permutations(range(len(summed))):
        mapping = {i: Index(f"#{perm[n]}", i.dim) for n, i in enumerate(summed)}
        k = _raw_key(_sub_index(t, mapping))
        if best is None or k < best:
            best = k
    return best if best is not None else _raw_key(t)


def _raw_key(t: Term) -> tuple:
    def fkey(f: Factor) -> tuple:
        if isinstance(f, Entry):
            return ("e", f.base, tuple(i.name for i in f.indices))
        if isinstance(f, Delta):
            return ("d", *sorted((f.a.name, f.b.name)))
        return ("g", f.power, tuple(sorted(_raw_key(x) for x in f.expr.terms)))
    return (tuple(sorted(fkey(f) for f in t.factors)),
            tuple(sorted((b.index.name, tuple(sorted(i.name for i in b.excluded)))
                         for b in t.sums)))


def collect(e: IndexExpr) -> IndexExpr:
    """Add up like terms (equal up to the names of summed indices); drop zeros."""
    keys: list[tuple] = []
    out: list[Term] = []
    for t in e.terms:
        k = _key(t)
        if k in keys:
            n = keys.index(k)
            out[n] = replace(out[n], coeff=out[n].coeff + t.coeff)
        else:
            keys.append(k)
            out.append(t)
    return IndexExpr(tuple(t for t in out if t.coeff != 0))


def check_size(e: IndexExpr) -> IndexExpr:
    """e, or UnsupportedError when it is too large to derive and show entry by entry."""
    if len(e.terms) > MAX_TERMS:
        raise UnsupportedError(f"the index form has {len(e.terms)} terms (more than "
                               f"{MAX_TERMS}): too large to derive entry by entry")
    widest = max((len(t.sums) for t in e.terms), default=0)
    if widest > MAX_SUMMED:
        raise UnsupportedError(f"a term of the index form has {widest} summed indices (more "
                               f"than {MAX_SUMMED}): too large to derive entry by entry")
    return e


def expand(e: IndexExpr) -> IndexExpr:
    """Multiply out the groups: (Σ_j …)² becomes a double sum."""
    fresh = _Fresh()
    out: list[Term] = []
    for t in e.terms:
        parts: list[IndexExpr] = [IndexExpr((Term(t.coeff, (), t.sums),))]
        for f in t.factors:
            if isinstance(f, Group):
                for _ in range(f.power):
                    mapping = {b.index: fresh(b.index.dim)
                               for it in f.expr.terms for b in it.sums}
                    parts.append(IndexExpr(tuple(_sub_index(it, mapping)
                                                 for it in expand(f.expr).terms)))
            else:
                parts.append(IndexExpr((Term(sp.Integer(1), (f,)),)))
        out.extend(_product(*parts).terms)
    return IndexExpr(tuple(out))


# -- calculus ----------------------------------------------------------------------------------
def _substitute(t: Term, old: Index, new: Index) -> Term | None:
    """t with the summed index ``old`` set to ``new`` (None when Σ_{old≠new} excludes it)."""
    bound = next((b for b in t.sums if b.index == old), None)
    if bound is not None and new in bound.excluded:
        return None
    sums = tuple(b for b in t.sums if b.index != old)
    return _sub_index(Term(t.coeff, t.factors, sums), {old: new})


def differentiate(e: IndexExpr, var: str, at: tuple[Index, ...]) -> IndexExpr:
    """∂e/∂var_at by the product rule: each factor var_i becomes δ_ik (deltas unresolved).

    Entries of ``var`` whose index is summed with ``at`` excluded (x_j in Σ_{j≠k}) do not
    depend on var_at and are left alone.
    """
    out: list[Term] = []
    for t in e.terms:
        for n, f in enumerate(t.factors):
            if isinstance(f, Group):
                raise ValueError("expand() the groups before differentiating")
            if not isinstance(f, Entry) or f.base != var:
                continue
            if any(b.index in f.indices and set(at) & set(b.excluded) for b in t.sums):
                continue
            rest = t.factors[:n] + t.factors[n + 1:]
            if len(f.indices) != len(at):  # a dimension of size 1 carries no index
                at_f = tuple(a for a in at if a.dim != 1)
            else:
                at_f = at
            deltas = tuple(Delta(i, a) for i, a in zip(f.indices, at_f, strict=False) if i != a)
            out.append(Term(t.coeff, rest + deltas, t.sums))
    return IndexExpr(tuple(out))


def resolve_deltas(e: IndexExpr) -> IndexExpr:
    """Σ_i a_ki δ_il = a_kl: a delta with a summed index substitutes it; δ_kk = 1."""
    out: list[Term] = []
    for t in e.terms:
        cur: Term | None = t
        while cur is not None:
            d = next((f for f in cur.factors if isinstance(f, Delta)
                      and (f.a == f.b or f.a in cur.summed or f.b in cur.summed)), None)
            if d is None:
                break
            rest = list(cur.factors)
            rest.remove(d)
            cur = replace(cur, factors=tuple(rest))
            if d.a == d.b:
                continue
            old, new = (d.a, d.b) if d.a in cur.summed else (d.b, d.a)
            cur = _substitute(cur, old, new)
        if cur is not None:
            out.append(cur)
    return IndexExpr(tuple(out))


def var_entries(t: Term, var: str) -> list[Entry]:
    return [f for f in t.factors if isinstance(f, Entry) and f.base == var]


def splittable(t: Term, var: str) -> bool:
    """True for a term quadratic in a vector variable with both indices summed: the
    talk's case split applies (x_i x_j with i, j = 1 … n)."""
    xs = var_entries(t, var)
    if len(xs) != 2 or any(len(x.indices) != 1 for x in xs):
        return False
    i, j = xs[0].indices[0], xs[1].indices[0]
    plain = {b.index for b in t.sums if not b.excluded}
    return i != j and i in plain and j in plain


def case_split(t: Term, var: str, k: Index) -> IndexExpr:
    """The terms of t that depend on x_k: i = j = k, i = k ≠ j, j = k ≠ i.

    The fourth case, i ≠ k and j ≠ k, does not involve x_k and is dropped.
    """
    xs = var_entries(t, var)
    i, j = xs[0].indices[0], xs[1].indices[0]
    # i and j are summed without exclusions (splittable), so no substitution is refused
    at_i, at_j = _substitute(t, i, k), _substitute(t, j, k)
    assert at_i is not None and at_j is not None
    both = _substitute(at_i, j, k)
    only_i = _exclude(at_i, j, k)
    only_j = _exclude(at_j, i, k)
    return IndexExpr(tuple(x for x in (both, only_j, only_i) if x is not None))


def _exclude(t: Term, index: Index, k: Index) -> Term:
    return replace(t, sums=tuple(Bound(b.index, (*b.excluded, k)) if b.index == index else b
                                 for b in t.sums))


def use_symmetry(e: IndexExpr, symmetric: AbstractSet[str]) -> tuple[IndexExpr, list[str]]:
    """Write entries of symmetric matrices with the free index first (a_ik → a_ki).

    Returns the new form and the names of the matrices whose symmetry was used.
    """
    used: list[str] = []
    out: list[Term] = []
    for t in e.terms:
        summed = t.summed
        factors = []
        for f in t.factors:
            if isinstance(f, Entry) and f.base in symmetric and len(f.indices) == 2:
                a, b = f.indices
                if (a in summed and b not in summed) or (
                        (a in summed) == (b in summed) and b.name < a.name):
                    f = Entry(f.base, (b, a))
                    if f.base not in used:
                        used.append(f.base)
            factors.append(f)
        out.append(replace(t, factors=tuple(factors)))
    return IndexExpr(tuple(out)), used


def absorb(e: IndexExpr, symmetric: AbstractSet[str] = frozenset()) -> IndexExpr:
    """c·T[i:=k] + c·Σ_{i≠k} T = c·Σ_i T: a diagonal term goes back into its sum.

    Entries of the ``symmetric`` matrices are compared in one index order, so that
    b_jk in T[i:=k] meets the b_kj of the diagonal term."""

    def key(t: Term) -> tuple:
        return _key(use_symmetry(IndexExpr((t,)), symmetric)[0].terms[0])

    terms = list(e.terms)
    changed = True
    while changed:
        changed = False
        for n, t in enumerate(terms):
            bound = next((b for b in t.sums if b.excluded), None)
            if bound is None:
                continue
            k = bound.excluded[-1]
            rest = tuple(x for x in bound.excluded if x != k)
            full = replace(t, sums=tuple(Bound(b.index, rest) if b == bound else b
                                         for b in t.sums))
            diagonal = _substitute(full, bound.index, k)
            if diagonal is None:
                continue
            want = key(diagonal)
            for m, d in enumerate(terms):
                if m != n and key(d) == want and _same_sign(d.coeff, t.coeff):
                    terms[n] = full
                    left = d.coeff - t.coeff
                    if left == 0:
                        del terms[m]
                    else:
                        terms[m] = replace(d, coeff=left)
                    changed = True
                    break
            if changed:
                break
    return IndexExpr(tuple(terms))


def _same_sign(a: Any, b: Any) -> bool:
    try:
        return bool((a / b).is_positive) and bool(abs(a) >= abs(b))
    except TypeError:
        return False


# -- back to matrices ----------------------------------------------------------------------------
class _NotAMatrixProduct(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Link:
    """The (a, b) entry of a matrix expression, met while reading a term back."""

    a: Index
    b: Index
    matrix: sp.Basic


def to_matrix(e: IndexExpr, free: tuple[Index, ...], space: Space) -> sp.Basic:
    """The matrix expression whose entry at ``free`` is e: 2 Σ_i a_ki x_i ↦ 2Ax.

    ``free`` is () for a scalar, (k,) for a column vector, (k, l) for a matrix.
    Raises UnsupportedError where a term is not an entry of a matrix product
    (a_kk alone, say, which is an entry of diag(A)).
    """
    parts = []
    for t in e.terms:
        try:
            parts.append(_term_matrix(t, free, space))
        except _NotAMatrixProduct as exc:
            raise UnsupportedError(f"cannot read a term back as a matrix expression ({exc})"
                                   ) from None
    if not parts:
        if not free:
            return sp.Integer(0)
        rows = free[0].dim
        return sp.ZeroMatrix(rows, free[1].dim if len(free) > 1 else 1)
    if len(free) == 0:
        return sp.Add(*parts)
    return sp.MatAdd(*parts).doit() if len(parts) > 1 else parts[0]


def _term_matrix(t: Term, free: tuple[Index, ...], space: Space) -> sp.Basic:
    if any(b.excluded for b in t.sums):
        raise _NotAMatrixProduct("a sum with excluded values")
    unused = list(t.factors)
    scalars: list[sp.Basic] = [t.coeff]
    for f in list(unused):
        if isinstance(f, Entry) and not f.indices:
            sym = space.symbol(f.base)  # a scalar, or a vector of length 1 (its one entry)
            scalars.append(sp.Trace(sym) if isinstance(sym, sp.MatrixExpr) else sym)
            unused.remove(f)
        if isinstance(f, Group):
            raise _NotAMatrixProduct("a parenthesised group")
    # matrices on the same pair of indices multiply elementwise: a_ij b_ij = (A ∘ B)_ij
    links: dict[tuple[Index, Index], sp.Basic] = {}
    for f in list(unused):
        if isinstance(f, Entry) and len(f.indices) == 2 and f.indices[0] != f.indices[1]:
            a, b = f.indices
            sym = space.symbol(f.base)
            if (a, b) in links:
                links[(a, b)] = sp.HadamardProduct(links[(a, b)], sym)
            elif (b, a) in links:
                links[(b, a)] = sp.HadamardProduct(links[(b, a)], sp.Transpose(sym))
            else:
                links[(a, b)] = sym
            unused.remove(f)
    unused.extend(_Link(a, b, m) for (a, b), m in links.items())

    def vector_like(f: Factor) -> bool:
        """x_i, or a_ii: the i-th entry of the vector diag(A)."""
        return isinstance(f, Entry) and (len(f.indices) == 1 or (
            len(f.indices) == 2 and f.indices[0] == f.indices[1]))

    def as_vector(f: Entry) -> sp.Basic:
        sym = space.symbol(f.base)
        return sym if len(f.indices) == 1 else DiagonalOf(sym)

    counts: dict[Index, int] = dict.fromkeys(t.summed, 0)
    for f in unused:
        for i in _indices_of(f):
            counts[i] = counts.get(i, 0) + 1
    for i, c in counts.items():
        in_matrices = sum(i in _indices_of(f) for f in unused if not vector_like(f))
        if i not in free and i not in t.summed:
            raise _NotAMatrixProduct(f"index {i.name} is neither free nor summed")
        if in_matrices > (1 if i in free else 2):  # vectors are elementwise factors
            raise _NotAMatrixProduct(f"index {i.name} occurs in {in_matrices} matrices")
        if c == 0:
            scalars.append(i.dim)  # Σ_i 1 = n

    def take_vectors(i: Index) -> list[sp.Basic]:
        out = [f for f in unused if vector_like(f) and f.indices[0] == i]  # type: ignore
        for f in out:
            unused.remove(f)
        return [as_vector(f) for f in out]  # type: ignore[arg-type]

    def take_link(i: Index) -> Factor | None:
        for f in unused:
            if not vector_like(f) and i in _indices_of(f):
                unused.remove(f)
                return f
        return None

    def walk(i: Index, stop: Index | None = None) -> tuple[list[sp.Basic], Index | None]:
        """Follow the chain from index i: the matrices met, and the index it ends at
        (None when it ends in a vector, which is the last element).  Vectors met at an
        index on the way are elementwise factors: u_i (…)_i is (diag(u) …)_i; the chain
        stops at the free index ``stop`` (a_lk u_l is (Aᵀ diag(u))_kl)."""
        chain: list[sp.Basic] = []
        while True:
            if i == stop:
                chain.extend(DiagMatrix(v) for v in take_vectors(i))
                return chain, i
            vectors = take_vectors(i)
            f = take_link(i)
            if f is None:
                if not vectors:
                    return chain, i
                chain.extend(DiagMatrix(v) for v in vectors[:-1])
                chain.append(vectors[-1])
                return chain, None
            chain.extend(DiagMatrix(v) for v in vectors)
            if isinstance(f, Delta):
                i = f.b if f.a == i else f.a
                continue
            assert isinstance(f, _Link)
            if f.a == i:
                chain.append(f.matrix)
                i = f.b
            else:
                chain.append(sp.Transpose(f.matrix))
                i = f.a

    def column(chain: list[sp.Basic], end: Index | None) -> sp.Basic:
        if end is not None:
            chain = [*chain, sp.OneMatrix(end.dim, 1)]
        return sp.MatMul(*chain).doit() if len(chain) > 1 else chain[0]

    main: sp.Basic | None = None
    if len(free) == 1:
        main = column(*walk(free[0]))
    elif len(free) == 2:
        chain, end = walk(free[0], stop=free[1])
        if end == free[1]:
            main = (sp.MatMul(*chain).doit() if len(chain) > 1 else chain[0]) if chain \
                else sp.Identity(free[0].dim)
        else:
            left = column(chain, end)
            right = column(*walk(free[1]))
            main = sp.MatMul(left, sp.Transpose(right)).doit()
    # closed chains: inner products uᵀ M v and traces
    while unused:
        # start at a vector whose index is on at most one matrix: at an index on two
        # (x_i a_ij a_ip), the vector is an elementwise factor in the middle of the chain
        start = next((f for f in unused if vector_like(f) and sum(
            f.indices[0] in _indices_of(g) for g in unused if not vector_like(g)) <= 1),
                     None)
        if start is not None:
            unused.remove(start)
            chain, end = walk(start.indices[0])  # type: ignore[union-attr]
            if not chain and end is not None and len(start.indices) == 2:  # type: ignore
                scalars.append(sp.Trace(space.symbol(start.base)))  # type: ignore  # Σ_i a_ii
                continue
            u = as_vector(start)  # type: ignore[arg-type]
            mats = [sp.Transpose(u), *chain]
            if end is not None:
                mats.append(sp.OneMatrix(end.dim, 1))
            scalars.append(sp.Trace(sp.MatMul(*mats).doit()))
            continue
        ends = [i for f in unused for i in _indices_of(f)
                if sum(i in _indices_of(g) for g in unused) == 1]
        if ends:  # a path of matrices with both ends summed: Σ_ij (AB)_ij = 𝟙ᵀAB𝟙
            chain, end = walk(ends[0])
            ones = [sp.OneMatrix(1, ends[0].dim), *chain, sp.OneMatrix(end.dim, 1)] \
                if end is not None else [sp.OneMatrix(1, ends[0].dim), *chain]
            scalars.append(sp.Trace(sp.MatMul(*ones).doit()))
            continue
        f = unused[0]
        first = _indices_of(f)[0]
        chain, end = walk(first)
        if end != first:
            raise _NotAMatrixProduct("an open chain of matrices")
        scalars.append(sp.Trace(sp.MatMul(*chain).doit() if len(chain) > 1 else chain[0]))
    coeff = sp.Mul(*scalars)
    if main is None:
        return coeff
    return main if coeff == 1 else sp.MatMul(coeff, main).doit()


# -- values at concrete sizes --------------------------------------------------------------------
def evaluate(e: IndexExpr, sizes: Mapping[sp.Symbol, int], values: Mapping[str, Any],
             free: Mapping[Index, int] | None = None) -> Any:
    """The value of e at concrete sizes, with ``values`` for the symbols (1-based indices
    in ``free``).  Exact for Fraction values; used to check worked solutions."""
    env = dict(free or {})
    return sum((_eval_term(t, sizes, values, env) for t in e.terms), Fraction(0))


def _dim(d: Any, sizes: Mapping[sp.Symbol, int]) -> int:
    return int(d) if isinstance(d, int) else int(d.subs(sizes))


def _coeff_value(c: Any, sizes: Mapping[sp.Symbol, int]) -> Any:
    c = (sp.Integer(c) if isinstance(c, int) else c).subs(sizes)
    if c.is_Rational:
        return Fraction(int(c.p), int(c.q))
    return c


def _eval_term(t: Term, sizes: Mapping[sp.Symbol, int], values: Mapping[str, Any],
               env: dict[Index, int]) -> Any:
    coeff = _coeff_value(t.coeff, sizes)
    bounds = t.sums
    ranges = [range(1, _dim(b.index.dim, sizes) + 1) for b in bounds]
    total: Any = Fraction(0)
    for combo in itertools.product(*ranges):
        local = dict(env)
        local.update({b.index: v for b, v in zip(bounds, combo, strict=True)})
        if any(local[b.index] == local[x] for b in bounds for x in b.excluded):
            continue
        prod: Any = coeff
        for f in t.factors:
            prod = prod * _eval_factor(f, sizes, values, local)
            if prod == 0:
                break
        total = total + prod
    return total


def _eval_factor(f: Factor, sizes: Mapping[sp.Symbol, int], values: Mapping[str, Any],
                 env: dict[Index, int]) -> Any:
    if isinstance(f, Delta):
        return Fraction(int(env[f.a] == env[f.b]))
    if isinstance(f, Group):
        return evaluate(f.expr, sizes, values, env) ** f.power
    v = values[f.base]
    if not f.indices:
        return v
    arr = np.asarray(v, dtype=object)
    pos = tuple((env[i] if i.name != "1" else 1) - 1 for i in f.indices)
    if arr.ndim == 2 and len(pos) == 1:
        pos = (pos[0], 0)
    return arr[pos]


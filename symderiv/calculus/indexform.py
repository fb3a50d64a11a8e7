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
The terms are defined in :mod:`~symderiv.calculus.indexterms`, the entries of matrix
expressions written out in :mod:`~symderiv.calculus.entries`, and the reading back done
in :mod:`~symderiv.calculus.readback`; this module gathers them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import UnsupportedError
from ..space import Space
from .entries import _Fresh, _product, _scalar
from .indexterms import (
    MAX_SUMMED,
    MAX_TERMS,
    Bound,
    Delta,
    Entry,
    Factor,
    Group,
    Index,
    IndexExpr,
    Term,
    indices_of,
)
from .indexterms import ONE_TERM as ONE_TERM  # the term 1
from .indexterms import ZERO as ZERO  # the empty sum, which callers start from
from .readback import to_matrix

__all__ = [
    "Bound", "Delta", "Entry", "Group", "Index", "IndexExpr", "Term", "absorb", "case_split",
    "check_size",
    "collect", "differentiate", "evaluate", "expand", "free_indices", "rename",
    "resolve_deltas", "splittable", "tidy", "to_index", "to_matrix", "use_symmetry",
    "var_entries",
]

DUMMY_NAMES = ("i", "j", "p", "q", "r", "s", "t", "u", "v")
MAX_RENAME = 5  # terms with more summed indices are collected without renaming


def to_index(expr: sp.Basic, space: Space, *, nested: bool = False,
             taken: Iterable[str] = ("k", "l")) -> IndexExpr:
    """The index form of a scalar expression: xᵀAx ↦ Σ_i Σ_j a_ij x_i x_j.

    With ``nested``, a squared norm stays a sum of squares, ‖y − Xw‖² ↦
    Σ_i (y_i − Σ_j x_ij w_j)², instead of being multiplied out.
    """
    return tidy(resolve_deltas(_scalar(expr, space, _Fresh(), nested)), taken=taken)


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



def free_indices(e: IndexExpr) -> list[Index]:
    """The indices of e that are not summed (k in 2 Σ_i a_ki x_i), sorted by name."""
    out = {i for t in e.terms for f in t.factors for i in indices_of(f)
           if i not in t.summed and i.name != "1"}
    return sorted(out, key=lambda i: i.name)


def tidy(e: IndexExpr, *, var: str | None = None, taken: Iterable[str] = ("k", "l")
         ) -> IndexExpr:
    """Display order (matrices, vectors, the variable last) and summed indices renamed
    i, j, p, … in order of appearance, avoiding the names in ``taken`` (the free indices,
    and the names of symbols, so that Σ_p never sums over a scalar called p)."""
    return IndexExpr(tuple(_tidy_term(t, var, set(taken)) for t in e.terms))


def _tidy_term(t: Term, var: str | None, taken: set[str]) -> Term:
    used = {i for f in t.factors for i in indices_of(f)}
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
        for i in indices_of(f):
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


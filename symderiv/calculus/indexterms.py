"""The terms of the index form: indices, entries, Kronecker deltas, sums and groups.

A scalar matrix expression in index form (:mod:`symderiv.calculus.indexform`) is an
:class:`IndexExpr`, a sum of :class:`Term` objects: a coefficient, a product of factors
(:class:`Entry` ``a_ij``, :class:`Delta` δ_ij, :class:`Group` (…)²) and the :class:`Bound`
sums over them.  The modules that build, transform and read back the form share these.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

__all__ = ["Bound", "Delta", "Entry", "Factor", "Group", "Index", "IndexExpr", "Term",
           "indices_of"]

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


def indices_of(f: Any) -> list[Index]:
    """The indices a factor carries (a group's: those of all its terms), in order."""
    if isinstance(f, Entry):
        return list(f.indices)
    if isinstance(f, Delta):
        return [f.a, f.b]
    if isinstance(f, Group):
        return [i for t in f.expr.terms for g in t.factors for i in indices_of(g)]
    return []

"""Reading an index form back as a matrix expression: 2 Σ_i a_ki x_i ↦ 2Ax.

Each term is read on its own by a :class:`_TermReader`: its scalar factors multiply the
coefficient, matrices on the same pair of indices multiply elementwise, and the rest are
followed as chains from index to index — from the free indices (the term's entry of a
vector or matrix), then the closed chains (inner products uᵀMv, sums 𝟙ᵀA𝟙, traces).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

from ..errors import UnsupportedError
from ..space import Space
from .indexterms import Delta, Entry, Factor, Group, Index, IndexExpr, Term, indices_of

__all__ = ["to_matrix"]


class _NotAMatrixProduct(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Link:
    """The (a, b) entry of a matrix expression, met while reading a term back."""

    a: Index
    b: Index
    matrix: sp.Basic


def _indices(f: Any) -> list[Index]:
    return [f.a, f.b] if isinstance(f, _Link) else indices_of(f)


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
    reader = _TermReader(t, space)
    reader.check_indices(free)
    main = reader.entry(free)
    reader.close_chains()
    coeff = sp.Mul(*reader.scalars)
    if main is None:
        return coeff
    return main if coeff == 1 else sp.MatMul(coeff, main).doit()


def _vector_like(f: Any) -> bool:
    """x_i, or a_ii: the i-th entry of the vector diag(A)."""
    return isinstance(f, Entry) and (len(f.indices) == 1 or (
        len(f.indices) == 2 and f.indices[0] == f.indices[1]))


def _product(chain: list[sp.Basic]) -> sp.Basic:
    return sp.MatMul(*chain).doit() if len(chain) > 1 else chain[0]


def _column(chain: list[sp.Basic], end: Index | None) -> sp.Basic:
    if end is not None:
        chain = [*chain, sp.OneMatrix(end.dim, 1)]
    return _product(chain)


class _TermReader:
    """One term being read back: the factors not yet placed in a product (``unused``)
    and the scalar factors met so far (``scalars``, multiplied at the end)."""

    __slots__ = ("scalars", "space", "summed", "unused")

    def __init__(self, t: Term, space: Space) -> None:
        self.space = space
        self.summed = t.summed
        self.unused: list[Any] = list(t.factors)
        self.scalars: list[sp.Basic] = [t.coeff]
        self._take_scalars()
        self._link_matrices()

    def _take_scalars(self) -> None:
        for f in list(self.unused):
            if isinstance(f, Entry) and not f.indices:
                sym = self.space.symbol(f.base)  # a scalar, or a vector of length 1 (its one entry)
                self.scalars.append(sp.Trace(sym) if isinstance(sym, sp.MatrixExpr) else sym)
                self.unused.remove(f)
            if isinstance(f, Group):
                raise _NotAMatrixProduct("a parenthesised group")

    def _link_matrices(self) -> None:
        """Matrices on the same pair of indices multiply elementwise: a_ij b_ij = (A ∘ B)_ij."""
        links: dict[tuple[Index, Index], sp.Basic] = {}
        for f in list(self.unused):
            if isinstance(f, Entry) and len(f.indices) == 2 and f.indices[0] != f.indices[1]:
                a, b = f.indices
                sym = self.space.symbol(f.base)
                if (a, b) in links:
                    links[(a, b)] = sp.HadamardProduct(links[(a, b)], sym)
                elif (b, a) in links:
                    links[(b, a)] = sp.HadamardProduct(links[(b, a)], sp.Transpose(sym))
                else:
                    links[(a, b)] = sym
                self.unused.remove(f)
        self.unused.extend(_Link(a, b, m) for (a, b), m in links.items())

    def check_indices(self, free: tuple[Index, ...]) -> None:
        """Every index free or summed, and on at most two matrices (one if free);
        Σ_i 1 = n for a summed index on no factor."""
        counts: dict[Index, int] = dict.fromkeys(self.summed, 0)
        for f in self.unused:
            for i in _indices(f):
                counts[i] = counts.get(i, 0) + 1
        for i, c in counts.items():
            in_matrices = sum(i in _indices(f) for f in self.unused if not _vector_like(f))
            if i not in free and i not in self.summed:
                raise _NotAMatrixProduct(f"index {i.name} is neither free nor summed")
            if in_matrices > (1 if i in free else 2):  # vectors are elementwise factors
                raise _NotAMatrixProduct(f"index {i.name} occurs in {in_matrices} matrices")
            if c == 0:
                self.scalars.append(i.dim)  # Σ_i 1 = n

    def _as_vector(self, f: Entry) -> sp.Basic:
        sym = self.space.symbol(f.base)
        return sym if len(f.indices) == 1 else DiagonalOf(sym)

    def _take_vectors(self, i: Index) -> list[sp.Basic]:
        out = [f for f in self.unused if _vector_like(f) and f.indices[0] == i]
        for f in out:
            self.unused.remove(f)
        return [self._as_vector(f) for f in out]

    def _take_link(self, i: Index) -> Factor | _Link | None:
        for f in self.unused:
            if not _vector_like(f) and i in _indices(f):
                self.unused.remove(f)
                return f
        return None

    def _walk(self, i: Index, stop: Index | None = None
              ) -> tuple[list[sp.Basic], Index | None]:
        """Follow the chain from index i: the matrices met, and the index it ends at
        (None when it ends in a vector, which is the last element).  Vectors met at an
        index on the way are elementwise factors: u_i (…)_i is (diag(u) …)_i; the chain
        stops at the free index ``stop`` (a_lk u_l is (Aᵀ diag(u))_kl)."""
        chain: list[sp.Basic] = []
        while True:
            if i == stop:
                chain.extend(DiagMatrix(v) for v in self._take_vectors(i))
                return chain, i
            vectors = self._take_vectors(i)
            f = self._take_link(i)
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

    def entry(self, free: tuple[Index, ...]) -> sp.Basic | None:
        """The vector or matrix whose entry at ``free`` the chains from there give
        (None for a scalar term)."""
        if len(free) == 1:
            return _column(*self._walk(free[0]))
        if len(free) != 2:
            return None
        chain, end = self._walk(free[0], stop=free[1])
        if end == free[1]:
            return _product(chain) if chain else sp.Identity(free[0].dim)
        left = _column(chain, end)
        right = _column(*self._walk(free[1]))
        return sp.MatMul(left, sp.Transpose(right)).doit()

    def close_chains(self) -> None:
        """The closed chains left, as scalars: inner products uᵀMv, sums Σ_ij (AB)_ij
        and traces."""
        while self.unused:
            # start at a vector whose index is on at most one matrix: at an index on two
            # (x_i a_ij a_ip), the vector is an elementwise factor in the middle of the chain
            start = next((f for f in self.unused if _vector_like(f) and sum(
                f.indices[0] in _indices(g) for g in self.unused if not _vector_like(g)) <= 1),
                         None)
            if start is not None:
                self._inner_product(start)
                continue
            ends = [i for f in self.unused for i in _indices(f)
                    if sum(i in _indices(g) for g in self.unused) == 1]
            if ends:
                self._path(ends[0])
                continue
            first = _indices(self.unused[0])[0]
            chain, end = self._walk(first)
            if end != first:
                raise _NotAMatrixProduct("an open chain of matrices")
            self.scalars.append(sp.Trace(_product(chain)))

    def _inner_product(self, start: Entry) -> None:
        """uᵀ M v (or uᵀ M 𝟙) from the vector u; Σ_i a_ii = tr A when nothing follows."""
        self.unused.remove(start)
        chain, end = self._walk(start.indices[0])
        if not chain and end is not None and len(start.indices) == 2:
            self.scalars.append(sp.Trace(self.space.symbol(start.base)))  # Σ_i a_ii
            return
        mats = [sp.Transpose(self._as_vector(start)), *chain]
        if end is not None:
            mats.append(sp.OneMatrix(end.dim, 1))
        self.scalars.append(sp.Trace(sp.MatMul(*mats).doit()))

    def _path(self, start: Index) -> None:
        """A path of matrices with both ends summed: Σ_ij (AB)_ij = 𝟙ᵀAB𝟙."""
        chain, end = self._walk(start)
        ones = [sp.OneMatrix(1, start.dim), *chain, sp.OneMatrix(end.dim, 1)] \
            if end is not None else [sp.OneMatrix(1, start.dim), *chain]
        self.scalars.append(sp.Trace(sp.MatMul(*ones).doit()))

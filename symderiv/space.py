"""Declared symbols: shapes, assumptions, and random instances that honour them.

A :class:`Space` is what ``--let "X: m x n; y: m; w: n"`` declares.  It hands out
SymPy objects for the symbols (a 1-D vector is an ``n×1`` ``MatrixSymbol``;
the parser keeps track of which ones are 1-D) and draws random values at concrete
sizes, exact (small integers as :class:`fractions.Fraction`) or in floating point.
It knows nothing about derivatives.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np
import sympy as sp

from .errors import EvaluationError
from .rational import exact_det, exact_inv

__all__ = [
    "ASSUMPTIONS",
    "MAX_CONCRETE_DIM",
    "Declaration",
    "Space",
]

Kind = Literal["scalar", "vector", "matrix"]

#: Assumptions a declaration may carry, and the kinds they apply to.
ASSUMPTIONS: dict[str, tuple[Kind, ...]] = {
    "symmetric": ("matrix",),
    "positive definite": ("matrix",),
    "invertible": ("matrix",),
    "diagonal": ("matrix",),
    "orthogonal": ("matrix",),
    "positive": ("scalar",),
}

#: Largest concrete dimension a declaration may use: checks build dense instances.
MAX_CONCRETE_DIM = 32

Dim = sp.Symbol | sp.Integer


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declared name: its kind, dimensions and assumptions."""

    name: str
    kind: Kind
    dims: tuple[Dim, ...] = ()
    assumptions: frozenset[str] = frozenset()

    @property
    def shape(self) -> tuple[Dim, Dim]:
        """The SymPy shape: vectors are ``n×1``, scalars ``1×1``."""
        if self.kind == "scalar":
            return (sp.Integer(1), sp.Integer(1))
        if self.kind == "vector":
            return (self.dims[0], sp.Integer(1))
        return (self.dims[0], self.dims[1])

    @property
    def square(self) -> bool:
        return self.kind == "matrix" and self.dims[0] == self.dims[1]

    def describe(self) -> str:
        """``X: m×n`` or ``A: n×n, symmetric`` — the declaration in words."""
        if self.kind == "scalar":
            dims = "scalar"
        else:
            dims = "×".join(str(d) for d in self.dims)
        extra = "".join(f", {a}" for a in sorted(self.assumptions))
        return f"{self.name}: {dims}{extra}"


def _dim_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


@dataclass(slots=True)
class Space:
    """A set of declarations; undeclared names are real scalars."""

    declarations: dict[str, Declaration] = field(default_factory=dict)
    #: dimensions named only inside expressions, as in eye(k)
    extra_dims: dict[str, sp.Symbol] = field(default_factory=dict)
    _symbols: dict[str, sp.Basic] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------
    def copy(self) -> Space:
        """An independent copy: checks never change the caller's Space."""
        return Space(dict(self.declarations), dict(self.extra_dims))

    def declare(self, decl: Declaration) -> None:
        self.declarations[decl.name] = decl
        self._symbols.pop(decl.name, None)

    def get(self, name: str) -> Declaration:
        """The declaration of ``name`` (an implicit real scalar when undeclared)."""
        decl = self.declarations.get(name)
        if decl is None:
            decl = Declaration(name, "scalar")
        return decl

    def symbol(self, name: str) -> sp.Basic:
        """The SymPy object standing for ``name`` (cached, so identities hold)."""
        sym = self._symbols.get(name)
        if sym is None and name not in self.declarations:
            for dim in self.dim_symbols:  # an undeclared dimension name used as a number
                if dim.name == name:
                    return dim
        if sym is None:
            decl = self.get(name)
            if decl.kind == "scalar":
                sym = sp.Symbol(name, real=True, positive=("positive" in decl.assumptions) or None)
            else:
                sym = sp.MatrixSymbol(name, *decl.shape)
            self._symbols[name] = sym
        return sym

    @staticmethod
    def dim(text: str | int) -> Dim:
        if isinstance(text, int) or str(text).isdigit():
            return sp.Integer(int(text))
        return _dim_symbol(str(text))

    @property
    def dim_symbols(self) -> list[sp.Symbol]:
        """Symbolic dimensions in order of first declaration."""
        seen: dict[str, sp.Symbol] = {}
        for decl in self.declarations.values():
            for d in decl.dims:
                if isinstance(d, sp.Symbol):
                    seen.setdefault(d.name, d)
        for name, d in self.extra_dims.items():
            seen.setdefault(name, d)
        return list(seen.values())

    def describe(self, names: list[str] | None = None) -> str:
        names = names if names is not None else list(self.declarations)
        return "; ".join(self.get(n).describe() for n in names)

    # -- concrete sizes ---------------------------------------------------------
    def size_assignments(self, used: set[sp.Symbol] | None = None
                         ) -> list[dict[sp.Symbol, int]]:
        """Concrete values for the symbolic dimensions to check at.

        All ones (where transposes hide), all equal to 2 and to 3, distinct sizes in
        both orders (so non-square shapes are exercised both ways), and one size
        larger than every integer dimension declared — a claim such as
        det(XᵀX) = 0 for X: n×5 is true for n < 5 only.  The number of assignments
        does not grow with the number of dimensions.  ``used`` restricts the
        dimensions to those the expressions involve.
        """
        dims = [d for d in self.dim_symbols if used is None or d in used]
        if not dims:
            return [{}]
        k = len(dims)
        fixed = [int(d) for decl in self.declarations.values() for d in decl.dims
                 if isinstance(d, sp.Integer)]
        big = max([5, *(f + 1 for f in fixed)])
        out: list[tuple[int, ...]] = [(1,) * k, (2,) * k, (3,) * k]
        if k >= 2:
            out.append(tuple(4 - i % 3 for i in range(k)))  # 4, 3, 2, 4, …
            out.append(tuple(2 + i % 3 for i in range(k)))  # 2, 3, 4, 2, …
            out.append((1,) + (3,) * (k - 1))
            out.append((3,) * (k - 1) + (1,))
        else:
            out.append((4,))
        out.append((big,) * k)
        seen: list[tuple[int, ...]] = []
        for t in out:
            if t not in seen:
                seen.append(t)
        return [dict(zip(dims, t, strict=True)) for t in seen]

    def concrete_shape(self, name: str, sizes: dict[sp.Symbol, int]) -> tuple[int, ...]:
        decl = self.get(name)
        return tuple(int(sp.sympify(d).subs(sizes)) for d in decl.dims)

    # -- random instances -------------------------------------------------------
    def random_value(self, name: str, sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                     *, exact: bool, scale: float = 1.0, wide: bool = False) -> object:
        """A random value for ``name`` honouring its assumptions.

        Exact values are small integers (as ``Fraction``) so that a counterexample
        can be read and typed back — or, with ``wide``, integers up to 1000, so that a
        polynomial identity cannot hold at every drawn point by accident (its roots
        would have to include them); float values are normal with the given scale.
        """
        bound = 1000 if wide else 3
        decl = self.get(name)
        shape = self.concrete_shape(name, sizes)

        def draw(*shp: int) -> np.ndarray:
            if exact:
                ints = rng.integers(-bound, bound + 1, size=shp)
                if not ints.size:
                    return ints.astype(object)
                return np.vectorize(Fraction, otypes=[object])(ints)
            return rng.standard_normal(shp) * scale

        if decl.kind == "scalar":
            if exact:
                lo = 1 if "positive" in decl.assumptions else -bound
                return Fraction(int(rng.integers(lo, bound + 1)))
            v = float(rng.standard_normal()) * scale
            return abs(v) + 0.1 * scale if "positive" in decl.assumptions else v
        if decl.kind == "vector":
            return draw(shape[0])
        rows, cols = shape
        a = decl.assumptions
        if "orthogonal" in a:
            return _random_orthogonal(rows, rng, exact=exact)
        if "diagonal" in a:
            d = draw(rows)
            if "positive definite" in a or "invertible" in a:
                d = np.array([abs(v) + 1 for v in d], dtype=object if exact else float)
            m = np.zeros((rows, rows), dtype=object if exact else float)
            if exact:
                m[...] = Fraction(0)
            for i in range(rows):
                m[i, i] = d[i]
            return m
        if "positive definite" in a:
            b = draw(rows, rows)
            eye = _eye(rows, exact)
            return b.T @ b + eye * (1 if exact else scale * scale)
        m = draw(rows, cols)
        if "symmetric" in a:
            m = m + m.T
        if "invertible" in a:
            # resample until invertible; a few tries are ample for integer matrices
            for _ in range(50):
                if _det(m, exact) != 0:
                    break
                m = draw(rows, cols)
                if "symmetric" in a:
                    m = m + m.T
            else:
                raise EvaluationError(
                    f"could not draw an invertible {rows}×{rows} value for {name}")
        return m

    def random_point(self, names: list[str], sizes: dict[sp.Symbol, int],
                     rng: np.random.Generator, *, exact: bool,
                     scale: float = 1.0, wide: bool = False) -> dict[str, object]:
        return {n: self.random_value(n, sizes, rng, exact=exact, scale=scale, wide=wide)
                for n in names}


def _eye(n: int, exact: bool) -> np.ndarray:
    if exact:
        m = np.empty((n, n), dtype=object)
        for i, j in itertools.product(range(n), range(n)):
            m[i, j] = Fraction(int(i == j))
        return m
    return np.eye(n)


def _det(m: np.ndarray, exact: bool) -> object:
    if exact:
        return exact_det(m)
    return float(np.linalg.det(m))


def _random_orthogonal(n: int, rng: np.random.Generator, *, exact: bool) -> np.ndarray:
    """D·(I − K)(I + K)⁻¹: the Cayley transform of a skew-symmetric K (rational, det +1)
    times a random diagonal of ±1, so that reflections (det −1) are drawn too."""
    signs = rng.choice([-1, 1], size=n)
    ints = rng.integers(-2, 3, size=(n, n))
    k = np.triu(ints, 1)
    k = k - k.T
    if exact:
        kk = np.vectorize(Fraction, otypes=[object])(k) if n else k.astype(object)
        eye = _eye(n, True)
        return (signs[:, None] * ((eye - kk) @ exact_inv(eye + kk))).astype(object)
    kf = k.astype(float)
    return signs[:, None] * ((np.eye(n) - kf) @ np.linalg.inv(np.eye(n) + kf))

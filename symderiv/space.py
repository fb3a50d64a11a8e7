"""Declared symbols: shapes, assumptions, and random instances that honour them.

A :class:`Space` is what ``--let "X: m x n; y: m; w: n"`` declares.  It hands out
SymPy objects for the symbols (a 1-D vector is an ``n×1`` ``MatrixSymbol``;
the parser keeps track of which ones are 1-D) and draws random values at concrete
sizes, exact (small integers as :class:`fractions.Fraction`) or in floating point.
It knows nothing about derivatives.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np
import sympy as sp

from .errors import EvaluationError
from .rational import exact_det, exact_inv, exact_rank

__all__ = [
    "ASSUMPTIONS",
    "DISCRETE",
    "ENTRY_SETS",
    "MAX_CONCRETE_DIM",
    "PATTERN_LIMIT",
    "Constraint",
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
    "full column rank": ("matrix",),
    "full row rank": ("matrix",),
    "positive": ("scalar", "vector", "matrix"),
    "nonnegative": ("scalar", "vector", "matrix"),
    "binary": ("scalar", "vector", "matrix"),
    "entries in {-1, 1}": ("scalar", "vector", "matrix"),
}

#: Assumptions on the value of every entry (at most one per declaration).
ENTRY_SETS = frozenset({"positive", "nonnegative", "binary", "entries in {-1, 1}"})

#: The entry sets that are finite, and their values.
DISCRETE: dict[str, tuple[int, ...]] = {"binary": (0, 1), "entries in {-1, 1}": (-1, 1)}

#: The most value patterns of discrete entries an exact engine compares at one size: all
#: of them while there are this many or fewer, else this many drawn at random.
PATTERN_LIMIT = 16

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

    @property
    def entries(self) -> str | None:
        """The declared set of every entry's values (one of ENTRY_SETS), if any."""
        return next(iter(self.assumptions & ENTRY_SETS), None)

    @property
    def discrete(self) -> tuple[int, ...] | None:
        """The values of every entry when they are finitely many ({-1, 1}, {0, 1})."""
        return DISCRETE.get(self.entries or "")

    def describe(self) -> str:
        """``X: m×n`` or ``A: n×n, symmetric`` — the declaration in words, as it parses back
        (a matrix's entrywise "positive" is "positive entries": a bare "positive" would
        read as positive definite)."""
        if self.kind == "scalar":
            dims = "scalar"
        else:
            dims = "×".join(str(d) for d in self.dims)
        extra = "".join(f", {a}" for a in self.assumption_words)
        return f"{self.name}: {dims}{extra}"

    @property
    def assumption_words(self) -> list[str]:
        """The assumptions as ``--let`` text writes them, sorted."""
        return [f"{a} entries" if self.kind == "matrix" and a in ("positive", "nonnegative")
                else a for a in sorted(self.assumptions)]


@dataclass(frozen=True, slots=True)
class Constraint:
    """A constraint on sizes, ``left ≥ right`` (``left > right`` when ``strict``): declared
    (``m >= n``) or implied by an assumption (``origin``: "X has full column rank")."""

    left: Dim
    right: Dim
    strict: bool = False
    origin: str = ""

    def holds(self, sizes: dict[sp.Symbol, int]) -> bool:
        left, right = (int(d) if isinstance(d, sp.Integer) else sizes[d]
                       for d in (self.left, self.right))
        return left > right if self.strict else left >= right

    def describe(self) -> str:
        return f"{self.left} {'>' if self.strict else '≥'} {self.right}"


def _dim_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


@dataclass(slots=True)
class Space:
    """A set of declarations; undeclared names are real scalars."""

    declarations: dict[str, Declaration] = field(default_factory=dict)
    #: dimensions named only inside expressions, as in eye(k)
    extra_dims: dict[str, sp.Symbol] = field(default_factory=dict)
    #: constraints on the sizes, declared (m >= n) or implied (full column rank)
    constraints: list[Constraint] = field(default_factory=list)
    _symbols: dict[str, sp.Basic] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------
    def copy(self) -> Space:
        """An independent copy: checks never change the caller's Space."""
        return Space(dict(self.declarations), dict(self.extra_dims), list(self.constraints))

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
                sym = sp.Symbol(name, real=True, positive=("positive" in decl.assumptions) or None,
                                nonnegative=bool(decl.assumptions & {"nonnegative", "binary"})
                                or None)
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
        """The declarations of ``names`` (all by default) and the declared size constraints
        among their dimensions, as ``--let`` text."""
        names = names if names is not None else list(self.declarations)
        dims = {d for n in names for d in self.get(n).dims if isinstance(d, sp.Symbol)}
        said = [c.describe() for c in self.constraints if not c.origin
                and 0 < len(syms := {d for d in (c.left, c.right) if isinstance(d, sp.Symbol)})
                and syms <= dims]
        return "; ".join([*(self.get(n).describe() for n in names), *said])

    # -- size constraints -------------------------------------------------------
    def solve_sizes(self, fixed: dict[sp.Symbol, int] | None = None,
                    start: dict[sp.Symbol, int] | None = None) -> dict[sp.Symbol, int] | None:
        """Sizes that honour every constraint, or None when there are none.

        The ``fixed`` sizes stay; every other dimension starts at its value in ``start``
        (else 1) and is raised only as far as the constraints make it (as Bellman–Ford
        relaxes a longest path).  From all ones this is the least solution, so None there
        means the constraints cannot hold together at sizes up to MAX_CONCRETE_DIM.
        """
        fixed = fixed or {}
        vals = {**(start or {}), **fixed}
        for c in self.constraints:
            for d in (c.left, c.right):
                if isinstance(d, sp.Symbol):
                    vals.setdefault(d, 1)

        def value(d: Dim) -> int:
            return int(d) if isinstance(d, sp.Integer) else vals[d]

        for _ in range(len(vals) + 2):
            changed = False
            for c in self.constraints:
                need = value(c.right) + int(c.strict)
                if value(c.left) >= need:
                    continue
                if isinstance(c.left, sp.Integer) or c.left in fixed or need > MAX_CONCRETE_DIM:
                    return None
                vals[c.left] = need
                changed = True
            if not changed:
                return vals
        return None  # still rising: a cycle with a strict step (m > n, n ≥ m)

    def admits(self, sizes: dict[sp.Symbol, int]) -> bool:
        """Whether the constraints can hold with these sizes (others chosen freely)."""
        return not self.constraints or self.solve_sizes(fixed=sizes) is not None

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
        seen: list[dict[sp.Symbol, int]] = []
        for t in out:
            size = dict(zip(dims, t, strict=True))
            if self.constraints:
                # raised as far as the constraints need (m ≥ n turns (2, 3) into (3, 3))
                solved = self.solve_sizes(start=size)
                if solved is None:
                    continue
                size = {d: solved[d] for d in dims}
            if size not in seen:
                seen.append(size)
        if not seen:
            least = self.solve_sizes() or {}
            seen.append({d: least.get(d, 1) for d in dims})
        return seen

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
        Declared entries (±1, binary, positive, nonnegative) are drawn from their set:
        ±1 and binary entries exactly so in floating point too, positive and nonnegative
        floats at least 0.1·scale, away from the boundary that finite differences cross.
        """
        bound = 1000 if wide else 3
        decl = self.get(name)
        shape = self.concrete_shape(name, sizes)
        if decl.entries is not None:
            return _drawn(decl, shape, _Entries(decl.entries, rng, exact, scale, bound))

        def draw(*shp: int) -> np.ndarray:
            if exact:
                ints = rng.integers(-bound, bound + 1, size=shp)
                if not ints.size:
                    return ints.astype(object)
                return np.vectorize(Fraction, otypes=[object])(ints)
            return rng.standard_normal(shp) * scale

        if decl.kind == "scalar":
            return draw()[()] if exact else float(draw())
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

        def structured() -> np.ndarray:
            m = draw(rows, cols)
            return m + m.T if "symmetric" in a else m

        return _full_rank(decl, structured, exact)

    def random_point(self, names: list[str], sizes: dict[sp.Symbol, int],
                     rng: np.random.Generator, *, exact: bool, scale: float = 1.0,
                     wide: bool = False, pattern: int | None = None) -> dict[str, object]:
        """Random values for ``names``; with ``pattern``, the discrete entries (±1, binary)
        of unstructured declarations spell that pattern's bits — pattern k of
        :meth:`patterns` — when all their patterns are few enough to enumerate."""
        point = {n: self.random_value(n, sizes, rng, exact=exact, scale=scale, wide=wide)
                 for n in names}
        slots = self._pattern_slots(names, sizes)
        if pattern is not None and slots is not None and 2 ** len(slots) <= PATTERN_LIMIT:
            for bit, (name, index) in enumerate(slots):
                values = self.get(name).discrete
                assert values is not None
                chosen = values[(pattern >> bit) & 1]
                value = Fraction(chosen) if exact else float(chosen)
                if index is None:
                    point[name] = value
                else:
                    point[name][index] = value  # type: ignore[index]
        return point

    def patterns(self, names: list[str], sizes: dict[sp.Symbol, int]) -> int:
        """How many points an exact engine compares at these sizes for the discrete entries
        among ``names``: 1 without any; else all their value patterns (2 per entry) up to
        PATTERN_LIMIT, beyond which PATTERN_LIMIT random ones.  A claim about ±1 labels
        that fails for one pattern of a few labels is then sure to be seen failing."""
        count = 0
        for n in names:
            decl = self.get(n)
            if decl.discrete is not None:
                count += math.prod(self.concrete_shape(n, sizes))
        return 1 if not count else min(2 ** count, PATTERN_LIMIT)

    def _pattern_slots(self, names: list[str], sizes: dict[sp.Symbol, int]
                       ) -> list[tuple[str, tuple[int, ...] | None]] | None:
        """The discrete entries a pattern sets, in order (index None for a scalar); None
        when a structured matrix (symmetric, invertible, …) has discrete entries: setting
        its entries one by one would break the structure, so its draws stay random."""
        slots: list[tuple[str, tuple[int, ...] | None]] = []
        for n in names:
            decl = self.get(n)
            if decl.discrete is None:
                continue
            if decl.kind == "scalar":
                slots.append((n, None))
                continue
            if decl.assumptions - ENTRY_SETS:
                return None
            shape = self.concrete_shape(n, sizes)
            slots.extend((n, idx) for idx in itertools.product(*(range(s) for s in shape)))
        return slots


class _Entries:
    """Draws entries from a declared set: ±1 and binary exactly, positive integers from 1,
    nonnegative from 0 (exact), or |normal|·scale + 0.1·scale (float)."""

    def __init__(self, kind: str, rng: np.random.Generator, exact: bool, scale: float,
                 bound: int) -> None:
        self.kind, self.rng, self.exact, self.scale, self.bound = kind, rng, exact, scale, bound

    def __call__(self, *shape: int) -> np.ndarray:
        values = DISCRETE.get(self.kind)
        if values is not None:
            raw = self.rng.choice(values, size=shape)
        elif self.exact:
            raw = self.rng.integers(int(self.kind == "positive"), self.bound + 1, size=shape)
        else:
            return np.abs(self.rng.standard_normal(shape)) * self.scale + 0.1 * self.scale
        if self.exact:
            out = np.empty(shape, dtype=object)
            for idx in itertools.product(*(range(s) for s in shape)):
                out[idx] = Fraction(int(raw[idx]))
            return out
        return raw.astype(float)


def _drawn(decl: Declaration, shape: tuple[int, ...], draw: _Entries) -> object:
    """A value whose entries lie in a declared set, with the matrix structure declared
    beside it (symmetric by mirroring, positive definite as BᵀB + I with B's entries in
    the set, full rank by drawing again)."""
    if decl.kind == "scalar":
        return draw()[()]
    if decl.kind == "vector":
        return draw(shape[0])
    rows, cols = shape
    a = decl.assumptions
    if "positive definite" in a:  # BᵀB + I keeps positive (nonnegative) entries so
        b = draw(rows, rows)
        return b.T @ b + _eye(rows, draw.exact)

    def structured() -> np.ndarray:
        m = draw(rows, cols)
        if "symmetric" in a:
            for i, j in itertools.combinations(range(rows), 2):
                m[j, i] = m[i, j]
        return m

    return _full_rank(decl, structured, draw.exact)


def _full_rank(decl: Declaration, draw: Callable[[], np.ndarray], exact: bool) -> np.ndarray:
    """``draw()``, drawn again while a declared rank (invertible, full column or row rank)
    fails; a few tries are ample for random matrices."""
    ranked = decl.assumptions & {"invertible", "full column rank", "full row rank"}
    m = draw()
    if not ranked:
        return m
    for _ in range(50):
        if _rank_ok(m, exact, square="invertible" in ranked):
            return m
        m = draw()
    rows, cols = m.shape
    raise EvaluationError(f"could not draw a {rows}×{cols} value of {decl.name} with "
                          f"{' and '.join(sorted(ranked))}")


def _rank_ok(m: np.ndarray, exact: bool, *, square: bool) -> bool:
    """Nonzero determinant (square), else rank min(rows, cols): exactly, or in floating
    point a condition number below 1e10, as the float inverse demands."""
    if square:
        return _det(m, exact) != 0
    if exact:
        return exact_rank(m) == min(m.shape)
    return bool(np.linalg.cond(m) < 1e10)


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

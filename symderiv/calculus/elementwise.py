"""The element-wise engine at concrete sizes: every entry, built and differentiated exactly.

At a concrete size (n = 3, say), the function is evaluated entry by entry with the
entries of the variable kept as *symbols* — generators of SymPy's sparse polynomial
ring ``QQ[x_1, …, x_n]`` — and the other symbols at random integer values.  Each
matrix product, transpose and trace then yields polynomials, never a large ``Expr``
tree: ``f`` is a polynomial in the variable's entries, its gradient is read off by
differentiating it by each generator, its Hessian by differentiating those again.
The claim is built the same way, so claim and derivative are compared *as
polynomials*: equality is an identity in the variable at that size (for the
drawn data), and a difference is a proof, with a point where it shows.

Where the function is not a polynomial in the variable (exp, log, roots, the
inverse or determinant of a matrix that depends on it), the entries are SymPy
expressions instead, differentiated with ``diff`` and compared at random rational
points in 60-digit arithmetic; that is slower, so it runs at small sizes only.

This engine shares nothing with the matrix-form rules: it checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.rings import PolyElement, PolyRing

from ..errors import EvaluationError
from .evaluate import Compiled, Exact, NotExact, Precise

__all__ = ["EntryComparison", "NotPolynomial", "compare_entries", "derivative_entries"]

MAX_POWER = 64
SYMBOLIC_MAX_SIZE = 3
PRECISE_RTOL = 1e-40


class NotPolynomial(Exception):
    """The function is not a polynomial in the variable's entries."""


def _to_fraction(q: Any) -> Fraction:
    return Fraction(int(q.numerator), int(q.denominator))


# -- polynomial entries ---------------------------------------------------------------------
class PolynomialBackend:
    """Values are polynomials in the variable's entries (or rational constants).

    Constants stay elements of the domain QQ, so products of data (XᵀX) cost no
    polynomial arithmetic; only values that depend on the variable are ring elements.
    """

    name = "poly"
    batched = False

    def __init__(self, ring: PolyRing) -> None:
        self.ring = ring

    @staticmethod
    def constant(v: Any) -> Any:
        """The rational value of ``v``, or None if it depends on the variable."""
        if isinstance(v, PolyElement):
            return v.LC if v.is_ground else None
        return v

    def const(self, value: sp.Expr) -> Any:
        if not value.is_Rational:
            raise NotPolynomial(f"the constant {value} is irrational")
        return QQ(int(value.p), int(value.q))

    @staticmethod
    def full(rows: int, cols: int, value: int) -> np.ndarray:
        out = np.empty((rows, cols), dtype=object)
        out.fill(QQ(value))
        return out

    def eye(self, n: int) -> np.ndarray:
        out = self.full(n, n, 0)
        for i in range(n):
            out[i, i] = QQ(1)
        return out

    array = staticmethod(Exact.array)
    smul = staticmethod(Exact.smul)
    matmul = staticmethod(Exact.matmul)
    transpose = staticmethod(Exact.transpose)
    diagonal = staticmethod(Exact.diagonal)

    @staticmethod
    def gram(v: np.ndarray) -> np.ndarray:
        """vᵀv for a column v: a sum of squares (squaring is half the work of a product)."""
        total: Any = QQ(0)
        for x in v[:, 0]:
            total = total + (x.square() if isinstance(x, PolyElement) else x * x)
        out = np.empty((1, 1), dtype=object)
        out[0, 0] = total
        return out

    @staticmethod
    def trace(a: np.ndarray) -> Any:
        total: Any = QQ(0)
        for i in range(a.shape[0]):
            total = total + a[i, i]
        return total

    def _constant_matrix(self, a: np.ndarray, what: str) -> np.ndarray:
        out = np.empty(a.shape, dtype=object)
        for idx, v in np.ndenumerate(a):
            c = self.constant(v)
            if c is None:
                raise NotPolynomial(f"the {what} of a matrix that depends on the variable")
            out[idx] = _to_fraction(c)
        return out

    def det(self, a: np.ndarray) -> Any:
        return self._from_exact(Exact.det(self._constant_matrix(a, "determinant")))

    def inv(self, a: np.ndarray) -> np.ndarray:
        return self._from_exact(Exact.inv(self._constant_matrix(a, "inverse")))

    def _from_exact(self, v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return np.vectorize(self._from_exact, otypes=[object])(v)
        return QQ(v.numerator, v.denominator)

    def pow(self, base: Any, exp: Any) -> Any:
        e = self.constant(exp)
        if e is None:
            raise NotPolynomial("a power whose exponent depends on the variable")
        e = _to_fraction(e)
        if isinstance(base, np.ndarray):
            return np.vectorize(lambda b: self._pow(b, e), otypes=[object])(base)
        return self._pow(base, e)

    def _pow(self, base: Any, e: Fraction) -> Any:
        c = self.constant(base)
        if c is not None:
            try:
                return self._from_exact(Exact.pow(_to_fraction(c), e))
            except NotExact as exc:
                raise NotPolynomial(str(exc)) from None
        if e.denominator != 1 or e < 0:
            raise NotPolynomial("a negative or fractional power of the variable")
        if e > MAX_POWER:
            raise NotPolynomial("a power too high to expand")
        return base ** int(e)

    def func(self, name: str, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return np.vectorize(lambda v: self.func(name, v), otypes=[object])(value)
        c = self.constant(value)
        if c is None:
            raise NotPolynomial(f"{name} of an expression in the variable")
        try:
            return self._from_exact(Fraction(Exact.func(name, _to_fraction(c))))
        except NotExact as exc:
            raise NotPolynomial(str(exc)) from None

    def diag(self, v: np.ndarray) -> np.ndarray:
        n = v.shape[0]
        out = self.full(n, n, 0)
        for i in range(n):
            out[i, i] = v[i, 0]
        return out


# -- symbolic entries (the fallback) -----------------------------------------------------------
class ExpressionBackend:
    """Values are SymPy expressions in the variable's entries (small sizes only)."""

    name = "expr"
    batched = False

    @staticmethod
    def const(value: sp.Expr) -> sp.Expr:
        return value

    @staticmethod
    def full(rows: int, cols: int, value: int) -> np.ndarray:
        out = np.empty((rows, cols), dtype=object)
        out.fill(sp.Integer(value))
        return out

    def eye(self, n: int) -> np.ndarray:
        out = self.full(n, n, 0)
        for i in range(n):
            out[i, i] = sp.Integer(1)
        return out

    array = staticmethod(Exact.array)
    smul = staticmethod(Exact.smul)
    matmul = staticmethod(Exact.matmul)
    transpose = staticmethod(Exact.transpose)
    diagonal = staticmethod(Exact.diagonal)
    trace = staticmethod(PolynomialBackend.trace)

    @staticmethod
    def det(a: np.ndarray) -> sp.Expr:
        return sp.Matrix(a.tolist()).det(method="berkowitz")

    @staticmethod
    def inv(a: np.ndarray) -> np.ndarray:
        m = sp.Matrix(a.tolist())
        if m.det(method="berkowitz") == 0:
            raise EvaluationError("singular matrix")
        return np.array(m.inv(method="LU").tolist(), dtype=object)

    @staticmethod
    def pow(base: Any, exp: Any) -> Any:
        if isinstance(base, np.ndarray):
            return np.vectorize(lambda b: sp.Pow(b, exp), otypes=[object])(base)
        return sp.Pow(base, exp)

    def func(self, name: str, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return np.vectorize(lambda v: self.func(name, v), otypes=[object])(value)
        return {"exp": sp.exp, "log": sp.log, "Abs": sp.Abs, "sign": sp.sign}[name](value)

    def diag(self, v: np.ndarray) -> np.ndarray:
        n = v.shape[0]
        out = self.full(n, n, 0)
        for i in range(n):
            out[i, i] = v[i, 0]
        return out


# -- the derivative, entry by entry ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Entries:
    """The derivative of f at one concrete size, one entry per entry of the variable.

    ``values`` has the shape of the gradient (the variable's shape; vectors as columns)
    or of the Hessian; ``generators`` are the variable's entries as ring generators
    (polynomial mode) or SymPy symbols (symbolic mode); ``terms`` counts the terms of f.
    """

    mode: str
    values: np.ndarray
    generators: tuple[Any, ...]
    shape: tuple[int, ...]
    terms: int
    backend: Any


def _entry_names(wrt: str, shape: tuple[int, ...]) -> list[str]:
    if not shape:
        return [wrt]
    if len(shape) == 1 or shape[1] == 1:
        return [f"{wrt}_{i + 1}" for i in range(shape[0])]
    return [f"{wrt}_{i + 1}_{j + 1}" for i in range(shape[0]) for j in range(shape[1])]


def _variable(gens: list[Any], shape: tuple[int, ...]) -> Any:
    if not shape:
        return gens[0]
    arr = np.empty(len(gens), dtype=object)
    arr[:] = gens
    return arr.reshape(shape)


def _data_point(point: Mapping[str, Any], wrt: str, convert: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, v in point.items():
        if name == wrt:
            continue
        out[name] = (np.vectorize(convert, otypes=[object])(v) if isinstance(v, np.ndarray)
                     else convert(v))
    return out


def derivative_entries(fc: Compiled, task: str, wrt: str, point: Mapping[str, Any],
                       sizes: Mapping[sp.Symbol, int], shape: tuple[int, ...]) -> Entries:
    """∇f (``task="gradient"``) or ∇²f at one size, the variable's entries kept symbolic.

    ``point`` holds exact (Fraction) values for the other symbols; the variable's own
    value in it is ignored.  Polynomial mode first; :class:`NotPolynomial` switches to
    symbolic entries, which only sizes up to ``SYMBOLIC_MAX_SIZE`` are allowed.
    """
    names = _entry_names(wrt, shape)
    try:
        ring = PolyRing(names, QQ)
        backend: Any = PolynomialBackend(ring)
        data = _data_point(point, wrt, lambda q: QQ(q.numerator, q.denominator))
        data[wrt] = _variable(list(ring.gens), shape)
        f = _scalar(fc(data, sizes, backend))
        f = ring(f) if not isinstance(f, PolyElement) else f
        gens: tuple[Any, ...] = tuple(ring.gens)
        first = [f.diff(g) for g in gens]
        mode, terms = "polynomial", len(f)
        second = PolyElement.diff
    except NotPolynomial:
        if any(int(v) > SYMBOLIC_MAX_SIZE for v in sizes.values()):
            raise
        backend = ExpressionBackend()
        gens = tuple(sp.Symbol(n, real=True) for n in names)
        data = _data_point(point, wrt, lambda q: sp.Rational(q.numerator, q.denominator))
        data[wrt] = _variable(list(gens), shape)
        fx = _scalar(fc(data, sizes, backend))
        first = [sp.diff(fx, g) for g in gens]
        mode, terms = "symbolic", len(sp.Add.make_args(sp.expand(fx))) if sp.count_ops(
            fx) < 2000 else 0
        second = sp.diff
    if task == "gradient":
        values = np.empty(len(first), dtype=object)
        values[:] = first
        values = values.reshape(shape if shape and len(shape) == 2 else
                                (shape[0], 1) if shape else ())
    else:
        k = len(gens)
        values = np.empty((k, k), dtype=object)
        for i in range(k):
            for j in range(k):
                values[i, j] = second(first[i], gens[j])
    return Entries(mode, values, gens, shape, terms, backend)


def _scalar(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        if v.size != 1:
            raise EvaluationError(f"the function evaluated to a {v.shape} array, not a scalar")
        return v.reshape(-1)[0]
    return v


# -- comparison ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EntryComparison:
    """Claim against the derivative's entries at one size.

    ``equal`` is exact in polynomial mode (an identity in the variable's entries for the
    drawn data); in symbolic mode it rests on ``points`` random rational points.  When
    they differ, ``at`` is a value of the variable where they do, with ``expected`` and
    ``claimed`` there (Fractions, or 60-digit mpf in symbolic mode); ``undefined`` says
    that the claim is undefined there while the derivative is not.
    """

    equal: bool
    mode: str
    points: int
    at: Any = None
    expected: Any = None
    claimed: Any = None
    undefined: bool = False


def _claim_entries(claim_c: Compiled, entries: Entries, point: Mapping[str, Any],
                   wrt: str, sizes: Mapping[sp.Symbol, int]) -> np.ndarray:
    backend = entries.backend
    if entries.mode == "polynomial":
        data = _data_point(point, wrt, lambda q: QQ(q.numerator, q.denominator))
    else:
        data = _data_point(point, wrt, lambda q: sp.Rational(q.numerator, q.denominator))
    data[wrt] = _variable(list(entries.generators), entries.shape)
    out = claim_c(data, sizes, backend)
    arr = np.asarray(out, dtype=object) if isinstance(out, np.ndarray) else None
    if arr is None:
        arr = np.empty((), dtype=object)
        arr[()] = out
    if arr.shape != entries.values.shape:
        if arr.size == 1:  # "0" stands for a zero of any shape
            full = np.empty(entries.values.shape, dtype=object)
            full.fill(arr.reshape(-1)[0])
            arr = full
        else:
            arr = arr.reshape(entries.values.shape)
    return arr


Draw = Callable[[np.random.Generator, int], list[Fraction]]


def compare_entries(claim_c: Compiled, entries: Entries, point: Mapping[str, Any], wrt: str,
                    sizes: Mapping[sp.Symbol, int], rng: np.random.Generator, *, draw: Draw,
                    structure: str = "", points: int = 2) -> EntryComparison:
    """Compare the claim (compiled) with ``entries``, entry by entry.

    ``draw(rng, attempt)`` gives values of the variable's entries (flat) honouring its
    assumptions.  ``structure`` says how the variable is constrained: ``"symmetric"``
    (compare on symmetric matrices: x_ji is replaced by x_ij), ``"diagonal"`` (the
    off-diagonal entries are 0) or ``"pointwise"`` (no polynomial description, such as
    orthogonal matrices: compare at drawn points only).
    """
    try:
        claimed = _claim_entries(claim_c, entries, point, wrt, sizes)
    except NotPolynomial:
        if entries.mode == "polynomial":  # the claim leaves the ring: compare pointwise
            return compare_entries(claim_c, _as_expressions(entries), point, wrt, sizes, rng,
                                   draw=draw, structure=structure, points=points)
        raise
    if entries.mode == "polynomial" and structure == "pointwise":
        symbolic = _as_expressions(entries)
        return _compare_pointwise(symbolic, _as_expressions_array(claimed, entries), rng,
                                  points, draw)
    if entries.mode == "polynomial":
        ring = entries.backend.ring
        restrict = _restriction(ring, entries.shape, structure)
        diffs = [restrict(ring(e) - ring(c)) for e, c in zip(entries.values.flat, claimed.flat,
                                                               strict=True)]
        if not any(diffs):
            return EntryComparison(True, "polynomial", 0)
        at = _witness(diffs, rng, draw)
        return EntryComparison(
            False, "polynomial", 0, at=_variable(at, entries.shape),
            expected=_evaluate_poly(entries.values, ring, at),
            claimed=_evaluate_poly(claimed, ring, at))
    return _compare_pointwise(entries, claimed, rng, points, draw)


def _restriction(ring: PolyRing, shape: tuple[int, ...], structure: str
                 ) -> Callable[[PolyElement], PolyElement]:
    if structure not in ("symmetric", "diagonal") or len(shape) != 2 or shape[1] == 1:
        return lambda p: p
    n = shape[0]
    gens = np.array(ring.gens, dtype=object).reshape(shape)
    pairs = [(gens[j, i], gens[i, j] if structure == "symmetric" else ring.zero)
             for i in range(n) for j in range(n) if j > i]
    pairs += [(gens[i, j], ring.zero) for i in range(n) for j in range(n)
              if j > i and structure == "diagonal"]
    return lambda p: p.compose(pairs) if pairs and p else p


def _as_expressions_array(values: np.ndarray, entries: Entries) -> np.ndarray:
    ring = entries.backend.ring
    gens = tuple(sp.Symbol(str(g), real=True) for g in ring.symbols)
    return np.vectorize(lambda p: ring(p).as_expr(*gens), otypes=[object])(values)


def _as_expressions(entries: Entries) -> Entries:
    ring = entries.backend.ring
    gens = tuple(sp.Symbol(str(g), real=True) for g in ring.symbols)
    values = np.vectorize(lambda p: ring(p).as_expr(*gens), otypes=[object])(entries.values)
    return Entries("symbolic", values, gens, entries.shape, entries.terms, ExpressionBackend())


def _at(p: PolyElement, at: list[Any]) -> Fraction:
    """p at an integer point (PolyElement's own evaluation builds a ring per variable)."""
    total = Fraction(0)
    for monom, coeff in p.iterterms():
        term = _to_fraction(coeff)
        for v, e in zip(at, monom, strict=True):
            if e:
                term *= v**e
        total += term
    return total


def _witness(diffs: list[PolyElement], rng: np.random.Generator, draw: Draw
             ) -> list[Fraction]:
    """Values where some difference is nonzero (a nonzero polynomial has few roots)."""
    nonzero = [d for d in diffs if d]
    for attempt in range(8):
        at = draw(rng, attempt)
        if any(_at(d, at) for d in nonzero):
            return at
    raise AssertionError("a nonzero polynomial vanished at eight random points")


def _evaluate_poly(values: np.ndarray, ring: PolyRing, at: list[Fraction]) -> np.ndarray:
    out = np.empty(values.shape, dtype=object)
    for idx, v in np.ndenumerate(values):
        out[idx] = _at(ring(v), at)
    return out


def _compare_pointwise(entries: Entries, claimed: np.ndarray, rng: np.random.Generator,
                       points: int, draw: Draw) -> EntryComparison:
    """Compare at random integer values of the variable, in 60-digit arithmetic.

    A point where the derivative is undefined is not admissible.  A point where only
    the claim is undefined counts against it only if the claim is undefined at every
    admissible point drawn: det(X)·X⁻ᵀ is the gradient of det X wherever X⁻¹ exists,
    and small integer matrices are often singular.
    """
    mp = Precise().mpmath
    seen = 0
    undefined_at = None
    for attempt in range(16):
        if seen == points:
            break
        at = draw(rng, attempt)
        subs = dict(zip(entries.generators, (sp.Rational(v.numerator, v.denominator)
                                             for v in at), strict=True))
        try:
            e = _numbers(entries.values, subs, mp)
        except EvaluationError:
            continue  # the derivative is undefined here: not an admissible point
        try:
            c = _numbers(claimed, subs, mp)
        except EvaluationError:
            undefined_at = undefined_at or (at, e)
            continue
        seen += 1
        scale = max((abs(x) for x in e.flat), default=0)
        worst = max((abs(x - y) for x, y in zip(e.flat, c.flat, strict=True)), default=0)
        if worst > PRECISE_RTOL * max(scale, 1):
            return EntryComparison(False, "symbolic", seen, at=_variable(at, entries.shape),
                                   expected=e, claimed=c)
    if not seen and undefined_at is not None:
        at, e = undefined_at
        return EntryComparison(False, "symbolic", 1, at=_variable(at, entries.shape),
                               expected=e, claimed="undefined", undefined=True)
    if not seen:
        raise EvaluationError("no point of the variable where the derivative is defined")
    return EntryComparison(True, "symbolic", seen)


def _numbers(values: np.ndarray, subs: dict[sp.Symbol, sp.Expr], mp: Any) -> np.ndarray:
    out = np.empty(values.shape, dtype=object)
    for idx, v in np.ndenumerate(values):
        x = (v if isinstance(v, sp.Basic) else sp.Integer(v)).xreplace(subs)
        if x.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or x.is_extended_real is False:
            raise EvaluationError("undefined")
        if x.has(sp.DiracDelta, sp.Derivative, sp.Subs):  # δ(0), or a derivative SymPy
            raise EvaluationError("undefined")          # could not take: not admissible
        n = sp.N(x, Precise.digits + 5)
        if not n.is_real or not n.is_finite:
            raise EvaluationError("undefined")
        try:
            out[idx] = mp.mpf(str(n))
        except (TypeError, ValueError):
            raise EvaluationError("not a number") from None
    return out

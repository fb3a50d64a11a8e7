"""The element-wise engine at concrete sizes: every entry, built and differentiated exactly.

At a concrete size (n = 3, say), the function is evaluated entry by entry with the
entries of the variable kept as *symbols* — generators of SymPy's sparse polynomial
ring ``ZZ[x_1, …, x_n]`` (``QQ`` where a constant is a fraction) — and the other
symbols at random integer values.  Each
matrix product, transpose and trace then yields polynomials, never a large ``Expr``
tree: ``f`` is a polynomial in the variable's entries, its gradient is read off by
differentiating it by each generator, its Hessian by differentiating those again.
The claim is built the same way, so claim and derivative are compared *as
polynomials*: equality is an identity in the variable at that size (for the
drawn data), and a difference is a proof, with a point where it shows.

Where the function is not a polynomial in the variable (exp, log, roots, the
inverse or determinant of a matrix that depends on it), the entries are SymPy
expressions instead, differentiated with ``diff`` and compared at random rational
points in 60-digit arithmetic; that is slower, so it runs only while the variable
has at most four entries.

This engine shares nothing with the matrix-form rules: it checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ, ZZ
from sympy.polys.rings import PolyElement, PolyRing

from ..errors import EvaluationError, NotPolynomial, OutOfRangeError
from .entry_backends import (
    MAX_DIFF_WORK,
    PRECISE_RTOL,
    SYMBOLIC_MAX_ENTRIES,
    ExpressionBackend,
    PolynomialBackend,
    _NeedsRationals,
    _to_fraction,
)
from .evaluate import Compiled, Exact, NotExact, Precise
from .mpvalue import GROWTH_LIMIT, mp_context, precise_backend, settle, value_at

__all__ = ["Entries", "EntryComparison", "compare_entries", "derivative_entries", "entries_at"]

#: digits of the entries' values where they are not rational (Precise's 60, and guard digits)
_DIGITS = Precise.digits + 5
#: nodes of f (or of its gradient, for a Hessian) that symbolic entries may differentiate
SYMBOLIC_MAX_TREE = 20_000


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


def _polynomial_gradient(fc: Compiled, wrt: str, point: Mapping[str, Any],
                         sizes: Mapping[sp.Symbol, int], shape: tuple[int, ...],
                         names: list[str], domain: Any
                         ) -> tuple[tuple[Any, ...], list[Any], PolynomialBackend, int]:
    ring = PolyRing(names, domain)
    backend = PolynomialBackend(ring)
    data = _data_point(point, wrt, backend.number)
    data[wrt] = _variable(list(ring.gens), shape)
    f = _scalar(fc(data, sizes, backend))
    f = ring(f) if not isinstance(f, PolyElement) else f
    gens = tuple(ring.gens)
    _afford_diff(len(f), len(gens))
    return gens, [f.diff(g) for g in gens], backend, len(f)


def _afford_points(polys: Any, gens: int) -> None:
    """NotPolynomial when evaluating these polynomials at a point (every term's exponents
    in ``gens`` variables) would go through more than MAX_DIFF_WORK of them."""
    terms = sum(len(p) for p in polys if isinstance(p, PolyElement))
    if terms * gens > MAX_DIFF_WORK:
        raise NotPolynomial(f"evaluating {terms:,} terms in {gens} variables at points "
                            "would take too long")


def _afford_diff(terms: int, gens: int) -> None:
    """NotPolynomial when differentiating ``terms`` terms by ``gens`` variables is too long."""
    if terms * gens > MAX_DIFF_WORK:
        raise NotPolynomial(f"differentiating {terms:,} terms by {gens} variables would go "
                            "through too many terms")


def _afford_tree(exprs: list[Any], what: str) -> None:
    """NotPolynomial when differentiating these symbolic entries would go through more
    than SYMBOLIC_MAX_TREE nodes (SymPy's diff has no budget of its own)."""
    budget = SYMBOLIC_MAX_TREE
    for e in exprs:
        for _ in sp.preorder_traversal(e) if isinstance(e, sp.Basic) else ():
            budget -= 1
            if budget < 0:
                raise NotPolynomial(f"{what} has more than {SYMBOLIC_MAX_TREE:,} nodes in "
                                    "symbolic entries, too many to differentiate")


def derivative_entries(fc: Compiled, task: Literal["gradient", "hessian"], wrt: str,
                       point: Mapping[str, Any],
                       sizes: Mapping[sp.Symbol, int], shape: tuple[int, ...]) -> Entries:
    """∇f (``task="gradient"``) or ∇²f at one size, the variable's entries kept symbolic.

    ``point`` holds exact (Fraction) values for the other symbols; the variable's own
    value in it is ignored.  Polynomial mode first; :class:`NotPolynomial` switches to
    symbolic entries, allowed while the variable has at most ``SYMBOLIC_MAX_ENTRIES``
    entries (a vector of length 4, a 2×2 matrix).
    """
    if task not in ("gradient", "hessian"):
        raise ValueError(f"task must be 'gradient' or 'hessian', not {task!r}")
    names = _entry_names(wrt, shape)
    try:
        try:
            gens, first, backend, terms = _polynomial_gradient(fc, wrt, point, sizes, shape,
                                                               names, ZZ)
        except _NeedsRationals:
            gens, first, backend, terms = _polynomial_gradient(fc, wrt, point, sizes, shape,
                                                               names, QQ)
        mode = "polynomial"
        second = PolyElement.diff
    except NotPolynomial as exc:
        if len(names) > SYMBOLIC_MAX_ENTRIES:
            raise NotPolynomial(f"{exc}; symbolic entries only while {wrt} has at most "
                                f"{SYMBOLIC_MAX_ENTRIES} entries") from None
        backend = ExpressionBackend()
        gens = tuple(sp.Symbol(n, real=True) for n in names)
        data = _data_point(point, wrt, lambda q: sp.Rational(q.numerator, q.denominator))
        data[wrt] = _variable(list(gens), shape)
        fx = _scalar(fc(data, sizes, backend))
        _afford_tree([fx], "f")
        first = [_symbolic_diff(fx, g) for g in gens]
        if task == "hessian":
            _afford_tree(first, "the gradient")
        mode, terms = "symbolic", len(sp.Add.make_args(fx))
        second = _symbolic_diff
    if task == "gradient":
        values = np.empty(len(first), dtype=object)
        values[:] = first
        values = values.reshape(shape if shape and len(shape) == 2 else
                                (shape[0], 1) if shape else ())
    else:
        k = len(gens)
        if mode == "polynomial":
            _afford_diff(sum(len(d) for d in first if isinstance(d, PolyElement)), k)
        values = np.empty((k, k), dtype=object)
        for i in range(k):  # ∂²f/∂x_i∂x_j = ∂²f/∂x_j∂x_i: half the differentiations
            for j in range(i, k):
                values[i, j] = values[j, i] = second(first[i], gens[j])
    return Entries(mode, values, gens, shape, terms, backend)


def _symbolic_diff(e: sp.Expr, g: sp.Symbol) -> sp.Expr:
    """SymPy's derivative of one symbolic entry; where SymPy's automatic simplification
    fails on it (its assumptions compare a logarithm of exponentials of ±262 as if it
    might be complex: "Invalid comparison of non-real"), this engine abstains."""
    try:
        return sp.diff(e, g)
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        raise NotPolynomial("SymPy cannot differentiate these entries symbolically") from None


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

    ``mode`` is ``"polynomial"`` (both sides polynomials: ``equal`` is an identity in
    the variable's entries, for the drawn data), ``"pointwise"`` (polynomial entries,
    a claim that is not one: compared at ``points`` drawn values of the variable) or
    ``"symbolic"`` (entries that are not polynomials, differentiated by SymPy and
    compared at drawn values).  When the sides differ, ``at`` is a value of the
    variable where they do, with ``expected`` and ``claimed`` there (Fractions, or
    60-digit mpf); ``undefined`` says that the claim is undefined there while the
    derivative is not.
    """

    equal: bool
    mode: str
    points: int
    at: Any = None
    expected: Any = None
    claimed: Any = None
    undefined: bool = False


def _fit(out: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A claim's value in the derivative's layout ("0" stands for a zero of any shape)."""
    if isinstance(out, np.ndarray):
        arr = np.asarray(out, dtype=object)
    else:
        arr = np.empty((), dtype=object)
        arr[()] = out
    if arr.shape == shape:
        return arr
    if arr.size == 1:
        full = np.empty(shape, dtype=object)
        full.fill(arr.reshape(-1)[0])
        return full
    return arr.reshape(shape)


def _claim_entries(claim_c: Compiled, entries: Entries, point: Mapping[str, Any],
                   wrt: str, sizes: Mapping[sp.Symbol, int]) -> np.ndarray:
    data = _data_point(point, wrt, entries.backend.number)
    data[wrt] = _variable(list(entries.generators), entries.shape)
    return _fit(claim_c(data, sizes, entries.backend), entries.values.shape)


def _over_rationals(entries: Entries) -> Entries:
    """The same polynomials in QQ[…] (a claim with a fraction in it needs them there)."""
    ring = PolyRing(entries.backend.ring.symbols, QQ)
    values = np.vectorize(lambda p: p.set_ring(ring) if isinstance(p, PolyElement)
                          else ring(QQ(int(p))), otypes=[object])(entries.values)
    return Entries(entries.mode, values, tuple(ring.gens), entries.shape, entries.terms,
                   PolynomialBackend(ring))


Draw = Callable[[np.random.Generator, int], list[Fraction]]


def compare_entries(claim_c: Compiled, entries: Entries, point: Mapping[str, Any], wrt: str,
                    sizes: Mapping[sp.Symbol, int], rng: np.random.Generator, *, draw: Draw,
                    structure: str = "", points: int = 2) -> EntryComparison:
    """Compare the claim (compiled) with ``entries``, entry by entry.

    Where both are polynomials the comparison is an identity in the variable's
    entries.  Otherwise (the claim has an inverse, say) it is made at values of the
    variable from ``draw(rng, attempt)``, which honour its assumptions.
    ``structure`` says how the variable is constrained: ``"symmetric"`` (compare on
    symmetric matrices: x_ji is replaced by x_ij), ``"diagonal"`` (off-diagonal
    entries are 0) or ``"pointwise"`` (no polynomial description, such as orthogonal
    matrices: compare at drawn values only).
    """
    if entries.mode == "polynomial" and structure != "pointwise":
        try:
            try:
                claimed = _claim_entries(claim_c, entries, point, wrt, sizes)
            except _NeedsRationals:
                entries = _over_rationals(entries)
                claimed = _claim_entries(claim_c, entries, point, wrt, sizes)
        except NotPolynomial:
            claimed = None
        if claimed is not None:
            ring = entries.backend.ring
            restrict = _restriction(ring, entries.shape, structure)
            diffs = [restrict(ring(e) - ring(c))
                     for e, c in zip(entries.values.flat, claimed.flat, strict=True)]
            if not any(diffs):
                return EntryComparison(True, "polynomial", 0)
            at = _witness(diffs, rng, draw)
            return EntryComparison(
                False, "polynomial", 0, at=_variable(at, entries.shape),
                expected=_evaluate_poly(entries.values, ring, at),
                claimed=_evaluate_poly(claimed, ring, at))
    return _compare_pointwise(entries, claim_c, point, wrt, sizes, rng, points, draw)


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


def _at(p: PolyElement, at: list[Any]) -> Fraction:
    """p at a rational point (PolyElement's own evaluation builds a ring per variable)."""
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
    _afford_points(nonzero, len(nonzero[0].ring.gens) if nonzero else 0)
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


def entries_at(entries: Entries, at: list[Fraction]) -> np.ndarray:
    """The entries' values where the variable's (flattened) entries are ``at``: Fractions
    for polynomial entries and rational values, 60-digit mpf for the other symbolic ones."""
    return _expected_at(entries, at, _DIGITS, growth=None)


def _expected_at(entries: Entries, at: list[Fraction], digits: int, *,
                 growth: float | None = GROWTH_LIMIT) -> np.ndarray:
    """The entries at ``at``: exact for polynomial entries, else at ``digits`` digits (fixed
    precision and a work budget: :func:`~symderiv.calculus.mpvalue.value_at`)."""
    if entries.mode == "polynomial":
        return _evaluate_poly(entries.values, entries.backend.ring, at)
    subs = dict(zip(entries.generators, at, strict=True))
    out = np.empty(entries.values.shape, dtype=object)
    # exact stays exact: ∂/∂x of exp(s)·log(t) is 0, not 0.0
    flat = [v if isinstance(v, sp.Basic) else sp.Integer(v) for v in entries.values.flat]
    values = value_at([v for v in flat if not v.is_Rational], subs, digits, growth=growth)
    it = iter(values)
    for idx, v in zip(np.ndindex(out.shape), flat, strict=True):
        out[idx] = Fraction(int(v.p), int(v.q)) if v.is_Rational else next(it)
    return out


def _claim_at(claim_c: Compiled, point: Mapping[str, Any], wrt: str, value: Any,
              sizes: Mapping[sp.Symbol, int], shape: tuple[int, ...], digits: int = 0
              ) -> np.ndarray:
    """The claim at the point: exactly where it is rational (unless ``digits`` asks for a
    precision), else at ``digits`` digits (Precise's own 60 by default)."""
    full = dict(point)
    full[wrt] = value
    if not digits:
        try:
            return _fit(claim_c(full, sizes, Exact()), shape)
        except NotExact:
            pass
    return _fit(claim_c(full, sizes, precise_backend(digits or Precise.digits)), shape)


def _compare_pointwise(entries: Entries, claim_c: Compiled, point: Mapping[str, Any], wrt: str,
                       sizes: Mapping[sp.Symbol, int], rng: np.random.Generator, points: int,
                       draw: Draw) -> EntryComparison:
    """Compare at drawn values of the variable: exactly where both sides are rational,
    else at 60 digits, and at 120 where they seem to differ (:func:`settle`).

    A point where the derivative is undefined, out of range, on a kink or ill conditioned
    (a comparison whose values change with the precision) is not admissible.  A point
    where only the claim is undefined counts against it only if the claim is undefined at
    every admissible point drawn: det(X)·X⁻ᵀ is the gradient of det X wherever X⁻¹
    exists, and small integer matrices are often singular.
    """
    if entries.mode == "polynomial":
        _afford_points(entries.values.flat, len(entries.generators))
    seen = 0
    undefined_at = None
    mode = "pointwise" if entries.mode == "polynomial" else "symbolic"
    shape = entries.values.shape
    for attempt in range(16):
        if seen == points:
            break
        at = draw(rng, attempt)
        try:
            e = _expected_at(entries, at, _DIGITS)
        except EvaluationError:
            continue  # the derivative is undefined or ill conditioned here: not admissible
        value = _variable(at, entries.shape)
        try:
            c = _claim_at(claim_c, point, wrt, value, sizes, shape)
        except OutOfRangeError:
            continue  # defined, but too large to evaluate: not an admissible point
        except EvaluationError:
            undefined_at = undefined_at or (value, e)
            continue
        if all(isinstance(x, Fraction) for x in (*e.flat, *c.flat)):
            same = all(x == y for x, y in zip(e.flat, c.flat, strict=True))
        else:
            def again(at: list[Fraction] = at, value: Any = value) -> tuple[list, list]:
                digits = 2 * _DIGITS
                return (_mpf_list(_expected_at(entries, at, digits), digits),
                        _mpf_list(_claim_at(claim_c, point, wrt, value, sizes, shape, digits),
                                  digits))
            try:
                settled = settle((_mpf_list(e, _DIGITS), _mpf_list(c, _DIGITS)), again,
                                 PRECISE_RTOL)
            except EvaluationError:
                continue  # undefined at 120 digits (a singular matrix, say): not admissible
            if not settled.equal and not settled.stable:
                continue  # the values change with the precision: ill conditioned here
            same = settled.equal
        seen += 1
        if not same:
            return EntryComparison(False, mode, seen, at=value, expected=e, claimed=c)
    if not seen and undefined_at is not None:
        return EntryComparison(False, mode, 1, at=undefined_at[0], expected=undefined_at[1],
                               claimed="undefined", undefined=True)
    if not seen:
        raise EvaluationError("no point of the variable where the derivative is defined and "
                              "well conditioned")
    return EntryComparison(True, mode, seen)


def _mpf_list(values: np.ndarray, digits: int) -> list[Any]:
    """Values (Fractions or mpf) as mpf at ``digits`` digits."""
    ctx = mp_context(digits)
    return [ctx.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else ctx.mpf(x)
            for x in values.flat]

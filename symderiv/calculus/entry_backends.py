"""The arithmetic of the element-wise engine's entries, and its work budgets.

Two backends evaluate a compiled expression entry by entry at a concrete size: polynomials
in the variable's entries (SymPy's sparse rings; products of data cost no polynomial
arithmetic), and SymPy expressions where the function is not a polynomial in the
variable (small sizes only).  Each refuses work beyond its budget instead of running
for minutes.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ, ZZ
from sympy.polys.rings import PolyElement, PolyRing

from ..errors import EvaluationError, NotPolynomial
from .evaluate import Exact, NotExact, ObjectArrays
from .functions import named
from .largest import top_entry

__all__ = ["ExpressionBackend", "PolynomialBackend"]

MAX_POWER = 64
MAX_TERMS = 200_000  # a polynomial entry larger than this is not worth expanding
#: products of terms × variables (each builds or hashes a tuple of exponents) that one size
#: may spend multiplying out, under a second: ‖X X‖² at 24×24 ran out of 23 GB of memory, tr(X³)
#: at 32×32 took 30 s, ‖AXB‖² 40 s (least squares at n = 64 takes 9·10⁶)
MAX_WORK = 10_000_000
#: terms × variables that differentiating, or evaluating at a point, may go through
#: (tr(X³) at 32×32: 3·10⁷, 5 s)
MAX_DIFF_WORK = 5_000_000
MAX_DET_SIZE = 5
#: n!·tⁿ for a determinant of entries with t terms: Bareiss's intermediate polynomials grow
#: far beyond the result (det((sA)(A − Aᵀ)) at 4×4, about 6·10⁴, took half a minute)
MAX_DET_TERMS = 20_000
SYMBOLIC_MAX_ENTRIES = 4  # symbolic entries (exp, log, inverses) get slow beyond
#: terms and factors in the entries of a matrix whose determinant or inverse is taken
#: symbolically (A + diag(x) at 2×2 has 8, its inverse 88)
SYMBOLIC_MAX_NODES = 60
PRECISE_RTOL = 1e-40


class _NeedsRationals(Exception):
    """An integer ring met a fraction: start again over QQ (integers are much faster)."""


def _multisets(n: int, k: int) -> int:
    """How many terms (p_1 + … + p_n)^k can have at most: C(n + k − 1, k)."""
    return math.comb(n + k - 1, k)


def _terms(v: Any) -> int:
    """Terms of a value that depends on the variable; 0 for a constant (cheap to multiply)."""
    return 0 if not isinstance(v, PolyElement) or v.is_ground else len(v)


def _term_counts(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return np.vectorize(_terms, otypes=[int])(x) if x.size else np.zeros(x.shape, int)
    return _terms(x)


def _to_fraction(q: Any) -> Fraction:
    return Fraction(int(q.numerator), int(q.denominator))


# -- polynomial entries ---------------------------------------------------------------------
class PolynomialBackend(ObjectArrays):
    """Values are polynomials in the variable's entries (or rational constants).

    Constants stay elements of the ring's domain (ZZ, or QQ where fractions occur), so
    products of data (XᵀX) cost no polynomial arithmetic; only values that depend on
    the variable are ring elements.
    """

    name = "poly"

    def __init__(self, ring: PolyRing) -> None:
        self.ring = ring
        self.domain = ring.domain
        self.work = 0  # spent so far, against MAX_WORK

    def number(self, q: Any) -> Any:
        """A rational (Fraction, int or domain element) as an element of the domain."""
        if self.domain == ZZ:
            if q.denominator != 1:
                raise _NeedsRationals
            return ZZ(int(q.numerator))
        return QQ(int(q.numerator), int(q.denominator))

    @staticmethod
    def constant(v: Any) -> Any:
        """The rational value of ``v``, or None if it depends on the variable."""
        if isinstance(v, PolyElement):
            return v.LC if v.is_ground else None
        return v

    def const(self, value: sp.Expr) -> Any:
        if not value.is_Rational:
            raise NotPolynomial(f"the constant {value} is irrational")
        return self.number(Fraction(int(value.p), int(value.q)))

    def _afford(self, pairs: int, scaled: int, what: str) -> None:
        """NotPolynomial when multiplying out would take this size past MAX_WORK: ``pairs``
        products of two terms, ``scaled`` terms times a constant — each builds or hashes a
        tuple of exponents, one per variable, on its way into a sum."""
        self.work += (pairs + scaled) * self.ring.ngens
        if self.work > MAX_WORK:
            raise NotPolynomial(f"multiplying out {what} would take too long ({pairs + scaled:,} "
                                f"products of terms in {self.ring.ngens} variables)")

    def matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:  # type: ignore[override]
        ta, tb = _term_counts(a), _term_counts(b)
        ca, cb = (ta == 0).astype(int), (tb == 0).astype(int)
        pairs = (ta.sum(axis=0) * tb.sum(axis=1)).sum()
        scaled = (ta.sum(axis=0) * cb.sum(axis=1) + ca.sum(axis=0) * tb.sum(axis=1)).sum()
        self._afford(int(pairs), int(scaled), "a matrix product")
        return a @ b

    def mul(self, a: Any, b: Any) -> Any:  # type: ignore[override]
        ta, tb = np.asarray(_term_counts(a)), np.asarray(_term_counts(b))
        pairs = np.sum(ta * tb)
        scaled = np.sum(ta * (tb == 0) + (ta == 0) * tb)
        self._afford(int(pairs), int(scaled), "a product")
        return a * b

    def smul(self, s: Any, m: np.ndarray) -> np.ndarray:  # type: ignore[override]
        return self.mul(m, s)

    def gram(self, v: np.ndarray) -> np.ndarray:
        """vᵀv for a column v: a sum of squares (squaring is half the work of a product)."""
        counts = _term_counts(v)
        self._afford(int(np.sum(counts * counts)) // 2, 0, "a sum of squares")
        total: Any = self.domain(0)
        for x in v[:, 0]:
            total = total + (x.square() if isinstance(x, PolyElement) else x * x)
        out = np.empty((1, 1), dtype=object)
        out[0, 0] = total
        return out

    def _constant_matrix(self, a: np.ndarray, what: str) -> np.ndarray:
        out = np.empty(a.shape, dtype=object)
        for idx, v in np.ndenumerate(a):
            c = self.constant(v)
            if c is None:
                raise NotPolynomial(f"the {what} of a matrix that depends on the variable")
            out[idx] = _to_fraction(c)
        return out

    def det(self, a: np.ndarray) -> Any:
        if all(self.constant(v) is not None for v in a.flat):
            return self._from_exact(Exact.det(self._constant_matrix(a, "determinant")))
        if a.shape[0] > MAX_DET_SIZE:  # n! terms: fine at 5 (120), slow at 7 (5040)
            raise NotPolynomial(f"the determinant of a {a.shape[0]}×{a.shape[0]} matrix that "
                                f"depends on the variable has too many terms to expand")
        # n! products of n entries of t terms: det((sA)(A − Aᵀ)) at 5×5 (t = 10) ran for minutes
        widest = max(len(v) if isinstance(v, PolyElement) else 1 for v in a.flat)
        if math.factorial(a.shape[0]) * widest ** a.shape[0] > MAX_DET_TERMS:
            raise NotPolynomial(f"the determinant of a {a.shape[0]}×{a.shape[0]} matrix whose "
                                f"entries have up to {widest} terms has too many terms to expand")
        return self._bareiss(a)

    def _bareiss(self, a: np.ndarray) -> PolyElement:
        """det of a polynomial matrix without fractions (Bareiss: each division is exact)."""
        m = [[self.ring(v) for v in row] for row in a.tolist()]
        n, sign, prev = len(m), 1, self.ring.one
        for k in range(n - 1):
            if not m[k][k]:
                swap = next((r for r in range(k + 1, n) if m[r][k]), None)
                if swap is None:
                    return self.ring.zero
                m[k], m[swap] = m[swap], m[k]
                sign = -sign
            for i in range(k + 1, n):
                for j in range(k + 1, n):
                    m[i][j] = (m[i][j] * m[k][k] - m[i][k] * m[k][j]).exquo(prev)
            prev = m[k][k]
        return m[n - 1][n - 1] * sign

    def inv(self, a: np.ndarray) -> np.ndarray:
        return self._from_exact(Exact.inv(self._constant_matrix(a, "inverse")))

    def _from_exact(self, v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return np.vectorize(self._from_exact, otypes=[object])(v)
        return self.number(v)

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
        if e > MAX_POWER or _multisets(len(base), int(e)) > MAX_TERMS:
            raise NotPolynomial(f"expanding a power {int(e)} of {len(base)} terms would give "
                                f"more than {MAX_TERMS} terms")
        return base ** int(e)

    def largest(self, a: np.ndarray) -> Any:
        values = [self.constant(v) for v in a.flat]
        if any(c is None for c in values):
            raise NotPolynomial("the largest entry of an expression in the variable")
        return self._from_exact(top_entry([_to_fraction(c) for c in values]))

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



# -- symbolic entries (the fallback) -----------------------------------------------------------
class ExpressionBackend(ObjectArrays):
    """Values are SymPy expressions in the variable's entries (small sizes only)."""

    name = "expr"

    def number(self, k: int) -> sp.Expr:
        return sp.Integer(k)

    @staticmethod
    def const(value: sp.Expr) -> sp.Expr:
        return value

    @staticmethod
    def _small(a: np.ndarray, what: str) -> None:
        if a.shape[0] > 2 and any(getattr(v, "free_symbols", None) for v in a.flat):
            raise NotPolynomial(f"the {what} of a {a.shape[0]}×{a.shape[0]} matrix that "
                                "depends on the variable is too large for symbolic entries")
        # SymPy's det and inverse expand their entries: the inverse of an inverse of a 2×2
        # (logdet(inv(inv(A + diag(x))))) ran for minutes
        budget = SYMBOLIC_MAX_NODES
        for v in a.flat:
            for _ in sp.preorder_traversal(v) if isinstance(v, sp.Basic) else ():
                budget -= 1
                if budget < 0:
                    raise NotPolynomial(f"the {what} of a matrix whose entries have more than "
                                        f"{SYMBOLIC_MAX_NODES} terms and factors is too large "
                                        "for symbolic entries")

    def det(self, a: np.ndarray) -> sp.Expr:
        self._small(a, "determinant")
        return sp.Matrix(a.tolist()).det(method="berkowitz")

    def inv(self, a: np.ndarray) -> np.ndarray:
        self._small(a, "inverse")
        m = sp.Matrix(a.tolist())
        d = m.det(method="berkowitz")
        if d == 0:
            raise EvaluationError("singular matrix")
        # adj(M)/det M, not SymPy's inv: that proves det M ≠ 0 with Expr.equals (random
        # numeric tests, PSLQ; 0.6 s for inv(A @ A) at n = 2) and raises ValueError where it
        # proves det M = 0.  A det that is 0 at a point makes the entries zoo there, and
        # such a point is not admissible (elementwise._expected_at).
        return np.array((m.adjugate(method="berkowitz") / d).tolist(), dtype=object)

    @staticmethod
    def pow(base: Any, exp: Any) -> Any:
        if isinstance(base, np.ndarray):
            return np.vectorize(lambda b: sp.Pow(b, exp), otypes=[object])(base)
        return sp.Pow(base, exp)

    @staticmethod
    def largest(a: np.ndarray) -> Any:
        if any(getattr(v, "free_symbols", None) for v in a.flat):
            # SymPy's Max of symbols differentiates to steps whose ties no point check sees
            raise NotPolynomial("the largest entry of an expression in the variable")
        return top_entry(list(a.flat))

    def func(self, name: str, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return np.vectorize(lambda v: self.func(name, v), otypes=[object])(value)
        return named(name).apply(value)

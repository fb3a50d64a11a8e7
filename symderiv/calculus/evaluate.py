"""Evaluate matrix expressions at concrete points, exactly or in (batched) floating point.

An expression is compiled once (by :mod:`.compile`) into a tree of closures; calling the
result with a point runs only NumPy operations.  Two backends:

* :class:`Exact` — entries are :class:`fractions.Fraction` in NumPy object arrays;
  transcendental functions raise :class:`NotExact`, so the caller can fall back.
* :class:`Batched` — float or complex arrays with a leading batch axis: one call
  evaluates the expression at many points (all the finite-difference stencils of
  a gradient at once).  Matrices are ``(K, r, c)``, scalars ``(K,)``.

Vectors are ``r×1`` columns everywhere, as in the SymPy expressions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..errors import EvaluationError, OutOfRangeError
from ..rational import exact_det, exact_inv
from .compile import Compiled as Compiled
from .compile import compile_expr
from .functions import MAX_ARGUMENT as MAX_ARGUMENT
from .functions import exact_value, float_value, lookup, precise_value
from .largest import top_entries, top_entry

__all__ = ["MAX_ARGUMENT", "Batched", "Exact", "NotExact", "ObjectArrays", "Precise",
           "compile_expr", "exact_det", "exact_inv", "rough_value"]

#: A condition number beyond which a float matrix is singular as far as float64 can tell:
#: its inverse makes the point inadmissible, its determinant is 0
SINGULAR_COND = 1e10


class NotExact(Exception):
    """The exact backend met a value that is not rational (exp, log, irrational root)."""


def _exact_sqrt(q: Fraction) -> Fraction:
    if q < 0:
        raise EvaluationError("square root of a negative number")
    num, den = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if num * num == q.numerator and den * den == q.denominator:
        return Fraction(num, den)
    raise NotExact("irrational square root")


class ObjectArrays:
    """What backends whose values live in NumPy object arrays share: shapes, products,
    transposes.  ``number(k)`` makes the backend's own integer k (a Fraction, an mpf, a
    ring element …)."""

    batched = False

    def number(self, k: int) -> Any:
        return Fraction(k)

    def full(self, rows: int, cols: int, value: int) -> np.ndarray:
        out = np.empty((rows, cols), dtype=object)
        out.fill(self.number(value))
        return out

    def eye(self, n: int) -> np.ndarray:
        out = self.full(n, n, 0)
        for i in range(n):
            out[i, i] = self.number(1)
        return out

    def diag(self, v: np.ndarray) -> np.ndarray:
        out = self.full(v.shape[0], v.shape[0], 0)
        for i in range(v.shape[0]):
            out[i, i] = v[i, 0]
        return out

    @staticmethod
    def array(value: Any) -> np.ndarray:
        arr = np.asarray(value, dtype=object)
        return arr.reshape(-1, 1) if arr.ndim == 1 else arr

    @staticmethod
    def smul(s: Any, m: np.ndarray) -> np.ndarray:
        return m * s

    @staticmethod
    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a @ b

    @staticmethod
    def transpose(a: np.ndarray) -> np.ndarray:
        return a.T

    @staticmethod
    def diagonal(m: np.ndarray) -> np.ndarray:
        return np.array([[m[i, i]] for i in range(m.shape[0])], dtype=object)

    @staticmethod
    def largest(a: np.ndarray) -> Any:
        return top_entry(list(a.flat))

    def trace(self, a: np.ndarray) -> Any:
        total = self.number(0)
        for i in range(a.shape[0]):
            total = total + a[i, i]
        return total

    def trace_of_product(self, a: np.ndarray, b: np.ndarray) -> Any:
        """tr(AB) = Σ_ij a_ij b_ji: n² products where AB would take n³ (‖X‖²_F = tr(XᵀX))."""
        products = self.mul(a, b.T)
        total = self.number(0)
        for v in products.flat:
            total = total + v
        return total

    @staticmethod
    def mul(a: Any, b: Any) -> Any:
        """Elementwise (or scalar) a·b."""
        return a * b


class Exact(ObjectArrays):
    """Rational arithmetic; a point maps names to Fractions or object arrays of Fractions."""

    name = "exact"

    @staticmethod
    def const(value: sp.Expr) -> Fraction:
        if not value.is_Rational:
            raise NotExact(f"the constant {value} is irrational")
        return Fraction(int(value.p), int(value.q))

    @staticmethod
    def det(a: np.ndarray) -> Fraction:
        return exact_det(a)

    @staticmethod
    def inv(a: np.ndarray) -> np.ndarray:
        return exact_inv(a)

    @staticmethod
    def pow(base: Any, exp: Fraction) -> Any:
        if abs(exp) > 64:  # a drawn exponent: exact powers would grow without bound
            raise NotExact("exponent too large for exact arithmetic")
        if exp.denominator == 1:
            if isinstance(base, np.ndarray):
                if exp < 0 and any(v == 0 for v in base.flat):
                    raise EvaluationError("division by zero")
                return np.vectorize(lambda v: v ** int(exp), otypes=[object])(base)
            if base == 0 and exp < 0:
                raise EvaluationError("division by zero")
            return base ** int(exp)
        if exp.denominator == 2:
            root = (np.vectorize(_exact_sqrt, otypes=[object])(base)
                    if isinstance(base, np.ndarray) else _exact_sqrt(base))
            return Exact.pow(root, Fraction(exp.numerator))
        raise NotExact("fractional power")

    @staticmethod
    def func(name: str, value: Any) -> Any:
        if name == "log" and value <= 0:
            raise EvaluationError("log of a non-positive number")
        out = exact_value(name, value)
        if out is None:
            raise NotExact(name)
        return out


class Precise(Exact):
    """Multiprecision floating point (mpmath, 60 digits) over object arrays.

    Where exact arithmetic stops (exp, log, irrational roots), this keeps going
    without the range limits of float64: exp(−1000) is not 0 and exp(800) is not ∞,
    so such values stay evidence instead of being dropped or compared as 0 = 0.
    """

    name = "mp"
    digits = 60

    def __init__(self) -> None:
        import mpmath

        self.mpmath = mpmath.MPContext()  # a private context: the global precision is left alone
        self.mpmath.dps = self.digits

    def scalar(self, v: Any) -> Any:
        if isinstance(v, Fraction):
            return self.mpmath.mpf(v.numerator) / v.denominator
        return self.mpmath.mpf(v)

    def const(self, value: sp.Expr) -> Any:  # type: ignore[override]
        if value.is_Rational:
            return self.mpmath.mpf(int(value.p)) / int(value.q)
        return self.mpmath.mpf(str(sp.N(value, self.digits + 5)))

    def number(self, k: int) -> Any:
        return self.mpmath.mpf(k)

    def array(self, value: Any) -> np.ndarray:  # type: ignore[override]
        arr = np.asarray(value, dtype=object)
        return np.vectorize(self.scalar, otypes=[object])(arr) if arr.size else arr

    def _matrix(self, a: np.ndarray) -> Any:
        return self.mpmath.matrix(a.tolist())

    def det(self, a: np.ndarray) -> Any:  # type: ignore[override]
        """Gaussian elimination with partial pivoting; a matrix singular to working precision
        (a pivot within rounding error of 0, as mpmath's det judges it) has determinant 0.

        mpmath's own det raises TypeError on a singular matrix whose column is zero below
        the diagonal, such as [[0, 1], [0, 2]], a common random point of small integers;
        and det(AB) for singular B came out as 10⁻⁶⁰ here, not 0, without the tolerance.
        """
        m = [[self.scalar(v) for v in row] for row in a.tolist()]
        n = len(m)
        scale = max((sum(abs(m[r][c]) for r in range(n)) for c in range(n)),
                    default=self.number(0))
        tol = scale * self.mpmath.mpf(10) ** (10 - self.digits)
        det = self.number(1)
        for col in range(n):
            pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
            if abs(m[pivot][col]) <= tol:
                return self.number(0)
            if pivot != col:
                m[col], m[pivot] = m[pivot], m[col]
                det = -det
            det *= m[col][col]
            for r in range(col + 1, n):
                f = m[r][col] / m[col][col]
                if f:
                    m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
        return det

    def inv(self, a: np.ndarray) -> np.ndarray:  # type: ignore[override]
        m = self._matrix(a)
        if abs(self.det(a)) <= self.mpmath.mpf(10) ** (-self.digits // 2) * max(
                1, self.mpmath.mnorm(m, 1)) ** m.rows:
            raise EvaluationError("singular matrix")
        try:
            inv = self.mpmath.inverse(m)
        except ZeroDivisionError:  # singular by mpmath's own tolerance
            raise EvaluationError("singular matrix") from None
        return np.array(inv.tolist(), dtype=object)

    def pow(self, base: Any, exp: Any) -> Any:  # type: ignore[override]
        def one(b: Any) -> Any:
            if b == 0 and exp < 0:
                raise EvaluationError("division by zero")
            if b < 0 and exp != int(exp):
                raise EvaluationError("fractional power of a negative number")
            if b != 0 and abs(exp * self.mpmath.log(abs(b))) > MAX_ARGUMENT:
                raise OutOfRangeError("a power too large to evaluate")
            return b ** exp
        if isinstance(base, np.ndarray):
            return np.vectorize(one, otypes=[object])(base)
        return one(base)

    def func(self, name: str, value: Any) -> Any:  # type: ignore[override]
        return precise_value(name, self.mpmath, value)


class Batched:
    """Float (or complex, for the complex step) arithmetic over a leading batch axis."""

    name = "float"
    batched = True

    def __init__(self, batch: int, *, dtype: type = float) -> None:
        self.batch = batch
        self.dtype = dtype

    def const(self, value: sp.Expr) -> np.ndarray:
        return np.full(self.batch, complex(value) if self.dtype is complex else float(value),
                       dtype=self.dtype)

    def full(self, rows: int, cols: int, value: int) -> np.ndarray:
        return np.full((self.batch, rows, cols), value, dtype=self.dtype)

    def eye(self, n: int) -> np.ndarray:
        return np.broadcast_to(np.eye(n, dtype=self.dtype), (self.batch, n, n)).copy()

    def array(self, value: Any) -> np.ndarray:
        arr = np.asarray(value, dtype=self.dtype)
        return arr

    @staticmethod
    def smul(s: np.ndarray, m: np.ndarray) -> np.ndarray:
        return s[:, None, None] * m

    @staticmethod
    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a @ b

    @staticmethod
    def transpose(a: np.ndarray) -> np.ndarray:
        return np.swapaxes(a, -1, -2)

    @staticmethod
    def trace(a: np.ndarray) -> np.ndarray:
        return np.trace(a, axis1=-2, axis2=-1)

    @staticmethod
    def largest(a: np.ndarray) -> np.ndarray:
        return top_entries(a)

    @staticmethod
    def det(a: np.ndarray) -> np.ndarray:
        d = np.linalg.det(a)
        if not np.all(np.isfinite(a)):  # LAPACK's SVD prints "illegal value" lines on ∞ or NaN
            return d
        # singular to float precision (uvᵀ, A - Aᵀ at odd n): the elimination leaves rounding
        # of either sign, and log det(uvᵀ) was -39.5 on one side of an identity and undefined
        # on the other.  Such a determinant is 0, as the 60-digit one is; under the complex
        # step only the real part, as the imaginary part carries the derivative adj(A)ᵀ.
        real = a.real if np.iscomplexobj(a) else a
        singular = np.linalg.cond(real) > SINGULAR_COND
        if not np.any(singular):
            return d
        return np.where(singular, d - d.real, d) if np.iscomplexobj(d) else \
            np.where(singular, 0.0, d)

    @staticmethod
    def inv(a: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(a)):  # LAPACK's SVD prints "illegal value" lines on ∞ or NaN
            raise OutOfRangeError("a matrix with entries beyond floating point")
        cond = np.linalg.cond(a.real if np.iscomplexobj(a) else a)
        if not np.all(np.isfinite(cond)) or np.max(cond) > SINGULAR_COND:
            raise EvaluationError("singular or ill-conditioned matrix")
        return np.linalg.inv(a)

    @staticmethod
    def pow(base: np.ndarray, exp: np.ndarray) -> np.ndarray:
        e = exp if np.ndim(base) == 1 else exp[:, None, None]
        if np.any(np.real(base) == 0) and np.any(np.real(exp) < 0):
            raise EvaluationError("division by zero")
        integral = np.all(np.imag(exp) == 0) and np.all(np.real(exp) == np.round(np.real(exp)))
        if not integral and np.any(np.real(base) <= 0):
            raise EvaluationError("fractional power of a non-positive number")
        return np.power(base, e)

    @staticmethod
    def func(name: str, value: np.ndarray) -> np.ndarray:
        return float_value(name, value)

    @staticmethod
    def diagonal(m: np.ndarray) -> np.ndarray:
        return np.diagonal(m, axis1=-2, axis2=-1)[..., None].copy()

    def diag(self, v: np.ndarray) -> np.ndarray:
        n = v.shape[1]
        out = np.zeros((self.batch, n, n), dtype=self.dtype)
        idx = np.arange(n)
        out[:, idx, idx] = v[:, :, 0]
        return out


# -- a rough value, to see a point out of range before a precise evaluation --------------------
_ROUGH = Precise().mpmath.clone()
_ROUGH.dps = 15
_ROUGH_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sp.Min: lambda *xs: min(xs),
    sp.Max: lambda *xs: max(xs),
}


def rough_value(e: sp.Basic, subs: Mapping[sp.Basic, Any]) -> Any:
    """e's value where its symbols take the values ``subs`` (numbers), in 15 digits, or
    None where this cannot tell; OutOfRangeError as soon as an argument of exp, sin, cos,
    tan or a power is beyond MAX_ARGUMENT.

    Run it before an evaluation that would otherwise find out the hard way: SymPy's N()
    of exp(exp(x·10¹⁵)) at x = 3, mpmath's exp of e^(3·10¹⁵), is_extended_real on such
    a value — each runs for hours or exhausts memory.  Every argument is estimated, so
    that an unknown function cannot hide a huge exponential beneath it."""
    mp = _ROUGH
    if e in subs:
        v = subs[e]
        if isinstance(v, Fraction | sp.Rational):
            return mp.mpf(int(v.numerator)) / int(v.denominator)
        return mp.mpf(v)
    if e.is_Rational:
        return mp.mpf(int(e.p)) / int(e.q)  # type: ignore[attr-defined]
    if e.is_Float or e.is_NumberSymbol:
        return mp.mpf(str(sp.N(e, 20)))
    args = [rough_value(a, subs) if isinstance(a, sp.Basic) else None for a in e.args]
    if not args or any(a is None or not isinstance(a, mp.mpf) or not mp.isfinite(a)
                       for a in args):
        return None
    if isinstance(e, sp.Add):
        return mp.fsum(args)
    if isinstance(e, sp.Mul):
        return mp.fprod(args)
    if isinstance(e, sp.exp | sp.Pow):
        base, power = (mp.e, args[0]) if isinstance(e, sp.exp) else args
        if base == 0 or (base < 0 and power != int(power)):
            return None
        if abs(power * mp.log(abs(base))) > MAX_ARGUMENT:
            raise OutOfRangeError("too large to evaluate")
        return mp.power(base, power)
    fn = next((f for cls, f in _ROUGH_FUNCTIONS.items() if isinstance(e, cls)), None)
    if fn is not None:
        return fn(*args)
    table = lookup(e)
    if table is None:
        return None
    try:
        return table.precise(mp, args[0])  # out of range: OutOfRangeError goes up
    except EvaluationError:
        return None

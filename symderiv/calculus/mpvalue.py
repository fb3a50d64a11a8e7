"""A SymPy expression's value at a point, at a fixed precision and within a work budget.

The element-wise engine differentiates entries symbolically and compares them at drawn
points.  SymPy's ``N()`` would evaluate them *adaptively*: it raises its working precision
until the answer has the digits asked for, and a sum whose terms cancel (the Hessian of
the logistic loss at data up to 1000 has terms near e^(10⁶)) sent it through precisions of
millions of bits for more than a quarter of an hour.  Here every node is evaluated once, in
one mpmath context of fixed precision, so the cost is bounded by the number of nodes — and
that number is bounded too (:data:`MAX_NODES`).  What fixed precision loses to cancellation
is found out by evaluating again at twice the digits (:func:`settle`): a difference that
shrinks with precision is rounding, one that stays is real.

A point is *well conditioned* when every argument of an exponentially growing function
(exp, sinh, cosh, tanh, sigmoid, softplus, expm1, a power with a variable exponent) is at
most :data:`GROWTH_LIMIT` in size; elsewhere a value and its rounding differ by factors
like e^(2t), and the point is refused (OutOfRangeError), so that the caller draws another.
A point where the argument of a non-smooth function (abs, sign, relu, a step, δ) is 0 is
refused as well: a derivative cannot be judged on a kink.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import EvaluationError, OutOfRangeError, UnsupportedError
from .evaluate import Precise
from .functions import MAX_ARGUMENT, lookup

__all__ = ["GROWTH_LIMIT", "MAX_NODES", "BudgetExceeded", "Settled", "mp_context",
           "precise_backend", "settle", "value_at"]

#: |t| up to which exp(t) and its kin leave a comparison at 60 digits well conditioned
#: (e^50 ≈ 5·10²¹: a product or a difference of such values keeps some 40 digits)
GROWTH_LIMIT = 50
#: distinct nodes one evaluation may go through (each one mpmath operation, ~10 µs)
MAX_NODES = 100_000
#: below this size (relative to the context's precision) an irrational argument of a
#: non-smooth function cannot be told apart from 0
_KINK_DIGITS = 30
#: an exact (rational) power of the point is computed only up to this exponent
_EXACT_POWER = 64

_GROWING = frozenset({"exp", "expm1", "sinh", "cosh", "tanh", "sigmoid", "softplus"})


class BudgetExceeded(UnsupportedError):
    """Evaluating would go through more nodes than :data:`MAX_NODES`."""


def mp_context(digits: int) -> Any:
    """A private mpmath context at ``digits`` decimal digits (the global one is left alone)."""
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = digits
    return ctx


def precise_backend(digits: int) -> Precise:
    """The compiled expressions' multiprecision backend at ``digits`` digits."""
    backend = Precise()
    backend.digits = digits  # type: ignore[misc]  # the instance's, for its constants too
    backend.mpmath.dps = digits
    return backend


class _Evaluator:
    """One point, one precision: each distinct node evaluated once (shared subexpressions
    are common in derivatives)."""

    def __init__(self, subs: Mapping[sp.Basic, Fraction], ctx: Any, budget: int,
                 growth: float | None) -> None:
        self.subs = subs
        self.ctx = ctx
        self.budget = budget
        self.growth = growth
        self.memo: dict[sp.Basic, Any] = {}
        self.exact_memo: dict[sp.Basic, Fraction | None] = {}

    def value(self, e: sp.Basic) -> Any:
        got = self.memo.get(e)
        if got is None:
            self.budget -= 1
            if self.budget < 0:
                raise BudgetExceeded(f"evaluating the entries would go through more than "
                                     f"{MAX_NODES:,} subexpressions")
            got = self.memo[e] = self._node(e)
        return got

    def _node(self, e: sp.Basic) -> Any:
        ctx = self.ctx
        if e in self.subs:
            q = self.subs[e]
            return ctx.mpf(q.numerator) / q.denominator
        if e.is_Rational:
            return ctx.mpf(int(e.p)) / int(e.q)  # type: ignore[attr-defined]
        if e.is_Float:
            return ctx.mpf(e)
        if e is sp.pi:
            return +ctx.pi
        if e is sp.E:
            return +ctx.e
        if e.is_NumberSymbol:  # EulerGamma, GoldenRatio…: a constant, evaluated once
            return ctx.mpf(str(e.evalf(ctx.dps + 5)))
        if isinstance(e, sp.Number) or e is sp.I:  # oo, -oo, zoo, nan, I: no real value
            raise EvaluationError("undefined (infinite or not real)")
        if isinstance(e, sp.Add):
            return ctx.fsum(self.value(a) for a in e.args)
        if isinstance(e, sp.Mul):
            return ctx.fprod(self.value(a) for a in e.args)
        if isinstance(e, sp.Pow):
            return self._pow(e)
        if isinstance(e, sp.Min | sp.Max):
            values = [self.value(a) for a in e.args]
            return min(values) if isinstance(e, sp.Min) else max(values)
        if isinstance(e, sp.Derivative | sp.Subs):
            raise EvaluationError("a derivative SymPy could not take")
        table = lookup(e) if isinstance(e, sp.Function) and len(e.args) >= 1 else None
        if table is None:
            raise UnsupportedError(f"no fixed-precision evaluation of {type(e).__name__}")
        if not table.smooth:
            self._off_kink(e.args[0], table.name)
        x = self.value(e.args[0])
        if table.name in _GROWING:
            self._conditioned(x, table.name)
        return table.precise(ctx, x)

    def _pow(self, e: sp.Basic) -> Any:
        base, power = e.args
        b = self.value(base)
        if power.is_Integer:
            k = int(power)
            if b == 0 and k < 0:
                raise EvaluationError("division by zero")
            if b != 0 and abs(k * self.ctx.log(abs(b))) > MAX_ARGUMENT:
                raise OutOfRangeError("a power too large to evaluate")
            return self.ctx.power(b, k)
        p = self.value(power)
        if b < 0:
            raise EvaluationError("a fractional power of a negative number")
        if b == 0:
            if p <= 0:
                raise EvaluationError("0 to a non-positive power")
            return self.ctx.mpf(0)
        growth = p * self.ctx.log(b)
        if abs(growth) > MAX_ARGUMENT:
            raise OutOfRangeError("a power too large to evaluate")
        if not power.is_Number:  # b^p = exp(p log b) with p varying: exponential growth
            self._conditioned(growth, "a power with a variable exponent")
        return self.ctx.power(b, p)

    def _conditioned(self, t: Any, what: str) -> None:
        if self.growth is not None and abs(t) > self.growth:
            raise OutOfRangeError(f"{what} of {float(t):.3g}: beyond {self.growth:g}, a "
                                  "comparison at this point would be ill conditioned")

    def _off_kink(self, arg: sp.Basic, name: str) -> None:
        """EvaluationError where the argument of a non-smooth function is 0 (exactly, or
        within what this precision can tell)."""
        q = self._exact(arg)
        if q is not None:
            if q == 0:
                raise EvaluationError(f"a kink: the argument of {name} is 0 here")
            return
        x = self.value(arg)
        if abs(x) <= self.ctx.mpf(10) ** (_KINK_DIGITS - self.ctx.dps):
            raise EvaluationError(f"the argument of {name} is too close to 0 to tell its sign")

    def _exact(self, e: sp.Basic) -> Fraction | None:
        """e's rational value, or None where it is not rational (or not cheaply so)."""
        if e in self.exact_memo:
            return self.exact_memo[e]
        out: Fraction | None = None
        if e in self.subs:
            out = Fraction(self.subs[e])
        elif e.is_Rational:
            out = Fraction(int(e.p), int(e.q))  # type: ignore[attr-defined]
        elif isinstance(e, sp.Add | sp.Mul):
            parts = [self._exact(a) for a in e.args]
            if all(p is not None for p in parts):
                out = Fraction(0) if isinstance(e, sp.Add) else Fraction(1)
                for p in parts:
                    out = out + p if isinstance(e, sp.Add) else out * p  # type: ignore[operator]
        elif isinstance(e, sp.Pow) and e.args[1].is_Integer and abs(int(e.args[1])) <= _EXACT_POWER:
            b = self._exact(e.args[0])
            if b is not None and (b != 0 or int(e.args[1]) > 0):
                out = b ** int(e.args[1])
        else:
            table = lookup(e) if isinstance(e, sp.Function) and len(e.args) >= 1 else None
            if table is not None:
                x = self._exact(e.args[0])
                out = table.exact(x) if x is not None else None
        self.exact_memo[e] = out
        return out


def value_at(exprs: list[sp.Basic], subs: Mapping[sp.Basic, Fraction], digits: int, *,
             budget: int = MAX_NODES, growth: float | None = GROWTH_LIMIT) -> list[Any]:
    """The values of ``exprs`` where the symbols take the rational values ``subs``, in
    mpmath at ``digits`` digits (one fixed precision, no adaptive refinement).

    Raises EvaluationError where an expression is undefined or on a kink, OutOfRangeError
    where a value is too large or (an argument of a growing function beyond ``growth``;
    None: no limit) the point ill conditioned, BudgetExceeded past ``budget`` distinct
    subexpressions, UnsupportedError for a node it cannot evaluate.
    """
    ev = _Evaluator(subs, mp_context(digits), budget, growth)
    return [ev.value(e if isinstance(e, sp.Basic) else sp.Integer(e)) for e in exprs]


@dataclass(frozen=True, slots=True)
class Settled:
    """The outcome of comparing two lists of values at a precision and again at twice it.

    ``equal``: they agree to ``rtol`` relative to the larger values, or their difference
    shrank with the precision (rounding).  ``stable``: when they differ, the difference is
    the same at both precisions (a real difference); an unstable one means the point is
    ill conditioned and proves nothing.
    """

    equal: bool
    stable: bool
    difference: Any
    refined: bool


def _spread(a: list[Any], b: list[Any]) -> tuple[Any, Any]:
    diff = max((abs(x - y) for x, y in zip(a, b, strict=True)), default=0)
    scale = max((abs(x) for x in (*a, *b)), default=0)
    return diff, scale


#: a rounding error shrinks by about 10⁻⁶⁰ from 60 to 120 digits; a real difference not at all
_SHRINK = 1e-40


def settle(first: tuple[list[Any], list[Any]],
           again: Callable[[], tuple[list[Any], list[Any]]], rtol: float) -> Settled:
    """Compare ``first`` = (expected, claimed) values; where they seem to differ, compare
    ``again()`` (the same values at twice the digits).

    A true identity whose sides cancel to about 0 (10⁻⁶⁵ against 10⁻⁶⁴ at 60 digits) looks
    like a difference relative to its own tiny size; at 120 digits the difference shrinks to
    10⁻¹²⁵ — that is rounding.  A real difference stays what it was.
    """
    d1, s1 = _spread(*first)
    if d1 <= rtol * s1:
        return Settled(True, True, d1, False)
    e2, c2 = again()
    d2, s2 = _spread(e2, c2)
    if d2 <= rtol * s2 or d2 <= d1 * _SHRINK:
        return Settled(True, True, d2, True)
    stable = (abs(d2 - d1) <= 1e-6 * d2
              and all(abs(x - y) <= 1e-6 * max(abs(y), d2)
                      for x, y in zip((*first[0], *first[1]), (*e2, *c2), strict=True)))
    return Settled(False, bool(stable), d2, True)

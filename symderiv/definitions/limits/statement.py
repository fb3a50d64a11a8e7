"""The statement lim_{x→a} f(x) = L as its definition, and the conventions it is read with.

lim_{x→+0} 1/x = ∞ reads "for every R there is a δ > 0 with 0 < x < δ ⇒ 1/x > R".
:class:`Limit` is that statement, inert (:func:`~.check.check_limit` decides it), read
from text by :func:`make_limit`; a witness δ(ε), δ(R), N(ε) or N(R) is read in ``eps``
or ``R``.  ``_Query`` is the statement's negation with the witness put in: what a
counterexample (ε or R, and x) must satisfy, which the prover hands to z3 and the
search tries to satisfy.

Quantifiers are explicit: the talk quantifies over every R ∈ ℝ, where δ = 1/R breaks
at R ≤ 0; by default R ranges over R > 0 (for L = +∞; R < 0 for −∞), which loses
nothing — a δ that works for R = 1 works for every R ≤ 1 — and ``all_reals=True``
checks the literal statement.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import sympy as sp

from ...errors import ArgumentError, ParseError
from ...parse.values import Term, evaluate, parse_value
from ..exact import ExactArithmetic

__all__ = ["Limit", "make_limit"]

Side = Literal["+", "-"] | None
#: names the definition itself uses: the witness is written in eps (or e, epsilon) or R (M)
RESERVED = frozenset({"eps", "epsilon", "e", "R", "M", "delta", "N"})
LIMIT_FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "abs", "Abs", "Min", "Max")


@dataclass(frozen=True, slots=True)
class Limit:
    """The statement lim_{x→a} f(x) = L (from one ``side`` or both), not yet decided.

    ``a`` and ``L`` are SymPy numbers or ±oo.  ``quantity`` is what player A names
    (``eps`` for a finite L, ``R`` for an infinite one); ``answer`` what B names
    (``delta`` at a finite point, ``N`` at ±∞).
    """

    f: sp.Basic
    x: sp.Symbol
    a: sp.Basic
    L: sp.Basic
    side: Side = None
    f_text: str = ""
    f_term: Term | None = None

    @property
    def quantity(self) -> str:
        return "R" if self.L.is_infinite else "eps"

    @property
    def answer(self) -> str:
        return "N" if self.a.is_infinite else "delta"

    @property
    def kind(self) -> str:
        """``ε-δ``, ``R-δ``, ``ε-N`` or ``R-N``."""
        return ("R" if self.L.is_infinite else "ε") + "-" + ("N" if self.a.is_infinite else "δ")

    def statement(self, *, latex: bool = False, all_reals: bool = False) -> str:
        """The quantified formula, e.g. ∀ε > 0 ∃δ > 0 ∀x: 0 < |x − 3| < δ ⇒ |f(x) − 9| < ε."""
        from ...render.limits import statement

        return statement(self, latex=latex, all_reals=all_reals)


# -- reading the statement ------------------------------------------------------------

def _point(text: object, what: str) -> sp.Basic:
    """A point or a limit value: a real number, oo / inf, -oo / -inf."""
    if isinstance(text, sp.Basic):
        if text in (sp.oo, -sp.oo) or (text.is_number and text.is_extended_real is True
                                         and text.is_finite):
            return text
        raise ParseError(f"{text} is not a real number or ±oo", what=what)
    if isinstance(text, float):
        if math.isnan(text):
            raise ParseError("nan is not a real number or ±oo", what=what)
        return sp.oo if text == math.inf else -sp.oo if text == -math.inf else \
            sp.Rational(*text.as_integer_ratio())
    if isinstance(text, int | Fraction):
        return sp.Rational(text)
    term = parse_value(text, what=what)
    sign = 1
    inner = term
    while inner.op == "neg":
        sign, inner = -sign, inner.args[0]
    if inner.op == "const" and inner.value == "oo":
        return sign * sp.oo
    value = evaluate(term, ExactArithmetic({}, what, str(text).strip()))
    if not (value.is_number and value.is_extended_real):
        raise ParseError(f"{text!r} is not a real number or ±oo", source=str(text), what=what)
    return value


def make_limit(f: str, *, at: object, claim: object, side: str | None = None,
               var: str | None = None) -> Limit:
    """Read ``lim_{var→at(side)} f = claim`` from text into a :class:`Limit`; without
    ``var``, the function's only name is the variable (``1/n`` is about n)."""
    if var is None:
        names = parse_value(f, names=lambda n: n.isascii() and n.isalnum(), what="function",
                            functions=LIMIT_FUNCTIONS).names()
        if len(names) > 1:
            raise ArgumentError(f"the function has the names {', '.join(sorted(names))}: say "
                                "which is the variable (--var)")
        var = next(iter(names), "x")
    if not (var.isascii() and var.isidentifier() and var.isalnum()):
        raise ArgumentError(f"{var!r} is not a variable name (write e.g. x or n)")
    if var in RESERVED:
        raise ArgumentError(f"the variable cannot be called {var!r}: that name belongs to the "
                            "definition (ε is eps, then R, δ, N); rename it, e.g. --var x")
    if side not in (None, "+", "-"):
        raise ArgumentError(f"side must be '+', '-' or None, not {side!r}")
    x = sp.Symbol(var, real=True)
    term = parse_value(f, names=[var], what="function", functions=LIMIT_FUNCTIONS)
    expr = evaluate(term, ExactArithmetic({var: x}, "function", str(f).strip()))
    a, L = _point(at, "point"), _point(claim, "claimed limit")
    if a.is_infinite and side is not None:
        raise ArgumentError("a limit at ±oo has no side (x → oo comes from below)")
    return Limit(expr, x, a, L, side, term.text, term)


def _witness(text: object, limit: Limit) -> tuple[sp.Basic, str]:
    q = sp.Symbol(limit.quantity, real=True)
    names = ["eps", "epsilon", "e"] if limit.quantity == "eps" else ["R", "M"]
    term = parse_value(text, names=names, what="witness", functions=LIMIT_FUNCTIONS)
    symbols = {n: q for n in names}
    return evaluate(term, ExactArithmetic(symbols, "witness", str(text).strip())), term.text


def _quantified(limit: Limit, all_reals: bool) -> str:
    """The range of ε or R in words, with why R > 0 (or R < 0) is enough."""
    if limit.quantity == "eps":
        return "every ε > 0"
    if all_reals:
        return "every real R (the literal statement)"
    name = "a δ" if limit.answer == "delta" else "an N"
    return (f"every R > 0 (enough: {name} that works for R = 1 works for every R ≤ 1)"
            if limit.L > 0 else
            f"every R < 0 (enough: {name} that works for R = −1 works for every R ≥ −1)")


# -- the negated statement, for z3 and for the search --------------------------------

@dataclass(frozen=True, slots=True)
class _Query:
    """What a counterexample (q, x) must satisfy: q in its range, x in the neighbourhood
    that the witness w(q) gives, f defined at x, and the conclusion false at x."""

    limit: Limit
    q: sp.Symbol
    w: sp.Basic
    all_reals: bool
    q_value: sp.Basic | None = None  # one round of the game: A's ε or R, fixed

    def q_range(self, q: Any, conv: Callable[[sp.Basic], Any] = lambda v: v) -> list[Any]:
        """q's range: ε > 0, R > 0 (R < 0 for −∞) or every R; one value in a game round.
        ``conv`` turns SymPy numbers into the solver's (identity for exact checks)."""
        if self.q_value is not None:
            return [sp.Eq(q, self.q_value)] if isinstance(q, sp.Basic) else \
                [q == conv(self.q_value)]
        if self.limit.quantity == "eps":
            return [q > 0]
        if self.all_reals:
            return []
        return [q > 0] if self.limit.L > 0 else [q < 0]

    def neighbourhood(self, x: Any, w: Any, conv: Callable[[sp.Basic], Any] = lambda v: v
                      ) -> list[Any]:
        lim = self.limit
        if lim.a is sp.oo:
            return [x > w]
        if lim.a is -sp.oo:
            return [x < w]
        a = conv(lim.a)
        if lim.side == "+":
            return [x > a, x < a + w]
        if lim.side == "-":
            return [x < a, x > a - w]
        return [x != a, x > a - w, x < a + w]

    def conclusion_false(self, fx: Any, q: Any, absolute: Callable[[Any], Any],
                         conv: Callable[[sp.Basic], Any] = lambda v: v) -> Any:
        L = self.limit.L
        if L is sp.oo:
            return fx <= q
        if L is -sp.oo:
            return fx >= q
        return absolute(fx - conv(L)) >= q

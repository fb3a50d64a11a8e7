"""The prover: the negated statement, with the witness put in, handed to z3.

With a witness — δ(ε), δ(R), N(ε) or N(R) — the negation of the statement is handed to
an SMT solver for nonlinear real arithmetic (z3): *unsatisfiable* is a proof; a model
is a counterexample (ε or R, and x), which the search re-checks in exact arithmetic
before it is reported.  sin and cos enter z3 as unknowns in [−1, 1]: a proof with that
relaxation is a proof, a model is only a candidate.  What z3 cannot take (exp, log,
irrational powers, powers above ``MAX_Z3_POWER``) is left to the search.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from ...errors import UnsupportedError
from .statement import _Query

#: milliseconds z3 may take on one query
Z3_TIMEOUT_MS = 4000
#: highest integer power handed to z3; beyond, the search alone decides
MAX_Z3_POWER = 64


class _Unsupported(Exception):
    """An expression z3 cannot take (exp, log, irrational powers)."""


class _ToZ3:
    """SymPy → z3 real arithmetic.  Division, roots and sin/cos add side conditions;
    sin/cos become unknowns in [−1, 1] (``relaxed``)."""

    def __init__(self, z3: Any, variables: dict[sp.Symbol, Any], ctx: Any) -> None:
        self.z3 = z3
        self.ctx = ctx
        self.vars = variables
        self.defs: list[Any] = []  # what auxiliary unknowns are (r² = b, −1 ≤ s ≤ 1)
        self.side: list[Any] = []  # where the expression is defined (b ≥ 0, d ≠ 0)
        self.relaxed = False
        self._fresh = 0

    def fresh(self) -> Any:
        self._fresh += 1
        return self.z3.Real(f"aux{self._fresh}", self.ctx)

    def abs(self, e: Any) -> Any:
        return self.z3.If(e >= 0, e, -e)

    def __call__(self, e: sp.Basic) -> Any:
        z3 = self.z3
        if e in self.vars:
            return self.vars[e]
        if e.is_Rational:
            return z3.RealVal(f"{e.p}/{e.q}", self.ctx)
        if isinstance(e, sp.Add):
            return sum((self(a) for a in e.args[1:]), self(e.args[0]))
        if isinstance(e, sp.Mul):
            out = self(e.args[0])
            for a in e.args[1:]:
                out = out * self(a)
            return out
        if isinstance(e, sp.Pow):
            base, ex = e.base, e.exp
            if ex.is_Integer:
                if abs(ex) > MAX_Z3_POWER:  # nonlinear solving stalls on x**2000
                    raise _Unsupported(f"the power {e} (z3 takes powers up to {MAX_Z3_POWER})")
                b = self(base)
                n = abs(int(ex))
                p = b
                for _ in range(n - 1):
                    p = p * b
                if ex > 0:
                    return p
                self.side.append(b != 0)
                return 1 / p
            if ex.is_Rational and ex.q in (2, 3) and abs(ex.p) <= 8:
                # r = base^(1/q); a real power needs base ≥ 0 (see 'symderiv exponents')
                r = self.fresh()
                b = self(base)
                self.defs.extend([r * r == b if ex.q == 2 else r * r * r == b, r >= 0])
                self.side.append(b >= 0)
                return _power(r, ex.p, self)
            raise _Unsupported(f"the power {e}")
        if isinstance(e, sp.Abs):
            return self.abs(self(e.args[0]))
        if isinstance(e, sp.Min | sp.Max):
            items = [self(a) for a in e.args]
            out = items[0]
            for item in items[1:]:
                out = z3.If(item < out, item, out) if isinstance(e, sp.Min) else \
                    z3.If(item > out, item, out)
            return out
        if isinstance(e, sp.sin | sp.cos):
            self(e.args[0])  # its side conditions (1/x must be defined)
            self.relaxed = True
            s = self.fresh()
            self.defs.extend([s >= -1, s <= 1])
            return s
        raise _Unsupported(f"{type(e).__name__} ({e})")


def _power(r: Any, p: int, conv: _ToZ3) -> Any:
    out = r
    for _ in range(abs(p) - 1):
        out = out * r
    if p > 0:
        return out
    conv.side.append(r != 0)
    return 1 / out


def _z3() -> Any:
    try:
        import z3
    except ImportError as exc:  # pragma: no cover - z3-solver is a dependency
        raise UnsupportedError("witness proofs need the z3-solver package "
                               "(pip install z3-solver)") from exc
    return z3


def _rational(z3: Any, value: Any) -> Fraction:
    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    text = value.approx(40).as_decimal(40).rstrip("?")  # an algebraic number
    return Fraction(text)


def _z3_search(query: _Query) -> tuple[str, tuple[Fraction, Fraction] | None, bool]:
    """z3 on the negated statement: ('proved', None), ('model', (q, x), relaxed),
    ('unknown', …) or ('unsupported', …)."""
    z3 = _z3()
    lim = query.limit
    ctx = z3.Context()  # a fresh context: the same query always gets the same answer
    qv, xv = z3.Real("q", ctx), z3.Real("x", ctx)
    conv = _ToZ3(z3, {query.q: qv, lim.x: xv}, ctx)
    try:
        w = conv(query.w)
        fx = conv(lim.f)
        constraints = [*query.q_range(qv, conv), *conv.defs, *conv.side,
                       *query.neighbourhood(xv, w, conv),
                       query.conclusion_false(fx, qv, conv.abs, conv)]
        if not lim.a.is_infinite:
            constraints.append(w > 0)
        solver = z3.Solver(ctx=ctx)
        solver.set("timeout", Z3_TIMEOUT_MS)
        solver.add(*constraints)
        answer = solver.check()
        if answer == z3.unsat:
            return "proved", None, False
        if answer == z3.sat:
            model = solver.model()
            q = _rational(z3, model.eval(qv, model_completion=True))
            x = _rational(z3, model.eval(xv, model_completion=True))
            return "model", (q, x), conv.relaxed
        return f"unknown ({solver.reason_unknown()})", None, conv.relaxed
    except _Unsupported as exc:
        return f"unsupported: {exc}", None, False
    except (z3.Z3Exception, ValueError, ArithmeticError) as exc:
        return f"unknown (z3: {exc})", None, False


def _z3_not_positive(query: _Query) -> Fraction | None:
    """A q in range where the witness is undefined or (for δ) not positive, found by z3.
    Both are refuted, not assumed: δ(ε) must be a positive number for *every* ε."""
    lim = query.limit
    z3 = _z3()
    ctx = z3.Context()
    qv = z3.Real("q", ctx)
    conv = _ToZ3(z3, {query.q: qv}, ctx)
    try:
        w = conv(query.w)
        bad = [z3.Not(z3.And(*conv.side))] if conv.side else []
        if not lim.a.is_infinite:
            bad.append(w <= 0)
        if not bad:
            return None
        solver = z3.Solver(ctx=ctx)
        solver.set("timeout", Z3_TIMEOUT_MS)
        solver.add(*query.q_range(qv, conv), *conv.defs, z3.Or(*bad))
        if solver.check() == z3.sat:
            return _rational(z3, solver.model().eval(qv, model_completion=True))
    except (_Unsupported, z3.Z3Exception, ValueError, ArithmeticError):
        return None
    return None

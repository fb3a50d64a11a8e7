"""For a claim SymPy's limits confirm, a witness of the usual shapes is proposed.

δ = min(r, (ε/K)ᵖ) with K above the slope |f(x) − L| / |x − a| sampled near a;
δ = c/|R|ᵖ; N = ±c/εᵖ; N = ±(c|R|ᵖ + c) — the likeliest first, each tried by z3
within ``SYNTHESIS_BUDGET_S``.
"""

from __future__ import annotations

import math
import time

import sympy as sp

from .prover import _z3_search
from .search import _mp_function, _witness_invalid
from .statement import Limit, _Query

#: seconds spent looking for a provable witness of the usual shapes
SYNTHESIS_BUDGET_S = 12.0


def _candidate_witnesses(limit: Limit) -> list[sp.Basic]:
    """δ(ε), δ(R), N(ε) or N(R) of the usual shapes, the likeliest first."""
    q = sp.Symbol(limit.quantity, real=True)
    if limit.a.is_infinite:
        sign = 1 if limit.a is sp.oo else -1  # N is large, or very negative at −∞
        if limit.quantity == "eps":
            return [sign * c / q**p for p in (1, 2, sp.Rational(1, 2), 3)
                    for c in (1, 2, 10, 100)]
        return [sign * (c * sp.Abs(q) ** p + c) for p in (1, 2, sp.Rational(1, 2), 3)
                for c in (1, 2, 10)]
    if limit.L.is_infinite:
        return [c / sp.Abs(q) ** p for p in (1, sp.Rational(1, 2), sp.Rational(1, 3), 2)
                for c in (1, sp.Rational(1, 2), sp.Rational(1, 10), sp.Rational(1, 100))]
    out = []
    for k in _slopes(limit):
        for p in (1, 2, 3):
            for r in (1, sp.Rational(1, 2), sp.Rational(1, 10)):
                out.append(sp.Min(r, (q / k) ** p))
    return out


def _slopes(limit: Limit) -> list[sp.Basic]:
    """Nice numbers K above |f(x) − L| / |x − a| near a (sampled): δ = ε/K is the guess."""
    g = _mp_function(limit.x, (limit.f - limit.L) / (limit.x - limit.a))
    biggest = 0.0
    for k in range(1, 200):
        for sign in (1, -1):
            if limit.side and (sign > 0) != (limit.side == "+"):
                continue
            try:
                v = abs(complex(g(float(limit.a) + sign * k / 200)))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if math.isfinite(v):
                biggest = max(biggest, v)
    start = max(1, math.ceil(biggest * 1.01))
    return [sp.Integer(start), sp.Integer(2 * start), sp.Integer(10 * start)]


def _proved_witness(limit: Limit, all_reals: bool, start: float
                    ) -> tuple[sp.Basic | None, list[str]]:
    """The first candidate that z3 proves, or None after 12 failed tries or when the
    check (begun at ``start``) has taken ``SYNTHESIS_BUDGET_S``; and what was tried."""
    q = sp.Symbol(limit.quantity, real=True)
    tried: list[str] = []
    for candidate in _candidate_witnesses(limit):
        query = _Query(limit, q, candidate, all_reals)
        if _witness_invalid(query) is not None:
            continue
        status, _point, _relaxed = _z3_search(query)
        if status == "proved":
            return candidate, tried
        tried.append(f"{sp.sstr(candidate)}: z3 {status}")
        if len(tried) >= 12 or time.perf_counter() - start > SYNTHESIS_BUDGET_S:
            break
    return None, tried

"""The search for a counterexample, and the exact re-check of every candidate.

Where z3 cannot be used (exp, log) or does not answer, an adversarial search looks for
a counterexample (ε on a log grid, x at the edges and inside the δ-neighbourhood), then
Hypothesis hunts for one and shrinks it towards simple numbers.  f is evaluated with
mpmath; every candidate — the search's, Hypothesis's or a model of z3 — is re-checked
in exact arithmetic before it is reported.  The witness itself is tried first at
sample values of ε or R: δ must be a positive number, N a number.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ...calculus.evaluate import rough_value
from ...errors import OutOfRangeError
from .statement import Limit, _Query


class _TooLarge(OverflowError):
    """A point where f is too large to evaluate (exp(exp(10¹⁸))): defined, but skipped."""


def _mp_function(x: sp.Symbol, e: sp.Basic) -> Callable[[Any], Any]:
    """e as an mpmath function of x, which raises _TooLarge (an OverflowError, which the
    searches skip) at points where evaluating it would take hours or all memory."""
    f = sp.lambdify(x, e, "mpmath")

    def at(v: Any) -> Any:
        try:
            rough_value(e, {x: v})
        except OutOfRangeError:
            raise _TooLarge(f"{e} is too large to evaluate at {x} = {v}") from None
        return f(v)
    return at


def _at(w: sp.Basic, q: sp.Symbol, value: Fraction) -> sp.Basic | None:
    """The witness at q = value, or None where SymPy finds it undefined (Min(1, zoo))."""
    try:
        return w.subs(q, sp.Rational(value.numerator, value.denominator))
    except (ValueError, TypeError, ZeroDivisionError):
        return None


def _witness_invalid(query: _Query) -> tuple[str, Fraction] | None:
    """A q in range where the witness is not a positive number (δ must be > 0; N must be
    a number): ('undefined' | 'not positive', q)."""
    lim = query.limit
    candidates = [Fraction(k) for k in (1, 2, 10, 100, 1000)] + \
        [Fraction(1, k) for k in (2, 10, 100, 1000, 10**6)]
    if query.all_reals and lim.quantity == "R":
        candidates = [Fraction(0), Fraction(-1), Fraction(-10), Fraction(-1, 2), *candidates]
    elif lim.quantity == "R" and lim.L < 0:
        candidates = [-c for c in candidates]
    for c in candidates:
        value = _at(query.w, query.q, c)
        if value is None or value.has(sp.nan, sp.zoo) or not value.is_extended_real \
                or value.is_infinite:
            return "undefined", c
        if not lim.a.is_infinite and not bool(value > 0):
            return "not positive", c
    return None


def _exact_check(query: _Query, q: Fraction, x: Fraction) -> dict[str, str] | None:
    """(q, x) re-checked exactly: the counterexample as text, or None if it is not one."""
    lim = query.limit
    qs, xs = sp.Rational(q.numerator, q.denominator), sp.Rational(x.numerator, x.denominator)
    w = query.w.subs(query.q, qs)
    fx = lim.f.subs(lim.x, xs)
    if fx.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not fx.is_extended_real:
        return None
    inside = all(bool(c) for c in query.neighbourhood(xs, w)) and \
        (lim.a.is_infinite or bool(w > 0))
    in_range = all(bool(c) for c in query.q_range(qs))
    false = bool(query.conclusion_false(fx, qs, sp.Abs))
    if not (inside and in_range and false):
        return None
    return {lim.quantity: str(qs), lim.answer: _shown(w), lim.x.name: str(xs),
            f"f({lim.x.name})": _shown(fx)}


def _shown(v: sp.Basic) -> str:
    try:
        text = str(v)
    except ValueError:  # (10⁻⁶)⁴⁰⁹⁶: beyond the 4300 digits Python writes (found by fuzzing)
        return f"≈ {sp.N(v, 6)}"
    if len(text) > 40 or not v.is_Rational:
        approx = sp.N(v, 6)
        return text if text == str(approx) else f"{text} ≈ {approx}"
    return text


def _fraction(v: sp.Basic) -> Fraction:
    """A real number as a Fraction: exact for a rational (from its integers, not its text:
    N = R¹⁰⁰⁰ has more digits than str() writes), else to 30 digits."""
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    return Fraction(str(sp.N(v, 30)))


def _search(query: _Query, rng: random.Random, budget: int = 3000
            ) -> tuple[dict[str, str] | None, int]:
    """Look for a counterexample: q on a log grid (both signs for R over all reals), x at
    the edges of the neighbourhood, at geometric distances inside it, and at random."""
    lim = query.limit
    qs = [Fraction(10) ** k for k in range(-6, 4)] + [Fraction(k, 2) for k in (1, 3, 5, 13)]
    if query.q_value is not None:
        qs = [_fraction(query.q_value)]
    if lim.quantity == "R" and query.q_value is None:
        qs = [Fraction(k) for k in (1, 2, 5, 10, 100, 10**4, 10**6)] + [Fraction(1, 2)]
        if lim.L < 0:
            qs = [-q for q in qs]
        if query.all_reals:
            qs += [-q for q in qs]
    fractions = [1 - Fraction(1, 10**9), Fraction(999, 1000), Fraction(9, 10), Fraction(1, 2),
                 Fraction(1, 10), Fraction(1, 1000), Fraction(1, 10**6)]
    tried = 0
    f = _mp_function(lim.x, lim.f)
    for q in qs:
        w = query.w.subs(query.q, sp.Rational(q.numerator, q.denominator))
        if not (w.is_number and w.is_extended_real and w.is_finite):
            continue
        wq = _fraction(w)
        points = _candidates(lim, wq, fractions, rng)
        for x in points:
            tried += 1
            if tried > budget:
                return None, tried
            try:
                import mpmath

                with mpmath.workdps(40):
                    value = f(mpmath.mpf(x.numerator) / x.denominator)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if not isinstance(value, mpmath.mpf):
                continue
            if _numeric_false(lim, value, q):
                found = _exact_check(query, q, x)
                if found is not None:
                    return found, tried
    return None, tried


def _hypothesis_search(query: _Query, examples: int = 400) -> tuple[dict[str, str] | None, int]:
    """Let Hypothesis hunt for (q, x): it explores the ranges and, when it finds a point
    where the conclusion fails, shrinks it towards simple numbers.  Derandomized, so a run
    is reproducible; each hit is re-checked exactly."""
    import mpmath
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample

    lim = query.limit
    big = Fraction(10**6)
    if query.q_value is not None:
        qs = st.just(_fraction(query.q_value))
    elif lim.quantity == "eps":
        qs = st.fractions(Fraction(1, 10**6), Fraction(1000), max_denominator=10**6)
    elif query.all_reals:
        qs = st.fractions(-big, big, max_denominator=1000)
    else:
        sign = 1 if lim.L > 0 else -1
        qs = st.fractions(Fraction(1, 1000), big, max_denominator=1000).map(lambda r: sign * r)
    ts = st.fractions(Fraction(0), Fraction(1), max_denominator=10**9).filter(lambda t: 0 < t < 1)
    signs = st.sampled_from([1] if lim.side == "+" else [-1] if lim.side == "-" else [1, -1])
    f = _mp_function(lim.x, lim.f)
    count = 0
    found: dict[str, str] | None = None

    def point(q: Fraction, t: Fraction, sign: int) -> Fraction | None:
        w = _at(query.w, query.q, q)
        if w is None or not (w.is_number and w.is_extended_real and w.is_finite):
            return None
        wq = _fraction(w)
        if lim.a.is_infinite:  # x beyond N: t → offset in (0, 10⁶)
            return wq + (1 if lim.a is sp.oo else -1) * t * big
        if wq <= 0:
            return None
        a = _fraction(lim.a)
        return a + sign * wq * t

    def breaks(example: tuple[Fraction, Fraction, int]) -> bool:
        nonlocal count, found
        count += 1
        q, t, sign = example
        x = point(q, t, sign)
        if x is None:
            return False
        try:
            with mpmath.workdps(40):
                value = f(mpmath.mpf(x.numerator) / x.denominator)
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return False
        if not isinstance(value, mpmath.mpf) or not _numeric_false(lim, value, q):
            return False
        checked = _exact_check(query, q, x)
        if checked is not None:
            found = checked
        return checked is not None

    try:
        find(st.tuples(qs, ts, signs), breaks,
             settings=settings(max_examples=examples, database=None, derandomize=True,
                               deadline=None, suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        return None, count
    return found, count


def _numeric_false(lim: Limit, value: Any, q: Fraction) -> bool:
    qf = float(q)
    if lim.L is sp.oo:
        return bool(value <= qf)
    if lim.L is -sp.oo:
        return bool(value >= qf)
    return bool(abs(value - float(lim.L)) >= qf)


def _candidates(lim: Limit, w: Fraction, fractions: Sequence[Fraction], rng: random.Random
                ) -> list[Fraction]:
    if lim.a.is_infinite:
        sign = 1 if lim.a is sp.oo else -1
        scale = max(abs(w), Fraction(1))
        return [w + sign * d for d in (Fraction(1, 10**9), Fraction(1, 2), Fraction(1),
                                        scale, 10 * scale, 1000 * scale)]
    a = _fraction(lim.a)
    out = []
    for t in [*fractions, *(Fraction(rng.random()).limit_denominator(10**6) for _ in range(8))]:
        if t <= 0:
            continue
        if lim.side in (None, "+"):
            out.append(a + w * t)
        if lim.side in (None, "-"):
            out.append(a - w * t)
    return out

"""The decision: :func:`check_limit` and its answer, :class:`LimitCheck`.

* **With a witness** — δ(ε), δ(R), N(ε) or N(R) — the witness must be a positive number
  (δ) or a number (N) for every ε or R in range; then the negation of the statement
  goes to z3 (:mod:`.prover`): *unsatisfiable* is a proof, a model is re-checked
  exactly; where z3 cannot be used or does not answer, the search (:mod:`.search`)
  looks for a counterexample.  Neither found: undecided.
* **Without a witness** — is the claim true at all? — SymPy's one-sided limits decide
  it (:mod:`.one_sided`), and for a true claim symderiv proposes a witness and tries
  to prove it (:mod:`.witnesses`).

Before either, f must be defined at points arbitrarily close to a: without that, the
statement is vacuously true and the limit is not defined.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

from .one_sided import _describe, _Sides
from .prover import _z3_not_positive, _z3_search
from .search import (
    _at,
    _exact_check,
    _hypothesis_search,
    _mp_function,
    _search,
    _TooLarge,
    _witness_invalid,
)
from .statement import Limit, _quantified, _Query, _witness, make_limit
from .witnesses import _proved_witness

__all__ = ["LimitCheck", "check_limit"]


@dataclass(frozen=True, slots=True)
class LimitCheck:
    """:func:`check_limit`'s answer.

    ``outcome`` is ``holds``/``fails``/``undecided``; ``method`` how it was decided
    (``proof`` by z3, ``counterexample``, ``sampling`` or ``limits`` — SymPy's one-sided
    limits); ``witness`` the δ(ε)/N(R)… checked (``proposed`` when symderiv chose it,
    ``proved`` when z3 proved it); ``counterexample`` maps ``eps``/``R``, ``delta``/``N``,
    ``x`` and ``f(x)`` to exact values (as text); ``one_sided`` SymPy's limits.
    """

    limit: Limit
    outcome: Literal["holds", "fails", "undecided"]
    method: str
    reason: str
    quantified: str
    all_reals: bool
    witness: sp.Basic | None = None
    witness_text: str | None = None
    proposed: bool = False
    proved: bool = False
    counterexample: dict[str, str] | None = None
    one_sided: dict[str, str] = field(default_factory=dict)
    tried: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return {"holds": 0, "fails": 1, "undecided": 3}[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        from ...render.json import limit_to_dict

        return limit_to_dict(self)

    def __str__(self) -> str:
        from ...render.text import render_limit

        return render_limit(self)

    def _repr_latex_(self) -> str:
        from ...render.latex import render_limit

        return render_limit(self)


# -- the check ------------------------------------------------------------------------

def _defined_near(limit: Limit) -> bool:
    """Whether f is defined at points arbitrarily close to a (on the side that matters):
    without that, the statement is vacuous and the limit is not defined."""
    f = _mp_function(limit.x, limit.f)
    import mpmath

    def defined(x: Any) -> bool:
        try:
            with mpmath.workdps(30):
                value = f(x)
        except _TooLarge:  # exp(exp(10¹⁸)): a value, just not one to compute
            return True
        except (ZeroDivisionError, ValueError, OverflowError, TypeError):
            return False
        return isinstance(value, mpmath.mpf) and mpmath.isfinite(value)

    if limit.a.is_infinite:
        sign = 1 if limit.a is sp.oo else -1
        return all(any(defined(mpmath.mpf(sign) * 10 ** (k + j)) for j in range(3))
                   for k in (3, 6, 12))
    a = mpmath.mpf(str(sp.N(limit.a, 30)))
    signs = [1] if limit.side == "+" else [-1] if limit.side == "-" else [1, -1]
    return any(all(any(defined(a + s * mpmath.mpf(10) ** -(k + j) * (1 + mpmath.mpf(j) / 7))
                       for j in range(3)) for k in (2, 5, 9, 14))
               for s in signs)


def _refutation(limit: Limit, cx: dict[str, str] | None) -> str:
    """Why the witness fails at the counterexample, in words."""
    if not cx:
        return "the witness does not work"
    if "why" in cx:
        return cx["why"]
    q = "ε" if limit.quantity == "eps" else "R"
    name = "δ" if limit.answer == "delta" else "N"
    x = limit.x.name
    fx = cx[f"f({x})"]
    broken = (f"f({x}) = {fx} ≤ R" if limit.L is sp.oo else f"f({x}) = {fx} ≥ R"
              if limit.L is -sp.oo else f"|f({x}) − {limit.L}| ≥ ε with f({x}) = {fx}")
    return (f"for {q} = {cx[limit.quantity]} the witness gives {name} = {cx[limit.answer]}, "
            f"and {x} = {cx[x]} lies in that neighbourhood, yet {broken}")


def _decide_witness(query: _Query, rng: random.Random) -> tuple[str, dict[str, str] | None,
                                                                list[str]]:
    """('proved' | 'fails' | 'undecided', counterexample, what was tried)."""
    tried = []
    invalid = _witness_invalid(query)
    lim = query.limit
    if invalid is None:
        bad = _z3_not_positive(query)
        if bad is not None:
            value = _at(query.w, query.q, bad)
            defined = value is not None and value.is_number and bool(
                value.is_extended_real) and bool(value.is_finite) and \
                not value.has(sp.nan, sp.zoo)
            invalid = ("not positive" if defined else "undefined"), bad
    if invalid is not None:
        why, q = invalid
        # δ is a radius, so positive; N at ±∞ is any real number, negative ones too
        name, kind = ("δ", "a positive number") if lim.answer == "delta" else ("N", "a real number")
        sym = "ε" if lim.quantity == "eps" else "R"
        return "fails", {lim.quantity: str(q), lim.answer: why,
                         "why": f"{name}({sym}) must be {kind} for every "
                                f"{sym} in range; at {sym} = {q} it is {why}"}, tried
    status, point, relaxed = _z3_search(query)
    tried.append(f"z3: {status if status != 'model' else 'found a candidate point'}")
    if status == "proved":
        return "proved", None, tried
    if point is not None:
        found = _exact_check(query, *point)
        if found is not None:
            return "fails", found, tried
        tried.append("the candidate did not survive the exact re-check"
                     + (" (sin/cos were relaxed to [−1, 1])" if relaxed else ""))
    found, count = _search(query, rng)
    tried.append(f"adversarial search: {count} points")
    if found is not None:
        return "fails", found, tried
    found, count = _hypothesis_search(query)
    tried.append(f"Hypothesis: {count} generated (ε or R, x) pairs")
    if found is not None:
        return "fails", found, tried
    return "undecided", None, tried


@dataclass(frozen=True, slots=True)
class _Answer:
    """What every answer of one :func:`check_limit` call shares: the limit, its quantifier
    in words and SymPy's one-sided limits; :meth:`give` adds the time taken since ``start``."""

    limit: Limit
    quantified: str
    all_reals: bool
    one_sided: dict[str, str]
    start: float

    def give(self, outcome: Literal["holds", "fails", "undecided"], method: str, reason: str,
             **found: Any) -> LimitCheck:
        return LimitCheck(self.limit, outcome, method, reason, self.quantified,
                          self.all_reals, one_sided=self.one_sided,
                          seconds=time.perf_counter() - self.start, **found)


def _check_witness(answer: _Answer, w: sp.Basic, w_text: str, sides: _Sides,
                   rng: random.Random) -> LimitCheck:
    """The given witness proved, refuted with a counterexample, or neither (undecided)."""
    limit = answer.limit
    q = sp.Symbol(limit.quantity, real=True)
    status, cx, tried = _decide_witness(_Query(limit, q, w, answer.all_reals), rng)
    if status == "proved":
        return answer.give("holds", "proof", "z3 proved that the negation of the statement "
                           "with this witness has no solution", witness=w, witness_text=w_text,
                           proved=True, tried=tuple(tried))
    notes: list[str] = []
    if status == "fails":
        if answer.all_reals and limit.quantity == "R" and cx is not None and \
                cx.get(limit.answer) in ("undefined", "not positive"):
            safe = w.subs(q, sp.Max(q, 1) if limit.L > 0 else sp.Min(q, -1))
            notes.append(f"over all real R, try {sp.sstr(safe)}: it equals the witness "
                         "where that works and is positive everywhere")
        return answer.give("fails", "counterexample", _refutation(limit, cx), witness=w,
                           witness_text=w_text, counterexample=cx, tried=tuple(tried),
                           notes=tuple(notes))
    if not sides.true:
        notes.append("SymPy's limits say the claim itself is false: "
                     + "; ".join(f"{s or 'x → ' + str(limit.a)}: {v}"
                                 for s, v in sides.shown.items()))
    return answer.give("undecided", "sampling", "neither a proof nor a counterexample was "
                       "found", witness=w, witness_text=w_text, tried=tuple(tried),
                       notes=tuple(notes))


def check_limit(f: str | Limit, *, at: object = None, claim: object = None,
                side: str | None = None, witness: object = None, var: str | None = None,
                all_reals: bool = False, seed: int = 0) -> LimitCheck:
    """Decide lim_{var→at(side)} f = claim; with ``witness`` (δ(ε), δ(R), N(ε), N(R) as
    text in ``eps`` or ``R``), decide whether that witness proves it.

    >>> check_limit("x**2", at=3, claim=9, witness="Min(1, eps/7)").outcome
    'holds'
    >>> c = check_limit("x**2", at=3, claim=9, witness="eps/6")
    >>> c.outcome, c.method
    ('fails', 'counterexample')
    """
    start = time.perf_counter()
    limit = f if isinstance(f, Limit) else make_limit(f, at=at, claim=claim, side=side,
                                                      var=var)
    rng = random.Random(seed)
    quantified = _quantified(limit, all_reals)
    if not _defined_near(limit):
        where = {"+": "to the right of", "-": "to the left of"}.get(limit.side or "", "near")
        return _Answer(limit, quantified, all_reals, {}, start).give(
            "fails", "limits", f"f is not defined at points {where} {_describe(limit.a)} "
            "arbitrarily close to it, so the limit is not defined (the statement would be "
            "vacuously true)")
    sides = _Sides.of(limit)
    answer = _Answer(limit, quantified, all_reals, sides.shown, start)
    if witness is not None:
        return _check_witness(answer, *_witness(witness, limit), sides, rng)
    if sides.unknown:
        return answer.give("undecided", "limits", "SymPy could not compute the limit (give a "
                           "witness to have it checked)")
    if not sides.true:
        parts = [f"from the {'right' if s == '+' else 'left'} f → {v}" if s else f"f → {v}"
                 for s, v in sides.shown.items()]
        return answer.give("fails", "limits", "; ".join(parts) + f", not "
                           f"{_describe(limit.L)}")
    candidate, tried = _proved_witness(limit, all_reals, start)
    if candidate is not None:
        return answer.give("holds", "limits", "SymPy's limits agree with the claim, and the "
                           "proposed witness is proved by z3", witness=candidate,
                           witness_text=sp.sstr(candidate), proposed=True, proved=True,
                           tried=tuple(tried))
    return answer.give("holds", "limits", "SymPy's limits agree with the claim; no witness "
                       "of the usual shapes could be proved", tried=tuple(tried))

"""The game: A names ε (or R), B answers δ (or N); symderiv plays either side."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from ...errors import ArgumentError, UnsupportedError
from .check import _decide_witness, _refutation, check_limit
from .prover import _z3_search
from .search import _exact_check, _search
from .statement import Limit, _point, _Query

__all__ = ["LimitGame"]


@dataclass
class LimitGame:
    """The two-player reading of the definition: A names ε (or R), B answers δ (or N);
    B wins the round when no x in the neighbourhood breaks the conclusion.

    symderiv plays either side: as B it answers with a witness it has proved (its own
    or the one given); as A it names a challenge, and judges the user's answer by
    looking for an x that breaks it (z3, then a search)."""

    limit: Limit
    witness: sp.Basic | None = None
    all_reals: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if self.witness is not None:
            query = _Query(self.limit, sp.Symbol(self.limit.quantity, real=True),
                           self.witness, self.all_reals)
            status, cx, _ = _decide_witness(query, random.Random(self.seed))
            if status != "proved":
                why = _refutation(self.limit, cx) if cx else "it could not be proved"
                raise UnsupportedError("symderiv plays B only with a proved witness, and this "
                                       f"one is not: {why}")
        if self.witness is None:
            result = check_limit(self.limit, all_reals=self.all_reals)
            if result.outcome != "holds" or result.witness is None:
                raise UnsupportedError("symderiv has no proved witness for this limit, so it "
                                       "cannot play B: " + result.reason)
            self.witness = result.witness
        self._rng = random.Random(self.seed)

    def answer(self, challenge: object) -> tuple[sp.Basic, str]:
        """symderiv as B: the δ (or N) for A's ε (or R), and why it wins."""
        q = _challenge(challenge, self.limit, self.all_reals)
        w = sp.simplify(self.witness.subs(sp.Symbol(self.limit.quantity, real=True), q))
        return w, self._why_b_wins(q, w)

    def _why_b_wins(self, q: sp.Basic, w: sp.Basic) -> str:
        lim = self.limit
        where = _neighbourhood_text(lim, w)
        goal = (f"f({lim.x}) > {q}" if lim.L is sp.oo else f"f({lim.x}) < {q}"
                if lim.L is -sp.oo else f"|f({lim.x}) − {lim.L}| < {q}")
        return f"for every {lim.x} with {where}, {goal} (the witness is proved for every value)"

    def judge(self, challenge: object, response: object) -> tuple[bool, str]:
        """symderiv as A named ``challenge``; the user (B) answered ``response``: does the
        answer win?  Returns (B wins, explanation with the breaking x when it does not)."""
        lim = self.limit
        q = _challenge(challenge, lim, self.all_reals)
        w = _point(response, "answer")
        if not lim.a.is_infinite and not bool(w > 0):
            return False, f"{'δ' if lim.answer == 'delta' else 'N'} must be > 0"
        fixed = _Query(lim, sp.Symbol(lim.quantity, real=True), w, self.all_reals, q_value=q)
        status, point, _ = _z3_search(fixed)
        if status == "proved":
            return True, f"no {lim.x} with {_neighbourhood_text(lim, w)} breaks it (z3 proves it)"
        found = _exact_check(fixed, *point) if point is not None else None
        if found is None:
            found, _ = _search(fixed, self._rng)
        if found is not None:
            return False, (f"{lim.x} = {found[lim.x.name]} is in the neighbourhood and "
                           f"f({lim.x}) = {found[f'f({lim.x.name})']} breaks it")
        return True, "no x that breaks it was found (by search, not a proof)"

    def challenge(self) -> sp.Basic:
        """symderiv as A: a challenge ε (small) or R (large) for the user to answer."""
        if self.limit.quantity == "eps":
            return sp.Rational(1, self._rng.choice([10, 100, 1000]))
        value = sp.Integer(self._rng.choice([10, 100, 1000]))
        return value if self.limit.L > 0 else -value


def _challenge(value: object, limit: Limit, all_reals: bool) -> sp.Basic:
    q = _point(value, "challenge")
    if q.is_infinite:
        raise ArgumentError("a challenge is a real number")
    if limit.quantity == "eps" and not q > 0:
        raise ArgumentError("ε must be > 0")
    if limit.quantity == "R" and not all_reals and not (q > 0 if limit.L > 0 else q < 0):
        raise ArgumentError(f"R must be {'> 0' if limit.L > 0 else '< 0'} here "
                            "(--all-reals for any R)")
    return q


def _neighbourhood_text(lim: Limit, w: sp.Basic) -> str:
    if lim.a is sp.oo:
        return f"{lim.x} > {w}"
    if lim.a is -sp.oo:
        return f"{lim.x} < {w}"
    if lim.side == "+":
        return f"{lim.a} < {lim.x} < {lim.a + w}"
    if lim.side == "-":
        return f"{lim.a - w} < {lim.x} < {lim.a}"
    return f"0 < |{lim.x} − {lim.a}| < {w}"

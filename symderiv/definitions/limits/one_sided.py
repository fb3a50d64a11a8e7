"""A claim without a witness — is it true at all? — decided by SymPy's limits.

SymPy's limit from each side that matters decides it (1/x at 0 has different one-sided
limits; sin(1/x) has none); a limit is compared with the claim numerically, not by
form (sin²5 + cos²5 is 1), and values too large to evaluate are not handed to SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ...calculus.evaluate import rough_value
from ...errors import OutOfRangeError, UnsupportedError
from ..exact import is_zero_number
from .statement import Limit


def _one_sided(limit: Limit) -> dict[str, sp.Basic | None]:
    """SymPy's limit from each side that matters (None where SymPy cannot compute it)."""
    f, x, a = limit.f, limit.x, limit.a
    sides = [""] if a.is_infinite else ([limit.side] if limit.side else ["+", "-"])
    out: dict[str, sp.Basic | None] = {}
    if not a.is_infinite and _out_of_range(f, {x: a}):
        # exp⁹(x) at 0: SymPy's limit asks the sign of e^e^e^… and evaluates it for hours
        return dict.fromkeys(sides)
    for s in sides:
        try:
            value = sp.limit(f, x, a) if not s else sp.limit(f, x, a, dir=s)
        except (NotImplementedError, ValueError, TypeError, RecursionError):
            value = None
        out[s] = None if value is None or value.has(sp.Limit) else value
    return out


def _equal_limit(value: sp.Basic | None, L: sp.Basic) -> bool | None:
    """Whether SymPy's limit is L — numerically, not by form (sin²5 + cos²5 is 1); None
    when it cannot tell."""
    if value is None:
        return None
    if value.is_infinite or L.is_infinite or isinstance(value, sp.AccumBounds):
        return bool(value == L)
    huge = [_out_of_range(v) for v in (value, L)]
    if any(huge):  # exp(exp(exp(exp(e)))): simplify() would evaluate it for hours
        return None if all(huge) else False
    try:
        return is_zero_number(sp.simplify(value - L))
    except UnsupportedError:
        return None


def _out_of_range(value: sp.Basic, at: dict[sp.Symbol, sp.Basic] | None = None) -> bool:
    """Whether value (at the point ``at``) is too large to evaluate, as rough_value says."""
    try:
        point = {x: rough_value(v, {}) for x, v in (at or {}).items()}
        if all(v is not None for v in point.values()):
            rough_value(value, point)
    except OutOfRangeError:
        return True
    return False


def _describe(value: sp.Basic | None) -> str:
    if value is None:
        return "SymPy cannot compute it"
    if isinstance(value, sp.AccumBounds):
        return f"no limit (f keeps taking values across [{value.min}, {value.max}])"
    known = {sp.oo: "∞", -sp.oo: "−∞", sp.zoo: "no limit (|f| → ∞ with either sign)"}
    if value in known:
        return known[value]
    try:
        return str(value)
    except ValueError:  # x − x⁴⁰⁹⁶ at 10⁹⁹⁹: beyond the 4300 digits Python writes
        return str(sp.N(value, 30))


@dataclass(frozen=True, slots=True)
class _Sides:
    """SymPy's limits held against the claimed L.

    ``shown`` maps each side that matters (``+``, ``-``; ``""`` at ±∞) to its limit in
    words; ``true`` when every one is L; ``unknown`` when none differs from L but some
    could not be computed or compared."""

    shown: dict[str, str]
    true: bool
    unknown: bool

    @classmethod
    def of(cls, limit: Limit) -> _Sides:
        """SymPy's verdict on the claim, from the limit on each side that matters."""
        sides = _one_sided(limit)
        shown = {s: _describe(v) for s, v in sides.items()}
        equal = [_equal_limit(v, limit.L) for v in sides.values()]
        true = all(e is True for e in equal)
        return cls(shown, true, not true and all(e is not False for e in equal))

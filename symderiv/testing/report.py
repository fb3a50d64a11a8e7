"""The verdict of a numeric derivative check, in the fixed layout of its failure message.

``check_*`` functions return a :class:`NumericReport`; ``assert_*`` functions raise its
text as an ``AssertionError`` unless it passed.  The layout follows ``assert_allclose``:
a header saying what was compared with what, the tolerances, how many values differ,
the largest differences, ACTUAL and DESIRED in the derivative's own shape, then notes.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import ArgumentError
from .parameters import fmt

#: Default relative tolerance by the dtype in which the claimed derivative is judged.
TOLERANCES: dict[np.dtype, float] = {
    np.dtype(np.float16): 5e-2,
    np.dtype(np.float32): 1e-3,
    np.dtype(np.float64): 1e-5,
    np.dtype(np.longdouble): 1e-5,
}

Tolerance = float | Mapping[Any, float] | None


@dataclass(frozen=True, slots=True)
class NumericReport:
    """What a numeric check compared, and whether the claim passed.

    ``outcome`` is ``"holds"`` (every value within tolerance), ``"fails"`` (a value out of
    tolerance, or a claim of the wrong shape) or ``"undecided"`` (nothing could be
    compared: no admissible step on both sides of the point; or a value is within
    tolerance only by an error of the differences above a tenth of the derivative's
    size, f's values being too coarse to tell); ``passed`` is ``outcome == "holds"``, so
    an ``assert_*`` function raises when undecided.  ``str(report)`` is the layout an
    ``assert_*`` function raises.  ``evaluations`` counts the calls of f for the
    differences and ``seconds`` their time; ``exhaustive`` says whether every entry was
    compared one by one, and
    ``unseen`` what the random directions alone may miss when not.
    """

    outcome: Literal["holds", "fails", "undecided"]
    title: str
    lines: tuple[str, ...]
    evaluations: int
    seconds: float
    exhaustive: bool
    unseen: str | None

    @property
    def passed(self) -> bool:
        return self.outcome == "holds"

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.lines))

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Claim:
    """The user's derivative as judged: its name, the dtype it is judged in, and a note on
    how that was decided."""

    name: str
    dtype: np.dtype
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Family:
    """One family of comparisons (random directions, or entries), flattened."""

    noun: str  # "directional derivatives", "entries"
    how: str  # "along 4 random directions (seed 0)", "(all 3)"
    actual: np.ndarray
    desired: np.ndarray
    error: np.ndarray  # a bound on the error of each desired value
    scale: float  # the derivative's size near the point (|f(x ± h₀v) − f(x)|/h₀)
    labels: list[str]  # where each value is: "[1]", "direction 2", "direction 2, output [0]"
    show: Callable[[np.ndarray], str] | None = None  # the values in the derivative's shape
    # forward and backward one-sided slopes, and where they differ by a kink
    sides: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """What one check compares: its title, reference, claim and tolerances."""

    title: str  # "Gradient of loss with respect to w (argument 1, shape (3,), float64)"
    against: str  # "central differences"
    reference: str  # how the differences were taken
    fn: str  # the name of f
    claim: Claim
    rtol: float
    atol: float | None  # None: the default, 256ε × the derivative's size (atol_of)

    def enough(self) -> Callable[[np.ndarray], np.ndarray]:
        """When an extrapolation may stop: far inside the tolerance."""
        return lambda best: self.rtol * 1e-3 * np.abs(best)


def tolerance(given: Tolerance, dtype: np.dtype, name: str) -> float | None:
    if given is None:
        return TOLERANCES.get(dtype, TOLERANCES[np.dtype(np.float64)]) if name == "rtol" else None
    if isinstance(given, Mapping):
        for k, v in given.items():
            try:
                key = np.dtype(k)
            except TypeError:
                raise ArgumentError(f"{name} is keyed by dtype; {k!r} is not one") from None
            if key == dtype:
                return tolerance(v, dtype, name)
        return tolerance(None, dtype, name)
    if isinstance(given, bool) or not isinstance(given, numbers.Real) or not given >= 0:
        raise ArgumentError(f"{name} must be a number ≥ 0 (or a dict keyed by dtype), "
                            f"not {given!r}")
    return float(given)


def check(title: str, against: str, reference: str, fn: str, claim: Claim, rtol: Tolerance,
          atol: Tolerance) -> Check:
    r = tolerance(rtol, claim.dtype, "rtol")
    assert r is not None
    return Check(title, against, reference, fn, claim, r, tolerance(atol, claim.dtype, "atol"))


def atol_of(c: Check, families: list[Family]) -> tuple[float, str]:
    """The absolute tolerance, and how to say it."""
    if c.atol is not None:
        return c.atol, f"atol={c.atol:.3g}"
    # the claim's own rounding relative to the derivative's size, and underflow
    scale = max(max(float(np.max(np.abs(f.desired), initial=0.0)), f.scale) for f in families)
    info = np.finfo(c.claim.dtype)
    atol = 256 * float(info.eps) * scale + float(info.tiny) / float(info.eps)
    seen = "curvature" if c.against == "second differences" else "slope"
    return atol, (f"atol={atol:.3g} (256ε × {scale:.3g}, the largest |desired| or f's {seen} "
                  "over the first step)")


def allowed(c: Check, fam: Family, atol: float) -> np.ndarray:
    """How far each actual value may be from the desired one."""
    return atol + c.rtol * np.abs(fam.desired) + fam.error


def bad_values(c: Check, fam: Family, atol: float) -> np.ndarray:
    """Values out of tolerance; at a kink, values outside the one-sided slopes."""
    with np.errstate(all="ignore"):
        diff = np.where(np.isfinite(fam.actual), np.abs(fam.actual - fam.desired), np.inf)
    bad = ~(diff <= allowed(c, fam, atol))
    kink = _kinked(fam)
    if kink is not None:
        bad = np.where(kink, ~_between(c, fam, atol), bad)
    return bad


def _kinked(fam: Family) -> np.ndarray | None:
    """Where f has a kink along the family's directions, if anywhere."""
    return fam.sides[2] if fam.sides is not None and fam.sides[2].any() else None


def _between(c: Check, fam: Family, atol: float) -> np.ndarray:
    """Whether each value lies between the one-sided slopes, within tolerance: at a kink
    f has no derivative, and a claim is judged as a subgradient (relu'(0) = 0 and
    sign(0) = 0 alike; 2 for |x| at 0 is none)."""
    assert fam.sides is not None
    fwd, bwd, _ = fam.sides
    slack = atol + c.rtol * np.maximum(np.abs(fwd), np.abs(bwd)) + fam.error
    with np.errstate(all="ignore"):
        return ((fam.actual >= np.minimum(fwd, bwd) - slack)
                & (fam.actual <= np.maximum(fwd, bwd) + slack))


def passes(c: Check, families: list[Family]) -> bool:
    atol, _ = atol_of(c, families)
    return not any(bad_values(c, fam, atol).any() for fam in families)


def _unresolved(c: Check, families: list[Family], atol: float, resolution: float
                ) -> tuple[int, float, float]:
    """Values within tolerance only thanks to the differences' error, where that error is
    above a tenth of the derivative's size: there the differences cannot tell a right
    value from a wrong one (f's values too coarse, float16, or too noisy).  Values that
    are below ``resolution`` (the smallest derivative f's rounding resolves; the gradient
    of 10²⁰ + x²) are compared within it, as before.  Their count, the largest such
    error, and the size."""
    size = max(max(float(np.max(np.abs(f.desired), initial=0.0)), f.scale) for f in families)
    count, worst = 0, 0.0
    for fam in families:
        with np.errstate(all="ignore"):
            diff = np.abs(fam.actual - fam.desired)
        seen = np.maximum(np.abs(fam.actual), np.abs(fam.desired)) > resolution
        kink = _kinked(fam)
        if kink is not None:  # judged against the one-sided slopes instead
            seen &= ~kink
        loose = (diff > atol + c.rtol * np.abs(fam.desired)) & (fam.error > 0.1 * size) & seen
        count += int(loose.sum())
        worst = max(worst, float(np.max(fam.error[loose], initial=0.0)))
    return count, worst, size


def compare(c: Check, families: list[Family], notes: list[str], resolution: float = 0.0
            ) -> tuple[Literal["holds", "fails", "undecided"], str, list[str]]:
    """The outcome — every value of every family within tolerance (holds), one out of it
    (fails), or within it only by an error of the differences as large as a tenth of the
    derivative (undecided) — and the title and lines of the layout.  One atol for all
    families; the largest differences and the values shown are those of the last failing
    family (of the last family when all pass)."""
    atol, atol_words = atol_of(c, families)
    rows, failing = [], None
    for fam in families:
        bad = bad_values(c, fam, atol)
        rows.append(f"{int(bad.sum())} of {bad.size} {fam.noun}")
        if bad.any():
            failing = (fam, bad)
    loose, worst, size = (_unresolved(c, families, atol, resolution) if failing is None
                          else (0, 0.0, 0.0))
    fam, bad = failing if failing is not None else (families[-1], np.zeros(0, bool))
    with np.errstate(all="ignore"):
        diff = np.where(np.isfinite(fam.actual), np.abs(fam.actual - fam.desired), np.inf)
        rel = np.where(fam.desired != 0, diff / np.abs(fam.desired), np.inf)
    i = int(np.argmax(diff))
    j = int(np.argmax(np.where(bad, rel, -1.0))) if bad.any() else int(np.argmax(
        np.where(np.isfinite(rel), rel, -1.0)))
    error = max(float(np.max(f.error, initial=0.0)) for f in families)
    judged = "" if c.claim.dtype == np.float64 else f" (judged in {c.claim.dtype})"
    show = fam.show or fmt
    verb = "does not match" if failing is not None else "matches"
    if loose:
        verb = "cannot be judged by"
        notes = [f"{loose} value{'s are' if loose > 1 else ' is'} within tolerance only by "
                 f"the error of the differences, up to {worst:.3g}, which is above a tenth "
                 f"of the derivative's size ({size:.3g}): {c.fn}'s values are too coarse or "
                 "too noisy here to tell a right value from a wrong one", *notes]
    actual = show(fam.actual)
    lines = [
        f"  checked:   {'; '.join(f'{f.noun} {f.how}' for f in families)}",
        "  tolerance: |actual − desired| ≤ atol + rtol·|desired| + error of the differences,",
        f"             rtol={c.rtol:.3g}{judged}, {atol_words}, error at most {error:.3g}",
        f"  mismatch:  {', '.join(rows)}",
        f"  largest absolute difference: {diff[i]:.6g} at {fam.labels[i]}",
        f"  largest relative difference: {rel[j]:.6g} at {fam.labels[j]}",
        # in an elided array one wrong entry of 200 is easily not among those shown
        *(_mismatching(fam, bad) if "..." in actual else []),
        f"  ACTUAL  ({fam.noun} of {c.claim.name}):",
        "    " + actual.replace("\n", "\n    "),
        f"  DESIRED ({c.reference}):",
        "    " + show(fam.desired).replace("\n", "\n    "),
        *(f"  note: {n}" for n in ([c.claim.note] if c.claim.note else [])
          + _kink_notes(c, families, atol) + notes),
    ]
    outcome = "fails" if failing is not None else "undecided" if loose else "holds"
    return outcome, f"{c.title} {verb} {c.against}", lines


_LISTED = 10  # mismatching values listed one by one, before ACTUAL and DESIRED


def _mismatching(fam: Family, bad: np.ndarray) -> list[str]:
    """The values out of tolerance, where and what (listed before ACTUAL and DESIRED)."""
    where = np.flatnonzero(bad)
    if not where.size:
        return []
    width = max(len(fam.labels[k]) for k in where[:_LISTED])
    lines = [f"  mismatching {fam.noun} (where: actual, desired):"]
    lines += [f"    {fam.labels[k]:<{width}}: {fam.actual[k]:.10g}, {fam.desired[k]:.10g}"
              for k in where[:_LISTED]]
    if where.size > _LISTED:
        lines.append(f"    … and {where.size - _LISTED} more")
    return lines


def _kink_notes(c: Check, families: list[Family], atol: float) -> list[str]:
    """At a kink (|x| or relu at 0) f has no derivative: the claim is judged as a
    subgradient, a value between the one-sided slopes (the central differences give their
    average).  Say so where it happened, first where a value failed, and which value was
    claimed."""
    for fam in reversed(families):
        kink = _kinked(fam)
        if kink is None:
            continue
        fwd, bwd, _ = fam.sides  # type: ignore[misc]
        bad = bad_values(c, fam, atol) & kink
        k = int(np.flatnonzero(bad if bad.any() else kink)[0])
        label = fam.labels[k]
        where = f"along {label}" if label.startswith("direction") else f"in entry {label}"
        more = int(kink.sum()) - 1
        also = f" (and {more} more of the {fam.noun})" if more else ""
        head = (f"{c.fn} has a kink at the point {where}{also}: its one-sided slopes differ "
                f"({fwd[k]:.6g} forward, {bwd[k]:.6g} backward), and central differences "
                f"give their average, {(fwd[k] + bwd[k]) / 2:.6g}; f has no derivative there, "
                "so a claim there is judged as a subgradient, a value between the one-sided "
                "slopes")
        claimed = float(fam.actual[k])
        if bad[k]:
            return [f"{head}: {c.claim.name} gives {claimed:.6g}, outside them, so no "
                    "subgradient"]
        slack = atol + c.rtol * max(abs(fwd[k]), abs(bwd[k])) + float(fam.error[k])
        which = next((name for name, v in (("the forward slope", fwd[k]),
                                           ("the backward slope", bwd[k]),
                                           ("their average", (fwd[k] + bwd[k]) / 2))
                      if abs(claimed - v) <= slack), "a value between them")
        return [f"{head}: {c.claim.name} gives {claimed:.6g} ({which}), a subgradient, "
                "accepted; which one to claim is a convention"]
    return []


def unseen_single_entry(tol: np.ndarray, weights: np.ndarray) -> float:
    """The largest error in one entry of a claimed linear map that the random directions
    can miss: an error e in entry k changes the value along direction i by e·w_ik, seen
    only when that exceeds the tolerance tol_i there; so entry k is safe above
    min_i tol_i / |w_ik|, and the worst entry sets the bound.  ``tol`` (directions, m),
    ``weights`` (directions, n) → max over (m, n) of min over the directions."""
    with np.errstate(divide="ignore"):
        ratio = tol[:, :, None] / np.abs(weights)[:, None, :]
    return float(np.max(np.min(ratio, axis=0)))

"""What every engine shares: the trial it judges, the finding it reports, how it draws
its points, and how a point becomes a :class:`~symderiv.verdict.Counterexample`."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..calculus.evaluate import Compiled, Exact, NotExact, Precise
from ..errors import EvaluationError
from ..problem import Problem
from ..verdict import Counterexample, Evidence

__all__ = ["EXACT_POINTS", "KINK_POINTS", "PIECE_TOTAL", "RESAMPLE", "UNDEFINED", "Derived",
           "Finding", "Trial", "counterexample", "distinct_sizes", "fmt_size_names",
           "fmt_sizes", "jsonable", "max_diff", "nearby", "off_kinks", "points_wanted",
           "sample_sizes", "shaped", "size_names", "to_float_mp"]

EXACT_POINTS = 2
#: the factor by which the engines draw more points where a derivative has kinks
KINK_POINTS = 4
#: with kinks, the points wanted over all sizes together, at the least: a claim wrong on a
#: piece as small as one orthant of three (max(relu(x)), all x < 0) is met with
#: probability 1 − (7/8)^32 ≈ 0.99 by the exact engine alone, at fixed sizes too
PIECE_TOTAL = 32


def points_wanted(trial: Trial, per_size: int, kinked_per_size: int,
                  total: int = PIECE_TOTAL) -> int:
    """Points per size assignment: ``per_size``, or where f, the claim or the reference has
    kinks, ``kinked_per_size`` and at least ``total`` over all the sizes."""
    if not trial.piecewise:
        return per_size
    return max(kinked_per_size, -(-total // max(1, len(trial.problem.sizes()))))
RESAMPLE = 12
UNDEFINED = "undefined"

Measure = Callable[[dict[sp.Symbol, int], np.random.Generator, list[Any]], Any]


@dataclass(frozen=True, slots=True)
class Derived:
    """An engine's own symbolic result (``expr``, compiled once), or why it has none."""

    engine: str
    expr: sp.Basic | None
    why_not: str | None = None
    seconds: float = 0.0
    compiled: Compiled | None = None


@dataclass(slots=True)
class Trial:
    """One claim as the engines see it: the problem, the symbols in play, and every
    expression compiled once.

    ``truth`` is the reference the claim is judged against: the result of the engine
    named by ``reference`` (for an identity, the left-hand side).  ``derived`` holds
    each deriving engine's own result, so that an engine can check its own too.
    ``spell`` writes an expression into the evidence's sentences: the judge passes the
    printer, so that the engines need not import the renderers above them.  ``kinks``
    are the arguments of the non-smooth functions (abs, sign, relu, steps) in f,
    compiled: a derivative is judged almost everywhere, so a point where one of them is
    0 is not admissible; ``kinked`` says that f has one (no complex step through it).
    ``other_kinks`` are those of the claim and the reference that f does not have: a
    point where one is 0 by chance is not admissible either.
    """

    problem: Problem
    names: list[str]
    f_c: Compiled | None
    claim_c: Compiled | None
    spell: Callable[[sp.Basic], str]
    truth: sp.Basic | None = None
    truth_c: Compiled | None = None
    reference: str | None = None
    derived: dict[str, Derived] = field(default_factory=dict)
    kinks: tuple[Compiled, ...] = ()
    kinked: bool = False
    other_kinks: tuple[Compiled, ...] = ()

    @property
    def piecewise(self) -> bool:
        """f, the claim or the reference has a kink: the engines draw more points, off the
        integers, and beside the kinks, so that a claim wrong on one thin piece is met."""
        return bool(self.kinks or self.other_kinks)


@dataclass(frozen=True, slots=True)
class Finding:
    """What one engine reports to the judge.

    ``notes`` are about its own sampling; ``doubts`` say where it contradicts the
    reference (the judge then trusts no derived result); ``disputed`` is True when it
    contradicts its own derived result.  ``samples`` are exact comparisons of the claim
    with the reference, which the diagnosis reuses.
    """

    evidence: Evidence
    notes: tuple[str, ...] = ()
    doubts: tuple[str, ...] = ()
    disputed: bool = False
    samples: tuple[Any, ...] = ()


def sample_sizes(problem: Problem, measure: Measure, *, want: int, stream: int,
                 sizes: list[dict[sp.Symbol, int]] | None = None,
                 patterns: list[str] | None = None) -> tuple[list[Any], list[str]]:
    """Run ``measure`` at ``want`` admissible random points per size assignment.

    A point where the function is undefined or out of range (EvaluationError) is drawn
    again, up to RESAMPLE times; sizes with no admissible point are returned as skipped.
    The generator is seeded by (seed, size index, attempt, stream), so every engine's
    points are reproducible and independent of the others'.  With ``patterns`` (names
    of symbols), as many points as those symbols' discrete entries have value patterns
    (:meth:`~symderiv.space.Space.patterns`) are wanted, if more.
    """
    results: list[Any] = []
    skipped: list[str] = []
    for si, size in enumerate(problem.sizes() if sizes is None else sizes):
        got: list[Any] = []
        here = max(want, problem.space.patterns(patterns, size)) if patterns else want
        for attempt in range(RESAMPLE + here - want):
            if len(got) == here:
                break
            rng = np.random.default_rng([problem.seed, si, attempt, stream])
            try:
                got.append(measure(size, rng, got))
            except EvaluationError:
                continue
        if not got:
            skipped.append(fmt_sizes(size))
        results.extend(got)
    return results, skipped


def off_kinks(kinks: tuple[Compiled, ...], point: Mapping[str, Any],
              sizes: Mapping[sp.Symbol, int], *, near: Mapping[str, Any] | None = None) -> None:
    """EvaluationError where an argument of a non-smooth function is 0 at this exact point
    (or within 60-digit rounding of 0): its derivative is a convention there (sign(0) = 0,
    heaviside(0) = 1/2), not a derivative, and a claim is judged almost everywhere.

    With ``near`` (a point close by), an entry that is 0 there too is 0 by design, not by
    chance, and does not count: the indicator heaviside(v − max(v), 1) of the largest
    entry has the argument 0 at that entry everywhere, and its value 1 there is its
    definition."""
    for k in kinks:
        here = _kink_values(k, point, sizes)
        if here is None:
            continue  # undefined here: the comparison itself finds that out
        zero = [_is_zero(v) for v in here]
        if not any(zero):
            continue
        there = _kink_values(k, near, sizes) if near is not None else None
        if there is None or any(z and not _is_zero(v) for z, v in zip(zero, there, strict=True)):
            raise EvaluationError("a kink: the argument of a non-smooth function is 0 here")


def _kink_values(k: Compiled, point: Mapping[str, Any] | None,
                 sizes: Mapping[sp.Symbol, int]) -> np.ndarray | None:
    if point is None:
        return None
    try:
        try:
            return np.ravel(np.asarray(k(dict(point), dict(sizes), Exact()), dtype=object))
        except NotExact:
            return np.ravel(np.asarray(k(dict(point), dict(sizes), Precise()), dtype=object))
    except EvaluationError:
        return None


def _is_zero(v: Any) -> bool:
    return v == 0 if isinstance(v, Fraction) else abs(v) < _KINK_TOLERANCE


#: a 60-digit kink argument this close to 0 cannot be told from it
_KINK_TOLERANCE = 1e-40


#: a nearby point: each continuous entry moved by k/1009 (k ≤ 9) of another random value of
#: entries up to 1000 (so rarely 0): by less than 0.01
NEARBY = Fraction(1, 1009 * 1000)


def nearby(trial: Trial, point: Mapping[str, Any], sizes: Mapping[sp.Symbol, int],
           rng: np.random.Generator, *, step: Fraction = NEARBY) -> dict[str, Any]:
    """``point`` moved by k·step·q (k from 1 to 9, q another random value; wide when the
    step is the small one) in its continuous symbols, honouring the declarations (a
    symmetric, diagonal, positive definite or positive value stays so; ±1, binary and
    orthogonal values are kept)."""
    space = trial.problem.space
    wide = step == NEARBY
    near = dict(point)
    for name in trial.names:
        decl = space.get(name)
        if decl.discrete or "orthogonal" in decl.assumptions or name not in point:
            continue
        q = space.random_value(name, dict(sizes), rng, exact=True, wide=wide)  # wide: rarely 0
        near[name] = point[name] + step * int(rng.integers(1, 10)) * q
    return near


def size_names(sizes: Mapping[sp.Symbol, int]) -> dict[str, int]:
    return {s.name: int(v) for s, v in sizes.items()}


def distinct_sizes(samples: list[Any]) -> tuple[dict[str, int], ...]:
    seen: list[dict[str, int]] = []
    for s in samples:
        named = size_names(s.sizes)
        if named not in seen:
            seen.append(named)
    return tuple(seen)


def fmt_size_names(sizes: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items()) or "fixed sizes"


def fmt_sizes(sizes: Mapping[sp.Symbol, int]) -> str:
    return fmt_size_names(size_names(sizes))


def shaped(value: Any, ref: np.ndarray) -> np.ndarray:
    """Broadcast a scalar zero claim to the reference's shape."""
    arr = np.asarray(value)
    if arr.shape != np.shape(ref) and arr.size == 1:
        return np.broadcast_to(arr.reshape(()), np.shape(ref))
    return arr


def to_float_mp(x: Any) -> float:
    try:
        return float(x)
    except (OverflowError, ValueError):
        return float("inf")


def jsonable(v: Any) -> Any:
    """A value as JSON holds it: nested lists, exact rationals as ``"p/q"``."""
    if isinstance(v, np.ndarray):
        if v.ndim == 2 and v.shape[1] == 1:
            v = v[:, 0]
        return [jsonable(x) for x in v.tolist()] if v.ndim else jsonable(v.item())
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if isinstance(v, np.floating | float):
        return float(v)
    if type(v).__name__ == "mpf":  # 60-digit values: a float when it fits, else the digits
        f = to_float_mp(v)
        return f if math.isfinite(f) and (f != 0 or v == 0) else str(v)
    if isinstance(v, np.integer | int):
        return int(v)
    return v


def max_diff(a: Any, b: Any) -> float | None:
    if isinstance(a, str) or isinstance(b, str):
        return None  # one side is undefined there
    diff = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    worst = float(np.max(diff, initial=0.0))
    return worst if math.isfinite(worst) else None


def counterexample(problem: Problem, sizes: Mapping[sp.Symbol, int], point: Mapping[str, Any],
                   *, claimed: Any, expected: Any, exact: bool, engine: str,
                   difference: float | None) -> Counterexample:
    """The point where an engine saw the claim fail, reproducible from the problem's seed."""
    return Counterexample(seed=problem.seed, sizes=size_names(sizes),
                          values={k: jsonable(v) for k, v in point.items()},
                          claimed=jsonable(claimed), expected=jsonable(expected), exact=exact,
                          engine=engine, max_abs_diff=difference)

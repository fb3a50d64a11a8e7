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

__all__ = ["EXACT_POINTS", "KINK_POINTS", "RESAMPLE", "UNDEFINED", "Derived", "Finding", "Trial",
           "counterexample", "distinct_sizes", "fmt_size_names", "fmt_sizes", "jsonable",
           "max_diff", "off_kinks", "sample_sizes", "shaped", "size_names", "to_float_mp"]

EXACT_POINTS = 2
#: the factor by which the engines draw more points where a derivative has kinks
KINK_POINTS = 4
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
              sizes: Mapping[sp.Symbol, int]) -> None:
    """EvaluationError where an argument of a non-smooth function is 0 at this exact point
    (or within 60-digit rounding of 0): its derivative is a convention there (sign(0) = 0,
    heaviside(0) = 1/2), not a derivative, and a claim is judged almost everywhere."""
    for k in kinks:
        try:
            try:
                values = np.ravel(np.asarray(k(dict(point), dict(sizes), Exact()), dtype=object))
            except NotExact:
                values = np.ravel(np.asarray(k(dict(point), dict(sizes), Precise()),
                                             dtype=object))
        except EvaluationError:
            continue  # undefined here: the comparison itself finds that out
        if any(v == 0 if isinstance(v, Fraction) else abs(v) < _KINK_TOLERANCE for v in values):
            raise EvaluationError("a kink: the argument of a non-smooth function is 0 here")


#: a 60-digit kink argument this close to 0 cannot be told from it
_KINK_TOLERANCE = 1e-40


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

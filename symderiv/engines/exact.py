"""Exact evaluation at random points: two expressions compared in rational arithmetic.

A polynomial or rational identity that holds at random points holds, by the
Schwartz–Zippel lemma, with overwhelming probability; a mismatch is a proof of failure.
Where a value is not rational (exp, log) the comparison falls back to 60 digits, and at
float points to float64 with a tight relative tolerance.  The matrix-form engine judges
a claim against its derived result this way; for an identity it is the ``exact`` engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..calculus.evaluate import Compiled, Exact, NotExact, Precise
from ..calculus.mpvalue import precise_backend, settle
from ..calculus.numeric import compare, evaluate_float
from ..errors import EvaluationError, OutOfRangeError
from ..verdict import Counterexample, Evidence
from .base import (
    EXACT_POINTS,
    KINK_POINTS,
    UNDEFINED,
    Finding,
    Trial,
    counterexample,
    distinct_sizes,
    max_diff,
    nearby,
    off_kinks,
    points_wanted,
    sample_sizes,
    shaped,
    to_float_mp,
)

__all__ = ["PRECISE_RTOL", "ExactEngine", "Sample", "compare_at", "compare_with",
           "exact_counterexample", "exact_samples", "exact_value"]

PRECISE_RTOL = 1e-40

Override = Callable[[dict[str, Any]], None]


@dataclass(slots=True)
class Sample:
    """One comparison of claim and truth at a point (either may be ``UNDEFINED``)."""

    sizes: dict[sp.Symbol, int]
    point: dict[str, Any]
    truth: Any
    claim: Any
    exact: bool
    equal: bool
    rel: float


def exact_value(fc: Compiled, point: dict[str, Any], sizes: dict[sp.Symbol, int]) -> Any:
    out = fc(point, sizes, Exact())
    if isinstance(out, np.ndarray):
        return out
    return np.asarray(Fraction(out) if not isinstance(out, Fraction) else out, dtype=object)


def _to_float(q: Fraction) -> float:
    try:
        return float(q)
    except OverflowError:
        return float("inf")


def _is_exact_point(point: dict[str, Any]) -> bool:
    return all(isinstance(v, Fraction) or (isinstance(v, np.ndarray) and v.dtype == object)
               for v in point.values())


def compare_at(truth_c: Compiled, claim_c: Compiled, point: dict[str, Any],
               sizes: dict[sp.Symbol, int], *, symmetric: bool = False) -> Sample:
    """Exactly where possible; else floats with a tight tolerance.

    Where the reference (``truth_c``) is undefined the point is not admissible
    (EvaluationError propagates and the caller draws another); where only the
    claim is undefined, the claim fails there.  With ``symmetric`` (an identity),
    either side being undefined while the other is defined is a failure.
    """
    try:
        return compare_with(point, sizes, truth_c, claim_c, exact=True, symmetric=symmetric)
    except NotExact:
        return compare_with(point, sizes, truth_c, claim_c, exact=False, symmetric=symmetric)


def _values(point: dict[str, Any], sizes: dict[sp.Symbol, int], truth_c: Compiled,
            claim_c: Compiled, backend: Any, *, symmetric: bool) -> tuple[Any, Any]:
    """Both sides at the point, ``UNDEFINED`` where one side is not defined and that
    decides the comparison; EvaluationError where the point is not admissible."""
    def value(fc: Compiled) -> Any:
        if backend is None:
            return np.asarray(evaluate_float(fc, point, sizes), dtype=float)
        out = fc(point, sizes, backend)
        return out if isinstance(out, np.ndarray) else np.asarray(out, dtype=object)

    try:
        t = value(truth_c)
    except OutOfRangeError:
        raise  # defined, but not representable: not an admissible point
    except EvaluationError:
        if not symmetric:
            raise
        t = UNDEFINED
    try:
        c = value(claim_c)
    except OutOfRangeError:
        raise
    except EvaluationError:
        if t is UNDEFINED:
            raise  # neither side is defined here: not an admissible point
        c = UNDEFINED
    return t, c


def compare_with(point: dict[str, Any], sizes: dict[sp.Symbol, int], truth_c: Compiled,
                 claim_c: Compiled, *, exact: bool, symmetric: bool) -> Sample:
    """Compare at one point: rationally (``exact``), else in 60-digit arithmetic where
    the point is exact but the values are not, else (float points) in float64."""
    backend: Any = Exact() if exact else (Precise() if _is_exact_point(point) else None)
    t, c = _values(point, sizes, truth_c, claim_c, backend, symmetric=symmetric)
    if t is UNDEFINED or c is UNDEFINED:
        return Sample(sizes, point, t, c, exact, False, float("inf"))
    c = shaped(c, t)
    if backend is None:
        cmp = compare(c, t, rtol=1e-9)
        return Sample(sizes, point, t, c, False, cmp.ok, cmp.max_rel)
    diff = np.asarray(t - c, dtype=object)
    scale = max((abs(x) for x in np.ravel(t)), default=0)
    worst = max((abs(d) for d in np.ravel(diff)), default=0)
    rel = worst / scale if scale else worst
    if exact:
        return Sample(sizes, point, t, c, True, worst == 0, _to_float(Fraction(rel)))
    if rel <= PRECISE_RTOL:
        return Sample(sizes, point, t, c, False, True, to_float_mp(rel))

    def again() -> tuple[list[Any], list[Any]]:
        t2, c2 = _values(point, sizes, truth_c, claim_c, precise_backend(2 * Precise.digits),
                         symmetric=symmetric)
        if t2 is UNDEFINED or c2 is UNDEFINED:
            raise EvaluationError("defined at 60 digits, not at 120: ill conditioned here")
        return list(np.ravel(t2)), list(np.ravel(shaped(c2, t2)))

    # an apparent failure at 60 digits: at 120, rounding shrinks and a real difference stays
    settled = settle((list(np.ravel(t)), list(np.ravel(c))), again, PRECISE_RTOL)
    if not settled.equal and not settled.stable:
        raise EvaluationError("the values change with the precision: ill conditioned here")
    # equal: the difference left at 120 digits, against the size of the values at 60
    shown = settled.difference / scale if settled.equal and scale else settled.difference
    return Sample(sizes, point, t, c, False, settled.equal, to_float_mp(shown))


def exact_samples(trial: Trial, truth_c: Compiled, claim_c: Compiled, *,
                  override: Override | None = None) -> tuple[list[Sample], list[str]]:
    """Compare at EXACT_POINTS random integer points per size assignment (more where
    declared ±1 or binary entries have more value patterns: every one of them, up to
    PATTERN_LIMIT).

    The first point has small entries (a counterexample people can read); the next
    are wide (up to 1000), so that a polynomial identity cannot hold at every drawn
    point by accident — unless the values turned out not to be rational: exp and log
    at wide points would need thousands of digits to survive cancellation.
    ``override`` changes each point before the comparison (the diagnosis symmetrises
    matrices with it).
    """
    problem = trial.problem
    symmetric = problem.task == "equal"
    calls: dict[tuple[tuple[sp.Symbol, int], ...], int] = {}

    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[Sample]) -> Sample:
        rational = all(s.exact for s in earlier)
        # each call the next pattern of ±1 or binary entries: one outside the domain is
        # passed over, not drawn again
        key = tuple(sizes.items())
        calls[key] = calls.get(key, -1) + 1
        point = problem.space.random_point(trial.names, sizes, rng, exact=True,
                                           wide=bool(earlier) and rational, pattern=calls[key])
        if override is not None:
            override(point)
        if trial.piecewise and (not symmetric or calls[key] % 2):
            # not at integers only (relu(x - 1)'s derivative and heaviside(x) differ on
            # (0, 1)); an identity keeps every other point at integers, where its kinks are
            point = nearby(trial, point, sizes, rng, step=_BETWEEN)
        if not symmetric and trial.piecewise:
            # a derivative with kinks is judged almost everywhere, off the kinks; an argument
            # 0 here and close by is 0 by design (v − max(v) at the largest entry)
            off_kinks(trial.kinks, point, sizes, near=nearby(trial, point, sizes, rng))
        if not symmetric and trial.other_kinks:
            off_kinks(trial.other_kinks, point, sizes, near=nearby(trial, point, sizes, rng))
        s = compare_at(truth_c, claim_c, point, sizes, symmetric=symmetric)
        if (s.truth is UNDEFINED) != (s.claim is UNDEFINED) and _defined_nearby(
                trial, truth_c if s.truth is UNDEFINED else claim_c, point, sizes, rng):
            # b = 0 makes b∘b/b undefined (0·∞) at this point only: a degenerate point,
            # not a counterexample — one undefined nearby too (log x at x < 0) is one
            raise EvaluationError("a degenerate point: undefined here, defined nearby")
        return s

    # with kinks the function is piecewise: more points, so that every piece is likely met
    want = points_wanted(trial, EXACT_POINTS, EXACT_POINTS * KINK_POINTS)
    return sample_sizes(problem, measure, want=want, stream=1, patterns=trial.names)


#: where a derivative has kinks, its exact points are moved off the integers by k/16·q
_BETWEEN = Fraction(1, 16)
#: nearby points tried before a point where one side is undefined counts as a counterexample
_NEARBY_TRIES = 2


def _defined_nearby(trial: Trial, fc: Compiled, point: dict[str, Any],
                    sizes: dict[sp.Symbol, int], rng: np.random.Generator) -> bool:
    """Whether ``fc`` is defined at a point near ``point`` that honours the declarations
    (p + εq for a random q: symmetric, diagonal, positive definite and positive stay so;
    ±1, binary and orthogonal values are kept)."""
    return any(_defined_at(fc, nearby(trial, point, sizes, rng), sizes)
               for _ in range(_NEARBY_TRIES))


def _defined_at(fc: Compiled, near: dict[str, Any], sizes: dict[sp.Symbol, int]) -> bool:
    try:
        exact_value(fc, near, sizes)
    except NotExact:
        try:
            fc(near, sizes, Precise())
        except EvaluationError:
            return False
    except EvaluationError:
        return False
    return True


def exact_counterexample(trial: Trial, s: Sample, engine: str) -> Counterexample:
    return counterexample(trial.problem, s.sizes, s.point, claimed=s.claim, expected=s.truth,
                          exact=s.exact, engine=engine, difference=max_diff(s.truth, s.claim))


class ExactEngine:
    """An identity's ``exact`` engine: both sides at random small-integer points."""

    name = "exact"

    def compare(self, trial: Trial) -> Finding:
        t0 = time.perf_counter()
        assert trial.truth_c is not None and trial.claim_c is not None
        samples, skipped = exact_samples(trial, trial.truth_c, trial.claim_c)
        bad = [s for s in samples if not s.equal]
        exact_n = sum(s.exact for s in samples)
        evidence = Evidence(
            self.name, "undecided" if not samples else ("fails" if bad else "holds"),
            "evaluation at random small-integer points in rational arithmetic",
            checks=len(samples), sizes=distinct_sizes(samples),
            max_error=max((s.rel for s in samples), default=None),
            detail=f"{exact_n} exact, {len(samples) - exact_n} 60-digit comparisons",
            counterexample=exact_counterexample(trial, bad[0], self.name) if bad else None,
            seconds=time.perf_counter() - t0)
        notes = ("no admissible exact point at " + "; ".join(skipped),) if skipped else ()
        return Finding(evidence, notes=notes, samples=tuple(samples))

"""The numeric engine: finite differences of the *function*
(:mod:`symderiv.calculus.numeric`), compared with the claim under a scale-aware tolerance
that includes the difference's own error estimate.

It derives nothing symbolic, so it also checks every derived result: a wrong CAS answer
is caught instead of trusted.  For an identity it compares both sides at random
floating-point points.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..calculus.evaluate import Compiled
from ..calculus.numeric import (
    NumericDerivative,
    compare,
    evaluate_float,
    numeric_gradient,
    numeric_hessian,
    off_kinks_float,
)
from ..errors import EvaluationError, OutOfRangeError
from ..verdict import Counterexample, Evidence
from .base import (
    KINK_POINTS,
    UNDEFINED,
    Finding,
    Trial,
    counterexample,
    distinct_sizes,
    fmt_sizes,
    max_diff,
    points_wanted,
    sample_sizes,
    shaped,
)
from .exact import Sample, compare_with, exact_counterexample

__all__ = ["NUMERIC_PIECE_TOTAL", "NumericEngine", "sample_at"]

#: with kinks, finite differences wanted over all sizes together, at the least
NUMERIC_PIECE_TOTAL = 16


@dataclass(slots=True)
class _NumSample:
    """Finite differences at one point, with the claim and the derived result against them."""

    sizes: dict[sp.Symbol, int]
    point: dict[str, Any]
    numeric: NumericDerivative
    claim: Any
    claim_ok: bool
    claim_rel: float
    truth: Any
    truth_ok: bool | None
    truth_rel: float | None


def _squeeze(value: Any, ref: np.ndarray) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1 and ref.ndim == 1:
        return arr[:, 0]
    return arr


def _against(c: Compiled, point: dict[str, Any], sizes: dict[sp.Symbol, int],
             num: NumericDerivative, rtol: float) -> tuple[Any, bool, float]:
    """An expression at the point against the finite differences: (value, ok, relative error)."""
    ref = np.asarray(num.value)
    value = shaped(_squeeze(evaluate_float(c, point, sizes), ref), ref)
    cmp = compare(value, ref, num.error, rtol=rtol)
    return value, cmp.ok, cmp.max_rel


#: how far beside a kink, as a fraction of the segment it was found on, a point is tried
_BESIDE = (1e-3, 1e-2, 1e-1)
#: segments from the drawn point tried for one that crosses a kink, each to a point drawn
#: at this many times the usual scale: a step far out (where(x > 8, 0, exp(x)) for the
#: derivative of exp) is met as well as one among the usual points
_REACH = (1.0, 1.0, 10.0, 40.0)


def _beside_kink(trial: Trial, p: dict[str, Any], sizes: dict[sp.Symbol, int],
                 rng: np.random.Generator) -> list[dict[str, Any]]:
    """Points just beside a kink, one on each side where it can (none if no kink is found).

    A claim that is wrong on a piece of a piecewise function (heaviside(x) for the
    derivative of relu(x - 1), wrong on 0 < x < 1) is wrong beside one of the kinks
    that bound the piece, however thin it is; random points meet a thin piece rarely.
    The kink is found on a segment from ``p`` to another random point, by bisection on
    an entry of a kink argument that changes sign there; ±1, binary and orthogonal
    values are kept, the others move along the segment (a convex combination: symmetric,
    positive definite and positive values stay so).
    """
    problem = trial.problem
    space = problem.space
    fixed = {n for n in trial.names
             if space.get(n).discrete or "orthogonal" in space.get(n).assumptions}
    for reach in _REACH:
        q = space.random_point(trial.names, sizes, rng, exact=False,
                               scale=problem.scale * reach)
        found = _crossing(trial, p, q, fixed, sizes, rng)
        if found is None:
            continue
        at, t_star = found
        out = []
        for side in (-1.0, 1.0):
            for d in _BESIDE:
                t = t_star + side * d
                if not 0.0 <= t <= 1.0:
                    continue
                try:
                    off_kinks_float(trial.kinks, at(t), problem.wrt, sizes)  # type: ignore[arg-type]
                except EvaluationError:
                    continue
                out.append(at(t))
                break
        if out:
            return out
    return []


def _crossing(trial: Trial, p: dict[str, Any], q: dict[str, Any], fixed: set[str],
              sizes: dict[sp.Symbol, int], rng: np.random.Generator
              ) -> tuple[Callable[[float], dict[str, Any]], float] | None:
    """The segment from p to q as a function of t in [0, 1], and a t where an entry of a
    kink argument changes sign (bisection to about 1e-12), or None."""
    def at(t: float) -> dict[str, Any]:
        return {n: p[n] if n in fixed else (1 - t) * np.asarray(p[n], dtype=float)
                + t * np.asarray(q[n], dtype=float) for n in trial.names}

    def entries(k: Compiled, t: float) -> np.ndarray:
        return np.ravel(np.asarray(evaluate_float(k, at(t), sizes), dtype=float))

    kinks = (*trial.kinks, *trial.other_kinks)
    for i in rng.permutation(len(kinks)):
        k = kinks[i]
        try:
            u0, u1 = entries(k, 0.0), entries(k, 1.0)
            crossing = np.flatnonzero(np.sign(u0) != np.sign(u1))
            if not crossing.size:
                continue
            e = int(rng.choice(crossing))
            lo, hi = 0.0, 1.0
            for _ in range(40):
                mid = (lo + hi) / 2
                if np.sign(entries(k, mid)[e]) == np.sign(u0[e]):
                    lo = mid
                else:
                    hi = mid
        except EvaluationError:
            continue
        return at, (lo + hi) / 2
    return None


def sample_at(trial: Trial, point: dict[str, Any], sizes: dict[sp.Symbol, int]
              ) -> _NumSample:
    """Finite differences of f at ``point``, with the claim and the derived result against
    them; EvaluationError where the point is not admissible (a stencil could cross a kink,
    f is undefined)."""
    problem = trial.problem
    wrt = problem.wrt
    assert wrt is not None and trial.f_c is not None
    claim_c, truth_c = trial.claim_c, trial.truth_c
    derive = numeric_gradient if problem.task == "gradient" else numeric_hessian
    off_kinks_float(trial.kinks, point, wrt, sizes)  # judged almost everywhere
    # the complex step goes through abs and relu along one branch: not at a kink
    num = derive(trial.f_c, point, wrt, sizes, complex_step=not trial.kinked)
    rtol = 1e-8 if "complex" in num.method and problem.task == "gradient" else 1e-5
    claim_v = claim_ok = claim_rel = None
    if claim_c is not None:
        try:
            claim_v, claim_ok, claim_rel = _against(claim_c, point, sizes, num, rtol)
        except OutOfRangeError:
            raise
        except EvaluationError:  # f is differentiable here, the claim undefined
            claim_v, claim_ok, claim_rel = UNDEFINED, False, float("inf")
    truth_v = truth_ok = truth_rel = None
    if truth_c is not None:
        truth_v, truth_ok, truth_rel = _against(truth_c, point, sizes, num, rtol)
    return _NumSample(sizes, point, num, claim_v, bool(claim_ok), claim_rel or 0.0,
                      truth_v, truth_ok, truth_rel)


def _samples(trial: Trial) -> tuple[list[_NumSample], list[str]]:
    problem = trial.problem
    assert problem.wrt is not None and trial.f_c is not None

    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[_NumSample]) -> _NumSample:
        point = problem.space.random_point(trial.names, sizes, rng, exact=False,
                                           scale=problem.scale)
        if trial.piecewise and len(earlier) % 2:  # every other point: just beside a kink
            beside = []
            for p in _beside_kink(trial, point, sizes, rng):
                try:
                    beside.append(at(p, sizes))
                except EvaluationError:
                    continue  # f is not defined there: the other side may do
            if beside:  # both sides: the one that tells most against the claim
                return max(beside, key=lambda s: (not s.claim_ok, s.claim_rel))
        return at(point, sizes)

    def at(point: dict[str, Any], sizes: dict[sp.Symbol, int]) -> _NumSample:
        return sample_at(trial, point, sizes)

    # with kinks the function is piecewise: more points, so that every piece is likely met
    return sample_sizes(problem, measure, want=points_wanted(trial, 1, KINK_POINTS,
                                                             total=NUMERIC_PIECE_TOTAL),
                        stream=2)


def _counterexample(trial: Trial, s: _NumSample) -> Counterexample:
    ref = np.asarray(s.numeric.value)
    claim = s.claim if isinstance(s.claim, str) else np.asarray(s.claim, dtype=float)
    return counterexample(trial.problem, s.sizes, s.point, claimed=claim, expected=ref,
                          exact=False, engine="numeric", difference=max_diff(claim, ref))


class NumericEngine:
    """Finite differences (complex step where it applies) at random float points."""

    name = "numeric"
    # its evidence rests on no derived result: when the engines doubt that result,
    # the counterexample comes from here
    independent = True

    def judge(self, trial: Trial) -> Finding:
        t0 = time.perf_counter()
        samples, skipped = _samples(trial)
        seconds = time.perf_counter() - t0
        notes = ("no point in the function's domain was found at " + "; ".join(skipped)
                 + " (numeric engine skipped those sizes)",) if skipped else ()
        self_bad = [s for s in samples if s.truth_ok is False]
        doubts = ()
        if self_bad:
            worst = max(self_bad, key=lambda s: s.truth_rel or 0.0)
            doubts = (f"the derived result {trial.spell(trial.truth)} disagrees with finite "  # type: ignore[arg-type]
                      f"differences at {fmt_sizes(worst.sizes)} (relative error "
                      f"{worst.truth_rel:.2g}): the engine that derived it is wrong here, or "
                      "the function is not differentiable there",)
        if trial.claim_c is None:
            outcome, detail, err, cx = self._about_truth(trial, samples, bool(self_bad))
        else:
            bad = [s for s in samples if not s.claim_ok]
            outcome = "undecided" if not samples else ("fails" if bad else "holds")
            cx = _counterexample(trial, max(bad, key=lambda s: s.claim_rel)) if bad else None
            err = max((s.claim_rel for s in samples), default=None)
            detail = (f"largest relative difference between claim and finite differences "
                      f"{err:.2g}" if err is not None else "")
        evidence = Evidence(
            engine=self.name, outcome=outcome,  # type: ignore[arg-type]
            method="; ".join(sorted({s.numeric.method for s in samples})) or "finite differences",
            checks=len(samples), sizes=distinct_sizes(samples),
            max_error=err, detail=detail, counterexample=cx, seconds=seconds)
        return Finding(evidence, notes=notes, doubts=doubts)

    @staticmethod
    def _about_truth(trial: Trial, samples: list[_NumSample], bad: bool
                     ) -> tuple[str, str, float | None, None]:
        """Without a claim: the engine's say on the derived result."""
        outcome = "holds" if samples and not bad else "undecided" if not samples else "fails"
        if not samples:
            detail = "no point in the domain"
        elif trial.truth is None:
            detail = "derived numerically only (no symbolic result to compare)"
        else:
            detail = ("disagrees with the derived result" if bad
                      else "agrees with the derived result")
        return outcome, detail, max((s.truth_rel or 0.0 for s in samples), default=None), None

    def compare(self, trial: Trial) -> Finding:
        """An identity at random floating-point points (relative tolerance 1e-9)."""
        t0 = time.perf_counter()
        problem = trial.problem
        assert trial.truth_c is not None and trial.claim_c is not None
        lc, rc = trial.truth_c, trial.claim_c

        def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                    earlier: list[Sample]) -> Sample:
            point = problem.space.random_point(trial.names, sizes, rng, exact=False)
            if trial.piecewise and len(earlier) % 2:  # every other point: beside a kink
                beside = []
                for p in _beside_kink(trial, point, sizes, rng):
                    try:
                        beside.append(compare_with(p, sizes, lc, rc, exact=False,
                                                   symmetric=True))
                    except EvaluationError:
                        continue
                if beside:  # both sides: the one that tells most against the identity
                    return min(beside, key=lambda s: s.equal)
            return compare_with(point, sizes, lc, rc, exact=False, symmetric=True)

        samples, _ = sample_sizes(problem, measure, stream=3, want=points_wanted(
            trial, 1, KINK_POINTS, total=NUMERIC_PIECE_TOTAL))
        bad = [s for s in samples if not s.equal]
        return Finding(Evidence(
            self.name, "undecided" if not samples else ("fails" if bad else "holds"),
            "evaluation at random floating-point points (relative tolerance 1e-9)",
            checks=len(samples), sizes=distinct_sizes(samples),
            max_error=max((s.rel for s in samples), default=None),
            counterexample=exact_counterexample(trial, bad[0], self.name) if bad else None,
            seconds=time.perf_counter() - t0))

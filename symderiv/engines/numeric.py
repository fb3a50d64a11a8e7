"""The numeric engine: finite differences of the *function*
(:mod:`symderiv.calculus.numeric`), compared with the claim under a scale-aware tolerance
that includes the difference's own error estimate.

It derives nothing symbolic, so it also checks every derived result: a wrong CAS answer
is caught instead of trusted.  For an identity it compares both sides at random
floating-point points.
"""

from __future__ import annotations

import time
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
)
from ..errors import EvaluationError, OutOfRangeError
from ..verdict import Counterexample, Evidence
from .base import (
    UNDEFINED,
    Finding,
    Trial,
    counterexample,
    distinct_sizes,
    fmt_sizes,
    max_diff,
    sample_sizes,
    shaped,
    size_names,
)
from .exact import Sample, compare_with, exact_counterexample

__all__ = ["NumericEngine"]


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


def _samples(trial: Trial) -> tuple[list[_NumSample], list[str]]:
    problem = trial.problem
    wrt = problem.wrt
    assert wrt is not None and trial.f_c is not None
    f_c, claim_c, truth_c = trial.f_c, trial.claim_c, trial.truth_c
    derive = numeric_gradient if problem.task == "gradient" else numeric_hessian

    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[_NumSample]) -> _NumSample:
        point = problem.space.random_point(trial.names, sizes, rng, exact=False,
                                           scale=problem.scale)
        num = derive(f_c, point, wrt, sizes)
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

    return sample_sizes(problem, measure, want=1, stream=2)


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
            checks=len(samples), sizes=tuple(size_names(s.sizes) for s in samples),
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
            return compare_with(point, sizes, lc, rc, exact=False, symmetric=True)

        samples, _ = sample_sizes(problem, measure, want=1, stream=3)
        bad = [s for s in samples if not s.equal]
        return Finding(Evidence(
            self.name, "undecided" if not samples else ("fails" if bad else "holds"),
            "evaluation at random floating-point points (relative tolerance 1e-9)",
            checks=len(samples), sizes=distinct_sizes(samples),
            max_error=max((s.rel for s in samples), default=None),
            counterexample=exact_counterexample(trial, bad[0], self.name) if bad else None,
            seconds=time.perf_counter() - t0))

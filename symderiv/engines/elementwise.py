"""The element-wise engine: the derivative in index form (:mod:`symderiv.calculus.steps`),
and its exact entries at concrete sizes (:mod:`symderiv.calculus.elementwise`) — as
polynomials in the variable's entries where they are, compared with the claim, the
matrix-form result and the index-form result entry by entry."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..calculus.elementwise import EntryComparison, compare_entries, derivative_entries
from ..calculus.evaluate import Compiled, NotExact
from ..calculus.steps import derive as derive_by_index
from ..errors import EvaluationError, NotPolynomial, UnsupportedError
from ..problem import Problem, symbol_names
from ..verdict import Counterexample, Evidence
from .base import (
    EXACT_POINTS,
    Derived,
    Finding,
    Trial,
    counterexample,
    distinct_sizes,
    fmt_sizes,
    max_diff,
    nearby,
    off_kinks,
    sample_sizes,
)
from .matrix import MatrixEngine

__all__ = ["ELEMENTWISE_MAX_DEFAULT", "MAX_VARIABLE_ENTRIES", "ElementwiseEngine",
           "index_derivation"]

ELEMENTWISE_MAX_DEFAULT = 4
#: draws of the variable tried for one off the kinks
_KINK_TRIES = 8
#: where a derivative has kinks, the variable's values are moved off the integers by k/16
_BETWEEN = Fraction(1, 16)
MAX_VARIABLE_ENTRIES = 1024  # polynomial rings in more generators get slow (≈ 6 s at 1024)


@dataclass(slots=True)
class _EntrySample:
    """The exact entries at one point, against the claim, the reference and the engine's
    own index-form result."""

    sizes: dict[sp.Symbol, int]
    point: dict[str, Any]
    mode: str
    claim: EntryComparison | None
    truth: EntryComparison | None
    index: EntryComparison | None


def index_derivation(problem: Problem) -> tuple[sp.Basic | None, str | None]:
    """The element-wise engine's symbolic result (index form, read back as a matrix)."""
    try:
        _steps, result, _ = derive_by_index(problem.task, problem.f.expr,
                                            problem.wrt, problem.space)  # type: ignore[arg-type]
    except UnsupportedError as exc:
        return None, str(exc)
    except (ArithmeticError, TypeError, ValueError, RecursionError, KeyError) as exc:
        # SymPy's message speaks of its classes: said in words
        return None, f"SymPy failed on the index form ({type(exc).__name__})"
    return result, None


def _structure(problem: Problem) -> str:
    """The variable's structure, which limits where its entries may be drawn."""
    assumptions = problem.space.get(problem.wrt).assumptions  # type: ignore[arg-type]
    return ("pointwise" if "orthogonal" in assumptions else
            "diagonal" if "diagonal" in assumptions else
            "symmetric" if {"symmetric", "positive definite"} & set(assumptions) else "")


class _Measure:
    """The entries at one size and point, compared with each expression given."""

    def __init__(self, trial: Trial, against: tuple[Compiled | None, ...],
                 too_big: list[str], *, patterns: bool = False) -> None:
        self.problem = trial.problem
        self.f_c = trial.f_c
        self.against = against
        self.too_big = too_big
        self.data = [n for n in trial.names if n != self.problem.wrt]
        self.structure = _structure(self.problem)
        # symbolic entries (exp, log…) are compared at points in 60 digits, where wide data
        # (up to 1000) only make exp's arguments huge and the comparison ill conditioned
        self.symbolic = False
        self.kinks, self.other_kinks, self.trial = trial.kinks, trial.other_kinks, trial
        # each call the next pattern of ±1 or binary data, else random ones
        self.patterns = patterns
        self.calls: dict[tuple[tuple[sp.Symbol, int], ...], int] = {}

    def __call__(self, sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                 earlier: list[_EntrySample | None]) -> _EntrySample | None:
        problem, wrt = self.problem, self.problem.wrt
        assert wrt is not None
        large = any(v > ELEMENTWISE_MAX_DEFAULT for v in sizes.values())
        if large and earlier:
            return None  # one draw at a large size: its data are already wide
        wide = (bool(earlier) or large) and not self.symbolic
        key = tuple(sizes.items())
        self.calls[key] = self.calls.get(key, -1) + 1
        pattern = self.calls[key] if self.patterns else None
        point = problem.space.random_point(self.data, sizes, rng, exact=True, wide=wide,
                                           pattern=pattern)
        shape = problem.space.concrete_shape(wrt, sizes)
        try:
            entries = derivative_entries(self.f_c, problem.task, wrt, point, sizes, shape)
            if entries.mode == "symbolic" and wide:
                self.symbolic = True
                point = problem.space.random_point(self.data, sizes, rng, exact=True,
                                                   pattern=pattern)
                entries = derivative_entries(self.f_c, problem.task, wrt, point, sizes, shape)
        except NotPolynomial as exc:
            self.too_big.append(f"{fmt_sizes(sizes)}: {exc}")
            return None
        except NotExact as exc:  # a constant that is not rational, say
            raise EvaluationError(str(exc)) from None
        self.symbolic = self.symbolic or entries.mode == "symbolic"
        polynomial = entries.mode == "polynomial"

        def draw(r: np.random.Generator, attempt: int) -> list[Fraction]:
            for _ in range(_KINK_TRIES):
                value = problem.space.random_value(wrt, sizes, r, exact=True,
                                                   wide=attempt >= 4 and polynomial)
                if not self.kinks and not self.other_kinks:
                    break
                # a derivative with kinks is judged almost everywhere: off the kinks, and
                # between the integers too (where relu(x - 1)' and heaviside(x) differ)
                value = value + _BETWEEN * int(r.integers(1, 16))
                full = {**point, wrt: value}
                try:
                    off_kinks(self.kinks, full, sizes)
                    off_kinks(self.other_kinks, full, sizes,
                              near=nearby(self.trial, full, sizes, r))
                    break
                except EvaluationError:
                    continue
            else:
                raise EvaluationError("no value of the variable off the kinks at these data")
            return [Fraction(v) for v in np.ravel(np.asarray(value, dtype=object))]

        def against(c: Compiled | None) -> EntryComparison | None:
            if c is None:
                return None
            try:
                return compare_entries(c, entries, point, wrt, sizes, rng, draw=draw,
                                       structure=self.structure)
            except NotPolynomial:
                return None
            except UnsupportedError as exc:  # beyond the evaluation's work budget, say
                self.too_big.append(f"{fmt_sizes(sizes)}: {exc}")
                return None
        claim, truth, index = (against(c) for c in self.against)
        return _EntrySample(sizes, point, entries.mode, claim, truth, index)


def _counterexample(problem: Problem, s: _EntrySample) -> Counterexample:
    cmp = s.claim
    assert cmp is not None and problem.wrt is not None
    return counterexample(problem, s.sizes, {**s.point, problem.wrt: cmp.at},
                          claimed=cmp.claimed, expected=cmp.expected,
                          exact=cmp.mode == "polynomial", engine="element-wise",
                          difference=None if cmp.undefined else
                          max_diff(np.asarray(cmp.expected, dtype=object),
                                   np.asarray(cmp.claimed, dtype=object)))


class ElementwiseEngine:
    """Index form, and exact entries at sizes 1 … 4 (and any asked for)."""

    name = "element-wise"
    independent = False

    def derive(self, problem: Problem) -> Derived:
        t0 = time.perf_counter()
        result, why = index_derivation(problem)
        return Derived(self.name, result, why, time.perf_counter() - t0)

    @staticmethod
    def sizes(problem: Problem) -> tuple[list[dict[sp.Symbol, int]], list[str]]:
        """Sizes 1…4 of the usual assignments (unless ``only_extra``), then every size
        asked for (all dimensions); and, as notes, the sizes asked for that are beyond the
        engine's work budget (skipped: the other engines decide)."""
        out = [] if problem.only_extra else [
            s for s in problem.sizes() if all(v <= ELEMENTWISE_MAX_DEFAULT for v in s.values())]
        too_big: list[str] = []
        dims = [d for d in problem.space.dim_symbols if problem.used is None or d in problem.used]
        for n in problem.extra_sizes:
            s = dict.fromkeys(dims, n)
            entries = math.prod(problem.space.concrete_shape(problem.wrt, s))  # type: ignore
            if not problem.space.admits(s):
                too_big.append(f"{fmt_sizes(s)}: the declared size constraints exclude it")
            elif entries > MAX_VARIABLE_ENTRIES:
                too_big.append(f"{fmt_sizes(s)}: {problem.wrt} has {entries} entries, more "
                               f"than the {MAX_VARIABLE_ENTRIES} it expands (a 32×32 matrix "
                               f"or a vector of {MAX_VARIABLE_ENTRIES})")
            elif s not in out:
                out.append(s)
        return out, too_big

    def judge(self, trial: Trial) -> Finding:
        """The entries at each size (small data first, then wide; at sizes above 4 one
        draw of wide data), compared with the claim, the reference (when another engine
        derived it) and this engine's own index-form result."""
        t0 = time.perf_counter()
        own = trial.derived[self.name]
        ours = trial.reference == self.name
        truth_c = None if ours else trial.truth_c
        index_c = trial.truth_c if ours else own.compiled
        sizes, too_big = self.sizes(trial.problem)
        # every pattern of ±1 or binary data when the matrix form, which compares them
        # all, has no result: then this engine's holds may decide the verdict
        alone = trial.reference != MatrixEngine.name
        data = [n for n in trial.names if n != trial.problem.wrt] if alone else None
        measured, skipped = sample_sizes(
            trial.problem, _Measure(trial, (trial.claim_c, truth_c, index_c), too_big,
                                    patterns=alone),
            want=EXACT_POINTS, stream=4, sizes=sizes, patterns=data)
        samples = [x for x in measured if x is not None]
        notes = []
        if too_big:
            notes.append("the element-wise engine skipped " + "; ".join(sorted(set(too_big))))
        if skipped:
            notes.append("element-wise engine: no admissible point at " + "; ".join(skipped))
        index_bad = [s for s in samples if s.index is not None and not s.index.equal]
        if index_bad:
            notes.append(f"the index-form result {trial.spell(own.expr)} disagrees with the "  # type: ignore[arg-type]
                         f"exact entries at {fmt_sizes(index_bad[0].sizes)}")
        # the reference's comparisons: the index ones when the reference is this engine's
        wrong = index_bad if ours else [s for s in samples
                                        if s.truth is not None and not s.truth.equal]
        doubts = (f"the derived result {trial.spell(trial.truth)} disagrees with the exact "  # type: ignore[arg-type]
                  f"entries of the element-wise engine at {fmt_sizes(wrong[0].sizes)}",
                  ) if wrong else ()
        evidence = self._evidence(trial, own, samples, own.seconds + time.perf_counter() - t0)
        return Finding(evidence, notes=tuple(notes), doubts=doubts, disputed=bool(index_bad))

    def _evidence(self, trial: Trial, own: Derived, samples: list[_EntrySample],
                  seconds: float) -> Evidence:
        problem = trial.problem
        if trial.claim_c is None:
            compared = [s for s in samples if s.truth is not None or s.index is not None]
            bad = [s for s in compared if s.truth is not None and not s.truth.equal]
        else:
            compared = [s for s in samples if s.claim is not None]
            bad = [s for s in compared if not s.claim.equal]  # type: ignore[union-attr]
        outcome = "undecided" if not compared else ("fails" if bad else "holds")
        cx = _counterexample(problem, bad[0]) if bad and trial.claim_c is not None else None
        modes = {c.mode for s in samples for c in (s.claim, s.truth) if c is not None}
        exact = modes <= {"polynomial"}  # identities, not comparisons at points in 60 digits
        return Evidence(
            engine=self.name, outcome=outcome,  # type: ignore[arg-type]
            method=self._method(trial, samples, modes), checks=len(samples),
            sizes=distinct_sizes(samples),
            max_error=0.0 if samples and not cx and exact else None,
            detail=self._index_text(trial, own), counterexample=cx, seconds=seconds)

    @staticmethod
    def _method(trial: Trial, samples: list[_EntrySample], modes: set[str]) -> str:
        problem = trial.problem
        wrt = problem.wrt
        if {s.mode for s in samples} != {"polynomial"}:
            return (f"entries differentiated symbolically (SymPy diff per entry) and compared "
                    f"at random rational values of {wrt}")
        data = [n for n in sorted({*symbol_names(problem.space, problem.f.expr)}) if n != wrt]
        how = (f"entries as exact polynomials in the entries of {wrt}"
               + (f" ({', '.join(data)} random integers)" if data else ""))
        if "pointwise" in modes:
            how += "; a claim that is not a polynomial compared at random rational values"
        return how

    @staticmethod
    def _index_text(trial: Trial, own: Derived) -> str:
        if own.expr is None:
            return f"index form: not available ({own.why_not})"
        derived = trial.spell(own.expr)
        if len(derived) > 160:  # the evidence is one line; the result is printed above
            derived = derived[:150] + f"… ({len(derived)} characters)"
        return f"index form: derived {derived}"

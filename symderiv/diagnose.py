"""How a failing claim is wrong: mistake detectors, each a small registered function.

A detector looks at a :class:`Case` — the claim, the correct result, and their exact
comparisons at random points — and returns the :class:`~symderiv.verdict.Diagnosis`
that explains the failure, or nothing.  :func:`diagnose` asks them in the order they are
registered (most specific first) and keeps the first answer; a claim undefined where the
correct result is defined explains everything on its own and is asked before them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .calculus import matrix as mf
from .calculus.evaluate import NotExact
from .calculus.numeric import compare
from .engines.base import Trial, jsonable, shaped, to_float_mp
from .engines.exact import Sample, exact_samples, exact_value
from .engines.matrix import difference
from .errors import EvaluationError
from .verdict import Diagnosis

__all__ = ["DETECTORS", "Case", "detector", "diagnose", "domain"]


@dataclass(slots=True)
class Case:
    """What the detectors look at: a failing claim and its exact comparisons.

    ``trial.truth`` is the correct result (the left-hand side of an identity) and
    ``claim`` the claim (the right-hand side); ``residual`` is truth − claim after
    canonical simplification, None when that is zero.
    """

    trial: Trial
    claim: sp.Basic
    samples: list[Sample]
    residual: sp.Basic | None = None

    @property
    def truth(self) -> sp.Basic:
        return self.trial.truth  # type: ignore[return-value]


Detector = Callable[[Case], list[Diagnosis]]
DETECTORS: list[Detector] = []


def detector(fn: Detector) -> Detector:
    """Register ``fn`` as the next detector :func:`diagnose` asks."""
    DETECTORS.append(fn)
    return fn


def diagnose(trial: Trial, samples: list[Sample]) -> tuple[list[Diagnosis], sp.Basic | None]:
    """How the claim is wrong: the first detector, in order of specificity, that explains it.

    A domain failure explains everything on its own; otherwise the residual correct − claim
    (lhs − rhs) is returned too and is the last resort.
    """
    claim = trial.problem.claim
    assert claim is not None and trial.truth is not None
    case = Case(trial, claim.expr, samples)
    found = domain(case)
    if found:
        return found, None
    residual = mf.canonical(difference(trial.truth, claim.expr), trial.problem.space,
                            factor=False)
    case.residual = None if mf.is_zero(residual) else residual
    for detect in DETECTORS:
        found = detect(case)
        if found:
            return found, case.residual
    return [], case.residual


def _diag(kind: str, template: str, *exprs: sp.Basic) -> Diagnosis:
    """A diagnosis whose ``{}`` slots are expressions (the printers spell them)."""
    return Diagnosis(kind, template, tuple(exprs))


def domain(case: Case) -> list[Diagnosis]:
    """One side undefined at a point where the other is defined."""
    undefined = next((s for s in case.samples
                      if isinstance(s.truth, str) or isinstance(s.claim, str)), None)
    if undefined is None:
        return []
    side, other = (("the claim", "the correct result") if case.trial.problem.task != "equal"
                   else ("the right-hand side", "the left-hand side"))
    if isinstance(undefined.truth, str):
        side, other = other, side
    where = ", ".join(f"{k} = {jsonable(v)}" for k, v in undefined.point.items())
    return [_diag("domain", f"{side} is undefined at {where}, where {other} is defined "
                            "(declare assumptions to restrict the domain: 'positive' for "
                            "scalars and vectors, 'positive entries', 'invertible', "
                            "'full column rank' or 'positive definite' for matrices)")]


def _ratio(samples: list[Sample]) -> Fraction | float | None:
    """The constant c with claim = c·truth at every sample, if there is one."""
    ratio = None
    for s in samples:
        if isinstance(s.truth, str) or isinstance(s.claim, str):
            return None
        for t, c in zip(np.ravel(s.truth), np.ravel(s.claim), strict=True):
            if t == 0:
                if c != 0:
                    return None
                continue
            r = c / t
            if ratio is None:
                ratio = r
            elif (s.exact and r != ratio) or (not s.exact and not abs(r - ratio)
                                                  <= 1e-9 * max(1, abs(ratio))):
                return None
    return ratio


@detector
def factor(case: Case) -> list[Diagnosis]:
    """The claim is a constant multiple of the correct result (−1: the sign)."""
    ratio = _ratio(case.samples)
    if ratio is None or ratio == 1:
        return []
    if ratio == -1:
        return [_diag("sign", "the sign is wrong: the claim is −1 × the correct result")]
    if ratio == 0:
        return [_diag("scalar factor", "the claim is zero where the correct result is not")]
    fr = to_float_mp(ratio)
    r = ratio if isinstance(ratio, Fraction) else (
        Fraction(fr).limit_denominator(1000) if math.isfinite(fr) else Fraction(0))
    if r != 0 and abs(float(r) - fr) <= 1e-9 * abs(fr):
        return [_diag("scalar factor", f"off by a constant factor: the claim is {r} × the "
                                       f"correct result (it should be multiplied by {1 / r})")]
    return [_diag("scalar factor",
                  f"off by a constant factor: the claim is {fr:.6g} × the correct result")]


def _eq(a: Any, b: Any, exact: bool) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return False
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if exact:
        return all(x == y for x, y in zip(np.ravel(a), np.ravel(b), strict=True))
    return compare(a.astype(float), b.astype(float), rtol=1e-9).ok


@detector
def transpose(case: Case) -> list[Diagnosis]:
    """The claim is the transpose of a square, non-symmetric correct result."""
    shapes = [np.shape(s.truth) for s in case.samples]
    square = all(len(sh) == 2 and sh[0] == sh[1] for sh in shapes)
    if not square or not any(sh[0] > 1 for sh in shapes):
        return []
    if all(_eq(s.claim, np.asarray(s.truth).T, s.exact) for s in case.samples):
        return [_diag("transpose", "the claim is the transpose of the correct result")]
    return []


def _holds_with_transposed(case: Case, name: str, exact: list[Sample]) -> bool:
    """Whether the claim, with the matrix ``name`` replaced by its transpose, is right."""
    claim_c = case.trial.claim_c
    assert claim_c is not None
    for s in exact:
        point = dict(s.point)
        point[name] = np.asarray(point[name]).T
        try:
            c = shaped(exact_value(claim_c, point, s.sizes), s.truth)
        except (EvaluationError, NotExact):
            return False
        if not _eq(c, s.truth, True):
            return False
    return True


@detector
def transposed_matrix(case: Case) -> list[Diagnosis]:
    """The claim has Mᵀ where the correct result has M (a square, non-symmetric M)."""
    exact = [s for s in case.samples if s.exact and not isinstance(s.truth, str)]
    if not exact:
        return []
    space = case.trial.problem.space
    m = next((name for name in case.trial.names
              if space.get(name).square and "symmetric" not in space.get(name).assumptions
              and _holds_with_transposed(case, name, exact)), None)
    if not m:
        return []
    return [_diag("transpose", f"the claim has {m}ᵀ where the correct result has {m} (with "
                               f"1-D vectors, y @ {m} means {m}ᵀy; write {m} @ y)")]


def _symmetrised(trial: Trial, names: list[str]) -> list[Sample]:
    """Exact comparisons at points where each of ``names`` is made symmetric (A + Aᵀ)."""
    def symmetrise(point: dict[str, Any]) -> None:
        for n in names:
            point[n] = point[n] + point[n].T

    assert trial.truth_c is not None and trial.claim_c is not None
    samples, _ = exact_samples(trial, trial.truth_c, trial.claim_c, override=symmetrise)
    return samples


def _symmetric_only(trial: Trial) -> list[str]:
    """Square matrices that, once made symmetric, make the claim hold."""
    space = trial.problem.space
    candidates = [n for n in trial.names if space.get(n).square
                  and "symmetric" not in space.get(n).assumptions]
    if not candidates:
        return []
    samples = _symmetrised(trial, candidates)
    if not samples or not all(s.equal for s in samples):
        return []
    # name only the ones that matter: those without which the claim still fails
    needed = [n for n in candidates
              if not all(s.equal for s in _symmetrised(trial, [m for m in candidates
                                                                if m != n]))]
    return needed or candidates


@detector
def symmetric_only(case: Case) -> list[Diagnosis]:
    """Right only if some square matrices were symmetric (transpose terms missing)."""
    sym_only = _symmetric_only(case.trial)
    if not sym_only:
        return []
    return [_diag("symmetric only",
                  f"right only if {' and '.join(sym_only)} "
                  f"{'is' if len(sym_only) == 1 else 'are'} symmetric — declare it "
                  f"(\"{sym_only[0]}: ..., symmetric\") if it is; otherwise the transpose "
                  "terms are missing")]


@detector
def dimension_one(case: Case) -> list[Diagnosis]:
    """Right where a dimension is 1, wrong at every larger size."""
    ok_with_one = [s.equal for s in case.samples if 1 in s.sizes.values()]
    ok_without = [s.equal for s in case.samples if 1 not in s.sizes.values()]
    if ok_with_one and all(ok_with_one) and ok_without and not all(ok_without):
        return [_diag("dimension 1 only",
                      "right only when a dimension is 1 (where transposes and orders of "
                      "products cannot be told apart); wrong at larger sizes")]
    return []


def _terms(e: sp.Basic) -> dict[sp.Basic, sp.Expr] | None:
    """Split a canonical expression into {term: numeric coefficient}."""
    if mf.is_zero(e):
        return {}
    out: dict[sp.Basic, sp.Expr] = {}
    for t in (e.args if isinstance(e, sp.MatAdd | sp.Add) else (e,)):
        if isinstance(t, sp.MatMul):
            coeff, rest = t.as_coeff_mmul()
            rest = rest.doit() if isinstance(rest, sp.MatMul) else rest
        elif isinstance(t, sp.Mul):
            coeff, rest = t.as_coeff_Mul()
        else:
            coeff, rest = sp.Integer(1), t
        if not coeff.is_Number:
            return None
        out[rest] = out.get(rest, 0) + coeff
    return out


@detector
def terms(case: Case) -> list[Diagnosis]:
    """At most three terms missing, extra, or with another coefficient."""
    space = case.trial.problem.space
    truth_terms = _terms(mf.canonical(case.truth, space, factor=False))
    claim_terms = _terms(mf.canonical(case.claim, space, factor=False))
    if truth_terms is None or claim_terms is None:
        return []
    missing = [k for k in truth_terms if k not in claim_terms]
    extra = [k for k in claim_terms if k not in truth_terms]
    changed = [k for k in truth_terms if k in claim_terms and truth_terms[k] != claim_terms[k]]
    if len(missing) + len(extra) + len(changed) > 3:
        return []
    return ([_diag("coefficient", f"the term {{}} has coefficient {claim_terms[k]} in the claim, "
                                  f"but {truth_terms[k]} in the correct result", k)
             for k in changed]
            + [_diag("missing term", "missing term {}", truth_terms[k] * k) for k in missing]
            + [_diag("extra term", "extra term {}", claim_terms[k] * k) for k in extra])


@detector
def residual(case: Case) -> list[Diagnosis]:
    """The last resort: correct − claim (lhs − rhs), simplified."""
    if case.residual is None:
        return []
    label = "lhs − rhs" if case.trial.problem.task == "equal" else "correct − claim"
    return [_diag("residual", label + " = {}", case.residual)]

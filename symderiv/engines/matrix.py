"""The matrix-form engine: the gradient or Hessian at symbolic sizes
(:mod:`symderiv.calculus.matrix`), compared with the claim exactly at random points
(:mod:`.exact`); for an identity, canonical simplification of lhs − rhs."""

from __future__ import annotations

import time

import sympy as sp

from ..calculus import matrix as mf
from ..errors import UnsupportedError
from ..problem import Problem
from ..space import Space
from ..verdict import Evidence
from .base import Derived, Finding, Trial, distinct_sizes, fmt_sizes
from .exact import Sample, exact_counterexample, exact_samples

__all__ = ["MatrixEngine", "difference", "dimension_witness"]


def difference(lhs: sp.Basic, rhs: sp.Basic) -> sp.Basic:
    """lhs − rhs, as a matrix expression when both sides are matrices."""
    if isinstance(lhs, sp.MatrixExpr) and isinstance(rhs, sp.MatrixExpr):
        return sp.MatAdd(lhs, -rhs)
    return lhs - rhs


def dimension_witness(canon: sp.Basic, space: Space
                      ) -> tuple[dict[sp.Symbol, int], sp.Expr] | None:
    """Sizes where lhs − rhs ≠ 0, when it is a polynomial in the dimensions alone.

    Such a difference can vanish at finitely many sizes only, so checking a few sizes
    proves nothing; a size where it is nonzero disproves the identity.
    """
    dims = set(space.dim_symbols)
    if isinstance(canon, sp.MatrixExpr) or not canon.free_symbols <= dims \
            or not canon.free_symbols or not canon.is_polynomial(*canon.free_symbols):
        return None
    ordered = sorted(canon.free_symbols, key=lambda d: d.name)
    for value in range(1, 64):
        sizes = dict.fromkeys(ordered, value)
        at = canon.subs(sizes)
        if at != 0:
            return sizes, at
    return None


#: largest truth + claim (in SymPy nodes) whose difference is simplified for the remark
#: "identical after canonical simplification"
PROOF_NODES = 400


def _nodes(*exprs: sp.Basic) -> int:
    """The nodes of ``exprs``, counted up to PROOF_NODES + 1."""
    count = 0
    for e in exprs:
        for _ in sp.preorder_traversal(e):
            count += 1
            if count > PROOF_NODES:
                return count
    return count


class MatrixEngine:
    """Matrix-form rules on SymPy matrix expressions, at symbolic sizes."""

    name = "matrix-form"
    independent = False
    method = "symbolic differentiation of matrix expressions at symbolic sizes"

    def derive(self, problem: Problem) -> Derived:
        t0 = time.perf_counter()
        var = problem.space.symbol(problem.wrt)  # type: ignore[arg-type]
        try:
            fn = mf.gradient if problem.task == "gradient" else mf.hessian
            expr = fn(problem.f.expr, var, problem.space)
        except UnsupportedError as exc:
            return Derived(self.name, None, str(exc), time.perf_counter() - t0)
        except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
            # a failure inside the CAS must not take the verdict down: the numeric engine
            # still decides, and the failure is reported as evidence — in words, as SymPy's
            # own message speaks of its classes ("Input to Determinant, … not a matrix")
            return Derived(self.name, None, "SymPy's symbolic computation failed on this "
                           f"expression ({type(exc).__name__})", time.perf_counter() - t0)
        return Derived(self.name, expr, None, time.perf_counter() - t0)

    def judge(self, trial: Trial) -> Finding:
        """The claim against this engine's result, exactly at random points.

        Without a claim the engine vouches for its result (``holds``); the judge makes
        that undecided when another engine contradicts it.
        """
        t0 = time.perf_counter()
        own = trial.derived[self.name]
        samples: list[Sample] = []
        notes: tuple[str, ...] = ()
        cx = None
        if trial.truth is None or trial.reference != self.name:
            outcome, detail = "unsupported", own.why_not or ""
        elif trial.claim_c is None:
            outcome, detail = "holds", f"derived {trial.spell(trial.truth)}"
        else:
            assert trial.truth_c is not None
            samples, skipped = exact_samples(trial, trial.truth_c, trial.claim_c)
            if skipped:
                notes = ("no admissible exact point at " + "; ".join(skipped),)
            bad = [s for s in samples if not s.equal]
            outcome = "undecided" if not samples else ("fails" if bad else "holds")
            detail = self._detail(trial, samples) if samples else ""
            cx = exact_counterexample(trial, bad[0], self.name) if bad else None
        evidence = Evidence(
            engine=self.name, outcome=outcome,  # type: ignore[arg-type]
            method=self.method, checks=len(samples), sizes=distinct_sizes(samples),
            max_error=max((s.rel for s in samples), default=None) if samples else None,
            detail=detail, counterexample=cx,
            seconds=own.seconds + time.perf_counter() - t0)
        return Finding(evidence, notes=notes, samples=tuple(samples))

    @staticmethod
    def _detail(trial: Trial, samples: list[Sample]) -> str:
        exact_n = sum(s.exact for s in samples)
        how = (f"exact rational comparison at {exact_n} random points"
               if exact_n == len(samples) else
               f"{exact_n} exact and {len(samples) - exact_n} 60-digit comparisons "
               "(exp, log or roots are not rational)")
        claim = trial.problem.claim
        assert claim is not None and trial.truth is not None
        # the proof only adds a remark to the points' verdict: tried on results of a size
        # people read (the logistic loss's Hessian, a thousand nodes, spent 1.3 s on it)
        proved = _nodes(trial.truth, claim.expr) <= PROOF_NODES and mf.is_zero(
            mf.canonical(difference(trial.truth, claim.expr), trial.problem.space))
        return (f"derived {trial.spell(trial.truth)}; {how}"
                + ("; identical after canonical simplification" if proved else ""))

    def compare(self, trial: Trial) -> Finding:
        """An identity's ``symbolic`` engine: canonical simplification of lhs − rhs, a proof
        when it reaches zero, and a disproof when it is a nonzero polynomial in the
        dimensions."""
        t0 = time.perf_counter()
        problem = trial.problem
        space = problem.space
        assert problem.claim is not None
        try:
            canon = mf.canonical(difference(problem.f.expr, problem.claim.expr), space,
                                 factor=False)
            proved = mf.is_zero(canon)
        # SymPy's own simplification fails on some determinants under powers (√(det(2A)²):
        # "Input to Determinant, 2*A.T, not a matrix", AttributeError, NotImplementedError,
        # KeyError 'integer'): the symbolic engine has no say, the points decide
        except (UnsupportedError, ArithmeticError, TypeError, ValueError, RecursionError,
                AttributeError, NotImplementedError, KeyError) as exc:
            canon, proved = None, False
            detail = (f"simplification failed: {exc}" if isinstance(exc, UnsupportedError)
                      else "simplification failed in SymPy (not a proof either way)")
        else:
            detail = ("lhs − rhs simplifies to 0" if proved else
                      f"lhs − rhs simplifies to {trial.spell(canon)} (not a proof either way)")
        outcome = "holds" if proved else "undecided"
        witness = dimension_witness(canon, space) if canon is not None and not proved else None
        if witness is not None:
            outcome = "fails"
            detail = (f"lhs − rhs = {trial.spell(canon)}, a nonzero polynomial in the "
                      f"dimensions: {witness[1]} at {fmt_sizes(witness[0])}")
        return Finding(Evidence("symbolic", outcome,  # type: ignore[arg-type]
                                "canonical simplification of lhs − rhs", detail=detail,
                                seconds=time.perf_counter() - t0))

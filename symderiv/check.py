"""The judge: run the engines on a claim, compare, and return a :class:`Verdict`.

Engines
-------
``matrix-form``
    The symbolic gradient/Hessian at symbolic sizes (:mod:`symderiv.calculus.matrix`),
    compared with the claim *exactly*: both are evaluated at random points with
    small-integer entries at several concrete sizes, in rational arithmetic
    (a polynomial or rational identity that holds at random points holds, by the
    Schwartz–Zippel lemma, with overwhelming probability; a mismatch is a proof
    of failure).  Where a value is not rational (exp, log), it falls back to
    floating point with a tight relative tolerance.
``numeric``
    Finite differences of the *function* (:mod:`symderiv.calculus.numeric`),
    compared with the claim under a scale-aware tolerance that includes the
    difference's own error estimate.  It also checks the matrix-form result,
    so a wrong CAS answer is caught instead of trusted.

The verdict is ``holds`` or ``fails`` only when the engines agree; when they do
not, it is ``undecided`` and the disagreement is reported, naming the engine
whose result contradicts finite differences.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .calculus import matrix as mf
from .calculus.elementwise import (
    EntryComparison,
    compare_entries,
    derivative_entries,
)
from .calculus.evaluate import Compiled, Exact, NotExact, Precise, compile_expr
from .calculus.numeric import (
    NumericDerivative,
    compare,
    evaluate_float,
    numeric_gradient,
    numeric_hessian,
)
from .calculus.steps import derive as derive_by_index
from .errors import (
    ArgumentError,
    EvaluationError,
    NotPolynomial,
    OutOfRangeError,
    ShapeError,
    UnsupportedError,
)
from .parse import Parsed, parse_expression
from .problem import (
    Problem,
    declarations_of,
    make_space,
    setup_problem,
    symbol_names,
    used_dims,
    validate_options,
    validate_sizes,
    zero_as,
)
from .render.printing import to_input, to_latex, to_unicode
from .space import Space
from .verdict import Counterexample, Diagnosis, Evidence, Verdict

__all__ = ["Result", "check_entries", "check_equal", "check_gradient", "check_hessian", "gradient",
           "hessian"]

EXACT_POINTS = 2
RESAMPLE = 12


@dataclass(frozen=True, slots=True)
class Result:
    """A derived expression: the SymPy object and its spellings.

    ``str(result)`` is the numpy-like input form (paste it back as a claim).
    """

    expr: sp.Basic
    wrt: str
    task: str
    text: str

    @property
    def unicode(self) -> str:
        return to_unicode(self.expr)

    @property
    def latex(self) -> str:
        return to_latex(self.expr)

    def __str__(self) -> str:
        return self.text

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"


def _dimension_witness(canon: sp.Basic, space: Space
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


# -- exact and float evaluation ---------------------------------------------------------------
def _exact_value(fc: Compiled, point: Mapping[str, Any], sizes: Mapping[sp.Symbol, int]) -> Any:
    out = fc(point, sizes, Exact())
    if isinstance(out, np.ndarray):
        return out
    return np.asarray(Fraction(out) if not isinstance(out, Fraction) else out, dtype=object)


def _as_float(point: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (np.asarray(v, dtype=float) if isinstance(v, np.ndarray) else float(v))
            for k, v in point.items()}


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        if v.ndim == 2 and v.shape[1] == 1:
            v = v[:, 0]
        return [_jsonable(x) for x in v.tolist()] if v.ndim else _jsonable(v.item())
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
    if isinstance(v, np.floating | float):
        return float(v)
    if type(v).__name__ == "mpf":  # 60-digit values: a float when it fits, else the digits
        f = _to_float_mp(v)
        return f if math.isfinite(f) and (f != 0 or v == 0) else str(v)
    if isinstance(v, np.integer | int):
        return int(v)
    return v


def _size_names(sizes: Mapping[sp.Symbol, int]) -> dict[str, int]:
    return {s.name: int(v) for s, v in sizes.items()}


def _shaped(value: Any, ref: np.ndarray) -> np.ndarray:
    """Broadcast a scalar zero claim to the reference's shape."""
    arr = np.asarray(value)
    if arr.shape != np.shape(ref) and arr.size == 1:
        return np.broadcast_to(arr.reshape(()), np.shape(ref))
    return arr


@dataclass(slots=True)
class _Sample:
    sizes: dict[sp.Symbol, int]
    point: dict[str, Any]
    truth: Any
    claim: Any
    exact: bool
    equal: bool
    rel: float


UNDEFINED = "undefined"


def _to_float(q: Fraction) -> float:
    try:
        return float(q)
    except OverflowError:
        return float("inf")


def _compare_at(truth_c: Compiled, claim_c: Compiled, point: dict[str, Any],
                sizes: dict[sp.Symbol, int], *, symmetric: bool = False) -> _Sample:
    """Exactly where possible; else floats with a tight tolerance.

    Where the reference (``truth_c``) is undefined the point is not admissible
    (EvaluationError propagates and the caller draws another); where only the
    claim is undefined, the claim fails there.  With ``symmetric`` (an identity),
    either side being undefined while the other is defined is a failure.
    """
    try:
        return _compare_with(point, sizes, truth_c, claim_c, exact=True, symmetric=symmetric)
    except NotExact:
        return _compare_with(point, sizes, truth_c, claim_c, exact=False, symmetric=symmetric)


PRECISE_RTOL = 1e-40


def _compare_with(point: dict[str, Any], sizes: dict[sp.Symbol, int], truth_c: Compiled,
                  claim_c: Compiled, *, exact: bool, symmetric: bool) -> _Sample:
    """Compare at one point: rationally (``exact``), else in 60-digit arithmetic where
    the point is exact but the values are not, else (float points) in float64."""
    backend: Any = Exact() if exact else (Precise() if _is_exact_point(point) else None)

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
    if t is UNDEFINED or c is UNDEFINED:
        return _Sample(sizes, point, t, c, exact, False, float("inf"))
    c = _shaped(c, t)
    if backend is None:
        cmp = compare(c, t, rtol=1e-9)
        return _Sample(sizes, point, t, c, False, cmp.ok, cmp.max_rel)
    diff = np.asarray(t - c, dtype=object)
    scale = max((abs(x) for x in np.ravel(t)), default=0)
    worst = max((abs(d) for d in np.ravel(diff)), default=0)
    rel = worst / scale if scale else worst
    if exact:
        return _Sample(sizes, point, t, c, True, worst == 0, _to_float(Fraction(rel)))
    return _Sample(sizes, point, t, c, False, rel <= PRECISE_RTOL, _to_float_mp(rel))


def _is_exact_point(point: dict[str, Any]) -> bool:
    return all(isinstance(v, Fraction) or (isinstance(v, np.ndarray) and v.dtype == object)
               for v in point.values())


def _to_float_mp(x: Any) -> float:
    try:
        return float(x)
    except (OverflowError, ValueError):
        return float("inf")


def _exact_samples(problem: Problem, truth_c: Compiled, claim_c: Compiled,
                   names: list[str], *, override: Callable[[dict[str, Any]], None] | None = None,
                   ) -> tuple[list[_Sample], list[str]]:
    """Compare at EXACT_POINTS random integer points per size assignment.

    The first point has small entries (a counterexample people can read); the next
    are wide (up to 1000), so that a polynomial identity cannot hold at every drawn
    point by accident — unless the values turned out not to be rational: exp and log
    at wide points would need thousands of digits to survive cancellation.
    """
    symmetric = problem.task == "equal"

    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[_Sample]) -> _Sample:
        rational = all(s.exact for s in earlier)
        point = problem.space.random_point(names, sizes, rng, exact=True,
                                           wide=bool(earlier) and rational)
        if override is not None:
            override(point)
        return _compare_at(truth_c, claim_c, point, sizes, symmetric=symmetric)

    return _sample_sizes(problem, measure, want=EXACT_POINTS, stream=1)


def _sample_sizes(problem: Problem,
                  measure: Callable[[dict[sp.Symbol, int], np.random.Generator, list[Any]], Any],
                  *, want: int, stream: int, sizes: list[dict[sp.Symbol, int]] | None = None
                  ) -> tuple[list[Any], list[str]]:
    """Run ``measure`` at ``want`` admissible random points per size assignment.

    A point where the function is undefined or out of range (EvaluationError) is drawn
    again, up to RESAMPLE times; sizes with no admissible point are returned as skipped.
    The generator is seeded by (seed, size index, attempt, stream), so every engine's
    points are reproducible and independent of the others'.
    """
    results: list[Any] = []
    skipped: list[str] = []
    for si, size in enumerate(problem.sizes() if sizes is None else sizes):
        got: list[Any] = []
        for attempt in range(RESAMPLE):
            if len(got) == want:
                break
            rng = np.random.default_rng([problem.seed, si, attempt, stream])
            try:
                got.append(measure(size, rng, got))
            except EvaluationError:
                continue
        if not got:
            skipped.append(_fmt_sizes(size))
        results.extend(got)
    return results, skipped


def _distinct_sizes(samples: list[Any]) -> tuple[dict[str, int], ...]:
    seen: list[dict[str, int]] = []
    for s in samples:
        named = _size_names(s.sizes)
        if named not in seen:
            seen.append(named)
    return tuple(seen)


def _fmt_size_names(sizes: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items()) or "fixed sizes"


def _fmt_sizes(sizes: Mapping[sp.Symbol, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in _size_names(sizes).items()) or "fixed sizes"


# -- numeric engine --------------------------------------------------------------------------
@dataclass(slots=True)
class _NumSample:
    sizes: dict[sp.Symbol, int]
    point: dict[str, Any]
    numeric: NumericDerivative
    claim: Any
    claim_ok: bool
    claim_rel: float
    truth: Any
    truth_ok: bool | None
    truth_rel: float | None


def _numeric_samples(problem: Problem, f_c: Compiled, claim_c: Compiled | None,
                     truth_c: Compiled | None, names: list[str]
                     ) -> tuple[list[_NumSample], list[str]]:
    wrt = problem.wrt
    assert wrt is not None
    derive = numeric_gradient if problem.task == "gradient" else numeric_hessian

    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[_NumSample]) -> _NumSample:
        point = problem.space.random_point(names, sizes, rng, exact=False, scale=problem.scale)
        num = derive(f_c, point, wrt, sizes)
        rtol = 1e-8 if "complex" in num.method and problem.task == "gradient" else 1e-5
        ref = np.asarray(num.value)
        claim_v = claim_ok = claim_rel = None
        if claim_c is not None:
            try:
                claim_v = _shaped(_squeeze(evaluate_float(claim_c, point, sizes), ref), ref)
            except OutOfRangeError:
                raise
            except EvaluationError:  # f is differentiable here, the claim undefined
                claim_v, claim_ok, claim_rel = UNDEFINED, False, float("inf")
            else:
                cmp = compare(claim_v, ref, num.error, rtol=rtol)
                claim_ok, claim_rel = cmp.ok, cmp.max_rel
        truth_v = truth_ok = truth_rel = None
        if truth_c is not None:
            truth_v = _shaped(_squeeze(evaluate_float(truth_c, point, sizes), ref), ref)
            cmp = compare(truth_v, ref, num.error, rtol=rtol)
            truth_ok, truth_rel = cmp.ok, cmp.max_rel
        return _NumSample(sizes, point, num, claim_v, bool(claim_ok), claim_rel or 0.0,
                          truth_v, truth_ok, truth_rel)

    return _sample_sizes(problem, measure, want=1, stream=2)


# -- element-wise engine ---------------------------------------------------------------------
ELEMENTWISE_MAX_DEFAULT = 4
MAX_VARIABLE_ENTRIES = 1024  # polynomial rings in more generators get slow (≈ 6 s at 1024)


@dataclass(slots=True)
class _EntrySample:
    sizes: dict[sp.Symbol, int]
    point: dict[str, Any]
    mode: str
    claim: EntryComparison | None
    truth: EntryComparison | None
    index: EntryComparison | None


def _elementwise_sizes(problem: Problem) -> tuple[list[dict[sp.Symbol, int]], list[str]]:
    """Sizes 1…4 of the usual assignments (unless ``only_extra``), then every size asked
    for (all dimensions); and, as notes, the sizes asked for that are beyond the engine's
    work budget (skipped: the other engines decide)."""
    out = [] if problem.only_extra else [
        s for s in problem.sizes() if all(v <= ELEMENTWISE_MAX_DEFAULT for v in s.values())]
    too_big: list[str] = []
    dims = [d for d in problem.space.dim_symbols if problem.used is None or d in problem.used]
    for n in problem.extra_sizes:
        s = dict.fromkeys(dims, n)
        entries = math.prod(problem.space.concrete_shape(problem.wrt, s))  # type: ignore
        if entries > MAX_VARIABLE_ENTRIES:
            too_big.append(f"{_fmt_sizes(s)}: {problem.wrt} has {entries} entries, more than "
                           f"the {MAX_VARIABLE_ENTRIES} it expands (a 32×32 matrix or a vector "
                           f"of {MAX_VARIABLE_ENTRIES})")
        elif s not in out:
            out.append(s)
    return out, too_big


def _elementwise_samples(problem: Problem, f_c: Compiled, claim_c: Compiled | None,
                         truth_c: Compiled | None, index_c: Compiled | None, names: list[str]
                         ) -> tuple[list[_EntrySample], list[str], list[str]]:
    """The derivative's entries at each size (small data first, then wide; at sizes above
    4 one draw of wide data), compared with the claim, the matrix-form result and the
    index-form result."""
    wrt = problem.wrt
    assert wrt is not None
    data = [n for n in names if n != wrt]
    sizes, too_big = _elementwise_sizes(problem)
    assumptions = problem.space.get(wrt).assumptions
    structure = ("pointwise" if "orthogonal" in assumptions else
                 "diagonal" if "diagonal" in assumptions else
                 "symmetric" if {"symmetric", "positive definite"} & set(assumptions) else "")

    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[_EntrySample | None]) -> _EntrySample | None:
        large = any(v > ELEMENTWISE_MAX_DEFAULT for v in sizes.values())
        if large and earlier:
            return None  # one draw at a large size: its data are already wide
        point = problem.space.random_point(data, sizes, rng, exact=True,
                                           wide=bool(earlier) or large)
        shape = problem.space.concrete_shape(wrt, sizes)
        try:
            entries = derivative_entries(f_c, problem.task, wrt, point, sizes, shape)
        except NotPolynomial as exc:
            too_big.append(f"{_fmt_sizes(sizes)}: {exc}")
            return None
        except NotExact as exc:  # a constant that is not rational, say
            raise EvaluationError(str(exc)) from None

        def draw(r: np.random.Generator, attempt: int) -> list[Fraction]:
            value = problem.space.random_value(wrt, sizes, r, exact=True, wide=attempt >= 4)
            return [Fraction(v) for v in np.ravel(np.asarray(value, dtype=object))]

        def against(c: Compiled | None) -> EntryComparison | None:
            if c is None:
                return None
            try:
                return compare_entries(c, entries, point, wrt, sizes, rng, draw=draw,
                                       structure=structure)
            except NotPolynomial:
                return None
        return _EntrySample(sizes, point, entries.mode, against(claim_c), against(truth_c),
                            against(index_c))

    samples, skipped = _sample_sizes(problem, measure, want=EXACT_POINTS, stream=4,
                                     sizes=sizes)
    return [x for x in samples if x is not None], skipped, sorted(set(too_big))


def _counterexample_entries(problem: Problem, s: _EntrySample) -> Counterexample:
    cmp = s.claim
    assert cmp is not None and problem.wrt is not None
    values = {k: _jsonable(v) for k, v in s.point.items()}
    values[problem.wrt] = _jsonable(cmp.at)
    return Counterexample(seed=problem.seed, sizes=_size_names(s.sizes), values=values,
                          claimed=_jsonable(cmp.claimed), expected=_jsonable(cmp.expected),
                          exact=cmp.mode == "polynomial", engine="element-wise",
                          max_abs_diff=None if cmp.undefined else
                          _max_diff(np.asarray(cmp.expected, dtype=object),
                                    np.asarray(cmp.claimed, dtype=object)))


def _index_derivation(problem: Problem) -> tuple[sp.Basic | None, str | None]:
    """The element-wise engine's symbolic result (index form, read back as a matrix)."""
    try:
        _steps, result, _ = derive_by_index(problem.task, problem.f.expr,
                                            problem.wrt, problem.space)  # type: ignore[arg-type]
    except UnsupportedError as exc:
        return None, str(exc)
    except (ArithmeticError, TypeError, ValueError, RecursionError, KeyError) as exc:
        return None, f"the index form failed ({type(exc).__name__}: {exc})"
    return result, None


def _elementwise_evidence(problem: Problem, samples: list[_EntrySample], skipped: list[str],
                          too_big: list[str], index_result: sp.Basic | None,
                          index_why: str | None, seconds: float
                          ) -> tuple[Evidence, list[str], bool]:
    notes: list[str] = []
    wrt = problem.wrt
    data = [n for n in sorted({*symbol_names(problem.space, problem.f.expr)}) if n != wrt]
    modes = {c.mode for s in samples for c in (s.claim, s.truth) if c is not None}
    entry_modes = {s.mode for s in samples}
    if entry_modes == {"polynomial"}:
        how = (f"entries as exact polynomials in the entries of {wrt}"
               + (f" ({', '.join(data)} random integers)" if data else ""))
        if "pointwise" in modes:
            how += "; a claim that is not a polynomial compared at random rational values"
    else:
        how = (f"entries differentiated symbolically (SymPy diff per entry) and compared at "
               f"random rational values of {wrt}")
    if index_result is not None:
        derived = to_unicode(index_result)
        if len(derived) > 160:  # the evidence is one line; the result is printed above
            derived = derived[:150] + f"… ({len(derived)} characters)"
        ix_text = f"index form: derived {derived}"
    else:
        ix_text = f"index form: not available ({index_why})"
    cx = None
    if problem.claim is None:
        compared = [s for s in samples if s.truth is not None or s.index is not None]
        bad = [s for s in compared if s.truth is not None and not s.truth.equal]
        outcome = "undecided" if not compared else ("fails" if bad else "holds")
    else:
        compared = [s for s in samples if s.claim is not None]
        bad = [s for s in compared if not s.claim.equal]  # type: ignore[union-attr]
        outcome = "undecided" if not compared else ("fails" if bad else "holds")
        if bad:
            cx = _counterexample_entries(problem, bad[0])
    if too_big:
        notes.append("the element-wise engine skipped " + "; ".join(too_big))
    if skipped:
        notes.append("element-wise engine: no admissible point at " + "; ".join(skipped))
    index_bad = [s for s in samples if s.index is not None and not s.index.equal]
    if index_bad:
        notes.append(f"the index-form result {to_unicode(index_result)} disagrees with the "
                     f"exact entries at {_fmt_sizes(index_bad[0].sizes)}")
    exact = modes <= {"polynomial"}  # identities, not comparisons at points in 60 digits
    evidence = Evidence(
        engine="element-wise", outcome=outcome,  # type: ignore[arg-type]
        method=how, checks=len(samples), sizes=_distinct_sizes(samples),
        max_error=0.0 if samples and not cx and exact else None,
        detail=ix_text, counterexample=cx, seconds=seconds)
    return evidence, notes, bool(index_bad)


def _squeeze(value: Any, ref: np.ndarray) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1 and ref.ndim == 1:
        return arr[:, 0]
    return arr


# -- diagnosis -----------------------------------------------------------------------------
def _diag(kind: str, template: str, *exprs: sp.Basic) -> Diagnosis:
    """A diagnosis whose ``{}`` slots are expressions (the printers spell them)."""
    return Diagnosis(kind, template, tuple(exprs))


def _ratio(samples: list[_Sample]) -> Fraction | float | None:
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


@dataclass(slots=True)
class _Case:
    """What the diagnosis detectors look at: a failing claim and its evaluations."""

    problem: Problem
    truth: sp.Basic
    claim: sp.Basic
    samples: list[_Sample]
    truth_c: Compiled
    claim_c: Compiled
    names: list[str]
    residual: sp.Basic | None = None


def _diagnose(problem: Problem, truth: sp.Basic, claim: sp.Basic,
              samples: list[_Sample], truth_c: Compiled, claim_c: Compiled,
              names: list[str]) -> tuple[list[Diagnosis], sp.Basic | None]:
    """How the claim is wrong: the first detector, in order of specificity, that explains it.

    A domain failure explains everything on its own; otherwise the residual correct − claim
    (lhs − rhs) is returned too and is the last resort.
    """
    case = _Case(problem, truth, claim, samples, truth_c, claim_c, names)
    domain = _detect_domain(case)
    if domain:
        return domain, None
    residual = mf.canonical(sp.MatAdd(truth, -claim) if isinstance(truth, sp.MatrixExpr)
                            and isinstance(claim, sp.MatrixExpr) else truth - claim,
                            problem.space, factor=False)
    case.residual = None if mf.is_zero(residual) else residual
    for detect in (_detect_factor, _detect_transpose, _detect_transposed_matrix,
                   _detect_symmetric_only, _detect_dimension_one, _detect_terms,
                   _detect_residual):
        found = detect(case)
        if found:
            return found, case.residual
    return [], case.residual


def _detect_domain(case: _Case) -> list[Diagnosis]:
    undefined = next((s for s in case.samples
                      if isinstance(s.truth, str) or isinstance(s.claim, str)), None)
    if undefined is None:
        return []
    side, other = (("the claim", "the correct result") if case.problem.task != "equal"
                   else ("the right-hand side", "the left-hand side"))
    if isinstance(undefined.truth, str):
        side, other = other, side
    where = ", ".join(f"{k} = {_jsonable(v)}" for k, v in undefined.point.items())
    return [_diag("domain", f"{side} is undefined at {where}, where {other} is defined "
                            "(declare assumptions to restrict the domain: 'positive' for "
                            "scalars; 'invertible' or 'positive definite' for matrices)")]


def _detect_factor(case: _Case) -> list[Diagnosis]:
    ratio = _ratio(case.samples)
    if ratio is None or ratio == 1:
        return []
    if ratio == -1:
        return [_diag("sign", "the sign is wrong: the claim is −1 × the correct result")]
    if ratio == 0:
        return [_diag("scalar factor", "the claim is zero where the correct result is not")]
    fr = _to_float_mp(ratio)
    r = ratio if isinstance(ratio, Fraction) else (
        Fraction(fr).limit_denominator(1000) if math.isfinite(fr) else Fraction(0))
    if r != 0 and abs(float(r) - fr) <= 1e-9 * abs(fr):
        return [_diag("scalar factor", f"off by a constant factor: the claim is {r} × the "
                                       f"correct result (it should be multiplied by {1 / r})")]
    return [_diag("scalar factor",
                  f"off by a constant factor: the claim is {fr:.6g} × the correct result")]


def _detect_transpose(case: _Case) -> list[Diagnosis]:
    shapes = [np.shape(s.truth) for s in case.samples]
    square = all(len(sh) == 2 and sh[0] == sh[1] for sh in shapes)
    if not square or not any(sh[0] > 1 for sh in shapes):
        return []
    if all(_eq(s.claim, np.asarray(s.truth).T, s.exact) for s in case.samples):
        return [_diag("transpose", "the claim is the transpose of the correct result")]
    return []


def _detect_transposed_matrix(case: _Case) -> list[Diagnosis]:
    m = _transposed_matrix(case.problem, case.samples, case.claim_c, case.names)
    if not m:
        return []
    return [_diag("transpose", f"the claim has {m}ᵀ where the correct result has {m} (with "
                               f"1-D vectors, y @ {m} means {m}ᵀy; write {m} @ y)")]


def _detect_symmetric_only(case: _Case) -> list[Diagnosis]:
    sym_only = _symmetric_only(case.problem, case.truth_c, case.claim_c, case.names)
    if not sym_only:
        return []
    return [_diag("symmetric only",
                  f"right only if {' and '.join(sym_only)} "
                  f"{'is' if len(sym_only) == 1 else 'are'} symmetric — declare it "
                  f"(\"{sym_only[0]}: ..., symmetric\") if it is; otherwise the transpose "
                  "terms are missing")]


def _detect_dimension_one(case: _Case) -> list[Diagnosis]:
    ok_with_one = [s.equal for s in case.samples if 1 in s.sizes.values()]
    ok_without = [s.equal for s in case.samples if 1 not in s.sizes.values()]
    if ok_with_one and all(ok_with_one) and ok_without and not all(ok_without):
        return [_diag("dimension 1 only",
                      "right only when a dimension is 1 (where transposes and orders of "
                      "products cannot be told apart); wrong at larger sizes")]
    return []


def _detect_terms(case: _Case) -> list[Diagnosis]:
    truth_terms = _terms(mf.canonical(case.truth, case.problem.space, factor=False))
    claim_terms = _terms(mf.canonical(case.claim, case.problem.space, factor=False))
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


def _detect_residual(case: _Case) -> list[Diagnosis]:
    if case.residual is None:
        return []
    label = "lhs − rhs" if case.problem.task == "equal" else "correct − claim"
    return [_diag("residual", label + " = {}", case.residual)]


def _eq(a: Any, b: Any, exact: bool) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return False
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if exact:
        return all(x == y for x, y in zip(np.ravel(a), np.ravel(b), strict=True))
    return compare(a.astype(float), b.astype(float), rtol=1e-9).ok


def _transposed_matrix(problem: Problem, samples: list[_Sample], claim_c: Compiled,
                       names: list[str]) -> str | None:
    """A square matrix M such that the claim, with M replaced by Mᵀ, is right."""
    exact = [s for s in samples if s.exact and not isinstance(s.truth, str)]
    if not exact:
        return None
    for name in names:
        decl = problem.space.get(name)
        if not decl.square or "symmetric" in decl.assumptions:
            continue
        ok = True
        for s in exact:
            point = dict(s.point)
            point[name] = np.asarray(point[name]).T
            try:
                c = _shaped(_exact_value(claim_c, point, s.sizes), s.truth)
            except (EvaluationError, NotExact):
                ok = False
                break
            if not _eq(c, s.truth, True):
                ok = False
                break
        if ok:
            return name
    return None


def _symmetric_only(problem: Problem, truth_c: Compiled, claim_c: Compiled,
                    names: list[str]) -> list[str]:
    """Square matrices that, once made symmetric, make the claim hold."""
    candidates = [n for n in names if problem.space.get(n).square
                  and "symmetric" not in problem.space.get(n).assumptions]
    if not candidates:
        return []

    def symmetrise(point: dict[str, Any]) -> None:
        for n in candidates:
            point[n] = point[n] + point[n].T

    samples, _ = _exact_samples(problem, truth_c, claim_c, names, override=symmetrise)
    if samples and all(s.equal for s in samples):
        # name only the ones that matter
        needed = []
        for n in candidates:
            others = [m for m in candidates if m != n]

            def partial(point: dict[str, Any], others: list[str] = others) -> None:
                for m in others:
                    point[m] = point[m] + point[m].T

            sub, _ = _exact_samples(problem, truth_c, claim_c, names, override=partial)
            if not all(s.equal for s in sub):
                needed.append(n)
        return needed or candidates
    return []


# -- counterexamples ------------------------------------------------------------------------
def _max_diff(a: Any, b: Any) -> float | None:
    if isinstance(a, str) or isinstance(b, str):
        return None  # one side is undefined there
    diff = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    worst = float(np.max(diff, initial=0.0))
    return worst if math.isfinite(worst) else None


def _counterexample_exact(problem: Problem, s: _Sample, engine: str) -> Counterexample:
    return Counterexample(seed=problem.seed, sizes=_size_names(s.sizes),
                          values={k: _jsonable(v) for k, v in s.point.items()},
                          claimed=_jsonable(s.claim), expected=_jsonable(s.truth),
                          exact=s.exact, engine=engine, max_abs_diff=_max_diff(s.truth, s.claim))


def _counterexample_numeric(problem: Problem, s: _NumSample) -> Counterexample:
    ref = np.asarray(s.numeric.value)
    claim = s.claim if isinstance(s.claim, str) else np.asarray(s.claim, dtype=float)
    return Counterexample(seed=problem.seed, sizes=_size_names(s.sizes),
                          values={k: _jsonable(v) for k, v in s.point.items()},
                          claimed=_jsonable(claim), expected=_jsonable(ref), exact=False,
                          engine="numeric", max_abs_diff=_max_diff(claim, ref))


# -- the judge ---------------------------------------------------------------------------------
def _derive(problem: Problem) -> tuple[sp.Basic | None, str | None, float]:
    t0 = time.perf_counter()
    var = problem.space.symbol(problem.wrt)  # type: ignore[arg-type]
    try:
        fn = mf.gradient if problem.task == "gradient" else mf.hessian
        return fn(problem.f.expr, var, problem.space), None, time.perf_counter() - t0
    except UnsupportedError as exc:
        return None, str(exc), time.perf_counter() - t0
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        # a failure inside the CAS must not take the verdict down: the numeric engine
        # still decides, and the failure is reported as evidence
        return None, f"the symbolic computation failed ({type(exc).__name__}: {exc})", \
            time.perf_counter() - t0


def _read_as_declared(p: Parsed | None, space: Space, what: str) -> None:
    """ShapeError for an expression parsed beforehand (from LaTeX, say) under other
    declarations than ``space``'s — a name declared only after its first use: the engines
    would evaluate its symbols at the wrong shapes (found by the fuzz test: a
    ValueError from NumPy)."""
    if p is None:
        return
    for atom in sorted(p.expr.atoms(sp.Symbol, sp.MatrixSymbol), key=str):
        name = str(atom.name)
        if isinstance(atom, sp.Dummy) or name not in space.declarations:
            continue  # a bound variable (elementwise functions), or an undeclared scalar
        declared = space.symbol(name)
        if atom != declared:
            read = ("×".join(str(d) for d in atom.shape) if isinstance(atom, sp.MatrixSymbol)
                    else "a scalar with other assumptions" if isinstance(declared, sp.Symbol)
                    else "a scalar")
            col = p.text.find(name) + 1 or None
            raise ShapeError(f"{name!r} is declared {space.get(name).describe()!r}, but "
                             f"{p.text!r} was read with {name} as {read} (declared after "
                             "its first use?)", source=p.text, col=col, what=what)


def _judge_derivative(task: str, f: str | Parsed, wrt: str, claim: str | Parsed | None,
                      let: str | Space | None, seed: int, scale: float,
                      sizes: tuple[int, ...] = ()) -> Verdict:
    validate_options(seed, scale)
    extra = validate_sizes(sizes)
    problem = setup_problem(task, f, wrt, claim, let, seed, scale)
    problem.extra_sizes = extra
    for parsed, what in ((problem.f, "function"), (problem.claim, "claim")):
        _read_as_declared(parsed, problem.space, what)
    truth, why_not, t_sym = _derive(problem)
    t0 = time.perf_counter()
    index_result, index_why = _index_derivation(problem)
    t_ix = time.perf_counter() - t0
    from_index = truth is None and index_result is not None
    if from_index:
        truth = index_result
    names = symbol_names(problem.space, problem.f.expr,
                          problem.claim.expr if problem.claim else None, truth)
    if problem.wrt not in names:
        names = sorted({*names, problem.wrt})
    if not problem.f.expr.has(problem.space.symbol(problem.wrt)):
        notes_pre = [f"f does not depend on {problem.wrt}: its derivative is zero "
                     "(is --wrt spelled as in f?)"]
    else:
        notes_pre = []
    problem.used = used_dims(problem.space, names, problem.f.expr, truth,
                              problem.claim.expr if problem.claim else None)
    f_c = compile_expr(problem.f.expr)
    truth_c = None
    if truth is not None:
        try:
            truth_c = compile_expr(truth)
        except UnsupportedError as exc:  # a result we cannot evaluate cannot be checked
            truth, why_not, from_index = None, f"its result cannot be evaluated ({exc})", False
    index_c = None
    if index_result is not None and not from_index:
        try:
            index_c = compile_expr(index_result)
        except UnsupportedError:
            index_c = None
    claim_c = compile_expr(problem.claim.expr) if problem.claim is not None else None

    notes: list[str] = list(notes_pre)
    if from_index:
        notes.append(f"the matrix-form engine could not derive it ({why_not}); the result is "
                     "the element-wise engine's index-form derivation")
    evidence: list[Evidence] = []
    counterexample: Counterexample | None = None
    diagnoses: list[Diagnosis] = []
    residual = None

    # numeric engine (and the self-check of the derived result)
    t0 = time.perf_counter()
    nsamples, nskipped = _numeric_samples(problem, f_c, claim_c, truth_c, names)
    t_num = time.perf_counter() - t0
    if nskipped:
        notes.append("no point in the function's domain was found at "
                     + "; ".join(nskipped) + " (numeric engine skipped those sizes)")
    sizes_num = tuple(_size_names(s.sizes) for s in nsamples)
    self_bad = [s for s in nsamples if s.truth_ok is False]
    methods = sorted({s.numeric.method for s in nsamples})

    # element-wise engine: exact entries at concrete sizes, and the index-form result
    t0 = time.perf_counter()
    esamples, eskipped, too_big = _elementwise_samples(
        problem, f_c, claim_c, truth_c if not from_index else None, index_c or (
            truth_c if from_index else None), names)
    e_evidence, e_notes, index_bad = _elementwise_evidence(
        problem, esamples, eskipped, too_big, index_result, index_why,
        t_ix + time.perf_counter() - t0)
    notes.extend(e_notes)
    e_outcome = e_evidence.outcome
    entries_bad = [s for s in esamples if s.truth is not None and not s.truth.equal]
    if from_index:
        entries_bad = [s for s in esamples if s.index is not None and not s.index.equal]
    truth_wrong = bool(self_bad or entries_bad)

    # matrix-form engine
    m_outcome: str
    m_detail = ""
    m_cx = None
    samples: list[_Sample] = []
    t1 = time.perf_counter()
    if truth is None or from_index:
        m_outcome = "unsupported"
        m_detail = why_not or ""
    elif claim_c is None:
        m_outcome = "holds" if not truth_wrong else "undecided"
        m_detail = f"derived {to_unicode(truth)}"
    else:
        samples, skipped = _exact_samples(problem, truth_c, claim_c, names)
        if skipped:
            notes.append("no admissible exact point at " + "; ".join(skipped))
        if not samples:
            m_outcome = "undecided"
        else:
            bad = [s for s in samples if not s.equal]
            m_outcome = "fails" if bad else "holds"
            exact_n = sum(s.exact for s in samples)
            how = (f"exact rational comparison at {exact_n} random points"
                   if exact_n == len(samples) else
                   f"{exact_n} exact and {len(samples) - exact_n} 60-digit comparisons "
                   "(exp, log or roots are not rational)")
            proved = mf.is_zero(mf.canonical(
                sp.MatAdd(truth, -problem.claim.expr)
                if isinstance(truth, sp.MatrixExpr) and isinstance(problem.claim.expr,
                                                                    sp.MatrixExpr)
                else truth - problem.claim.expr, problem.space))
            m_detail = (f"derived {to_unicode(truth)}; {how}"
                        + ("; identical after canonical simplification" if proved else ""))
            if bad:
                m_cx = _counterexample_exact(problem, bad[0], "matrix-form")
    if self_bad:
        worst = max(self_bad, key=lambda s: s.truth_rel or 0.0)
        notes.append(
            f"the derived result {to_unicode(truth)} disagrees with finite differences at "
            f"{_fmt_sizes(worst.sizes)} (relative error {worst.truth_rel:.2g}): the engine "
            "that derived it is wrong here, or the function is not differentiable there")
    if entries_bad:
        notes.append(
            f"the derived result {to_unicode(truth)} disagrees with the exact entries of the "
            f"element-wise engine at {_fmt_sizes(entries_bad[0].sizes)}")
    t_m = time.perf_counter() - t1
    evidence.append(Evidence(
        engine="matrix-form", outcome=m_outcome,  # type: ignore[arg-type]
        method="symbolic differentiation of matrix expressions at symbolic sizes",
        checks=len(samples), sizes=_distinct_sizes(samples),
        max_error=max((s.rel for s in samples), default=None) if samples else None,
        detail=m_detail, counterexample=m_cx, seconds=t_sym + t_m))
    evidence.append(e_evidence)

    # numeric engine's own verdict on the claim
    if claim_c is None:
        n_outcome = ("holds" if nsamples and not self_bad else
                     "undecided" if not nsamples else "fails")
        n_cx = None
        if not nsamples:
            n_detail = "no point in the domain"
        elif truth is None:
            n_detail = "derived numerically only (no symbolic result to compare)"
        else:
            n_detail = ("disagrees with the derived result" if self_bad
                        else "agrees with the derived result")
        n_err = max((s.truth_rel or 0.0 for s in nsamples), default=None)
    else:
        nbad = [s for s in nsamples if not s.claim_ok]
        n_outcome = "undecided" if not nsamples else ("fails" if nbad else "holds")
        n_cx = _counterexample_numeric(problem, max(nbad, key=lambda s: s.claim_rel)) \
            if nbad else None
        n_err = max((s.claim_rel for s in nsamples), default=None)
        n_detail = (f"largest relative difference between claim and finite differences "
                    f"{n_err:.2g}" if n_err is not None else "")
    evidence.append(Evidence(
        engine="numeric", outcome=n_outcome,  # type: ignore[arg-type]
        method="; ".join(methods) or "finite differences",
        checks=len(nsamples), sizes=sizes_num, max_error=n_err, detail=n_detail,
        counterexample=n_cx, seconds=t_num))

    says = {"matrix-form": m_outcome, "element-wise": e_outcome, "numeric": n_outcome}
    # an exact counterexample at a size another engine did not check does not contradict
    # that engine's "holds" (the element-wise engine checks sizes up to 4, say)
    proofs = [cx for cx in (m_cx, e_evidence.counterexample) if cx is not None and cx.exact]
    for ev in evidence:
        if ev.outcome == "holds" and proofs and not any(cx.sizes in ev.sizes for cx in proofs):
            says[ev.engine] = "undecided"
            notes.append(f"{ev.engine} holds at the sizes it checked; the exact counterexample "
                         f"is at {_fmt_size_names(proofs[0].sizes)}")
    outcome, agree, combined = _combine(says, claimed=claim_c is not None,
                                        derived=truth is not None and bool(nsamples),
                                        suspect=truth_wrong or index_bad)
    notes.extend(combined)
    if claim_c is None and truth is None:
        notes.append(f"matrix-form engine: {why_not}")
    if outcome == "fails":
        ecx = e_evidence.counterexample
        counterexample = n_cx if truth_wrong else (m_cx or ecx or n_cx)
        if truth is not None and not truth_wrong and samples:
            diagnoses, residual = _diagnose(problem, truth, problem.claim.expr, samples,
                                            truth_c, claim_c, names)
    return Verdict(
        outcome=outcome,  # type: ignore[arg-type]
        task=task,  # type: ignore[arg-type]
        function=problem.f.text, wrt=problem.wrt,
        claim=problem.claim.text if problem.claim else None,
        declarations=declarations_of(problem.space, names),
        function_expr=problem.f.expr,
        claim_expr=problem.claim.expr if problem.claim else None,
        wrt_kind=problem.space.get(problem.wrt).kind,
        correct=truth if not truth_wrong else None,
        correct_text=(to_input(truth, mf.assumption_rules(problem.space))
                      if truth is not None and not truth_wrong else None),
        residual=residual, diagnoses=tuple(diagnoses), evidence=tuple(evidence),
        counterexample=counterexample, agree=agree, notes=tuple(notes), seed=seed)


def _combine(says: dict[str, str], *, claimed: bool, derived: bool, suspect: bool
             ) -> tuple[str, bool, list[str]]:
    """The verdict from the engines' own outcomes: (outcome, agree, notes).

    *holds* or *fails* only when no engine says the other; *holds* also needs an exact
    engine (matrix-form, or element-wise with numeric) behind it.  ``suspect`` means a
    derived result was contradicted by another engine: the engines do not agree, whatever
    they say about the claim.  Without a claim (``claimed`` False) the verdict is about
    the derived result.
    """
    deciding = {o for o in says.values() if o in ("holds", "fails")}
    agree = not suspect and len(deciding) <= 1
    listing = ", ".join(f"{k} says {v}" for k, v in says.items())
    if not claimed:
        return ("holds" if derived and not suspect else "undecided"), agree, []
    if len(deciding) > 1:
        return "undecided", agree, [f"the engines disagree: {listing}"]
    exact = {says["matrix-form"], says["element-wise"]}
    if deciding == {"fails"}:
        if "fails" in exact:
            return "fails", agree, []
        return "fails", agree, [f"no exact engine could decide ({listing}); the failure rests "
                                "on the numeric counterexample"]
    if deciding == {"holds"} and (says["matrix-form"] == "holds" or (
            says["element-wise"] == "holds" and says["numeric"] == "holds")):
        return "holds", agree, []
    return "undecided", agree, [f"not enough evidence: {listing}"]


def check_gradient(f: str | Parsed, *, wrt: str, claim: str | Parsed | None = None,
                   let: str | Space | None = None, seed: int = 0, scale: float = 1.0,
                   sizes: tuple[int, ...] = ()) -> Verdict:
    """Check a claimed gradient ∇_wrt f (denominator layout: the shape of ``wrt``).

    Parameters
    ----------
    f : str
        A scalar expression in the numpy-like language, e.g. ``"norm(y - X @ w)**2"``.
    wrt : str
        The variable (a declared name; undeclared names are scalars).
    claim : str, optional
        The claimed gradient.  Without it the verdict reports the derived gradient,
        cross-checked by finite differences.
    let : str, optional
        Declarations, e.g. ``"X: m x n; y: m; w: n"``.
    seed : int
        Seed of every random point; the same seed reproduces the same counterexample.
    scale : float
        Typical magnitude of the random floating-point data.
    sizes : tuple of int
        Extra sizes for the element-wise engine (every dimension set to each), beyond
        the sizes 1 … 4 it always checks; up to 128.

    Examples
    --------
    >>> v = check_gradient("x.T @ A @ x", wrt="x", claim="2 * A @ x",
    ...                    let="x: n; A: n x n, symmetric")
    >>> v.outcome
    'holds'
    >>> v = check_gradient("norm(y - X @ w)**2", wrt="w", claim="-2 * X.T @ y + X.T @ X @ w",
    ...                    let="X: m x n; y: m; w: n")
    >>> v.outcome, v.correct_text
    ('fails', '-2 * X.T @ y + 2 * X.T @ X @ w')
    """
    return _judge_derivative("gradient", f, wrt, claim, let, seed, scale, sizes)


def check_hessian(f: str | Parsed, *, wrt: str, claim: str | Parsed | None = None,
                  let: str | Space | None = None, seed: int = 0, scale: float = 1.0,
                  sizes: tuple[int, ...] = ()) -> Verdict:
    """Check a claimed Hessian ∇²_wrt f for a scalar or vector ``wrt``.

    Examples
    --------
    >>> check_hessian("x.T @ A @ x", wrt="x", claim="2 * A", let="x: n; A: n x n").outcome
    'fails'
    >>> check_hessian("x.T @ A @ x", wrt="x", claim="A + A.T", let="x: n; A: n x n").outcome
    'holds'
    """
    return _judge_derivative("hessian", f, wrt, claim, let, seed, scale, sizes)


def _result(task: str, f: str, wrt: str, let: str | Space | None) -> Result:
    problem = setup_problem(task, f, wrt, None, let, 0, 1.0)
    truth, why_not, _ = _derive(problem)
    if truth is None:
        raise UnsupportedError(why_not or "cannot derive this")
    return Result(truth, wrt, task, to_input(truth, mf.assumption_rules(problem.space)))


def gradient(f: str, *, wrt: str, let: str | Space | None = None) -> Result:
    """The gradient of ``f`` with respect to ``wrt`` from the matrix-form engine.

    Use :func:`check_gradient` without a claim for a result cross-checked by
    finite differences.

    >>> str(gradient("x.T @ A @ x", wrt="x", let="x: n; A: n x n"))
    '(A + A.T) @ x'
    """
    return _result("gradient", f, wrt, let)


def hessian(f: str, *, wrt: str, let: str | Space | None = None) -> Result:
    """The Hessian of ``f`` with respect to a scalar or vector ``wrt``.

    >>> str(hessian("norm(y - X @ w)**2", wrt="w", let="X: m x n; y: m; w: n"))
    '2 * X.T @ X'
    """
    return _result("hessian", f, wrt, let)


def check_entries(f: str, *, wrt: str, claim: str, let: str | Space | None = None,
                  sizes: tuple[int, ...] = (4,), task: str = "gradient", seed: int = 0
                  ) -> Verdict:
    """The element-wise engine alone, at the given sizes: exact, entry by entry.

    Every dimension is set to each size in turn; the function and the claim are built
    entry by entry as polynomials in the variable's entries (the other symbols random
    integers) and compared exactly.  Use it for a claim at a size of interest
    (``sizes=(64,)``); :func:`check_gradient` runs this engine at sizes 1–4 anyway.

    >>> check_entries("norm(y - X @ w)**2", wrt="w", claim="-2 * X.T @ y + X.T @ X @ w",
    ...               let="X: m x n; y: m; w: n", sizes=(32,)).outcome
    'fails'
    """
    if task not in ("gradient", "hessian"):
        raise ArgumentError(f"task must be 'gradient' or 'hessian', not {task!r}")
    validate_options(seed, 1.0)
    extra = validate_sizes(sizes)
    if not extra:
        raise ArgumentError("give at least one size")
    problem = setup_problem(task, f, wrt, claim, let, seed, 1.0)
    problem.extra_sizes, problem.only_extra = extra, True
    names = sorted({*symbol_names(problem.space, problem.f.expr, problem.claim.expr), wrt})
    problem.used = used_dims(problem.space, names, problem.f.expr, problem.claim.expr)
    if not problem.used:
        raise ArgumentError("the declarations fix every size here, so sizes= has nothing to "
                            "set; check_gradient checks the declared sizes")
    runnable, too_big = _elementwise_sizes(problem)
    if not runnable:  # this engine alone could decide nothing: say so before any work
        raise ArgumentError("nothing to check: every size asked for is beyond the "
                            "element-wise engine's work budget; " + "; ".join(too_big))
    t0 = time.perf_counter()
    samples, skipped, too_big = _elementwise_samples(
        problem, compile_expr(problem.f.expr), compile_expr(problem.claim.expr), None, None,
        names)
    evidence, notes, _ = _elementwise_evidence(problem, samples, skipped, too_big, None,
                                               "not run by check_entries",
                                               time.perf_counter() - t0)
    return Verdict(
        outcome="undecided" if evidence.outcome == "unsupported" else evidence.outcome,
        task=task,  # type: ignore[arg-type]
        function=problem.f.text, wrt=problem.wrt, claim=problem.claim.text,  # type: ignore
        declarations=declarations_of(problem.space, names), function_expr=problem.f.expr,
        claim_expr=problem.claim.expr, wrt_kind=problem.space.get(wrt).kind,
        evidence=(evidence,), counterexample=evidence.counterexample, notes=tuple(notes),
        seed=seed)


# -- identities ----------------------------------------------------------------------------
def check_equal(lhs: str | Parsed, rhs: str | Parsed, *, let: str | Space | None = None,
                seed: int = 0) -> Verdict:
    """Check the identity ``lhs == rhs`` at the declared shapes, for every size.

    Engines: ``symbolic`` (canonical simplification of lhs − rhs: a proof when it
    reaches zero), ``exact`` (random small-integer points at several sizes, in
    rational arithmetic), and ``numeric`` (random floating-point points honouring
    the assumptions).

    >>> check_equal("(A @ B).T", "B.T @ A.T", let="A: m x k; B: k x n").outcome
    'holds'
    >>> check_equal("(A @ B).T", "A.T @ B.T", let="A: n x n; B: n x n").outcome
    'fails'
    """
    validate_options(seed, 1.0)
    space = make_space(let)
    pl = lhs if isinstance(lhs, Parsed) else parse_expression(lhs, space)
    pr = rhs if isinstance(rhs, Parsed) else parse_expression(rhs, space)
    _read_as_declared(pl, space, "left-hand side")
    _read_as_declared(pr, space, "right-hand side")
    if (pl.kind, tuple(pl.dims)) != (pr.kind, tuple(pr.dims)) and not (
            pr.kind == "scalar" and pr.expr == 0):
        raise ShapeError(f"the two sides have different shapes: {pl.text!r} is "
                         f"{pl.shape_text}, {pr.text!r} is {pr.shape_text}",
                         source=pr.text, col=1, what="right-hand side")
    pr = zero_as(pr, pl.kind, pl.dims)
    problem = Problem(space, "equal", pl, None, pr, seed, 1.0)
    names = symbol_names(space, pl.expr, pr.expr)
    problem.used = used_dims(space, names, pl.expr, pr.expr)
    lc, rc = compile_expr(pl.expr), compile_expr(pr.expr)
    evidence: list[Evidence] = []

    t0 = time.perf_counter()
    try:
        diff = (sp.MatAdd(pl.expr, -pr.expr) if isinstance(pl.expr, sp.MatrixExpr)
                and isinstance(pr.expr, sp.MatrixExpr) else pl.expr - pr.expr)
        canon = mf.canonical(diff, space, factor=False)
        proved = mf.is_zero(canon)
    # SymPy's own simplification fails on some determinants under powers (√(det(2A)²):
    # "Input to Determinant, 2*A.T, not a matrix", AttributeError, NotImplementedError,
    # KeyError 'integer'): the symbolic engine has no say, the points decide
    except (UnsupportedError, ArithmeticError, TypeError, ValueError, RecursionError,
            AttributeError, NotImplementedError, KeyError) as exc:
        canon, proved = None, False
        sym_detail = f"simplification failed: {exc}"
    else:
        sym_detail = ("lhs − rhs simplifies to 0" if proved else
                      f"lhs − rhs simplifies to {to_unicode(canon)} (not a proof either way)")
    sym_outcome = "holds" if proved else "undecided"
    witness = _dimension_witness(canon, space) if canon is not None and not proved else None
    if witness is not None:
        sym_outcome = "fails"
        sym_detail = (f"lhs − rhs = {to_unicode(canon)}, a nonzero polynomial in the "
                      f"dimensions: {witness[1]} at {_fmt_sizes(witness[0])}")
    evidence.append(Evidence("symbolic", sym_outcome,  # type: ignore[arg-type]
                             "canonical simplification of lhs − rhs", detail=sym_detail,
                             seconds=time.perf_counter() - t0))

    t0 = time.perf_counter()
    samples, skipped = _exact_samples(problem, lc, rc, names)
    bad = [s for s in samples if not s.equal]
    e_outcome = "undecided" if not samples else ("fails" if bad else "holds")
    exact_n = sum(s.exact for s in samples)
    cx = _counterexample_exact(problem, bad[0], "exact") if bad else None
    evidence.append(Evidence(
        "exact", e_outcome,  # type: ignore[arg-type]
        "evaluation at random small-integer points in rational arithmetic",
        checks=len(samples),
        sizes=_distinct_sizes(samples),
        max_error=max((s.rel for s in samples), default=None),
        detail=f"{exact_n} exact, {len(samples) - exact_n} 60-digit comparisons",
        counterexample=cx, seconds=time.perf_counter() - t0))

    t0 = time.perf_counter()
    def measure(sizes: dict[sp.Symbol, int], rng: np.random.Generator,
                earlier: list[_Sample]) -> _Sample:
        point = space.random_point(names, sizes, rng, exact=False)
        return _compare_with(point, sizes, lc, rc, exact=False, symmetric=True)

    fsamples, _ = _sample_sizes(problem, measure, want=1, stream=3)
    fbad = [s for s in fsamples if not s.equal]
    f_outcome = "undecided" if not fsamples else ("fails" if fbad else "holds")
    f_cx = _counterexample_exact(problem, fbad[0], "numeric") if fbad else None
    evidence.append(Evidence(
        "numeric", f_outcome,  # type: ignore[arg-type]
        "evaluation at random floating-point points (relative tolerance 1e-9)",
        checks=len(fsamples), sizes=_distinct_sizes(fsamples),
        max_error=max((s.rel for s in fsamples), default=None), counterexample=f_cx,
        seconds=time.perf_counter() - t0))

    notes = []
    if skipped:
        notes.append("no admissible exact point at " + "; ".join(skipped))
    agree = {e_outcome, f_outcome} != {"holds", "fails"}
    if sym_outcome == "fails":
        outcome = "fails"  # a nonzero polynomial in the dimensions is a proof
        agree = e_outcome == "fails"
        if e_outcome != "fails":
            notes.append("the engines disagree: the sampled sizes missed it, but the "
                         "difference is a nonzero polynomial in the dimensions")
    elif e_outcome == f_outcome and e_outcome in ("holds", "fails"):
        outcome = e_outcome
        domain = any(isinstance(s.truth, str) or isinstance(s.claim, str) for s in bad)
        if proved and outcome == "fails" and domain:
            notes.append("symbolic simplification cancels without regard to where each side "
                         "is defined; evaluation shows a point where only one side is")
        elif proved and outcome == "fails":  # the canonical form must not contradict evaluation
            agree = False
            outcome = "undecided"
            notes.append("symbolic simplification says the sides are equal, evaluation "
                         "says not: the engines disagree")
    elif e_outcome == "fails" and bad and bad[0].exact:
        outcome = "fails"  # an exact counterexample is a proof
        if f_outcome == "holds":
            notes.append("the engines disagree: floating-point evaluation did not see the "
                         "difference, but the exact counterexample proves it")
    elif proved and "fails" not in (e_outcome, f_outcome):
        outcome = "holds"  # the symbolic proof decides where sampling could not
        notes.append(f"decided by the symbolic proof (exact says {e_outcome}, numeric says "
                     f"{f_outcome})")
    elif {e_outcome, f_outcome} == {"holds", "fails"}:
        outcome = "undecided"
        notes.append(f"the engines disagree: exact says {e_outcome}, numeric says {f_outcome}")
    else:
        outcome = "fails" if "fails" in (e_outcome, f_outcome) else "undecided"
        notes.append(f"not enough evidence from one engine: exact says {e_outcome}, numeric "
                     f"says {f_outcome}")
    diagnoses: list[Diagnosis] = []
    residual = None
    if outcome == "fails":
        diagnoses, residual = _diagnose(problem, pl.expr, pr.expr, samples, lc, rc, names)
    return Verdict(
        outcome=outcome, task="equal", function=pl.text, wrt=None,  # type: ignore[arg-type]
        claim=pr.text, declarations=declarations_of(space, names),
        function_expr=pl.expr, claim_expr=pr.expr,
        residual=residual, diagnoses=tuple(diagnoses),
        evidence=tuple(evidence), counterexample=cx or f_cx, agree=agree, notes=tuple(notes),
        seed=seed)

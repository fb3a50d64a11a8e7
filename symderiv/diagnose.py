"""How a failing claim is wrong: mistake detectors, each a small registered function.

A detector looks at a :class:`Case` — the claim, the correct result, and their exact
comparisons at random points — and returns the :class:`~symderiv.verdict.Diagnosis`
that explains the failure, or nothing.  :func:`diagnose` asks them in the order they are
registered (most specific first) and keeps the first answer; a claim undefined where the
correct result is defined explains everything on its own and is asked before them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from .calculus import matrix as mf
from .calculus.evaluate import Compiled, NotExact, Precise, compile_expr
from .calculus.functions import lift, lookup, simple, unnest
from .calculus.numeric import compare
from .calculus.vocabulary import present
from .engines.base import Trial, jsonable, shaped, to_float_mp
from .engines.exact import Sample, compare_at, exact_samples, exact_value
from .engines.matrix import difference
from .errors import EvaluationError, UnsupportedError
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
#: a change made to each random point before a comparison (labels set to ±1, say)
Override = Callable[[dict[str, Any]], None]
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


def _holds(case: Case) -> bool:
    """Whether the claim is right at every point of the case (then no detector speaks)."""
    return bool(case.samples) and all(s.equal for s in case.samples)


def _ratio(samples: list[Sample]) -> Fraction | float | None:
    """The constant c with claim = c·truth at every sample, if there is one.

    An exact sample gives c exactly; the others (60 digits, floats) must agree with it to a
    relative 1e-9 — never compared with ``==``, which an exact −1 and a 60-digit −1 fail.
    """
    ratios: list[tuple[Any, bool]] = []
    for s in samples:
        if isinstance(s.truth, str) or isinstance(s.claim, str):
            return None
        pairs = list(zip(np.ravel(s.truth), np.ravel(s.claim), strict=True))
        # a 60-digit (float) value this small beside the sample's others is a rounded 0
        floor = 0 if s.exact else (
            1e-9 if any(isinstance(x, float) for pair in pairs for x in pair) else _ROUNDED
        ) * max((to_float_mp(abs(x)) for pair in pairs for x in pair), default=0)
        for t, c in pairs:
            if t == 0:
                if abs(c) > floor:
                    return None
                continue
            try:
                ratios.append((c / t, s.exact))
            except TypeError:  # a rational against a 60-digit number
                if to_float_mp(t) == 0:  # beyond float's range (e^-800): no ratio to read
                    return None
                ratios.append((to_float_mp(c) / to_float_mp(t), False))
    if not ratios:
        return None
    ratio = next((r for r, exact in ratios if exact), ratios[0][0])
    scale = max(1.0, abs(to_float_mp(ratio)))
    for r, exact in ratios:
        if exact and isinstance(ratio, Fraction):
            if r != ratio:
                return None
        elif not abs(to_float_mp(r) - to_float_mp(ratio)) <= 1e-9 * scale:
            return None
    return ratio


#: relative size below which an entry of an inexact comparison is taken for 0
_ROUNDED = 1e-30


def _as_fraction(ratio: Fraction | float) -> Fraction | None:
    """A ratio as a fraction with a denominator up to 1000, if it is one (to 1e-9)."""
    if isinstance(ratio, Fraction):
        return ratio
    fr = to_float_mp(ratio)
    if not math.isfinite(fr):
        return None
    r = Fraction(fr).limit_denominator(1000)
    return r if abs(float(r) - fr) <= 1e-9 * abs(fr) else None


@detector
def factor(case: Case) -> list[Diagnosis]:
    """The claim is a constant multiple of the correct result (−1: the sign)."""
    ratio = _ratio(case.samples)
    if ratio is None:
        return []
    r = _as_fraction(ratio)
    if r == 1:
        return []
    if r == -1:
        return [_diag("sign", "the sign is wrong: the claim is −1 × the correct result")]
    if r == 0:
        return [_diag("scalar factor", "the claim is zero where the correct result is not")]
    if r is not None:
        return [_diag("scalar factor", f"off by a constant factor: the claim is {r} × the "
                                       f"correct result (it should be multiplied by {1 / r})")]
    return [_diag("scalar factor", f"off by a constant factor: the claim is "
                                   f"{to_float_mp(ratio):.6g} × the correct result")]


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
    if _holds(case):
        return []
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
    if not exact or _holds(case):
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
    if _holds(case):
        return []
    sym_only = _symmetric_only(case.trial)
    if not sym_only:
        return []
    return [_diag("symmetric only",
                  f"right only if {' and '.join(sym_only)} "
                  f"{'is' if len(sym_only) == 1 else 'are'} symmetric — declare it "
                  f"(\"{sym_only[0]}: ..., symmetric\") if it is; otherwise the transpose "
                  "terms are missing")]


# -- right only under assumptions on values the user did not declare ------------------------
#: the value sets a label vector (or scalar) may be declared to take, as --let writes them
_VALUE_SETS = (("entries in {-1, 1}", "{-1, 1}"), ("binary", "{0, 1}"))


def _value_candidates(trial: Trial) -> list[str]:
    """Scalars and vectors (labels) not differentiated and not declared with entry values."""
    space, wrt = trial.problem.space, trial.problem.wrt
    return [n for n in trial.names if n != wrt and space.get(n).kind in ("scalar", "vector")
            and space.get(n).entries is None and not space.get(n).assumptions]


def _with_values(trial: Trial, name: str, assumption: str) -> Trial:
    """The trial under the extra declaration ``name: …, assumption``."""
    space = trial.problem.space.copy()
    decl = space.get(name)
    space.declare(replace(decl, assumptions=decl.assumptions | {assumption}))
    return replace(trial, problem=replace(trial.problem, space=space))


def _holds_at(samples: list[Sample]) -> bool:
    return len(samples) >= 2 and all(s.equal for s in samples)


def _first_look(trial: Trial, case: Case, override: Override | None = None) -> bool:
    """Whether the claim holds at one random point per size of the case's two largest size
    assignments (drawn from ``trial``'s declarations): a cheap test before the full one."""
    sizes = []
    for s in reversed(case.samples):
        if s.sizes not in sizes:
            sizes.append(s.sizes)
    assert trial.truth_c is not None and trial.claim_c is not None
    for i, size in enumerate(sizes[:2]):
        rng = np.random.default_rng([trial.problem.seed, i, 11])
        point = trial.problem.space.random_point(trial.names, size, rng, exact=True)
        if override is not None:
            override(point)
        try:
            s = compare_at(trial.truth_c, trial.claim_c, point, size,
                           symmetric=trial.problem.task == "equal")
        except EvaluationError:
            continue  # not admissible here: the full test decides
        if not s.equal:
            return False
    return True


def _sums_to_one(seed: int, name: str) -> Override:
    """Sets the vector ``name`` of each point to random integers whose sum is 1 (one-hot
    labels are such vectors; so are probabilities)."""
    rng = np.random.default_rng([seed, 13])

    def override(point: dict[str, Any]) -> None:
        v = np.array([Fraction(int(k)) for k in rng.integers(-3, 4, len(point[name]))],
                     dtype=object).reshape(np.shape(point[name]))
        v.flat[-1] = 1 - (sum(v.flat) - v.flat[-1])
        point[name] = v

    return override


@detector
def values_only(case: Case) -> list[Diagnosis]:
    """Right only if labels take values the user did not declare: ±1, 0/1, or sum to 1.

    The claim is judged again at points where one vector or scalar has its entries in the
    set (every pattern of a few entries, as a declaration would have it judged)."""
    trial = case.trial
    assert trial.truth_c is not None and trial.claim_c is not None
    if _holds(case):
        return []
    for name in _value_candidates(trial):
        decl = trial.problem.space.get(name)
        for assumption, values in _VALUE_SETS:
            under = _with_values(trial, name, assumption)
            if not _first_look(under, case):
                continue
            samples, _ = exact_samples(under, trial.truth_c, trial.claim_c)
            if _holds_at(samples):
                declared = under.problem.space.get(name).describe()
                which = (f"the entries of {name} are" if decl.kind == "vector"
                         else f"{name} is")
                return [_diag("values only",
                              f"right only if {which} in {values} — declare it "
                              f"('{declared}') if so")]
        if decl.kind == "vector":
            ones = _sums_to_one(trial.problem.seed, name)
            if not _first_look(trial, case, _sums_to_one(trial.problem.seed, name)):
                continue
            samples, _ = exact_samples(trial, trial.truth_c, trial.claim_c, override=ones)
            if _holds_at(samples):
                return [_diag("values only",
                              f"right only if the entries of {name} sum to 1 (one-hot labels, "
                              f"or probabilities); no declaration says that, and the correct "
                              f"result holds for every {name}")]
    return []


# -- a factor of the chain rule left out: f′(u), entry by entry ----------------------------
def _applications(e: sp.Basic) -> list[tuple[str, sp.Basic, sp.Basic]]:
    """The table's functions applied in ``e``: (name, argument u, f′(u) written with the
    table's functions, of u's shape), compositions unnested, each once."""
    found: list[tuple[str, sp.Basic, sp.Basic]] = []

    def visit(node: sp.Basic) -> None:
        if isinstance(node, sp.Lambda):
            return
        if isinstance(node, ElementwiseApplyFunction):
            f = simple(node)
            if f is None:
                visit(unnest(node))
                return
            (d,) = node.function.variables
            found.append((f.name, node.expr, lift(f.derivative(d), d, node.expr)))
        elif (f := lookup(node)) is not None:
            found.append((f.name, node.args[0], f.derivative(node.args[0])))
        for a in node.args:
            visit(a)

    visit(e)
    unique: list[tuple[str, sp.Basic, sp.Basic]] = []
    for item in found:
        if item not in unique and not mf.is_zero(item[2]):
            unique.append(item)
    return unique


def _factors(derivative: sp.Basic) -> list[sp.Basic]:
    """f′(u) and, when it is a product of several functions of u (σ′ = σ∘(1 − σ)), each of
    them: the claim may lack only one."""
    parts = (derivative.args if isinstance(derivative, sp.HadamardProduct)
             else sp.Mul.make_args(derivative) if not isinstance(derivative, sp.MatrixExpr)
             else ())
    parts = tuple(p for p in parts if not p.is_number)
    return [derivative, *parts] if len(parts) > 1 else [derivative]


#: the name the multiplied subexpression goes by while a repaired claim is evaluated (the
#: language's names cannot hold this character)
_SLOT = "⋆"

_MATRIX_ATOMS = (sp.MatrixSymbol, sp.OneMatrix, sp.ZeroMatrix, sp.Identity)


def _places(e: sp.Basic, like: sp.Basic) -> Iterator[tuple[sp.Basic, sp.Basic]]:
    """Each subexpression E of ``e`` that a factor shaped like ``like`` can multiply entry
    by entry (by a scalar: any E but a number; by a matrix: an E of its shape, a run of
    factors of a product included), outermost first, with ``e`` where E is replaced by a
    placeholder named _SLOT."""
    matrix = isinstance(like, sp.MatrixExpr)

    def slot(node: sp.Basic) -> sp.Basic:
        return (sp.MatrixSymbol(_SLOT, *node.shape) if isinstance(node, sp.MatrixExpr)
                else sp.Symbol(_SLOT))

    def fits(node: sp.Basic) -> bool:
        return (isinstance(node, sp.MatrixExpr) and node.shape == like.shape) if matrix else True

    def visit(node: sp.Basic) -> Iterator[tuple[sp.Basic, sp.Basic]]:
        if isinstance(node, sp.Lambda) or not isinstance(node, sp.Expr) or node.is_number:
            return
        args = node.args
        # a product's numeric coefficient stays outside: Vᵀ(Vh − y) of 2·Vᵀ(Vh − y)
        start = int(isinstance(node, sp.MatMul) and args[0].is_number)
        if fits(node):
            whole = sp.MatMul(*args[1:]) if start else node
            yield whole, sp.MatMul(args[0], slot(whole)) if start else slot(node)
        if isinstance(node, _MATRIX_ATOMS):  # their arguments are names and sizes
            return
        if isinstance(node, sp.MatMul):  # Vᵀ(Vh − y) inside Vᵀ(Vh − y)xᵀ
            for i in range(start, len(args)):
                for j in range(i + 2, len(args) + 1):
                    run = sp.MatMul(*args[i:j])
                    if (i, j) != (start, len(args)) and fits(run):
                        yield run, sp.MatMul(*args[:i], slot(run), *args[j:])
        for k, a in enumerate(args):
            for inner, changed in visit(a):
                yield inner, node.func(*args[:k], changed, *args[k + 1:])

    yield from visit(e)


#: candidate repairs tried before the detector gives up (each a comparison or more)
_REPAIRS = 120


@detector
def missing_derivative(case: Case) -> list[Diagnosis]:
    """The claim lacks f′(u) (or one factor of it) of a function f(u) in the function,
    entry by entry on one of its subexpressions: σ′, tanh′ = 1 − tanh², relu′ = H.

    Found by repair: the claim with that subexpression E replaced by E ∘ f′(u) holds at
    every point the claim was judged at."""
    trial = case.trial
    problem = trial.problem
    if problem.task == "equal" or _holds(case):
        return []
    compiled: dict[sp.Basic, tuple[Compiled, Compiled] | None] = {}
    tried = 0
    for name, u, derivative in _applications(problem.f.expr):
        for g in _factors(derivative):
            g_c = _compiled(g)
            if g_c is None:
                continue
            for e, template in _places(case.claim, g):
                tried += 1
                if tried > _REPAIRS:
                    return []
                if template not in compiled:  # compiled once for every factor g
                    parts = (_compiled(template), _compiled(e))
                    compiled[template] = None if None in parts else parts  # type: ignore
                found = compiled[template]
                if found is not None and _repairs(case, g_c, *found):
                    return [_missing(name, u, g, derivative, e)]
    return []


def _compiled(e: sp.Basic) -> Compiled | None:
    try:
        return compile_expr(e)
    except UnsupportedError:
        return None


def _repairs(case: Case, g_c: Compiled, template_c: Compiled, e_c: Compiled) -> bool:
    """Whether the claim with E replaced by E ∘ g equals the correct result at every point
    of the case (the smallest sizes without a 1 first: a wrong repair fails there at
    once, and cheaply)."""
    def repaired(p: Any, s: Any, b: Any) -> Any:
        return template_c({**p, _SLOT: e_c(p, s, b) * g_c(p, s, b)}, s, b)

    truth_c = case.trial.truth_c
    assert truth_c is not None
    for s in sorted(case.samples, key=lambda s: (1 in s.sizes.values(), sum(s.sizes.values()))):
        try:
            again = compare_at(truth_c, repaired, s.point, s.sizes)
        except EvaluationError:
            return False
        if not again.equal:
            return False
    return True


def _missing(name: str, u: sp.Basic, g: sp.Basic, derivative: sp.Basic,
             e: sp.Basic) -> Diagnosis:
    on = "({})" if isinstance(e, sp.MatAdd | sp.Add) else "{}"
    where = (f"multiply {on} by it entry by entry" if isinstance(g, sp.MatrixExpr)
             else f"multiply {on} by it")
    if g == derivative:
        return _diag("missing derivative",
                     f"missing {name}′: the claim lacks the factor {{}}, the derivative of "
                     f"{name} at {{}}; {where}", g, u, e)
    return _diag("missing derivative",
                 f"missing part of {name}′: the claim lacks the factor {{}} of {name}′ = {{}} "
                 f"(the derivative of {name} at {{}}); {where}", g, derivative, u, e)


# -- transposes and orders of products that dimension 1 hides --------------------------------
def _one_can_hide(e: sp.Basic) -> bool:
    """Whether ``e`` has what a dimension of 1 makes invisible: a transpose, a trace, or a
    product of two or more matrices (whose order then does not matter)."""
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.Transpose | sp.Trace):
            return True
        if isinstance(node, sp.MatMul) and sum(
                isinstance(a, sp.MatrixExpr) for a in node.args) >= 2:
            return True
    return False


#: further points drawn at each size assignment with a 1 before "right only at 1" is said
_MORE_AT_ONE = 8


def _holds_at_one(case: Case) -> bool:
    """Whether the claim holds at more random points (small and wide) of every size
    assignment with a dimension 1 — its few points there could have missed a piece of a
    piecewise function, or a sign."""
    trial = case.trial
    assert trial.truth_c is not None and trial.claim_c is not None
    ones = []
    for s in case.samples:
        if 1 in s.sizes.values() and s.sizes not in ones:
            ones.append(s.sizes)
    seen = 0
    for i, sizes in enumerate(ones):
        for k in range(_MORE_AT_ONE):
            rng = np.random.default_rng([trial.problem.seed, i, k, 17])
            point = trial.problem.space.random_point(trial.names, sizes, rng, exact=True,
                                                     wide=k % 2 == 1)
            try:
                s = compare_at(trial.truth_c, trial.claim_c, point, sizes,
                               symmetric=trial.problem.task == "equal")
            except EvaluationError:
                continue
            if not s.equal:
                return False
            seen += 1
    return seen > 0


@detector
def dimension_one(case: Case) -> list[Diagnosis]:
    """Right where a dimension is 1, wrong at every larger size — said only when a
    transpose, a trace or a matrix product could be what dimension 1 hides, and the
    claim holds at more points of dimension 1 too."""
    ok_with_one = [s.equal for s in case.samples if 1 in s.sizes.values()]
    ok_without = [s.equal for s in case.samples if 1 not in s.sizes.values()]
    if not (ok_with_one and all(ok_with_one) and ok_without and not all(ok_without)):
        return []
    if not (_one_can_hide(case.claim) or _one_can_hide(case.truth)):
        return []
    if not _holds_at_one(case):
        return []
    return [_diag("dimension 1 only",
                  "right only when a dimension is 1 (where transposes and orders of "
                  "products cannot be told apart); wrong at larger sizes")]


def _terms(e: sp.Basic) -> dict[sp.Basic, sp.Expr]:
    """Split a canonical expression into {term: numeric coefficient}; a symbolic scalar
    factor (λ, 1/c, a scalar product) stays inside its term, so λ·sign(w) is a term."""
    if mf.is_zero(e):
        return {}
    out: dict[sp.Basic, sp.Expr] = {}
    for t in (e.args if isinstance(e, sp.MatAdd | sp.Add) else (e,)):
        if isinstance(t, sp.MatMul):
            scalar, rest = t.as_coeff_mmul()
            rest = rest.doit() if isinstance(rest, sp.MatMul) else rest
            coeff, symbolic = sp.sympify(scalar).as_coeff_Mul()
            if symbolic != 1:
                rest = symbolic * rest
        elif isinstance(t, sp.Mul):
            coeff, rest = t.as_coeff_Mul()
        else:
            coeff, rest = sp.Integer(1), t
        out[rest] = out.get(rest, 0) + coeff
    return out


def _how(claimed: sp.Expr, correct: sp.Expr) -> str:
    """What a coefficient's change amounts to: the sign, or a factor k missing (or extra)."""
    q = sp.nsimplify(claimed / correct) if correct != 0 else None
    if q == -1:
        return " (the sign is wrong)"
    if q is not None and q.is_Rational and q != 0:
        if q.p in (1, -1) and q.q > 1:
            return f" (a factor {q.q} missing{', and the sign' if q < 0 else ''})"
        if q.q == 1:
            return f" ({abs(q.p)} times too large{', and the sign is wrong' if q < 0 else ''})"
    return ""


def _at_points(case: Case, e: sp.Basic) -> list[tuple[Any, bool]] | None:
    """``e``'s value at every point of the case (shaped as the correct result), and whether
    it is exact there; None where it cannot be evaluated."""
    try:
        fc = compile_expr(e)
    except UnsupportedError:
        return None
    out = []
    for s in case.samples:
        if isinstance(s.truth, str):
            return None
        try:
            try:
                v, exact = exact_value(fc, s.point, s.sizes), s.exact
            except NotExact:
                v, exact = fc(s.point, s.sizes, Precise()), False
        except EvaluationError:
            return None
        out.append((shaped(np.asarray(v, dtype=object), s.truth), exact))
    return out


def _proportion(case: Case, base: list[tuple[Any, bool]] | None,
                other: list[tuple[Any, bool]] | None) -> Fraction | None:
    """The rational constant a with other = a·base at every point, if there is one."""
    if base is None or other is None or not any(np.any(v != 0) for v, _ in base):
        return None
    ratio = _ratio([Sample(s.sizes, s.point, b, o, eb and eo, False, 0.0)
                    for s, (b, eb), (o, eo) in zip(case.samples, base, other, strict=True)])
    return None if ratio is None else _as_fraction(ratio)


def _differences(case: Case) -> list[tuple[Any, bool]]:
    return [(np.asarray(s.truth - s.claim, dtype=object), s.exact) for s in case.samples]


def _coefficient(term: sp.Basic, claimed: sp.Expr, correct: sp.Expr) -> Diagnosis:
    if claimed == 0:
        return _diag("missing term", "missing term {}", correct * term)
    if correct == 0:
        return _diag("extra term", "extra term {}", claimed * term)
    return _diag("coefficient", f"the term {{}} has coefficient {claimed} in the claim, "
                                f"but {correct} in the correct result"
                 + _how(claimed, correct), term)


def _one_term(case: Case, truth_terms: dict[sp.Basic, sp.Expr],
              claim_terms: dict[sp.Basic, sp.Expr]) -> list[Diagnosis]:
    """correct − claim is a constant times one term of either side: that term is missing,
    extra or has another coefficient — found numerically, where the two sides' canonical
    forms do not line up term by term (σ²/(1 − σ) terms against σ − y)."""
    if any(isinstance(s.truth, str) or isinstance(s.claim, str) for s in case.samples):
        return []  # an undefined side is the domain's to explain
    difference = _differences(case)
    for term in [*truth_terms, *(k for k in claim_terms if k not in truth_terms)][:_TERM_LIMIT]:
        a = _proportion(case, _at_points(case, term), difference)
        if a is None or a == 0:
            continue
        q = sp.Rational(a.numerator, a.denominator)
        if term in truth_terms:
            return [_coefficient(term, truth_terms[term] - q, truth_terms[term])]
        return [_coefficient(term, claim_terms[term], claim_terms[term] + q)]
    return []


#: terms whose values the numeric comparison of terms computes at most
_TERM_LIMIT = 12


@detector
def terms(case: Case) -> list[Diagnosis]:
    """At most three terms missing, extra, or with another coefficient: matched by their
    canonical forms — a missing and an extra term equal up to a constant factor (forms
    that differ) are one term whose coefficient changed — else, if correct − claim is
    one term, by the values."""
    if _holds(case):
        return []
    space = case.trial.problem.space
    truth_terms = _terms(mf.canonical(case.truth, space, factor=False))
    claim_terms = _terms(mf.canonical(case.claim, space, factor=False))
    missing = [k for k in truth_terms if k not in claim_terms]
    extra = [k for k in claim_terms if k not in truth_terms]
    changed = [(k, claim_terms[k]) for k in truth_terms
               if k in claim_terms and truth_terms[k] != claim_terms[k]]
    if len(missing) + len(extra) + len(changed) > 3:
        return _one_term(case, truth_terms, claim_terms)
    if missing and extra:
        values = {k: _at_points(case, k) for k in (*missing, *extra)}
        for t in list(missing):
            for c in extra:
                q = _proportion(case, values[t], values[c])
                if q is not None:  # c = q·t: the same term, written otherwise
                    changed.append((t, claim_terms[c] * sp.Rational(q.numerator, q.denominator)))
                    missing.remove(t)
                    extra.remove(c)
                    break
    return ([_coefficient(k, claimed, truth_terms[k]) for k, claimed in changed]
            + [_coefficient(k, 0, truth_terms[k]) for k in missing]
            + [_coefficient(k, claim_terms[k], 0) for k in extra])


@detector
def residual(case: Case) -> list[Diagnosis]:
    """The last resort: correct − claim (lhs − rhs), simplified."""
    if case.residual is None or _holds(case):  # a true claim's difference not simplified to 0
        return []
    label = "lhs − rhs" if case.trial.problem.task == "equal" else "correct − claim"
    # shown as a reader writes it (σ²/(1 − σ) cancelled), as the correct result is
    return [_diag("residual", label + " = {}", present(case.residual))]

"""The judge: ask the engines about a claim, combine their evidence, return a :class:`Verdict`.

Each engine (:mod:`symderiv.engines`) derives, samples and compares in its own way and
reports a finding; this module decides.  The verdict is ``holds`` or ``fails`` only when
the engines agree; when they do not, it is ``undecided`` and the disagreement is
reported, naming the engine whose result contradicts the others — never averaged away.
A failing claim is then diagnosed (:mod:`symderiv.diagnose`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from .calculus import matrix as mf
from .calculus.evaluate import Compiled, compile_expr
from .calculus.functions import kink_arguments
from .calculus.vocabulary import present
from .diagnose import diagnose
from .engines import (
    Comparing,
    Derived,
    Deriving,
    ElementwiseEngine,
    Engine,
    ExactEngine,
    Finding,
    MatrixEngine,
    NumericEngine,
    Trial,
)
from .engines.base import UNDEFINED, fmt_size_names, nearby, off_kinks
from .engines.exact import compare_at, exact_counterexample
from .engines.numeric import sample_at as numeric_sample_at
from .errors import ArgumentError, EvaluationError, ShapeError, UnsupportedError
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

MATRIX, ELEMENTWISE, NUMERIC, EXACT = (MatrixEngine(), ElementwiseEngine(), NumericEngine(),
                                       ExactEngine())

# The kinds of check and the engines each asks, in the order they run (a Jacobian is one
# more row, once the engines support it).  A derivative's reference is the result of the
# first of DERIVERS that has one; its evidence is listed in REPORT_ORDER.
DERIVERS: tuple[Deriving, ...] = (MATRIX, ELEMENTWISE)
CHECKS: dict[str, tuple[Engine, ...] | tuple[Comparing, ...]] = {
    "gradient": (NUMERIC, ELEMENTWISE, MATRIX),
    "hessian": (NUMERIC, ELEMENTWISE, MATRIX),
    "equal": (MATRIX, EXACT, NUMERIC),
}
REPORT_ORDER = (MATRIX.name, ELEMENTWISE.name, NUMERIC.name)


@dataclass(frozen=True, slots=True)
class Result:
    """A derived expression: the SymPy object and its spellings.

    ``expr`` is in the canonical form (the one results are compared in); its spellings
    are in the reader's vocabulary (σ, softmax, factored: see
    :func:`symderiv.calculus.vocabulary.present`).  ``str(result)`` is the numpy-like
    input form (paste it back as a claim).
    """

    expr: sp.Basic
    wrt: str
    task: str
    text: str

    @property
    def unicode(self) -> str:
        return to_unicode(present(self.expr))

    @property
    def latex(self) -> str:
        return to_latex(present(self.expr))

    def __str__(self) -> str:
        return self.text

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"


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


def _prepared(task: str, f: str | Parsed, wrt: str, claim: str | Parsed | None,
              let: str | Space | None, seed: int, scale: float, sizes: tuple[int, ...]
              ) -> Problem:
    validate_options(seed, scale)
    extra = validate_sizes(sizes)
    problem = setup_problem(task, f, wrt, claim, let, seed, scale)
    problem.extra_sizes = extra
    for parsed, what in ((problem.f, "function"), (problem.claim, "claim")):
        _read_as_declared(parsed, problem.space, what)
    return problem


def _trial(problem: Problem) -> tuple[Trial, list[str]]:
    """Every deriving engine's result, the reference chosen among them, and every
    expression compiled once; with the notes on how the reference was found."""
    derived = {d.name: d.derive(problem) for d in DERIVERS}
    primary = DERIVERS[0].name
    ref = next((d for d in derived.values() if d.expr is not None), None)
    truth = ref.expr if ref is not None else None
    claim = problem.claim.expr if problem.claim else None
    wrt = problem.wrt
    assert wrt is not None
    names = symbol_names(problem.space, problem.f.expr, claim, truth)
    if wrt not in names:
        names = sorted({*names, wrt})
    notes = []
    if not problem.f.expr.has(problem.space.symbol(wrt)):
        near = [n for n in names if n != wrt and n.lower() == wrt.lower()]
        notes.append(f"f does not depend on {wrt}: its derivative is zero "
                     + (f"(did you mean {near[0]}?)" if near else
                        "(is --wrt spelled as in f?)"))
    problem.used = used_dims(problem.space, names, problem.f.expr, truth, claim)
    trial = Trial(problem, names, compile_expr(problem.f.expr),
                  compile_expr(claim) if claim is not None else None, _spell)
    if ref is not None:
        try:
            trial.truth, trial.truth_c, trial.reference = truth, compile_expr(truth), ref.engine
        except UnsupportedError as exc:  # a result we cannot evaluate cannot be checked
            ref, trial.truth = None, None
            derived[primary] = dataclasses.replace(
                derived[primary], why_not=f"its result cannot be evaluated ({exc})")
    trial.derived = {name: _compiled(d) if d is not ref else
                     dataclasses.replace(d, compiled=trial.truth_c)
                     for name, d in derived.items()}
    if ref is not None and ref.engine != primary:
        notes.append(f"the {primary} engine could not derive it ({derived[primary].why_not}); "
                     f"the result is the {ref.engine} engine's index-form derivation")
    notes.extend(_kinks(trial))
    return trial, notes


def _kinks(trial: Trial) -> list[str]:
    """f's kinks, compiled into the trial, and the note that says how a derivative with
    kinks is judged; with those of the claim and the result that f does not have (a step
    there may be 0 everywhere on an entry by design, as the indicator
    heaviside(v - max(v), 1) of the largest entry is: the engines tell that from a kink
    by a point close by)."""
    found = kink_arguments(trial.problem.f.expr)
    others = [a for e in (trial.problem.claim.expr if trial.problem.claim else None, trial.truth)
              if e is not None for a in kink_arguments(e) if a not in found]
    trial.kinks, trial.kinked = _compile_all(found), bool(found)
    trial.other_kinks = _compile_all(list(dict.fromkeys(others)))
    claim_only = [a for a in (kink_arguments(trial.problem.claim.expr)
                              if trial.problem.claim else ()) if a not in found]
    notes = []
    if found:
        notes.append(f"f has kinks (where {_where(trial, found)} is 0): the derivative is "
                     "judged almost everywhere, at points off the kinks, where sign(0) = 0 and "
                     "heaviside(0) = 1/2 are conventions, not derivatives; finite differences "
                     "without the complex step")
    if claim_only:
        notes.append(f"the claim has steps or kinks where f has none (where "
                     f"{_where(trial, claim_only)} is 0): it is compared almost everywhere, "
                     "off them, and beside them")
    return notes


def _where(trial: Trial, args: list[sp.Basic]) -> str:
    return ", ".join(trial.spell(a) for a in args[:3]) + (" …" if len(args) > 3 else "")


def _compile_all(exprs: list[sp.Basic]) -> tuple[Compiled, ...]:
    out = []
    for e in exprs:
        try:
            out.append(compile_expr(e))
        except UnsupportedError:
            continue  # an argument that cannot be evaluated: neither can its expression
    return tuple(out)


def _exact_at_numeric_counterexample(trial: Trial, findings: dict[str, Finding]) -> list[str]:
    """Where finite differences fail the claim and the matrix-form engine holds, the claim against
    the derived result exactly at the numeric counterexample's point (its floats are exact
    rationals): a difference there, off the kinks, is a proof the exact engines' points
    missed — heaviside(x) for the derivative of relu(x - 1) is wrong on 0 < x < 1 only,
    between the integers they draw.  The matrix-form engine then fails with that point;
    the element-wise engine's holds, at points that did not include it, is undecided (as
    for an exact counterexample at a size it did not check).  So it is, for a function
    with kinks, where the matrix-form engine found such a point itself."""
    numeric = findings[NUMERIC.name].evidence
    cx = numeric.counterexample
    holding = [n for n in (MATRIX.name, ELEMENTWISE.name)
               if findings[n].evidence.outcome == "holds"]
    matrix_cx = findings[MATRIX.name].evidence.counterexample
    if (trial.piecewise and numeric.outcome == "fails" and holding == [ELEMENTWISE.name]
            and matrix_cx is not None and matrix_cx.exact):
        # piecewise: both other engines met the piece where the claim is wrong, it did not
        _undecide(findings, ELEMENTWISE.name)
        return ["the element-wise engine holds only at its own points, which missed the "
                "piece of this function with kinks where the other engines fail the claim"]
    if (numeric.outcome != "fails" or cx is None or MATRIX.name not in holding
            or trial.truth_c is None or trial.claim_c is None or trial.reference != MATRIX.name):
        return []
    space = trial.problem.space
    sizes = {d: cx.sizes[d.name] for d in space.dim_symbols if d.name in cx.sizes}
    s = None
    for limit in (16, 1024, None):  # a point people can read, if one shows the difference
        try:
            point = {name: _rational(cx.values[name], limit) for name in trial.names}
            off_kinks(trial.kinks, point, sizes, near=nearby(
                trial, point, sizes, np.random.default_rng(trial.problem.seed)))
            off_kinks(trial.other_kinks, point, sizes, near=nearby(
                trial, point, sizes, np.random.default_rng(trial.problem.seed)))
            s = compare_at(trial.truth_c, trial.claim_c, point, sizes)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue  # not a point every side is defined at: nothing to add
        if not s.equal and s.claim is not UNDEFINED:
            break
        s = None
    if s is None:
        return []
    ev = findings[MATRIX.name].evidence
    findings[MATRIX.name] = dataclasses.replace(findings[MATRIX.name], evidence=(
        dataclasses.replace(ev, outcome="fails", counterexample=exact_counterexample(
            trial, s, MATRIX.name), detail=f"{ev.detail}; fails exactly at the numeric "
            "engine's counterexample")))
    if ELEMENTWISE.name in holding:
        _undecide(findings, ELEMENTWISE.name)
    return ["the exact engines' random points missed where the claim is wrong: compared "
            "exactly at the numeric engine's counterexample, it differs from the derived "
            "result" + (" (the element-wise engine holds only at its own points)"
                        if ELEMENTWISE.name in holding else "")]


def _numeric_at_exact_counterexample(trial: Trial, findings: dict[str, Finding]) -> list[str]:
    """Where the matrix-form engine fails the claim exactly and finite differences hold it,
    finite differences at the exact counterexample's point: if they agree with the derived
    result there and not with the claim, the numeric engine's random points missed the
    piece where the claim is wrong (a scalar Huber loss's claim d·sign(r) → sign(r) is
    wrong only where |r| > d), and it fails with that point too; the element-wise engine's
    holds, at points that did not include it, is undecided."""
    matrix, numeric = findings[MATRIX.name].evidence, findings[NUMERIC.name].evidence
    cx = matrix.counterexample
    if (matrix.outcome != "fails" or numeric.outcome != "holds" or cx is None
            or not cx.exact or trial.reference != MATRIX.name or trial.truth_c is None):
        return []
    space = trial.problem.space
    sizes = {d: cx.sizes[d.name] for d in space.dim_symbols if d.name in cx.sizes}
    try:
        point = {name: _as_floats(cx.values[name]) for name in trial.names}
        s = numeric_sample_at(trial, point, sizes)
    except (KeyError, TypeError, ValueError, ArithmeticError, EvaluationError):
        return []  # not a point finite differences can judge: nothing to add
    if s.claim_ok or not s.truth_ok:
        return []
    findings[NUMERIC.name] = dataclasses.replace(findings[NUMERIC.name], evidence=(
        dataclasses.replace(numeric, outcome="fails", counterexample=cx,
                            detail=f"{numeric.detail}; fails at the matrix-form engine's "
                            f"counterexample (relative difference {s.claim_rel:.2g})")))
    if findings[ELEMENTWISE.name].evidence.outcome == "holds":
        _undecide(findings, ELEMENTWISE.name)
    return ["the numeric engine's random points missed where the claim is wrong: at the "
            "matrix-form engine's counterexample, finite differences agree with the derived "
            "result and not with the claim"]


def _as_floats(v: object) -> object:
    """A counterexample's exact value (strings such as '3/2', nested lists) as floats."""
    if isinstance(v, list):
        return np.vectorize(lambda x: float(Fraction(x)), otypes=[float])(
            np.asarray(v, dtype=object))
    return float(Fraction(v))  # type: ignore[arg-type]


def _undecide(findings: dict[str, Finding], name: str) -> None:
    ev = dataclasses.replace(findings[name].evidence, outcome="undecided")
    findings[name] = dataclasses.replace(findings[name], evidence=ev)


def _rational(v: object, limit: int | None) -> object:
    """A counterexample's value (float, or nested lists of them) as exact Fractions, or
    the nearest with denominators up to ``limit``."""
    def one(x: float) -> Fraction:
        q = Fraction(x)
        return q.limit_denominator(limit) if limit else q
    if isinstance(v, list):
        return np.vectorize(one, otypes=[object])(np.asarray(v, dtype=float))
    return one(v)  # type: ignore[arg-type]


def _compiled(d: Derived) -> Derived:
    """An engine's own result, compiled so that it can be checked (if it can be)."""
    if d.expr is None:
        return d
    try:
        return dataclasses.replace(d, compiled=compile_expr(d.expr))
    except UnsupportedError:
        return d


def _judge_derivative(task: str, f: str | Parsed, wrt: str, claim: str | Parsed | None,
                      let: str | Space | None, seed: int, scale: float,
                      sizes: tuple[int, ...] = ()) -> Verdict:
    problem = _prepared(task, f, wrt, claim, let, seed, scale, sizes)
    trial, notes = _trial(problem)
    engines: tuple[Engine, ...] = CHECKS[task]  # type: ignore[assignment]
    findings = {engine.name: engine.judge(trial) for engine in engines}
    for finding in findings.values():
        notes.extend(finding.notes)
    for finding in findings.values():
        notes.extend(finding.doubts)
    doubted = any(finding.doubts for finding in findings.values())
    if not doubted:
        notes.extend(_exact_at_numeric_counterexample(trial, findings))
        notes.extend(_numeric_at_exact_counterexample(trial, findings))
    if trial.claim_c is None and doubted and trial.reference == MATRIX.name:
        # without a claim the engine vouches for its own result, which another contradicts
        findings[MATRIX.name] = dataclasses.replace(findings[MATRIX.name], evidence=(
            dataclasses.replace(findings[MATRIX.name].evidence, outcome="undecided")))
    evidence = tuple(findings[name].evidence for name in REPORT_ORDER)
    says = _exact_proofs(evidence, notes)
    outcome, agree, combined = _combine(
        says, claimed=trial.claim_c is not None,
        derived=trial.truth is not None and findings[NUMERIC.name].evidence.checks > 0,
        suspect=doubted or any(finding.disputed for finding in findings.values()))
    notes.extend(combined)
    if trial.claim_c is None and trial.truth is None:
        notes.append(f"{MATRIX.name} engine: {trial.derived[MATRIX.name].why_not}")
    counterexample, diagnoses, residual = None, [], None
    if outcome == "fails":
        counterexample = _counterexample(engines, findings, evidence, doubted=doubted)
        samples = [s for name in REPORT_ORDER for s in findings[name].samples]
        if trial.truth is not None and not doubted and samples:
            diagnoses, residual = diagnose(trial, samples)
    return _verdict(trial, outcome, evidence, notes, agree=agree, correct=not doubted,
                    counterexample=counterexample, diagnoses=diagnoses, residual=residual)


def _exact_proofs(evidence: tuple[Evidence, ...], notes: list[str]) -> dict[str, str]:
    """Each engine's say; an exact counterexample at a size another engine did not check
    does not contradict that engine's "holds" (the element-wise engine checks sizes up to
    4, say), which then counts as undecided."""
    says = {ev.engine: ev.outcome for ev in evidence}
    proofs = [ev.counterexample for ev in evidence
              if ev.counterexample is not None and ev.counterexample.exact]
    for ev in evidence:
        if ev.outcome == "holds" and proofs and not any(cx.sizes in ev.sizes for cx in proofs):
            says[ev.engine] = "undecided"
            notes.append(f"{ev.engine} holds at the sizes it checked; the exact counterexample "
                         f"is at {fmt_size_names(proofs[0].sizes)}")
    return says


def _counterexample(engines: tuple[Engine, ...], findings: dict[str, Finding],
                    evidence: tuple[Evidence, ...], *, doubted: bool) -> Counterexample | None:
    """The first engine's counterexample as the verdict lists them; only an independent
    engine's when the derived result is in doubt."""
    if doubted:
        return next((findings[e.name].evidence.counterexample for e in engines
                     if e.independent), None)
    return next((ev.counterexample for ev in evidence if ev.counterexample is not None), None)


def _spell(e: sp.Basic) -> str:
    """An expression in the evidence's sentences, in the reader's vocabulary."""
    return to_unicode(present(e))


def _verdict(trial: Trial, outcome: str, evidence: tuple[Evidence, ...], notes: list[str], *,
             agree: bool, correct: bool, counterexample: Counterexample | None,
             diagnoses: list[Diagnosis], residual: sp.Basic | None) -> Verdict:
    problem = trial.problem
    # shown in the reader's vocabulary; every comparison above used the canonical form
    truth = present(trial.truth) if correct and trial.truth is not None else None
    assert problem.wrt is not None
    return Verdict(
        outcome=outcome,  # type: ignore[arg-type]
        task=problem.task,  # type: ignore[arg-type]
        function=problem.f.text, wrt=problem.wrt,
        claim=problem.claim.text if problem.claim else None,
        declarations=declarations_of(problem.space, trial.names),
        function_expr=problem.f.expr,
        claim_expr=problem.claim.expr if problem.claim else None,
        wrt_kind=problem.space.get(problem.wrt).kind,
        correct=truth,
        correct_text=(to_input(truth, mf.assumption_rules(problem.space))
                      if truth is not None else None),
        residual=residual, diagnoses=tuple(diagnoses), evidence=evidence,
        counterexample=counterexample, agree=agree, notes=tuple(notes), seed=problem.seed)


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
    derived = MATRIX.derive(problem)
    if derived.expr is None:
        raise UnsupportedError(derived.why_not or "cannot derive this")
    return Result(derived.expr, wrt, task,
                  to_input(present(derived.expr), mf.assumption_rules(problem.space)))


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
    assert problem.claim is not None
    names = sorted({*symbol_names(problem.space, problem.f.expr, problem.claim.expr), wrt})
    problem.used = used_dims(problem.space, names, problem.f.expr, problem.claim.expr)
    if not problem.used:
        raise ArgumentError("the declarations fix every size here, so sizes= has nothing to "
                            "set; check_gradient checks the declared sizes")
    runnable, too_big = ELEMENTWISE.sizes(problem)
    if not runnable:  # this engine alone could decide nothing: say so before any work
        raise ArgumentError("nothing to check: every size asked for is beyond the "
                            "element-wise engine's work budget; " + "; ".join(too_big))
    trial = Trial(problem, names, compile_expr(problem.f.expr),
                  compile_expr(problem.claim.expr), to_unicode,
                  derived={ELEMENTWISE.name: Derived(ELEMENTWISE.name, None,
                                                     "not run by check_entries")})
    finding = ELEMENTWISE.judge(trial)
    evidence = finding.evidence
    return Verdict(
        outcome="undecided" if evidence.outcome == "unsupported" else evidence.outcome,
        task=task,  # type: ignore[arg-type]
        function=problem.f.text, wrt=problem.wrt, claim=problem.claim.text,
        declarations=declarations_of(problem.space, names), function_expr=problem.f.expr,
        claim_expr=problem.claim.expr, wrt_kind=problem.space.get(wrt).kind,
        evidence=(evidence,), counterexample=evidence.counterexample,
        notes=finding.notes, seed=seed)


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
    trial = Trial(problem, names, None, compile_expr(pr.expr), to_unicode, truth=pl.expr,
                  truth_c=compile_expr(pl.expr))
    # sides with kinks or steps are piecewise: the engines look for every piece
    trial.other_kinks = _compile_all(list(dict.fromkeys(
        [*kink_arguments(pl.expr), *kink_arguments(pr.expr)])))
    engines: tuple[Comparing, ...] = CHECKS["equal"]  # type: ignore[assignment]
    symbolic, exact, numeric = (engine.compare(trial) for engine in engines)
    notes = list(exact.notes)
    exact = _identity_at_numeric_counterexample(trial, exact, numeric.evidence, notes)
    if trial.other_kinks:
        notes.append("the sides have kinks or steps: they were compared on the pieces between "
                     "them, beside them and at integers; a difference at a kink alone (sign(0) "
                     "= 0, heaviside(0) = 1/2) is found only where a point falls on it")
    outcome, agree = _combine_identity(symbolic.evidence, exact, numeric.evidence, notes)
    diagnoses: list[Diagnosis] = []
    residual = None
    if outcome == "fails":
        diagnoses, residual = diagnose(trial, list(exact.samples))
    evidence = (symbolic.evidence, exact.evidence, numeric.evidence)
    return Verdict(
        outcome=outcome, task="equal", function=pl.text, wrt=None,  # type: ignore[arg-type]
        claim=pr.text, declarations=declarations_of(space, names),
        function_expr=pl.expr, claim_expr=pr.expr,
        residual=residual, diagnoses=tuple(diagnoses), evidence=evidence,
        counterexample=exact.evidence.counterexample or numeric.evidence.counterexample,
        agree=agree, notes=tuple(notes), seed=seed)


def _identity_at_numeric_counterexample(trial: Trial, exact: Finding, numeric: Evidence,
                                        notes: list[str]) -> Finding:
    """Where the float points fail an identity that the exact points hold, both sides
    exactly at the float counterexample (its floats are exact rationals): a difference
    there is a proof the exact points missed (sign(x - 0.5) and sign(x) differ on
    (0, 0.5) only, between the integers)."""
    cx = numeric.counterexample
    if (exact.evidence.outcome != "holds" or numeric.outcome != "fails" or cx is None
            or trial.truth_c is None or trial.claim_c is None):
        return exact
    space = trial.problem.space
    sizes = {d: cx.sizes[d.name] for d in space.dim_symbols if d.name in cx.sizes}
    for limit in (16, 1024, None):  # a point people can read, if one shows the difference
        try:
            point = {name: _rational(cx.values[name], limit) for name in trial.names}
            s = compare_at(trial.truth_c, trial.claim_c, point, sizes, symmetric=True)
        except (KeyError, TypeError, ValueError, ArithmeticError, EvaluationError):
            continue
        if not s.equal and UNDEFINED not in (s.truth, s.claim):
            notes.append("the exact points missed where the sides differ: compared exactly at "
                         "the floating-point counterexample, they differ")
            ev = dataclasses.replace(
                exact.evidence, outcome="fails",
                counterexample=exact_counterexample(trial, s, exact.evidence.engine),
                detail=f"{exact.evidence.detail}; fails exactly at the numeric counterexample")
            return dataclasses.replace(exact, evidence=ev, samples=(*exact.samples, s))
    return exact


def _combine_identity(symbolic: Evidence, exact: Finding, numeric: Evidence,
                      notes: list[str]) -> tuple[str, bool]:
    """An identity's verdict from its engines: (outcome, agree), with notes appended.

    A nonzero polynomial in the dimensions and an exact counterexample are proofs; a
    symbolic proof decides where sampling could not, but never against evaluation.
    """
    e_outcome, f_outcome = exact.evidence.outcome, numeric.outcome
    proved = symbolic.outcome == "holds"
    bad = [s for s in exact.samples if not s.equal]
    agree = {e_outcome, f_outcome} != {"holds", "fails"}
    if symbolic.outcome == "fails":
        if e_outcome != "fails":
            notes.append("the engines disagree: the sampled sizes missed it, but the "
                         "difference is a nonzero polynomial in the dimensions")
        return "fails", e_outcome == "fails"
    if e_outcome == f_outcome and e_outcome in ("holds", "fails"):
        domain = any(isinstance(s.truth, str) or isinstance(s.claim, str) for s in bad)
        if proved and e_outcome == "fails" and domain:
            notes.append("symbolic simplification cancels without regard to where each side "
                         "is defined; evaluation shows a point where only one side is")
        elif proved and e_outcome == "fails":  # the canonical form must not contradict
            notes.append("symbolic simplification says the sides are equal, evaluation "
                         "says not: the engines disagree")
            return "undecided", False
        return e_outcome, agree
    if e_outcome == "fails" and bad and bad[0].exact:
        if f_outcome == "holds":
            notes.append("the engines disagree: floating-point evaluation did not see the "
                         "difference, but the exact counterexample proves it")
        return "fails", agree
    if proved and "fails" not in (e_outcome, f_outcome):
        notes.append(f"decided by the symbolic proof (exact says {e_outcome}, numeric says "
                     f"{f_outcome})")
        return "holds", agree
    if {e_outcome, f_outcome} == {"holds", "fails"}:
        notes.append(f"the engines disagree: exact says {e_outcome}, numeric says {f_outcome}")
        return "undecided", agree
    notes.append(f"not enough evidence from one engine: exact says {e_outcome}, numeric "
                 f"says {f_outcome}")
    return ("fails" if "fails" in (e_outcome, f_outcome) else "undecided"), agree

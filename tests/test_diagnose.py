"""The mistake detectors one by one: each explains its wrong claim and is silent on the
true twin."""

import pytest

from symderiv import diagnose as dg
from symderiv.calculus import matrix as mf
from symderiv.calculus.evaluate import compile_expr
from symderiv.engines import MatrixEngine, Trial
from symderiv.engines.exact import exact_samples
from symderiv.engines.matrix import difference
from symderiv.parse import parse_expression
from symderiv.problem import Problem, make_space, setup_problem, symbol_names, used_dims
from symderiv.render.printing import to_unicode

LS = "X: m x n; y: m; w: n"


def _case(trial: Trial) -> dg.Case:
    """The case diagnose() hands its detectors, residual included."""
    problem = trial.problem
    samples, _ = exact_samples(trial, trial.truth_c, trial.claim_c)
    case = dg.Case(trial, problem.claim.expr, samples)
    residual = mf.canonical(difference(trial.truth, problem.claim.expr), problem.space,
                            factor=False)
    case.residual = None if mf.is_zero(residual) else residual
    return case


def gradient_case(f: str, wrt: str, claim: str, let: str) -> dg.Case:
    problem = setup_problem("gradient", f, wrt, claim, let, 0, 1.0)
    truth = MatrixEngine().derive(problem).expr
    names = sorted({*symbol_names(problem.space, problem.f.expr, problem.claim.expr, truth),
                    wrt})
    problem.used = used_dims(problem.space, names, problem.f.expr, truth, problem.claim.expr)
    return _case(Trial(problem, names, compile_expr(problem.f.expr),
                       compile_expr(problem.claim.expr), to_unicode, truth=truth,
                       truth_c=compile_expr(truth), reference="matrix-form"))


def identity_case(lhs: str, rhs: str, let: str) -> dg.Case:
    space = make_space(let)
    pl, pr = parse_expression(lhs, space), parse_expression(rhs, space)
    problem = Problem(space, "equal", pl, None, pr, 0, 1.0)
    names = symbol_names(space, pl.expr, pr.expr)
    problem.used = used_dims(space, names, pl.expr, pr.expr)
    return _case(Trial(problem, names, None, compile_expr(pr.expr), to_unicode,
                       truth=pl.expr, truth_c=compile_expr(pl.expr)))


def kinds(found):
    return [d.kind for d in found]


def test_the_detectors_are_asked_in_order_of_specificity():
    assert [d.__name__ for d in dg.DETECTORS] == [
        "factor", "transpose", "transposed_matrix", "symmetric_only", "values_only",
        "missing_derivative", "dimension_one", "terms", "residual"]


def test_domain():
    # log(xy) = log x + log y: only for positive x, y
    wrong = identity_case("log(x*y)", "log(x) + log(y)", "x: scalar; y: scalar")
    found = dg.domain(wrong)
    assert kinds(found) == ["domain"]
    assert "the right-hand side is undefined at" in found[0].message
    true = identity_case("log(x*y)", "log(x) + log(y)",
                         "x: scalar, positive; y: scalar, positive")
    assert dg.domain(true) == []


@pytest.mark.parametrize(("claim", "kind", "words"), [
    ("x", "scalar factor", "the claim is 1/2 × the correct result"),
    ("0 * x", "scalar factor", "the claim is zero where the correct result is not"),
])
def test_factor(claim, kind, words):
    wrong = gradient_case("x @ x", "x", claim, "x: n")
    found = dg.factor(wrong)
    assert kinds(found) == [kind] and words in found[0].message
    assert dg.factor(gradient_case("x @ x", "x", "2 * x", "x: n")) == []


def test_sign():
    # talk A5, the least-squares gradient with both signs flipped
    wrong = gradient_case("norm(y - X @ w)**2", "w", "2 * X.T @ y - 2 * X.T @ X @ w", LS)
    assert kinds(dg.factor(wrong)) == ["sign"]
    true = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y + 2 * X.T @ X @ w", LS)
    assert dg.factor(true) == []


def test_transpose():
    # Matrix Cookbook (100): ∂ tr(AX)/∂X = Aᵀ
    let = "A: n x n; X: n x n"
    assert kinds(dg.transpose(gradient_case("trace(A @ X)", "X", "A", let))) == ["transpose"]
    assert dg.transpose(gradient_case("trace(A @ X)", "X", "A.T", let)) == []


def test_transposed_matrix():
    # ∇ₓ xᵀAy = Ay; with 1-D vectors y @ A is Aᵀy
    let = "x: n; y: n; A: n x n"
    found = dg.transposed_matrix(gradient_case("x @ A @ y", "x", "y @ A", let))
    assert kinds(found) == ["transpose"] and "the claim has Aᵀ" in found[0].message
    assert dg.transposed_matrix(gradient_case("x @ A @ y", "x", "A @ y", let)) == []


def test_symmetric_only():
    # talk A, the quadratic form: 2Ax is the gradient only for a symmetric A
    let = "x: n; A: n x n"
    found = dg.symmetric_only(gradient_case("x.T @ A @ x", "x", "2 * A @ x", let))
    assert kinds(found) == ["symmetric only"] and "right only if A is symmetric" in \
        found[0].message
    # the same claim is true once A is declared symmetric
    true = gradient_case("x.T @ A @ x", "x", "2 * A @ x", "x: n; A: n x n, symmetric")
    assert dg.symmetric_only(true) == []


def test_dimension_one():
    # ∂ tr(ABX)/∂X = BᵀAᵀ; AᵀBᵀ agrees only where the matrices are 1×1
    let = "A: n x n; B: n x n; X: n x n"
    wrong = gradient_case("trace(A @ B @ X)", "X", "A.T @ B.T", let)
    assert kinds(dg.dimension_one(wrong)) == ["dimension 1 only"]
    assert dg.dimension_one(gradient_case("trace(A @ B @ X)", "X", "B.T @ A.T", let)) == []


def test_terms():
    # talk A5: the textbook's gradient, factor 2 missing on XᵀXw
    wrong = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y + X.T @ X @ w", LS)
    found = dg.terms(wrong)
    assert kinds(found) == ["coefficient"]
    assert "has coefficient 1 in the claim, but 2 in the correct result" in found[0].message
    missing = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y", LS)
    assert kinds(dg.terms(missing)) == ["missing term"]
    true = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y + 2 * X.T @ X @ w", LS)
    assert dg.terms(true) == []


def test_residual():
    wrong = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y + X.T @ X @ w", LS)
    found = dg.residual(wrong)
    assert kinds(found) == ["residual"] and found[0].message == "correct − claim = XᵀXw"
    true = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y + 2 * X.T @ X @ w", LS)
    assert dg.residual(true) == []


def test_diagnose_keeps_the_first_detector_that_explains_it():
    # talk A5: the coefficient, not the residual, though both apply
    wrong = gradient_case("norm(y - X @ w)**2", "w", "-2 * X.T @ y + X.T @ X @ w", LS)
    found, residual = dg.diagnose(wrong.trial, wrong.samples)
    assert kinds(found) == ["coefficient"] and to_unicode(residual) == "XᵀXw"


def test_a_domain_failure_comes_without_a_residual():
    wrong = identity_case("log(x*y)", "log(x) + log(y)", "x: scalar; y: scalar")
    found, residual = dg.diagnose(wrong.trial, wrong.samples)
    assert kinds(found) == ["domain"] and residual is None

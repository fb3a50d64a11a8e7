"""Property tests (Hypothesis): the engines against each other and against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import LET as POLY_LET
from strategies import MATRIX_LET, matrix_function, polynomial_function

from symderiv import (
    check_gradient,
    check_hessian,
    gradient,
    parse_declarations,
    parse_expression,
)
from symderiv.calculus.evaluate import compile_expr
from symderiv.calculus.numeric import compare, evaluate_float, numeric_gradient

# no values so small that products underflow (float64 cannot tell those apart from 0)
finite = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False).filter(
    lambda v: v == 0 or abs(v) > 1e-100)


@st.composite
def quadratic_form_point(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    a = draw(arrays(np.float64, (n, n), elements=finite))
    if draw(st.booleans()):
        a = a + a.T
    x = draw(arrays(np.float64, (n,), elements=finite))
    return n, a, x


QF = gradient("x.T @ A @ x", wrt="x", let="x: n; A: n x n")
QF_SPACE = parse_declarations("x: n; A: n x n")
QF_F = compile_expr(parse_expression("x.T @ A @ x", QF_SPACE).expr)
QF_G = compile_expr(QF.expr)


@given(quadratic_form_point())
def test_matrix_form_gradient_of_quadratic_form_matches_finite_differences(case):
    """For random (symmetric or not) A and random sizes, ∇xᵀAx from the engine = FD."""
    n, a, x = case
    sizes = {QF_SPACE.dim_symbols[0]: n}
    point = {"A": a, "x": x}
    num = numeric_gradient(QF_F, point, "x", sizes)
    engine = evaluate_float(QF_G, point, sizes)[:, 0]
    assert compare(engine, num.value, num.error, rtol=1e-9).ok


CORRECT = {
    "gradient": ("(A + A.T) @ x", ["2 * A @ x", "A @ x + A @ x.T", "-(A + A.T) @ x",
                                   "(A + A.T) @ x / 2", "A.T @ x"]),
    "hessian": ("A + A.T", ["2 * A", "-(A + A.T)", "A", "A.T"]),
}


@given(st.sampled_from(["gradient", "hessian"]), st.data(), st.integers(0, 2**16))
def test_perturbed_claims_fail_and_correct_claims_hold(task, data, seed):
    """Dropping a factor 2, a transpose or a sign turns a correct claim into a failure."""
    correct, wrongs = CORRECT[task]
    wrong = data.draw(st.sampled_from(wrongs))
    check = check_gradient if task == "gradient" else check_hessian
    let = "x: n; A: n x n"
    assert check("x.T @ A @ x", wrt="x", claim=correct, let=let, seed=seed).outcome == "holds"
    v = check("x.T @ A @ x", wrt="x", claim=wrong, let=let, seed=seed)
    assert v.outcome == "fails"
    assert v.counterexample is not None and v.agree


# -- random well-shaped expressions -----------------------------------------------------
LET = "x: n; a: n; A: n x n; B: n x n; c: scalar"


def _vector(depth):
    leaves = st.sampled_from(["x", "a", "A @ x", "x @ B"])
    if depth == 0:
        return leaves
    sub = _vector(depth - 1)
    mat = _matrix(depth - 1)
    return st.one_of(
        leaves,
        st.builds(lambda m, v: f"({m}) @ ({v})", mat, sub),
        st.builds(lambda u, v: f"({u}) + ({v})", sub, sub),
        st.builds(lambda u, v: f"({u}) * ({v})", sub, sub),
        st.builds(lambda k, v: f"{k} * ({v})", st.sampled_from(["2", "c", "-1"]), sub),
    )


def _matrix(depth):
    leaves = st.sampled_from(["A", "B", "A.T", "outer(x, a)"])
    if depth == 0:
        return leaves
    sub = _matrix(depth - 1)
    return st.one_of(leaves,
                     st.builds(lambda m, k: f"({m}) @ ({k})", sub, sub),
                     st.builds(lambda m, k: f"({m}) + ({k})", sub, sub),
                     st.builds(lambda m: f"({m}).T", sub))


def scalar_expressions():
    v, m = _vector(1), _matrix(1)
    return st.one_of(
        st.builds(lambda u, w: f"({u}) @ ({w})", v, v),
        st.builds(lambda u, k, w: f"({u}) @ ({k}) @ ({w})", v, m, v),
        st.builds(lambda k: f"trace({k})", m),
        st.builds(lambda u: f"norm({u})**2", v),
        st.builds(lambda u, w: f"exp(({u}) @ ({w}) / 50)", v, v),
        st.builds(lambda u: f"sum(({u})**2)", v),
    )


@pytest.mark.slow
@given(scalar_expressions(), st.sampled_from(["x", "A", "c"]))
def test_random_expressions_engines_agree(f, wrt):
    """Random polynomial matrix expressions: the matrix-form gradient agrees with FD."""
    v = check_gradient(f, wrt=wrt, let=LET)
    assert v.outcome == "holds", str(v)
    assert v.agree
    # the printed result is valid input and means the same thing
    again = check_gradient(f, wrt=wrt, claim=v.correct_text, let=LET)
    assert again.outcome == "holds", str(again)


@pytest.mark.slow
@given(scalar_expressions())
def test_random_expressions_hessians_agree(f):
    v = check_hessian(f, wrt="x", let=LET)
    assert v.outcome == "holds", str(v)
    assert v.agree


# -- the three engines on random polynomial functions (issue 3) ----------------------------------
@settings(max_examples=25, deadline=None)
@given(polynomial_function(), st.sampled_from(["gradient", "hessian"]), st.integers(0, 2**16))
def test_engines_agree_on_random_polynomial_functions(f, task, seed):
    """Matrix-form, element-wise (index form and exact entries) and finite differences agree
    on the derivative of a random polynomial in x — and all three reject it perturbed."""
    check = check_gradient if task == "gradient" else check_hessian
    v = check(f, wrt="x", let=POLY_LET, seed=seed)
    assert v.outcome == "holds" and v.agree, str(v)
    assert [e.outcome for e in v.evidence] == ["holds", "holds", "holds"], str(v)
    detail = v.evidence[1].detail
    assert detail.startswith("index form: derived") or "too large" in detail, str(v)
    assert not any("disagree" in note for note in v.notes), str(v)
    wrong = f"{v.correct_text} + outer(a, b)" if task == "hessian" else f"{v.correct_text} + a"
    bad = check(f, wrt="x", claim=wrong, let=POLY_LET, seed=seed)
    assert bad.outcome == "fails"
    assert [e.outcome for e in bad.evidence] == ["fails", "fails", "fails"], str(bad)


@settings(max_examples=15, deadline=None)
@given(matrix_function(), st.integers(0, 2**16))
def test_engines_agree_on_random_functions_of_a_matrix(f, seed):
    """The same with respect to a matrix variable: ∇_X f is a matrix read back from
    entries with two free indices (k, l)."""
    v = check_gradient(f, wrt="X", let=MATRIX_LET, seed=seed)
    assert v.outcome == "holds" and v.agree, str(v)
    assert [e.outcome for e in v.evidence] == ["holds", "holds", "holds"], str(v)
    assert v.evidence[1].detail.startswith("index form: derived"), str(v)
    bad = check_gradient(f, wrt="X", claim=f"{v.correct_text} + outer(a, b)", let=MATRIX_LET,
                         seed=seed)
    assert [e.outcome for e in bad.evidence] == ["fails", "fails", "fails"], str(bad)

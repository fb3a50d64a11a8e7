"""symderiv.testing.report: check_* return a frozen report in the layout the assert_*
functions raise; entries are compared one by one within a time budget, and what the
random directions alone may miss is said.  Cases from the comparison of symderiv.testing
with scipy's check_grad, jax's check_grads, numdifftools, autograd and torch's gradcheck."""

import dataclasses

import numpy as np
import pytest

import symderiv.testing
from symderiv import ArgumentError
from symderiv.testing import (
    NumericReport,
    assert_gradient,
    assert_hessian,
    check_gradient_numeric,
    check_hessian_numeric,
    check_jacobian_numeric,
)


def half_square(x):
    return 0.5 * x @ x


def test_check_returns_a_frozen_report_and_assert_raises_its_text():
    x = np.array([1.0, -2.0, 3.0])
    good = check_gradient_numeric(half_square, lambda x: x, at=x)
    assert isinstance(good, NumericReport) and good.passed and good.outcome == "holds"
    assert good.title.endswith("matches central differences") and good.exhaustive
    assert good.unseen is None and good.evaluations > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        good.outcome = "fails"  # type: ignore[misc]
    bad = check_gradient_numeric(half_square, lambda x: 2 * x, at=x)
    assert not bad.passed and bad.outcome == "fails" and str(bad) == bad.text
    with pytest.raises(AssertionError) as info:
        assert_gradient(half_square, lambda x: 2 * x, at=x)
    assert str(info.value) == bad.text  # the same layout, word for word


def test_bad_arguments_raise_from_check_too():
    with pytest.raises(ArgumentError, match="budget must be a number of seconds"):
        check_gradient_numeric(half_square, lambda x: x, at=np.ones(2), budget=-1)


def test_the_review_case_a_wrong_entry_of_2e_6_among_100_is_found():
    # review: the entry's true value is 0 and the claim says 2e-6; above 32 entries only
    # random directions were checked and it passed.  Now f is cheap: every entry is seen
    x = np.random.default_rng(2).standard_normal(100)
    x[7] = 0.0

    def wrong(x):
        g = x.copy()
        g[7] = 2e-6
        return g

    report = check_gradient_numeric(half_square, wrong, at=x)
    assert report.exhaustive and report.outcome == "fails"
    assert "checked:   directional derivatives along 4 random directions (seed 0); entries " \
        "(all 100)" in report.text
    assert "largest absolute difference: 2e-06 at [7]" in report.text
    # without the budget, the report says what was not seen and how large an error can hide
    blind = check_gradient_numeric(half_square, wrong, at=x, budget=0)
    assert not blind.exhaustive
    assert blind.unseen.startswith("the 100 entries were not compared one by one")
    assert "a wrong entry can pass unseen if its error is below" in blind.unseen
    assert f"note: {blind.unseen}" in blind.text


def test_the_unseen_bound_is_the_largest_error_in_one_entry_that_can_pass():
    # an error just below the bound in the worst entry passes along the directions; one
    # well above it in any entry fails
    n = 60
    x = np.random.default_rng(5).standard_normal(n)
    report = check_gradient_numeric(half_square, lambda x: x, at=x, budget=0)
    bound = float(report.unseen.rsplit(" ", 1)[1])
    # the worst entry: where min over directions i of tolᵢ/|vᵢₖ| is largest, tolᵢ about
    # rtol·|⟨x, vᵢ⟩| here (the differences of a quadratic are nearly exact)
    vs = symderiv.testing.differences.directions(n, 4, 0)
    worst = int(np.argmax(np.min(np.abs(vs @ x)[:, None] / np.abs(vs), axis=0)))

    def off(k, e):
        def g(x):
            out = x.copy()
            out[k] += e
            return out
        return g

    assert check_gradient_numeric(half_square, off(worst, 0.5 * bound), at=x, budget=0).passed
    for k in range(0, n, 7):
        assert not check_gradient_numeric(half_square, off(k, 1.01 * bound), at=x,
                                          budget=0).passed


def test_matrix_shaped_gradients_are_shown_as_matrices():
    A = np.arange(1.0, 7.0).reshape(2, 3)

    def f(X):
        return np.sum(A * X ** 2)

    with pytest.raises(AssertionError) as info:
        assert_gradient(f, lambda X: A * X, at=np.ones((2, 3)))
    text = str(info.value)
    assert "ACTUAL  (entries of <lambda>):\n    [[1. 2. 3.]\n     [4. 5. 6.]]" in text
    assert "DESIRED (central differences, in float64, extrapolated by Ridders' method):\n" \
        "    [[ 2.  4.  6.]\n     [ 8. 10. 12.]]" in text
    assert "largest absolute difference: 6 at [1, 2]" in text


def test_hessian_of_a_matrix_variable_is_shown_as_an_n_by_n_matrix():
    report = check_hessian_numeric(lambda X: np.trace(X.T @ X), np.eye(4), at=np.ones((2, 2)))
    actual = report.text[report.text.index("ACTUAL"):].splitlines()
    assert actual[1].strip() == "[[1. 0. 0. 0.]" and len(actual[1:5]) == 4


def test_hessians_and_jacobians_beyond_full_are_compared_within_the_budget():
    x = np.random.default_rng(1).standard_normal(20)
    # a budget far above the half second these 210 entries take, so that a loaded machine
    # does not decide the outcome
    report = check_hessian_numeric(lambda x: np.sum(x ** 4) / 4, lambda x: np.diag(3 * x ** 2),
                                   at=x, budget=20)
    assert report.passed and report.exhaustive and "entries (all 400)" in report.text
    report = check_hessian_numeric(lambda x: np.sum(x ** 4) / 4, lambda x: np.diag(3 * x ** 2),
                                   at=x, budget=0)
    assert not report.exhaustive and report.unseen.startswith(
        "the 210 entries on and above the diagonal were not compared one by one")
    report = check_jacobian_numeric(np.tanh, lambda x: np.diag(1 - np.tanh(x) ** 2),
                                    at=np.linspace(-1, 1, 40))
    assert report.passed and report.exhaustive and "entries (all 1600)" in report.text


def test_full_still_forces_the_entries_whatever_the_budget():
    x = np.ones(40)
    report = check_gradient_numeric(half_square, lambda x: x, at=x, full=40, budget=0)
    assert report.exhaustive and "entries (all 40)" in report.text


def test_all_is_explicit_and_importable():
    for name in symderiv.testing.__all__:
        assert getattr(symderiv.testing, name) is not None, name
    # (pytest rewrites the asserts of a plugin's package and adds '@py_builtins' and such)
    public = {n for n in dir(symderiv.testing) if not n.startswith("_") and n.isidentifier()}
    modules = {"differences", "evaluation", "numeric", "parameters", "plugin", "report",
               "strategies", "symbolic"}
    assert public - set(symderiv.testing.__all__) <= modules
    assert {"assert_vjp", "assert_jvp", "assert_hvp", "check_gradient_numeric",
            "NumericReport"} <= set(symderiv.testing.__all__)


def test_hessian_assertion_still_raises_with_its_title():
    with pytest.raises(AssertionError, match="Hessian of <lambda>"):
        assert_hessian(lambda x: x @ x, np.zeros((2, 2)), at=np.ones(2))


# -- what a failure shows first ------------------------------------------------------------------
def test_mismatching_values_are_listed_before_actual_and_desired():
    # review of symderiv.testing: one wrong entry of 200 was shown only inside ACTUAL and
    # DESIRED, both cut with '…' and looking identical
    x = np.random.default_rng(0).normal(size=(10, 20))

    def grad(x):
        g = 2 * x.copy()
        g[3, 7] += 1e-3
        return g

    text = check_gradient_numeric(lambda x: np.sum(x ** 2), grad, at=x, full=200).text
    head = text.split("  ACTUAL")[0]
    assert "  mismatching entries (where: actual, desired):\n    [3, 7]: " in head
    assert f"{2 * x[3, 7] + 1e-3:.10g}, " in head


def test_a_function_reading_one_triangle_of_a_matrix_gets_a_note():
    # review: logdet through np.linalg.cholesky reads the lower triangle of S only; the
    # symmetric-convention gradient inv(S) fails rightly, now with the reason
    s = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])

    def logdet(s):
        return 2 * np.sum(np.log(np.diag(np.linalg.cholesky(s))))

    report = check_gradient_numeric(logdet, lambda s: np.linalg.inv(s), at=s)
    assert report.outcome == "fails"
    assert ("note: logdet reads only the lower triangle of s: its differences are 0 above the "
            "diagonal, where <lambda> is not") in report.text
    # the triangular gradient passes, and a full-matrix f gets no such note
    inv = np.linalg.inv(s)
    assert check_gradient_numeric(logdet, lambda s: 2 * np.tril(inv) - np.diag(np.diag(inv)),
                                  at=s).passed
    wrong = check_gradient_numeric(lambda s: np.linalg.slogdet(s)[1], lambda s: 2 * inv, at=s)
    assert wrong.outcome == "fails" and "triangle" not in wrong.text

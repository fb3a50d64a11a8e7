"""symderiv.testing's assertions: users' gradient code against central differences, and
claims on paper (issue 8, part 2).  The issue's examples come first."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings

import symderiv
from symderiv import ArgumentError, ParseError
from symderiv.testing import (
    TOLERANCES,
    assert_derivation,
    assert_gradient,
    assert_hessian,
    assert_identity,
    assert_jacobian,
    matrices,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


# a user's NumPy code: the least-squares loss of talk A5, its gradient, and the slip
def my_loss(X, w, y):
    return np.sum((y - X @ w) ** 2)


def my_grad(X, w, y):
    return -2 * X.T @ (y - X @ w)


def grad_without_the_2(X, w, y):  # the textbook's slip
    return -X.T @ (y - X @ w)


# -- the examples ----------------------------------------------------------------------
@given(X=matrices(shape=(20, 3)), w=matrices(shape=(3,)), y=matrices(shape=(20,)))
def test_my_loss_gradient(X, w, y):
    assert_gradient(my_loss, my_grad, at=(X, w, y), wrt=1)


def test_my_notes():
    assert_identity("norm(y - X @ w)**2", "y.T@y - 2*y.T@X@w + w.T@X.T@X@w",
                    let="X: m x n; y: m; w: n")


@given(X=matrices(shape=(20, 3)), w=matrices(shape=(3,)), y=matrices(shape=(20,)))
def test_a_deliberately_wrong_gradient_is_caught(X, w, y):
    assume(np.linalg.norm(my_grad(X, w, y)) > 1e-6)
    with pytest.raises(AssertionError, match="does not match central differences"):
        assert_gradient(my_loss, grad_without_the_2, at=(X, w, y), wrt=1)


@given(X=matrices(shape=(20, 3), dtype=np.float32), w=matrices(shape=(3,), dtype=np.float32),
       y=matrices(shape=(20,), dtype=np.float32))
def test_a_correct_float32_gradient_is_accepted(X, w, y):
    assert my_grad(X, w, y).dtype == np.float32  # the user's code really runs in float32
    assert_gradient(my_loss, my_grad, at=(X, w, y), wrt=1)


# -- the failure layout ------------------------------------------------------------------------
def test_failure_says_what_was_checked_with_which_tolerance_and_shows_both_sides():
    rng = np.random.default_rng(5)
    X, w, y = rng.standard_normal((20, 3)), rng.standard_normal(3), rng.standard_normal(20)
    with pytest.raises(AssertionError) as info:
        assert_gradient(my_loss, grad_without_the_2, at=(X, w, y), wrt=1)
    lines = str(info.value).splitlines()
    assert lines[0] == ("Gradient of my_loss with respect to w (argument 1, shape (3,), float64) "
                        "does not match central differences")
    assert [ln.split()[0] for ln in lines[1:11]] == [
        "checked:", "tolerance:", lines[3].split()[0], "mismatch:", "largest", "largest",
        "ACTUAL", lines[8].split()[0], "DESIRED", lines[10].split()[0]]
    assert lines[1].endswith("directional derivatives along 4 random directions (seed 0); "
                             "entries (all 3)")
    assert lines[2].endswith("≤ atol + rtol·|desired| + error of the differences,")
    assert lines[3].strip().startswith("rtol=1e-05, atol=") and "error at most" in lines[3]
    assert lines[4] == "  mismatch:  4 of 4 directional derivatives, 3 of 3 entries"
    assert lines[7] == "  ACTUAL  (entries of grad_without_the_2):"
    assert lines[9] == ("  DESIRED (central differences, in float64, extrapolated by Ridders' "
                        "method):")
    # the numbers shown are the user's gradient and twice it
    actual = np.array(lines[8].strip(" []").split(), dtype=float)
    desired = np.array(lines[10].strip(" []").split(), dtype=float)
    assert np.allclose(actual, grad_without_the_2(X, w, y)) and np.allclose(desired,
                                                                             my_grad(X, w, y))
    # the same seed gives the same message, word for word
    with pytest.raises(AssertionError) as again:
        assert_gradient(my_loss, grad_without_the_2, at=(X, w, y), wrt=1)
    assert str(again.value) == str(info.value)


def test_large_inputs_are_checked_along_random_directions_and_entries_within_the_budget():
    rng = np.random.default_rng(0)
    X, w, y = rng.standard_normal((50, 40)), rng.standard_normal(40), rng.standard_normal(50)

    def one_entry_wrong(X, w, y):
        g = my_grad(X, w, y)
        g[17] += 1.0
        return g

    assert_gradient(my_loss, my_grad, at=(X, w, y), wrt=1)
    # without a time budget beyond full=32, random directions only, and the message says
    # what they can miss
    with pytest.raises(AssertionError) as info:
        assert_gradient(my_loss, one_entry_wrong, at=(X, w, y), wrt=1, budget=0)
    text = str(info.value)
    assert "checked:   directional derivatives along 4 random directions (seed 0)\n" in text
    assert ("note: the 40 entries were not compared one by one (about" in text
            and "beyond budget=0 s; pass full=40 or a larger budget" in text
            and "a wrong entry can pass unseen if its error is below" in text)
    # with full= at least the size, or f cheap enough for the default budget, the entry
    # is named
    for kwargs in ({"full": 40, "budget": 0}, {}):
        with pytest.raises(AssertionError, match=r"largest absolute difference: 1 at \[17\]"):
            assert_gradient(my_loss, one_entry_wrong, at=(X, w, y), wrt=1, **kwargs)


# -- tolerances --------------------------------------------------------------------------------
def test_tolerances_are_keyed_by_the_dtype_the_claim_is_judged_in():
    rng = np.random.default_rng(1)
    X, w, y = (rng.standard_normal(s).astype(np.float32) for s in ((20, 3), (3,), (20,)))

    def off_by_half_a_percent(X, w, y):  # follows its arguments' dtype: judged in float64
        return my_grad(X, w, y) * 1.005

    def off_in_float32(X, w, y):  # computes in float32 whatever it is given
        return (my_grad(X, w, y) * 1.005).astype(np.float32)

    assert TOLERANCES[np.dtype(np.float32)] == 1e-3
    assert TOLERANCES[np.dtype(np.float64)] == 1e-5
    with pytest.raises(AssertionError) as info:
        assert_gradient(my_loss, off_by_half_a_percent, at=(X, w, y), wrt=1)
    assert "rtol=1e-05, atol=" in str(info.value)
    assert "note: off_by_half_a_percent follows its arguments' dtype" in str(info.value)
    assert_gradient(my_loss, off_by_half_a_percent, at=(X, w, y), wrt=1,
                    rtol={np.float64: 1e-2})
    with pytest.raises(AssertionError, match=r"rtol=0\.001 \(judged in float32\)"):
        assert_gradient(my_loss, off_in_float32, at=(X, w, y), wrt=1)
    assert_gradient(my_loss, off_in_float32, at=(X, w, y), wrt=1, rtol=1e-2)
    assert_gradient(my_loss, off_in_float32, at=(X, w, y), wrt=1,
                    rtol={np.float32: 1e-2, np.float64: 1e-9})
    with pytest.raises(AssertionError, match=r"atol=1e-09"):
        assert_gradient(my_loss, off_in_float32, at=(X, w, y), wrt=1,
                        rtol={np.float32: 0.0}, atol=1e-9)


def test_float32_code_that_casts_inside_is_differenced_in_float32():
    rng = np.random.default_rng(2)
    X, w, y = rng.standard_normal((20, 3)), rng.standard_normal(3), rng.standard_normal(20)

    def loss32(X, w, y):
        X, w, y = (np.asarray(a, dtype=np.float32) for a in (X, w, y))
        return np.sum((y - X @ w) ** 2)

    w32 = w.astype(np.float32)
    assert_gradient(loss32, my_grad, at=(X, w32, y), wrt=1)
    with pytest.raises(AssertionError, match=r"central differences, in float32"):
        assert_gradient(loss32, grad_without_the_2, at=(X, w32, y), wrt=1)


def test_values_far_below_the_rounding_of_f_are_not_a_failure():
    # found by Hypothesis: X = 1.2e-38 everywhere, w = 0 — the gradient (~1e-37) is far below
    # what differences of f ≈ 20 can resolve, so it is within the rounding allowance
    X, w, y = np.full((20, 3), 1.17549435e-38), np.zeros(3), np.ones(20)
    assert_gradient(my_loss, my_grad, at=(X, w, y), wrt=1)


# -- Jacobians and Hessians --------------------------------------------------------------------
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def softmax_jacobian(z):
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


@settings(max_examples=20)
@given(matrices(shape=(5,)))
def test_softmax_jacobian(z):
    assert_jacobian(softmax, softmax_jacobian, at=z)
    with pytest.raises(AssertionError, match="Jacobian of softmax"):
        assert_jacobian(softmax, lambda z: np.diag(softmax(z)), at=z)


def test_jacobian_of_a_matrix_function_in_either_layout():
    A = np.arange(6.0).reshape(2, 3)

    def f(X):
        return A @ X  # (2, 2) from X (3, 2)

    full = np.einsum("ik,jl->ijkl", A, np.eye(2))  # ∂(AX)[i,j]/∂X[k,l] = A[i,k] δ[j,l]
    X = np.ones((3, 2))
    assert_jacobian(f, full, at=X)
    assert_jacobian(f, full.reshape(4, 6), at=X)
    with pytest.raises(AssertionError, match=r"returned shape \(6, 4\), but the derivative "
                                             r"has shape \(2, 2, 3, 2\)"):
        assert_jacobian(f, full.reshape(4, 6).T, at=X)


def ridge(X, w, y, lam):
    return my_loss(X, w, y) + lam * w @ w


@settings(max_examples=20)
@given(X=matrices(shape=(10, 4)), w=matrices(shape=(4,)), y=matrices(shape=(10,)))
def test_ridge_hessian(X, w, y):
    assert_hessian(ridge, lambda X, w, y, lam: 2 * X.T @ X + 2 * lam * np.eye(4),
                   at=(X, w, y, 0.5), wrt="w")
    with pytest.raises(AssertionError, match="Hessian of ridge"):
        assert_hessian(ridge, lambda X, w, y, lam: 2 * X.T @ X + lam * np.eye(4),
                       at=(X, w, y, 0.5), wrt="w")


def test_hessian_says_when_the_claim_is_not_symmetric():
    # talk A4: ∇²(xᵀAx) = A + Aᵀ, and 2A only for a symmetric A
    A = np.array([[1.0, 2.0], [0.0, 3.0]])
    assert_hessian(lambda x: x @ A @ x, A + A.T, at=np.array([0.5, -1.0]))
    with pytest.raises(AssertionError, match="the claimed Hessian is not symmetric"):
        assert_hessian(lambda x: x @ A @ x, 2 * A, at=np.array([0.5, -1.0]))


def test_hessian_of_a_function_of_a_matrix():
    # f(X) = tr(XᵀX): H = 2I on the entries, shape (2, 2, 2, 2) or (4, 4)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert_hessian(lambda X: np.trace(X.T @ X), 2 * np.eye(4), at=X)
    assert_hessian(lambda X: np.trace(X.T @ X), 2 * np.eye(4).reshape(2, 2, 2, 2), at=X)


# -- arguments ---------------------------------------------------------------------------------
def test_at_may_be_a_tuple_a_dict_or_one_array_and_is_not_changed():
    X, w, y = np.eye(3), np.array([1.0, 2.0, 3.0]), np.ones(3)
    before = [a.copy() for a in (X, w, y)]
    assert_gradient(my_loss, my_grad, at={"X": X, "w": w, "y": y}, wrt="w")
    assert_gradient(lambda w: my_loss(X, w, y), lambda w: my_grad(X, w, y), at=w)
    assert_gradient(my_loss, my_grad(X, w, y), at=(X, w, y), wrt=-2)  # a value, not a function
    assert all(np.array_equal(a, b) for a, b in zip((X, w, y), before, strict=True))


def test_a_function_that_changes_its_arguments_cannot_change_the_point():
    def loss_in_place(X, w, y):
        y -= X @ w  # the residual, in y's own memory
        return y @ y

    X, w, y = np.eye(3), np.array([1.0, 2.0, 3.0]), np.ones(3)
    assert_gradient(loss_in_place, my_grad, at=(X, w, y), wrt=1)
    assert np.array_equal(y, np.ones(3))


def test_a_python_float_variable():
    assert_gradient(lambda t: t**3, lambda t: 3 * t**2, at=2.0)
    with pytest.raises(AssertionError, match=r"actual − desired"):
        assert_gradient(lambda t: t**3, lambda t: 3 * t, at=(2.0,))


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.ones(2), np.ones(2)), wrt=3),
     ArgumentError, "position of one of the 3 arguments"),
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.ones(2), np.ones(2)),
                             wrt="v"), ArgumentError, "not the name of one of the 3 arguments"),
    (lambda: assert_gradient(my_loss, my_grad, at={"X": np.eye(2)}, wrt="w"), ArgumentError,
     "not one of the keyword arguments"),
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.arange(2), np.ones(2)),
                             wrt=1), ArgumentError, "holds integers"),
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.array([np.nan, 1.0]),
                                                   np.ones(2)), wrt=1), ArgumentError, "nan"),
    (lambda: assert_gradient(lambda x: 2 * x, lambda x: 2, at=np.ones(3)), ArgumentError,
     "use assert_jacobian"),
    (lambda: assert_gradient("my_loss", my_grad, at=np.ones(3)), ArgumentError,
     "must be a function"),
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1,
                             rtol=-1), ArgumentError, "rtol must be a number ≥ 0"),
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1,
                             directions=-1), ArgumentError, "directions must be"),
    (lambda: assert_gradient(my_loss, my_grad, at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1,
                             eps=0.0), ArgumentError, "eps must be a positive number"),
    (lambda: assert_gradient(my_loss, lambda X, w, y: my_grad(X, w, y)[:, None],
                             at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1), AssertionError,
     r"returned shape \(2, 1\), but the derivative has shape \(2,\)"),
    (lambda: assert_gradient(my_loss, lambda X, w, y: np.full(2, np.nan),
                             at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1), AssertionError,
     "largest absolute difference: inf"),
    (lambda: assert_gradient(my_loss, lambda X, w, y: "wrong",
                             at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1), AssertionError,
     "not an array of numbers"),
    (lambda: assert_gradient(my_loss, lambda X, w, y: [1.0, [2.0]],
                             at=(np.eye(2), np.ones(2), np.ones(2)), wrt=1), AssertionError,
     "not an array of numbers"),
    (lambda: assert_gradient(lambda x: None, lambda x: x, at=np.ones(2)), ArgumentError,
     "returned something that is not a number"),
    (lambda: assert_gradient(lambda x: "a", lambda x: x, at=np.ones(2)), ArgumentError,
     "returned something that is not a number"),
    (lambda: assert_gradient(lambda x: x @ x, lambda x: 2 * x, at=np.ones(40), directions=0),
     ArgumentError, "nothing to compare: directions=0 and the variable has 40 entries"),
    (lambda: assert_gradient(lambda x: x @ x, lambda x: 2 * x, at=np.ones(2),
                             rtol={"foo": 1e-3}), ArgumentError, "keyed by dtype; 'foo'"),
    (lambda: assert_gradient(lambda x: np.sum(np.log(x)), lambda x: 1 / x,
                             at=np.array([-1.0, 1.0])), ArgumentError,
     r"<lambda> is not finite at the point itself \(nan\)"),
    (lambda: assert_gradient(lambda x: np.sum(np.where(x == 1.0, 0.0, np.nan)), lambda x: 0 * x,
                             at=np.array([1.0])), AssertionError,
     "cannot compare, <lambda> is not finite on both sides of the point along direction 0, "
     "for every step from 0.1 down to"),
])
def test_mistakes_get_a_clear_message(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_failures_hide_symderivs_frames_in_pytest(pytester):
    pytester.makepyfile(test_user="""
        import numpy as np
        from symderiv.testing import assert_gradient

        def test_wrong():
            assert_gradient(lambda w: w @ w, lambda w: w, at=np.array([1.0, 2.0]))
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Gradient of <lambda> with respect to w (argument 0" in out
    assert "ACTUAL" in out and "DESIRED" in out
    assert "symderiv/testing/" not in out  # __tracebackhide__


# -- claims on paper ---------------------------------------------------------------------------
def test_a_wrong_identity_fails_with_its_counterexample():
    with pytest.raises(AssertionError) as info:
        assert_identity("norm(y - X @ w)**2", "y.T@y - y.T@X@w + w.T@X.T@X@w",
                        let="X: m x n; y: m; w: n")
    text = str(info.value)
    assert text.startswith("identity norm(y - X @ w)**2 = y.T@y - y.T@X@w + w.T@X.T@X@w "
                           "(where X: m x n; y: m; w: n): fails")
    assert "counterexample" in text and "coefficient -1 in the claim, but -2" in text


def test_an_undecided_identity_fails_or_skips(monkeypatch):
    real = symderiv.check.check_equal

    def undecided(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), outcome="undecided")

    monkeypatch.setattr(symderiv.check, "check_equal", undecided)
    with pytest.raises(AssertionError, match=": undecided"):
        assert_identity("x + x", "2 * x")
    with pytest.raises(pytest.skip.Exception, match="undecided"):
        assert_identity("x + x", "2 * x", undecided="skip")
    with pytest.raises(ArgumentError, match="'fail' or 'skip'"):
        assert_identity("x + x", "2 * x", undecided="pass")


def test_bad_text_is_a_symderiv_error_not_a_failed_claim():
    with pytest.raises(ParseError, match="col"):
        assert_identity("x +", "x")


def test_derivation_documents_by_path_or_text():
    assert_derivation(EXAMPLES / "quadratic_form.md")
    assert_derivation(str(EXAMPLES / "quadratic_form.md"))
    with pytest.raises(AssertionError) as info:
        assert_derivation(EXAMPLES / "least_squares.md")  # talk A5: the book's erratum
    text = str(info.value)
    # (steps are numbered within each derivation of the document)
    assert text.startswith(f"derivation in {EXAMPLES / 'least_squares.md'}: fails at step 3 "
                           "(line 23)")
    assert "correct: -2 Xᵀy + 2 XᵀXw" in text and "counterexample" in text


# -- review findings: correct code that must pass, wrong code that must fail ---------------------
def softmax_saturated_jacobian(z):
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


@pytest.mark.parametrize(("f", "grad", "at"), [
    # values that underflow in the claim's dtype (X = the smallest normal float32)
    (lambda w, X, y: my_loss(X, w, y), lambda w, X, y: my_grad(X, w, y),
     (np.ones(3, np.float32), np.full((20, 3), np.float32(1.1754944e-38)),
      np.zeros(20, np.float32))),
    (lambda A, x: x @ A @ x, lambda A, x: np.outer(x, x), (np.zeros((5, 5)),
                                                           np.full(5, 3.3e-159))),
    # a bump narrower than a step proportional to |x|; mixed scales; the domain's edge
    (lambda x: np.sum(np.exp(-(x - 1000.0) ** 2 / 2)),
     lambda x: -(x - 1000.0) * np.exp(-(x - 1000.0) ** 2 / 2), np.array([1000.3, 999.1, 1001.2])),
    (lambda x: x[0] + np.sum(np.sin(x[1:])), lambda x: np.r_[1.0, np.cos(x[1:])],
     np.array([1e4, 0.5, -0.3])),
    (lambda p: -np.sum(np.log(p)), lambda p: -1 / p, np.array([1e-4, 0.3, 0.5])),
    (lambda A: np.linalg.slogdet(A)[1], lambda A: np.linalg.inv(A).T,
     (np.diag([1.0, 1e-3, 1e-3, 1e-3]),)),
    (np.sin, np.cos, (3000.0,)),
    # at an exact optimum the gradient is 0 and f's rounding is not proportional to f
    (lambda w, X, y: my_loss(X, w, y), lambda w, X, y: my_grad(X, w, y),
     (np.array([0.5, 0.5]), np.ones((4, 2)), np.ones(4))),
], ids=["float32-underflow", "subnormal-claim", "bump", "mixed-scales", "log-near-0", "logdet",
        "sin-3000", "exact-optimum"])
def test_correct_derivatives_pass_where_fixed_steps_fail(f, grad, at):
    assert_gradient(f, grad, at=at)


def test_a_correct_float32_gradient_at_an_optimum_passes():
    # the float32 gradient there is rounding noise larger than itself; the formula is right
    rng = np.random.default_rng(2)
    X = rng.standard_normal((10000, 5))
    y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(10000)
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    assert_gradient(my_loss, my_grad, at=(X.astype(np.float32), w.astype(np.float32),
                                          y.astype(np.float32)), wrt=1)
    z = np.array([0.12, 29.9, -27.4, -89.1, -45.5, -99.2, 6.0, 134.0], np.float32)
    assert_jacobian(softmax, softmax_saturated_jacobian, at=z)


@pytest.mark.parametrize(("f", "grad", "at"), [
    (lambda x: 1e12 + x @ x, lambda x: 0 * x, np.array([0.3, -0.2, 0.5])),  # f's offset
    (my_loss, lambda X, w, y: my_grad(X, w, y) * np.array([1.0, 1.0, 2.0]),  # a small entry
     (np.random.default_rng(3).standard_normal((50, 3)) * np.array([1e3, 1.0, 1e-3]),
      np.ones(3), np.random.default_rng(4).standard_normal(50) * 1e3)),
], ids=["large-offset", "small-entry-doubled"])
def test_wrong_gradients_that_tolerances_used_to_hide_fail(f, grad, at):
    with pytest.raises(AssertionError, match="does not match"):
        assert_gradient(f, grad, at=at, wrt=len(at) - 2 if isinstance(at, tuple) else 0)


def test_a_wrong_hessian_under_a_large_offset_fails():
    with pytest.raises(AssertionError, match="Hessian of <lambda>"):
        assert_hessian(lambda x: 1e9 + x @ x, np.zeros((3, 3)), at=np.array([0.3, -0.2, 0.5]))


def test_one_wrong_entry_of_a_large_vector_is_seen_along_random_directions():
    x = np.random.default_rng(8).standard_normal(10**5).astype(np.float32)

    def g(x):
        out = x.astype(np.float64)
        out[12345] = 0.0
        return out

    with pytest.raises(AssertionError, match="directional derivatives"):
        assert_gradient(lambda x: 0.5 * np.sum(x.astype(np.float64) ** 2), g, at=x)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_float16_overflow_in_the_users_code_is_named():
    X, w, y = np.full((20, 3), 9.0, np.float16), np.full(3, 9.0, np.float16), np.zeros(20,
                                                                                   np.float16)
    with pytest.raises(AssertionError, match="overflows or divides by zero in float16"):
        assert_gradient(my_loss, my_grad, at=(X, w, y), wrt=1)


def test_a_float64_result_computed_in_float32_is_judged_from_float64_arguments():
    # 2XᵀX + 2λI with X float32: float64 only because of np.eye, but XᵀX is float32 (review)
    rng = np.random.default_rng(6)
    X, w, y = (rng.uniform(-10, 10, s).astype(np.float32) for s in ((10, 4), (4,), (10,)))
    assert_hessian(ridge, lambda X, w, y, lam: 2 * X.T @ X + 2 * lam * np.eye(4),
                   at=(X, w, y, 0.5), wrt="w")


def test_log_sum_exp_with_entries_below_fs_resolution():
    # the sum inside rounds at 1 ± ε, so f stops changing long before its slope does
    def lse(x, w):
        z = x * w
        return np.log(np.sum(np.exp(z - z.max()))) + z.max()

    def lse_grad(x, w):
        z = x * w
        e = np.exp(z - z.max())
        return w * e / e.sum()

    for x, w in ([[7.6550226, 0.0, 7.8569436, 1.0, 4.0917454, 2.8049915], -8.797953],
                 [[-8.133566, -7.371841, -7.371841, -4.246596, -7.1625376, 0.0], 4.2922206]):
        assert_gradient(lse, lse_grad, at=(np.array(x, np.float32), np.float32(w)))


def test_logdet_of_a_matrix_at_a_small_scale():
    # a positive definite matrix with entries near 1e-5: steps must shrink with x
    a = np.array([[2e-5, 1e-5], [1e-5, 3e-5]])
    assert_gradient(lambda A: np.linalg.slogdet(A)[1], lambda A: np.linalg.inv(A).T, at=a)

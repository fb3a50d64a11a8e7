"""symderiv.testing.differences: steps where the user's f raises are inadmissible, like
steps where it is not finite; kinks are told apart from curvature.  From the comparison of
symderiv.testing with the checkers users would otherwise pick (an independent review)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv import ArgumentError
from symderiv.testing import assert_gradient, assert_hessian, check_gradient_numeric, matrices


# -- an exception of f at a trial step ------------------------------------------------------------
def logdet_by_cholesky(A):
    """log det of the symmetric part, through its Cholesky factor: LinAlgError as soon as
    a step makes the matrix indefinite."""
    L = np.linalg.cholesky((A + A.T) / 2)
    return 2 * np.sum(np.log(np.diag(L)))


def test_a_cholesky_that_fails_at_large_steps_is_a_smaller_step_not_an_error():
    # review: eigenvalues 1.999 and 0.001; the first step (0.1) makes it indefinite
    A = np.array([[1.0, 0.999], [0.999, 1.0]])
    raised = []

    def f(A):
        try:
            return logdet_by_cholesky(A)
        except np.linalg.LinAlgError:
            raised.append(A)
            raise

    report = check_gradient_numeric(f, lambda A: np.linalg.inv(A), at=A)
    assert report.passed, report.text
    assert raised  # the steps did raise, and the check went on with smaller ones
    with pytest.raises(AssertionError, match="does not match central differences"):
        assert_gradient(f, lambda A: 2 * np.linalg.inv(A), at=A)


def test_a_solve_made_singular_by_a_step_is_inadmissible():
    # f(a) = 1ᵀ M(a)⁻¹ 1 with M = [[a, 1], [1, 1]]: singular at a = 1, so a step of
    # exactly 0.1 from a = 1.1 lands on it (the other side is fine)
    def f(a):
        M = np.array([[a[0], 1.0], [1.0, 1.0]])
        return np.sum(np.linalg.solve(M, np.ones(2)))

    def grad(a):  # d/da 1ᵀM⁻¹1 = −(M⁻¹1)ᵀ (∂M/∂a) (M⁻¹1), ∂M/∂a = e₀e₀ᵀ
        z = np.linalg.solve(np.array([[a[0], 1.0], [1.0, 1.0]]), np.ones(2))
        return np.array([-z[0] ** 2])

    assert_gradient(f, grad, at=np.array([1.1]), eps=0.1)


def test_no_admissible_step_fails_clearly_naming_the_exception():
    # at the edge of f's domain every step leaves it on one side: math.sqrt raises there
    def f(x):
        return sum(math.sqrt(t) for t in x)

    at = np.array([0.0, 1.0])
    report = check_gradient_numeric(f, lambda x: np.ones(2), at=at)
    assert report.outcome == "undecided" and not report.passed
    assert report.title.startswith(
        "Gradient of f with respect to x (argument 0, shape (2,), float64): cannot compare, f "
        "raised ValueError: math domain error on one side of the point or the other along "
        "direction 0, for every step from 0.1 down to")
    assert report.title.endswith("no admissible step, so no difference to compare")
    with pytest.raises(AssertionError, match="cannot compare, f raised ValueError"):
        assert_gradient(f, lambda x: np.ones(2), at=at)


def test_an_exception_at_the_point_itself_propagates():
    def f(A):
        return np.sum(np.linalg.cholesky(A))

    with pytest.raises(np.linalg.LinAlgError):
        assert_gradient(f, lambda A: A, at=-np.eye(2))


def test_keyboard_interrupt_at_a_trial_step_is_not_swallowed():
    calls = []

    def f(x):
        calls.append(x)
        if len(calls) > 1:  # at the point itself it works; at the first step it stops
            raise KeyboardInterrupt
        return x @ x

    with pytest.raises(KeyboardInterrupt):
        assert_gradient(f, lambda x: 2 * x, at=np.ones(2))


def test_a_bad_return_value_at_a_trial_step_is_still_an_argument_error():
    calls = []

    def f(x):
        calls.append(x)
        return x @ x if len(calls) < 3 else None

    with pytest.raises(ArgumentError, match="returned something that is not a number"):
        assert_gradient(f, lambda x: 2 * x, at=np.ones(2))


def test_hessian_steps_that_raise_are_inadmissible_too():
    A = np.array([[1.0, 0.999], [0.999, 1.0]])

    def f(x):  # xᵀAx through a Cholesky factor of A + diag(x)²·0 … made indefinite by steps
        L = np.linalg.cholesky(A + np.diag(x) - np.diag([0.0005, 0.0005]))
        return np.sum(np.log(np.diag(L)))

    def hess(x):  # −½ (M⁻¹ ∘ M⁻¹) for f = ½ log det M, M = A + diag(x) − c
        Mi = np.linalg.inv(A + np.diag(x) - np.diag([0.0005, 0.0005]))
        return -0.5 * Mi * Mi.T

    assert_hessian(f, hess, at=np.zeros(2))


@settings(max_examples=25, deadline=None)
@given(matrices(shape=(3, 3), positive_definite=True, max_cond=1e4),
       st.integers(0, 2**16))
def test_logdet_by_cholesky_passes_at_any_positive_definite_point(A, seed):
    # property: a correct gradient is never failed because steps leave the domain
    report = check_gradient_numeric(logdet_by_cholesky, lambda A: np.linalg.inv(A), at=A,
                                    seed=seed)
    assert report.outcome in ("holds", "undecided"), report.text


# -- kinks -----------------------------------------------------------------------------------
def relu_sum(x):
    return np.sum(np.maximum(x, 0.0))


def test_at_a_kink_a_claim_is_judged_as_a_subgradient_with_a_note():
    # review of symderiv.testing: Σ|x| with sign(0) = 0 passed silently while relu with
    # relu'(0) = 0 failed; one rule for both: a value between the one-sided slopes passes,
    # with a note naming the kink and the value claimed, and one outside them fails
    x = np.array([0.0, 1.0, -2.0])
    abs_sum = lambda x: np.sum(np.abs(x))  # noqa: E731
    for f, grad, which in ((abs_sum, np.sign, "0 (their average)"),
                           (relu_sum, lambda x: (x > 0).astype(float), "0 (the backward slope)"),
                           (relu_sum, lambda x: (x >= 0).astype(float), "1 (the forward slope)")):
        report = check_gradient_numeric(f, grad, at=x)
        assert report.passed, report.text
        assert "has a kink at the point in entry [0]" in report.text
        assert f"gives {which}, a subgradient, accepted" in report.text
    with pytest.raises(AssertionError) as info:
        assert_gradient(relu_sum, lambda x: (x > 0) + 2.0 * (x == 0), at=x)
    assert ("note: relu_sum has a kink at the point in entry [0]: its one-sided slopes differ "
            "(1 forward, 0 backward), and central differences give their average, 0.5; f has "
            "no derivative there, so a claim there is judged as a subgradient, a value between "
            "the one-sided slopes: <lambda> gives 2, outside them, so no subgradient"
            ) in str(info.value)
    assert check_gradient_numeric(abs_sum, lambda x: np.sign(x) - 1.5 * (x == 0),
                                  at=x).outcome == "fails"


@pytest.mark.parametrize(("f", "grad", "at"), [
    (lambda x: np.sum(np.exp(10 * x)), lambda x: 10 * np.exp(10 * x), np.array([0.3, -0.2])),
    (lambda x: np.sum(np.sqrt(x)), lambda x: 0.5 / np.sqrt(x), np.array([1e-6, 2.0])),
    (lambda x: np.sum(x ** 3), lambda x: 3 * x ** 2, np.array([0.0, 1.0])),
], ids=["steep-exp", "sqrt-near-0", "cubic-at-0"])
def test_smooth_functions_with_strong_curvature_are_not_called_kinked(f, grad, at):
    report = check_gradient_numeric(f, lambda x: 1.5 * grad(x) + 1.0, at=at)
    assert not report.passed and "kink" not in report.text


def test_a_kink_near_the_point_but_not_at_it_is_passed_by_smaller_steps():
    # benchmark against scipy/numdifftools: Σ|x| with entries 1e-9 and −3e-10 from the kink;
    # random directions straddled it with every step down to h0/256³ and failed sign(x)
    x = np.array([1e-9, -0.5, 2.0, -3e-10])
    report = check_gradient_numeric(lambda x: np.sum(np.abs(x)), np.sign, at=x)
    assert report.passed and report.exhaustive, report.text
    assert "kink" not in report.text
    # a wrong claim there still fails where it is detectably wrong: entry [1] is −1, not 1
    wrong = check_gradient_numeric(lambda x: np.sum(np.abs(x)), lambda x: np.abs(np.sign(x)),
                                   at=x)
    assert wrong.outcome == "fails"
    assert "2 of 4 entries" in wrong.text and "largest absolute difference: 2 at [1]" in wrong.text


def test_a_derivative_that_is_zero_keeps_the_most_accurate_differences():
    # x + cos x = 0 at x = −0.739…: relative to an estimate near 0 every run looked poor, and
    # the one of the tiniest steps (error 1e-4) was kept; an entry off by 2e-6 passed
    x = np.array([0.4, -0.7390851332151607, 1.3])
    grad = lambda x: x + np.cos(x)  # noqa: E731
    f = lambda x: 0.5 * x @ x + np.sum(np.sin(x))  # noqa: E731
    report = check_gradient_numeric(f, grad, at=x)
    assert report.passed, report.text
    assert "error at most" in report.text
    error = float(report.text.split("error at most ")[1].split()[0])
    assert error < 1e-8
    wrong = check_gradient_numeric(f, lambda x: grad(x) + np.array([0.0, 2e-6, 0.0]), at=x)
    assert wrong.outcome == "fails" and "1 of 3 entries" in wrong.text
    # relu's flat side next to a kink within the first step: the flat runs say 0, exactly
    y = np.array([-0.05, 1.0])
    assert check_gradient_numeric(relu_sum, lambda x: (x > 0).astype(float), at=y).passed


# -- f computing in float32 behind float64 values ----------------------------------------------
_rng = np.random.default_rng(7)
X32, Y32 = (_rng.standard_normal((20, 4)).astype(np.float32),
            _rng.standard_normal(20).astype(np.float32))


def model32(w):
    """A float32 model: casts w, computes in float32, returns a Python float."""
    return float(np.sum((Y32 - X32 @ w.astype(np.float32)) ** 2))


def model32_grad(w):
    w = w.astype(np.float32)
    return -2 * X32.T @ (Y32 - X32 @ w)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_float32_model_returning_a_python_float_is_differenced_as_float32(dtype):
    # benchmark: float32's quantisation steps, taken for float64, read as kinks and one
    # direction came out 10% off — a right gradient failed
    w = _rng.standard_normal(4).astype(dtype)
    report = check_gradient_numeric(model32, model32_grad, at=w)
    assert report.passed, report.text
    assert "(it computes in float32)" in report.text and "kink" not in report.text
    wrong = check_gradient_numeric(model32, lambda w: 2 * model32_grad(w), at=w)
    assert wrong.outcome == "fails" and "4 of 4 entries" in wrong.text
    # a small error still shows within float32's tolerance (rtol 1e-3)
    assert not check_gradient_numeric(model32, lambda w: 1.01 * model32_grad(w), at=w).passed


def test_a_model_that_reads_its_arguments_in_float32_but_computes_in_float64():
    X, y = X32.astype(np.float64), Y32.astype(np.float64)

    def f(w):
        return np.sum((y - X @ w.astype(np.float32).astype(np.float64)) ** 2)

    def grad(w):
        return -2 * X.T @ (y - X @ w)

    w = _rng.standard_normal(4)
    report = check_gradient_numeric(f, grad, at=w)
    assert report.passed and "(it reads its arguments in float32)" in report.text, report.text
    assert not check_gradient_numeric(f, lambda w: 1.01 * grad(w), at=w).passed


def test_a_float64_function_whose_rounding_hides_small_changes_is_not_taken_for_float32():
    # 10⁸ + Σ sin x does not see a relative change of 2⁻³⁰ in x: its own rounding, not float32
    f = lambda x: 1e8 + np.sum(np.sin(x))  # noqa: E731
    x = np.array([0.3, -1.2, 2.0])
    report = check_gradient_numeric(f, np.cos, at=x)
    assert report.passed and "float32" not in report.text, report.text
    assert not check_gradient_numeric(f, lambda x: 1.01 * np.cos(x), at=x).passed


def test_differences_too_coarse_to_tell_are_undecided_not_a_pass():
    # a float16 model: the differences' error (hundreds) dwarfs the gradient (tens), and a
    # gradient off by a factor 2 was within tolerance only by that error
    X16, y16 = X32.astype(np.float16), Y32.astype(np.float16)

    def f(w):
        return float(np.sum((y16 - X16 @ w.astype(np.float16)) ** 2))

    def grad(w):
        return -2 * X16.T @ (y16 - X16 @ w.astype(np.float16))

    for w, outcome in (([0.5, -1.0, 0.25, 0.75], "fails"), ([1.0, 1.0, 1.0, 1.0], "undecided"),
                       ([-0.5, 1.0, 0.25, -0.75], "fails")):
        # where some entry's error is small enough, the factor 2 fails outright; at
        # [1, 1, 1, 1] f's measured noise (its float16 rounding) leaves every entry's
        # differences too coarse to tell
        w = np.array(w, np.float16)
        assert check_gradient_numeric(f, lambda w: 2 * grad(w), at=w).outcome == outcome
        assert check_gradient_numeric(f, grad, at=w).passed
    w = np.array([0.25, -0.25, 0.5, 1.0], np.float16)
    report = check_gradient_numeric(f, lambda w: 2 * grad(w), at=w)
    assert report.outcome == "undecided" and not report.passed, report.text
    assert "cannot be judged by central differences" in report.title
    assert "within tolerance only by the error of the differences" in report.text
    with pytest.raises(AssertionError, match="cannot be judged by central differences"):
        assert_gradient(f, lambda w: 2 * grad(w), at=w)

    # at 2.0 a step must exceed 64 float16 roundings of it, 0.125, more than the first step
    far = check_gradient_numeric(f, grad, at=np.array([0.5, -1.0, 0.25, 2.0], np.float16))
    assert far.outcome == "undecided"
    assert far.title.endswith(
        "cannot compare, no step along direction 0 is both below the first step and above "
        "the rounding of f's arguments (the first step 0.1, the smallest that moves the point "
        "0.125): pass a larger eps")
    assert check_gradient_numeric(f, grad, at=np.array([0.5, -1.0, 0.25, 2.0], np.float16),
                                  eps=1.0).outcome != "undecided"


# -- an ill-conditioned f: its rounding far above ε·|f| ------------------------------------------
def _nearly_singular(seed: int, gap: float) -> tuple[np.ndarray, np.ndarray]:
    # review of symderiv.testing: M's third row is its first plus gap·noise (cond ≈ 4/gap)
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(3, 3))
    m[2] = m[0] + gap * rng.normal(size=3)
    return m, rng.normal(size=3)


def _solve_grad(m: np.ndarray, b: np.ndarray) -> np.ndarray:
    return -np.outer(np.linalg.solve(m.T, np.ones(3)), np.linalg.solve(m, b))


@pytest.mark.parametrize(("seed", "gap"), [(101, 1e-6), (103, 1e-6), (100, 1e-8), (101, 1e-10)])
def test_a_right_gradient_of_an_ill_conditioned_solve_never_fails(seed, gap):
    # Σ solve(M, b) rounds at about cond·ε·|f|: lucky agreements in Ridders' tableau at steps
    # where that rounding dominates passed for an accurate answer (off by 3e-5, bound 1e-8),
    # and steps wider than the distance to the pole gave the far field's slope
    m, b = _nearly_singular(seed, gap)
    report = check_gradient_numeric(lambda m: np.sum(np.linalg.solve(m, b)),
                                    lambda m: _solve_grad(m, b), at=m)
    assert report.outcome in ("holds", "undecided"), report.text
    if gap >= 1e-8:
        assert report.passed, report.text
        wrong = check_gradient_numeric(lambda m: np.sum(np.linalg.solve(m, b)),
                                       lambda m: _solve_grad(m, b) * (1 + 1e-3), at=m)
        assert wrong.outcome == "fails", wrong.text


def test_fs_measured_noise_enters_the_error_bound():
    # the noise probe (ECnoise) finds cond·ε·|f|, far above ε·|f|; a smooth f's is about ε·|f|
    from symderiv.testing.differences import Counter, Reference, noise

    def measured(fn, x):
        f0 = np.asarray(fn(x), dtype=np.float64)
        ref = Reference(lambda t, _: np.asarray(fn(t)), False, np.dtype(np.float64), None, 1,
                        f0, Counter())
        return noise(ref, x).noise, float(np.finfo(float).eps * abs(f0))

    m, b = _nearly_singular(101, 1e-6)
    sigma, eps_f = measured(lambda t: np.sum(np.linalg.solve(t.reshape(3, 3), b)), m.ravel())
    assert sigma > 1e4 * eps_f
    sigma, eps_f = measured(lambda t: np.sum(np.sin(t)) + t @ t, np.linspace(-2, 3, 9))
    assert sigma < 16 * eps_f

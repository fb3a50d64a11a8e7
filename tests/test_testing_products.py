"""symderiv.testing's product checks, for autodiff users: assert_vjp, assert_jvp,
assert_hvp against central differences along seeded random cotangents and tangents."""

import numpy as np
import pytest

from symderiv.testing import (
    assert_hvp,
    assert_jvp,
    assert_vjp,
    check_hessian_numeric,
    check_hvp_numeric,
    check_jvp_numeric,
    check_vjp_numeric,
)

A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
X0 = np.array([0.1, -0.2])


def f(x):
    return np.sin(A @ x)


def f_vjp(x, c):  # cᵀJ = Aᵀ(cos(Ax) ∘ c)
    return A.T @ (np.cos(A @ x) * c)


def f_jvp(x, v):  # J·v = cos(Ax) ∘ (Av)
    return np.cos(A @ x) * (A @ v)


def quartic(x):
    return np.sum(x ** 4) / 4


def quartic_hvp(x, v):  # H = diag(3x²)
    return 3 * x ** 2 * v


@pytest.mark.parametrize("kwargs", [{}, {"full": 0}, {"seed": 7, "directions": 2}])
def test_correct_products_pass(kwargs):
    assert_vjp(f, f_vjp, at=X0, **kwargs)
    assert_jvp(f, f_jvp, at=X0, **kwargs)
    assert_hvp(quartic, quartic_hvp, at=np.array([1.0, -2.0, 0.5]), **kwargs)


@pytest.mark.parametrize(("check", "fn", "wrong", "at", "title", "checked"), [
    (check_vjp_numeric, f, lambda x, c: A.T @ c, X0, "Vector-Jacobian products of f",
     "products cᵀJu for 4 random cotangents c (seed 0), along 4 random directions u; "
     "entries of cᵀJ for 4 random cotangents c (seed 0)"),
    (check_jvp_numeric, f, lambda x, v: A @ v, X0, "Jacobian-vector products of f",
     "products J·v along 4 random tangents v (seed 0); entries of J, one column per entry "
     "of the variables (all 2)"),
    (check_hvp_numeric, quartic, lambda x, v: 3 * x ** 2, np.array([1.0, -2.0, 0.5]),
     "Hessian-vector products of quartic",
     "products vⱼᵀ(H·vᵢ) for 4 random tangents v, each against each (seed 0); entries of "
     "H·v for 4 random tangents v"),
])
def test_wrong_products_fail_with_the_fixed_layout(check, fn, wrong, at, title, checked):
    report = check(fn, wrong, at=at)
    assert report.outcome == "fails"
    lines = report.text.splitlines()
    assert lines[0].startswith(title) and "does not match" in lines[0]
    assert lines[1] == f"  checked:   {checked}"
    assert [ln.split()[0] for ln in lines[2:5]] == ["tolerance:", "rtol=1e-05,", "mismatch:"]
    with pytest.raises(AssertionError, match=title):
        {"check_vjp_numeric": assert_vjp, "check_jvp_numeric": assert_jvp,
         "check_hvp_numeric": assert_hvp}[check.__name__](fn, wrong, at=at)


def test_an_hvp_that_is_not_symmetric_is_noted():
    M = np.array([[2.0, 1.0], [0.0, 3.0]])
    report = check_hvp_numeric(lambda x: x @ M @ x, lambda x, v: 2 * M @ v, at=np.ones(2))
    assert not report.passed and "is not symmetric: vⱼᵀ(H·vᵢ) and vᵢᵀ(H·vⱼ) differ" in \
        report.text
    assert check_hvp_numeric(lambda x: x @ M @ x, lambda x, v: (M + M.T) @ v,
                             at=np.ones(2)).passed


def test_products_judge_float32_code_like_the_other_checks():
    x32 = X0.astype(np.float32)
    assert_vjp(f, f_vjp, at=x32)
    assert_jvp(f, f_jvp, at=x32)
    # the same values from float64 arguments (A is float64): judged as float32, rtol 1e-3
    report = check_jvp_numeric(f, lambda x, v: 1.0005 * f_jvp(x, v), at=x32)
    assert report.passed and "rtol=0.001 (judged in float32)" in report.text
    with pytest.raises(AssertionError, match=r"rtol=0\.001 \(judged in float32\)"):
        assert_jvp(f, lambda x, v: 1.01 * f_jvp(x, v), at=x32)


def test_one_wrong_entry_of_a_large_vjp_is_found_within_the_budget_and_otherwise_bounded():
    n = 200
    D = np.random.default_rng(3).standard_normal((3, n))

    def g(x):
        return np.tanh(D @ x)

    def wrong_vjp(x, c):
        out = D.T @ ((1 - np.tanh(D @ x) ** 2) * c)
        out[123] += 1e-3
        return out

    x = np.random.default_rng(4).standard_normal(n) / 10
    assert check_vjp_numeric(g, wrong_vjp, at=x, full=n, budget=0).outcome == "fails"
    report = check_vjp_numeric(g, wrong_vjp, at=x, budget=0)
    assert not report.exhaustive and "can pass unseen if its error is below" in report.unseen


# -- the default atol of second derivatives ------------------------------------------------------
@pytest.mark.parametrize("size", [1.0, 1e2, 1e3, 1e4])
def test_the_default_atol_of_hessians_scales_with_the_hessian_not_with_x(size):
    # review of symderiv.testing: f = xᵀAx at |x| ≈ 1e4 has a Hessian 2A with entries ≤ 8, but
    # atol was 0.09 (f's change h·|∇f| over h² stood for the Hessian's size): 2A + 0.01·I and
    # an hvp 2Av + 0.01·v passed; at |x| ≈ 1e3, 2Av + 1e-4·v passed
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 4))
    a = a + a.T
    x = size * rng.normal(size=4)
    f = lambda x: x @ a @ x  # noqa: E731
    right = check_hessian_numeric(f, lambda x: 2 * a, at=x)
    assert right.passed, right.text
    atol = float(right.text.split("atol=")[1].split()[0])
    assert atol < 1e-10
    assert "256ε × " in right.text and "f's curvature over the first step" in right.text
    assert check_hvp_numeric(f, lambda x, v: 2 * a @ v, at=x).passed
    assert check_hessian_numeric(f, lambda x: 2 * a + 1e-4 * np.eye(4), at=x).outcome == "fails"
    assert check_hvp_numeric(f, lambda x, v: 2 * a @ v + 1e-4 * v, at=x).outcome == "fails"


@pytest.mark.parametrize("size", [1.0, 100.0])
def test_a_hessian_off_on_a_zero_entry_fails(size):
    # xᵀAx + Σ cos x with A[0, 1] = 0: an entry off by 1e-4 at |x| ≈ 1 (1e-3 at |x| ≈ 100)
    # on that zero passed within atol 1.5e-4 (1.5e-3)
    rng = np.random.default_rng(2)
    a = rng.normal(size=(6, 6))
    a = a + a.T
    a[0, 1] = a[1, 0] = 0
    x = size * rng.normal(size=6)
    hess = lambda x: 2 * a - np.diag(np.cos(x))  # noqa: E731

    def off(x):
        h = hess(x)
        h[0, 1] += 1e-6
        h[1, 0] += 1e-6
        return h

    f = lambda x: x @ a @ x + np.sum(np.cos(x))  # noqa: E731
    assert check_hessian_numeric(f, hess, at=x).passed
    assert check_hessian_numeric(f, off, at=x).outcome == "fails"

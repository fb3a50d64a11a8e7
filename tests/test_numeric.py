"""Numeric engine: finite differences with error estimates."""

import numpy as np
import pytest

from symderiv import parse_declarations, parse_expression
from symderiv.calculus.evaluate import Exact, compile_expr, exact_det, exact_inv
from symderiv.calculus.numeric import compare, numeric_gradient, numeric_hessian


def _setup(f, let, sizes):
    space = parse_declarations(let)
    parsed = parse_expression(f, space)
    dims = {d: sizes[d.name] for d in space.dim_symbols}
    return space, compile_expr(parsed.expr), dims


def test_gradient_of_quadratic_form_matches_formula():
    space, fc, dims = _setup("x.T @ A @ x", "x: n; A: n x n", {"n": 4})
    rng = np.random.default_rng(1)
    pt = space.random_point(["x", "A"], dims, rng, exact=False)
    num = numeric_gradient(fc, pt, "x", dims)
    truth = (pt["A"] + pt["A"].T) @ pt["x"]
    assert compare(num.value, truth, num.error, rtol=1e-10).ok
    assert "complex step" in num.method


def test_hessian_of_quadratic_form_matches_formula():
    space, fc, dims = _setup("x.T @ A @ x", "x: n; A: n x n", {"n": 3})
    pt = space.random_point(["x", "A"], dims, np.random.default_rng(2), exact=False)
    num = numeric_hessian(fc, pt, "x", dims)
    assert compare(num.value, pt["A"] + pt["A"].T, num.error, rtol=1e-6).ok


def test_complex_step_through_abs_is_exact_away_from_zero():
    _space, fc, dims = _setup("norm(c)**3", "", {})
    num = numeric_gradient(fc, {"c": -0.7}, "c", dims)
    assert abs(float(num.value) - (-3 * 0.7**2)) < 1e-12
    assert "complex step" in num.method


def test_kink_falls_back_to_richardson_with_an_honest_error():
    # |c| at c = 0 has no derivative: the complex step and central differences disagree
    _space, fc, dims = _setup("norm(c)", "", {})
    num = numeric_gradient(fc, {"c": 0.0}, "c", dims)
    assert num.method == "central differences with Richardson extrapolation"


def test_error_estimate_is_small_but_positive_for_exp():
    space, fc, dims = _setup("exp(a @ x)", "a: n; x: n", {"n": 2})
    pt = space.random_point(["a", "x"], dims, np.random.default_rng(3), exact=False)
    num = numeric_gradient(fc, pt, "x", dims)
    expect = np.exp(pt["a"] @ pt["x"]) * pt["a"]
    assert compare(num.value, expect, num.error, rtol=1e-10).ok
    assert np.all(num.error > 0) and np.all(num.error < 1e-10 * np.abs(expect).max())


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_comparison_is_scale_aware(scale):
    ref = np.array([1.0, -2.0, 3.0]) * scale**3
    assert compare(ref * (1 + 1e-12), ref, rtol=1e-9).ok
    assert not compare(ref * 1.001, ref, rtol=1e-9).ok


def test_exact_linear_algebra():
    from fractions import Fraction as F

    m = np.array([[F(2), F(1)], [F(1), F(1)]], dtype=object)
    assert exact_det(m) == 1
    inv = exact_inv(m)
    assert (m @ inv == np.array([[1, 0], [0, 1]])).all()


def test_exact_backend_evaluates_rationally():
    space, fc, dims = _setup("inv(A) @ x", "A: n x n, invertible; x: n", {"n": 3})
    pt = space.random_point(["A", "x"], dims, np.random.default_rng(0), exact=True)
    out = fc(pt, dims, Exact())
    from fractions import Fraction

    assert all(isinstance(v, Fraction) for v in out.flat)

"""Matrix-form engine: gradients and Hessians at symbolic sizes, in the forms people write."""

import pytest
import sympy as sp

from symderiv import UnsupportedError, gradient, hessian, parse_declarations, parse_expression
from symderiv.calculus import matrix as mf
from symderiv.render.printing import to_input


@pytest.mark.parametrize(("f", "wrt", "let", "expected"), [
    # talk A4
    ("x.T @ A @ x", "x", "x: n; A: n x n, symmetric", "2 * A @ x"),
    ("x.T @ A @ x", "x", "x: n; A: n x n", "(A + A.T) @ x"),
    # talk A5
    ("norm(y - X @ w)**2", "w", "X: m x n; y: m; w: n", "-2 * X.T @ y + 2 * X.T @ X @ w"),
    ("y.T @ X @ w", "w", "X: m x n; y: m; w: n", "X.T @ y"),
    # Matrix Cookbook (49), (57), (100)
    ("logdet(S)", "S", "S: n x n, positive definite", "inv(S)"),
    ("logdet(X)", "X", "X: n x n", "inv(X.T)"),
    ("det(X)", "X", "X: n x n", "det(X) * inv(X.T)"),
    ("trace(A @ X)", "X", "X: n x n; A: n x n", "A.T"),
    ("trace(X.T @ X)", "X", "X: m x n", "2 * X"),
    ("exp(a @ x)", "x", "a: n; x: n", "exp(a.T @ x) * a"),
    ("norm(x)", "x", "x: n", "1/norm(x) * x"),
])
def test_gradient_in_canonical_form(f, wrt, let, expected):
    assert str(gradient(f, wrt=wrt, let=let)) == expected


@pytest.mark.parametrize(("f", "wrt", "let", "expected"), [
    ("x.T @ A @ x", "x", "x: n; A: n x n, symmetric", "2 * A"),
    ("x.T @ A @ x", "x", "x: n; A: n x n", "A + A.T"),
    ("norm(y - X @ w)**2", "w", "X: m x n; y: m; w: n", "2 * X.T @ X"),
    ("exp(a @ x)", "x", "a: n; x: n", "exp(a.T @ x) * outer(a, a)"),
    ("sum((y - (w0 + w1*x))**2)", "w0", "x: n; y: n", "2*n"),
])
def test_hessian_in_canonical_form(f, wrt, let, expected):
    assert str(hessian(f, wrt=wrt, let=let)) == expected


def test_sympy_logdet_bug_is_not_inherited():
    # SymPy 1.14: log(Determinant(S)).diff(S) returns 0
    n = sp.Symbol("n", integer=True, positive=True)
    s = sp.MatrixSymbol("S", n, n)
    ours = mf.gradient(sp.log(sp.Determinant(s)), s)
    assert ours == sp.Inverse(s).T.doit()
    if mf.is_zero(sp.log(sp.Determinant(s)).diff(s)):  # SymPy's answer, wrong as of 1.14
        assert not mf.is_zero(ours)


def test_results_parse_back_as_claims():
    space = parse_declarations("x: n; A: n x n")
    result = gradient("exp(x.T @ A @ x)", wrt="x", let="x: n; A: n x n")
    reparsed = parse_expression(result.text, space)
    assert mf.is_zero(mf.canonical(sp.MatAdd(result.expr, -reparsed.expr), space))


def test_matrix_hessian_is_refused_with_a_reason():
    with pytest.raises(UnsupportedError, match="4-index tensor"):
        hessian("trace(X.T @ X)", wrt="X", let="X: m x n")


def test_gradient_of_constant_is_zero():
    assert to_input(gradient("a @ a", wrt="x", let="a: n; x: n").expr) == "0"


def test_scalar_variable_forward_mode():
    result = gradient("c**3 + exp(2*c)", wrt="c", let="")
    c = sp.Symbol("c", real=True)
    assert sp.simplify(result.expr - (3 * c**2 + 2 * sp.exp(2 * c))) == 0


def test_extract_linear_reads_matrix_from_linear_form():
    n = sp.Symbol("n", integer=True, positive=True)
    a, v = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("v", n, 1)
    u = sp.MatrixSymbol("u", n, 1)
    form = sp.MatAdd(sp.MatMul(a, v), sp.MatMul(sp.Trace(sp.MatMul(u.T, v)), u))
    got = mf.extract_linear(form, v)
    assert mf.is_zero(mf.canonical(sp.MatAdd(got, -a, -sp.MatMul(u, u.T))))


def test_orthogonal_products_cancel():
    # ‖Qx‖² = ‖x‖² for orthogonal Q, so its gradient is 2x
    assert str(gradient("norm(Q @ x)**2", wrt="x", let="Q: n x n, orthogonal; x: n")) == "2 * x"
    assert str(gradient("trace(Q.T @ A @ Q)", wrt="A",
                        let="Q: n x n, orthogonal; A: n x n")) == "eye(n)"

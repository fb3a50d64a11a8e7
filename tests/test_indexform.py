"""Index form at symbolic size: conversion, calculus and reading back, checked by value."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from strategies import LET, polynomial_function

from symderiv import UnsupportedError, parse_declarations, parse_expression
from symderiv.calculus import indexform as ix
from symderiv.calculus import matrix as mf
from symderiv.calculus.evaluate import Exact, compile_expr
from symderiv.calculus.indexform import Index

SPACE = parse_declarations(LET)
N = SPACE.dim_symbols[0]

# scalar expressions in the form's reach, each with the value it must have
SCALARS = [
    "x.T @ A @ x", "a @ x", "norm(A @ x - b)**2", "(a @ x)**2", "trace(A @ B)",
    "trace(A @ outer(x, x))", "sum(x * a)", "x.T @ S @ x", "c * (x @ x)",
    "(x @ x) * (a @ b)", "sum(x)", "x.T @ diag(a) @ x", "trace(A.T @ A)", "x @ (A @ B) @ x",
]


def value_of(expr: str, sizes: dict, point: dict):
    return compile_expr(parse_expression(expr, SPACE).expr)(point, sizes, Exact())


def random_point(n: int, seed: int) -> tuple[dict, dict]:
    sizes = {N: n}
    rng = np.random.default_rng(seed)
    return sizes, SPACE.random_point(list(SPACE.declarations), sizes, rng, exact=True)


@pytest.mark.parametrize("text", SCALARS)
@pytest.mark.parametrize("n", [1, 2, 3])
def test_index_form_has_the_value_of_the_expression(text, n):
    e = parse_expression(text, SPACE).expr
    sizes, point = random_point(n, 7)
    want = value_of(text, sizes, point)
    want = want.reshape(-1)[0] if isinstance(want, np.ndarray) else want
    assert ix.evaluate(ix.to_index(e, SPACE), sizes, point) == want
    assert ix.evaluate(ix.expand(ix.to_index(e, SPACE, nested=True)), sizes, point) == want


def test_quadratic_form_is_the_talks_double_sum():
    (t,) = ix.to_index(parse_expression("x.T @ A @ x", SPACE).expr, SPACE).terms
    assert [b.index.name for b in t.sums] == ["i", "j"]
    assert [(f.base, [i.name for i in f.indices]) for f in t.factors] == [
        ("A", ["i", "j"]), ("x", ["i"]), ("x", ["j"])]


def test_delta_resolution_keeps_the_one_term():
    k, i = Index("k", N), Index("i", N)
    e = ix.IndexExpr((ix.Term(sp.Integer(2), (ix.Entry("A", (k, i)), ix.Delta(i, Index("l", N))),
                              (ix.Bound(i),)),))
    (t,) = ix.resolve_deltas(e).terms
    assert t.sums == () and t.factors == (ix.Entry("A", (k, Index("l", N))),)


def test_delta_against_an_excluded_value_vanishes():
    k, i = Index("k", N), Index("i", N)
    e = ix.IndexExpr((ix.Term(sp.Integer(1), (ix.Entry("x", (i,)), ix.Delta(i, k)),
                              (ix.Bound(i, (k,)),)),))
    assert ix.resolve_deltas(e).terms == ()


@pytest.mark.parametrize(("text", "gradient"), [
    ("x.T @ A @ x", "(A + A.T) @ x"), ("x.T @ S @ x", "2 * S @ x"), ("a @ x", "a"),
    ("norm(A @ x - b)**2", "2 * A.T @ A @ x - 2 * A.T @ b"), ("(a @ x)**2", "2 * (a @ x) * a"),
    ("sum(x)", "ones(n)"), ("x.T @ diag(a) @ x", "2 * diag(a) @ x"),
    ("c * (x @ x)", "2 * c * x"), ("x @ (A * B) @ x", "(A * B + A.T * B.T) @ x"),
    ("trace(A * outer(x, x))", "2 * diag(diag(A)) @ x"),
])
def test_differentiate_and_read_back(text, gradient):
    """∂/∂x_k of the index form, deltas resolved, symmetry used, read back as a matrix."""
    k = Index("k", N)
    g = ix.expand(ix.to_index(parse_expression(text, SPACE).expr, SPACE))
    d = ix.collect(ix.resolve_deltas(ix.differentiate(g, "x", (k,))))
    d, _ = ix.use_symmetry(d, {"S"})
    m = ix.to_matrix(ix.collect(d), (k,), SPACE)
    want = parse_expression(gradient, SPACE).expr
    assert mf.is_zero(mf.canonical(sp.MatAdd(m, -want), SPACE)), m


def test_a_diagonal_entry_is_read_back_as_diag():
    k = Index("k", N)
    e = ix.IndexExpr((ix.Term(sp.Integer(2), (ix.Entry("A", (k, k)), ix.Entry("x", (k,)))),))
    m = ix.to_matrix(e, (k,), SPACE)  # 2 a_kk x_k = (2 diag(diag(A)) x)_k
    want = parse_expression("2 * diag(diag(A)) @ x", SPACE).expr
    assert mf.is_zero(mf.canonical(sp.MatAdd(m, -want), SPACE)), m


def test_what_cannot_be_read_back_says_so():
    k, i, j = Index("k", N), Index("i", N), Index("j", N)
    # Σ_i Σ_j a_ki b_kj: k in two matrices on different index pairs
    e = ix.IndexExpr((ix.Term(sp.Integer(1), (ix.Entry("A", (k, i)), ix.Entry("B", (k, j))),
                              (ix.Bound(i), ix.Bound(j))),))
    with pytest.raises(UnsupportedError, match="2 matrices"):
        ix.to_matrix(e, (k,), SPACE)


def test_outside_the_form():
    with pytest.raises(UnsupportedError, match="polynomial"):
        ix.to_index(parse_expression("log(x @ x)", SPACE).expr, SPACE)


# -- property: random polynomial expressions --------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(polynomial_function(), st.integers(1, 3), st.integers(0, 2**16))
def test_index_form_derivative_is_the_true_gradient(f, n, seed):
    """Differentiating the index form and reading back gives a matrix expression whose value
    equals the exact polynomial derivative — whatever the expression."""
    from symderiv.calculus.steps import derive

    expr = parse_expression(f, SPACE).expr
    try:
        _, result, index = derive("gradient", expr, "x", SPACE)
    except UnsupportedError as exc:  # bounded on purpose (indexform.MAX_TERMS, MAX_SUMMED)
        assert "too large" in str(exc)
        reject()
    sizes, point = random_point(n, seed)
    from symderiv.calculus.elementwise import derivative_entries

    entries = derivative_entries(compile_expr(expr), "gradient", "x", point, sizes, (n,))
    ring = entries.backend.ring
    at = [Fraction(v) for v in point["x"]]
    want = [ring(p)(*at) if n > 1 else ring(p)(at[0]) for p in entries.values.flat]
    got = compile_expr(result)(point, sizes, Exact()) if result != 0 else np.zeros((n, 1))
    assert [Fraction(int(w.numerator), int(w.denominator)) for w in want] == \
        [Fraction(v) for v in np.ravel(got)]
    for k in range(1, n + 1):
        assert ix.evaluate(index, sizes, point, {Index("k", N): k}) == \
            Fraction(int(want[k - 1].numerator), int(want[k - 1].denominator))


def test_a_vector_between_two_matrices_reads_back_in_the_middle_of_the_chain():
    """Found by a random run: Σ_i x_i (Ax)_i (Ax)_i is xᵀAᵀ diag(x) A x, not Σ(Ax)·(xᵀAx)."""
    from symderiv import check_gradient

    v = check_gradient("((x) * (A @ x)) @ (c * (A @ x))", wrt="c", let="x: n; A: n x n; c: scalar")
    assert v.outcome == "holds" and v.agree, str(v)

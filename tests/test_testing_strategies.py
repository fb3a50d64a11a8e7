"""symderiv.testing.strategies: shaped values that honour their assumptions, and
well-shaped random expressions (issue 8, part 1)."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import find, given, settings
from hypothesis import strategies as st

import symderiv
from symderiv import ArgumentError, DeclarationError
from symderiv.testing import expressions, matrices, points, scalars, vectors
from symderiv.testing.strategies import DEFAULT_LET


# -- assumptions, each checked on every drawn value -----------------------------------------------
@given(matrices(symmetric=True))
def test_symmetric_is_exactly_symmetric(a):
    assert a.shape[0] == a.shape[1]
    assert np.array_equal(a, a.T)


@given(matrices(positive_definite=True, max_cond=50.0))
def test_positive_definite_has_a_cholesky_factor_and_a_bounded_condition_number(a):
    assert np.array_equal(a, a.T)
    np.linalg.cholesky(a)
    assert np.linalg.cond(a) <= 50.0 * (1 + 1e-8)


@given(matrices(invertible=True, max_cond=1e3))
def test_invertible_has_a_bounded_condition_number(a):
    assert np.linalg.cond(a) <= 1e3 * (1 + 1e-8)


@given(matrices(orthogonal=True))
def test_orthogonal_is_orthogonal(q):
    assert np.allclose(q.T @ q, np.eye(len(q)), atol=1e-12)


@given(matrices(diagonal=True, invertible=True, max_cond=10.0))
def test_diagonal_is_diagonal(d):
    assert np.array_equal(d, np.diag(np.diag(d)))
    assert np.linalg.cond(d) <= 10.0 * (1 + 1e-12)


@given(matrices(symmetric=True, orthogonal=True))
def test_symmetric_and_orthogonal_is_a_reflection(q):
    assert np.allclose(q, q.T, atol=1e-12)
    assert np.allclose(q @ q, np.eye(len(q)), atol=1e-12)


@given(matrices(symmetric=True, invertible=True, max_cond=20.0))
def test_symmetric_and_invertible_may_be_indefinite_but_is_well_conditioned(a):
    assert np.array_equal(a, a.T)
    assert np.linalg.cond(a) <= 20.0 * (1 + 1e-8)


@given(matrices(shape=(4, 4), positive_definite=True, dtype=np.float32))
def test_float32_values_keep_their_dtype_and_assumptions(a):
    assert a.dtype == np.float32
    assert np.array_equal(a, a.T)
    np.linalg.cholesky(a.astype(np.float64))


def test_shrinking_towards_zero_still_honours_the_assumptions():
    # the all-zero draw (where Hypothesis shrinks to) becomes the identity, not a singular matrix
    for kind in ("positive_definite", "invertible", "orthogonal"):
        m = find(matrices(shape=(3, 3), **{kind: True}), lambda _: True)
        assert np.linalg.cond(m) < 1e3
        tiny = find(matrices(shape=(3, 3), **{kind: True}, dtype=np.float32,
                             min_value=1e-37, max_value=1e-36), lambda _: True)
        assert np.linalg.cond(tiny.astype(float)) < 1e3  # no underflow to a zero matrix


# -- shapes -------------------------------------------------------------------------------------
@given(matrices(shape=(20, 3)), matrices(shape=(3,)), matrices(shape=()))
def test_given_shapes_any_number_of_sides(x, w, s):
    assert (x.shape, w.shape, s.shape) == ((20, 3), (3,), ())
    assert np.all(np.abs(x) <= 10) and np.all(np.isfinite(x))


@given(matrices(shape=(st.integers(2, 3), None), max_side=4), vectors(max_side=2))
def test_drawn_sides(m, v):
    assert m.shape[0] in (2, 3) and 1 <= m.shape[1] <= 4
    assert v.ndim == 1 and 1 <= len(v) <= 2


@given(scalars(positive=True, max_value=5.0), scalars(dtype=np.float32))
def test_scalars(p, s):
    assert 0 < p <= 5 and isinstance(s, np.float32)


@pytest.mark.parametrize(("make", "words"), [
    (lambda: matrices(shape=(2, 3), symmetric=True), "square"),
    (lambda: matrices(shape=(3,), invertible=True), "not 2-D"),
    (lambda: matrices(positive_definite=True, orthogonal=True), "only the identity"),
    (lambda: matrices(dtype=int), "floating-point"),
    (lambda: matrices(dtype="no such"), "not a NumPy dtype"),
    (lambda: matrices(min_value=1, max_value=1), "below max_value"),
    (lambda: matrices(max_value=float("inf")), "finite"),
    (lambda: matrices(invertible=True, max_cond=0.5), "max_cond"),
    (lambda: matrices(invertible=True, max_cond=1e17), "from 1 to 5.63e"),
    (lambda: matrices(invertible=True, dtype=np.float16, max_cond=1e6), "from 1 to 128 for "
                                                                         "float16"),
    (lambda: matrices(min_magnitude=-1), "min_magnitude"),
    (lambda: points("x: n", dtype=int), "floating-point"),
    (lambda: points("x: n", min_value=3, max_value=1), "below max_value"),
    (lambda: points("A: n x n, invertible", max_cond=0.5), "max_cond"),
    (lambda: expressions("x: n", shape=3), "must be text"),
    (lambda: matrices(shape=(-1, 2)), "each side of shape"),
    (lambda: matrices(shape=3), "tuple of sides"),
    (lambda: scalars(positive=True, max_value=-1), "max_value > 0"),
    (lambda: points("X: m x n", sizes={"k": 2}), "not a dimension"),
    (lambda: expressions("x: n", shape="m"), "'m'"),
    (lambda: expressions("x: n", shape="n x k x j"), "shape must be"),
    (lambda: expressions("x: n", form="mathml"), "form must be"),
    (lambda: expressions("A: m x n", shape="n", max_depth=0), "no expression"),
])
def test_mistakes_are_reported_where_the_strategy_is_made(make, words):
    with pytest.raises(ArgumentError, match=words):
        make()


@settings(max_examples=200)
@given(matrices(shape=(3, 3), invertible=True, dtype=np.float32, max_cond=1e6),
       matrices(shape=(2, 2), positive_definite=True, dtype=np.float16, max_cond=100.0))
def test_the_cast_to_the_dtype_does_not_break_the_bound(a, b):
    assert np.linalg.cond(a.astype(float)) <= 1e6
    assert np.linalg.cond(b.astype(float)) <= 100.0
    assert np.linalg.eigvalsh(b.astype(float)).min() > 0


@given(matrices(shape=(50,)), scalars(positive=True, max_value=1e-5))
def test_no_magnitudes_that_underflow_by_default(v, s):
    assert np.all((v == 0) | (np.abs(v) >= 1e-5))
    assert 1e-9 <= s <= 1e-5


def test_min_magnitude_zero_keeps_the_tiny_corner():
    assert find(vectors(3, min_magnitude=0), lambda v: 0 < abs(v[0]) < 1e-100)[0] != 0


def test_dimension_names_with_x_in_them():
    e = find(expressions("v: nx; A: nx x nx", shape="nx"), lambda e: "@" in e)
    space = symderiv.parse_declarations("v: nx; A: nx x nx")
    assert "A @ v" in e and symderiv.parse_expression(e, space).shape_text == "nx"


def test_bad_declarations_are_located():
    with pytest.raises(DeclarationError, match="col"):
        points("X: m x")


# -- points for a list of declarations ----------------------------------------------------------
@given(points("X: m x n; y: m; w: n; A: n x n, positive definite; lam: scalar, positive",
              max_side=4))
def test_points_share_their_dimensions_and_honour_assumptions(p):
    m, n = p["X"].shape
    assert p["y"].shape == (m,) and p["w"].shape == (n,) and p["A"].shape == (n, n)
    np.linalg.cholesky(p["A"])
    assert p["lam"] > 0


@given(points("X: m x n; w: n", sizes={"n": 3}))
def test_points_with_fixed_sizes(p):
    assert p["X"].shape[1] == 3 and p["w"].shape == (3,)


# -- random expressions --------------------------------------------------------------------------
@pytest.mark.parametrize("shape", ["scalar", "n", "m", "m x n", "n x n"])
@settings(max_examples=40)
@given(data=st.data())
def test_every_expression_is_well_shaped(shape, data):
    text = data.draw(expressions(DEFAULT_LET, shape=shape, max_depth=3))
    parsed = symderiv.parse_expression(text, symderiv.parse_declarations(DEFAULT_LET))
    want = () if shape == "scalar" else tuple(shape.split(" x "))
    assert tuple(str(d) for d in parsed.dims) == want, text


@settings(max_examples=15)
@given(expressions(DEFAULT_LET, max_depth=2))
def test_matrix_form_gradient_of_a_random_expression_matches_finite_differences(text):
    # the property symderiv's engines must have: matrix form, element-wise and finite
    # differences agree on the gradient of any well-shaped scalar expression
    v = symderiv.check_gradient(text, wrt="x", let=DEFAULT_LET)
    assert v.outcome == "holds", (text, v.notes)


@pytest.mark.parametrize("shape", ["scalar", "m", "n x n"])
@settings(max_examples=60)
@given(data=st.data())
def test_latex_form_reads_back_with_its_shape(shape, data):
    # ∘ of a product and v ∘ v once printed as LaTeX the parser read otherwise (review)
    tex = data.draw(expressions(DEFAULT_LET, shape=shape, max_depth=3, form="latex"))
    parsed = symderiv.parse_latex(tex, symderiv.parse_declarations(DEFAULT_LET))
    want = () if shape == "scalar" else tuple(shape.split(" x "))
    assert tuple(str(d) for d in parsed.dims) == want, tex


@given(expressions("x: n; A: n x n, invertible", shape="n x n", max_depth=1, form="sympy"))
def test_sympy_form_and_inverses_of_declared_invertible_matrices(e):
    assert isinstance(e, sp.Basic) and e.shape == (sp.Symbol("n", integer=True,
                                                             positive=True),) * 2


@settings(max_examples=10)
@given(matrices(shape=(64, 64)), matrices(shape=(64, 64), invertible=True))
def test_large_matrices_draw_without_health_check_failures(a, b):
    assert a.shape == b.shape == (64, 64)


@settings(max_examples=30)
@given(expressions("A: n x n, invertible; x: n", shape="n x n", max_depth=3, form="latex"))
def test_powers_of_inverses_print_as_latex_that_reads_back(tex):
    # inv(A) @ inv(A) is SymPy's A**(-2), which LaTeX now writes as (A^{-1})^{2} (review)
    space = symderiv.parse_declarations("A: n x n, invertible; x: n")
    assert symderiv.parse_latex(tex, space).kind == "matrix"

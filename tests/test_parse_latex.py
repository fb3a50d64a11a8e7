"""LaTeX math (issue 4, part 1): the notation of the talks and of textbooks, read into the
same typed expressions as the numpy-like language."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from strategies import MATRIX_LET, matrix_function, polynomial_function

from symderiv import (
    InputTooLargeError,
    ParseError,
    ShapeError,
    parse_declarations,
    parse_expression,
)
from symderiv.calculus.evaluate import Exact, NotExact, Precise, compile_expr
from symderiv.parse import parse_latex
from symderiv.problem import symbol_names
from symderiv.render.printing import to_latex

LET = ("X: m x n; y: m; w: n; x: n; a: n; A: n x n; B: n x n; "
       "S: n x n, positive definite; lam: scalar")
SPACE = parse_declarations(LET)


def same_value(p, q, space=SPACE) -> bool:
    """Equal kind, shape and value at random integer points of two sizes (exactly, or to
    50 digits where values are not rational)."""
    if (p.kind, tuple(p.dims)) != (q.kind, tuple(q.dims)):
        return False
    names = symbol_names(space, p.expr, q.expr)
    for n, seed in ((2, 0), (3, 1)):
        sizes = dict.fromkeys(space.dim_symbols, n)
        point = space.random_point(names, sizes, np.random.default_rng(seed), exact=True)
        try:
            a = compile_expr(p.expr)(point, sizes, Exact())
            b = compile_expr(q.expr)(point, sizes, Exact())
        except NotExact:
            a = compile_expr(p.expr)(point, sizes, Precise())
            b = compile_expr(q.expr)(point, sizes, Precise())
            if any(abs(u - v) > 1e-50 * max(1, abs(u)) for u, v in
                   zip(np.ravel(a), np.ravel(b), strict=True)):
                return False
            continue
        if np.asarray(a).tolist() != np.asarray(b).tolist():
            return False
    return True


@pytest.mark.parametrize(("tex", "numpy_like"), [
    # talk A4 and A5
    (r"x^\top A x", "x.T @ A @ x"),
    (r"\|y - Xw\|^2", "norm(y - X @ w)**2"),
    (r"(y - Xw)^\top (y - Xw)", "(y - X @ w).T @ (y - X @ w)"),
    (r"\left(y - Xw\right)^\top \left(y - Xw\right)", "(y - X @ w).T @ (y - X @ w)"),
    (r"y^\top y - y^\top X w - w^\top X^\top y + w^\top X^\top X w",
     "y @ y - y @ X @ w - w @ X.T @ y + w @ X.T @ X @ w"),
    (r"-2X^\top y + 2X^\top X w", "-2 * X.T @ y + 2 * X.T @ X @ w"),
    (r"2 A x", "2 * A @ x"),
    (r"(A + A^\top) x", "(A + A.T) @ x"),
    (r"A + A^T", "A + A.T"),
    # transposes, inverses, powers
    (r"S^{-1}", "inv(S)"),
    (r"S^{-\top}", "inv(S).T"),
    (r"(AB)^\top", "B.T @ A.T"),
    (r"A^2", "A @ A"),
    (r"x x^\top", "outer(x, x)"),
    # norms, traces, determinants, fractions
    (r"\|x\|_2", "norm(x)"),
    (r"\left\| x \right\|^{2}", "norm(x)**2"),
    (r"\lVert x \rVert", "norm(x)"),
    (r"\operatorname{tr}(A^{-1}B)", "trace(inv(A) @ B)"),
    (r"\mathrm{tr}\left(A B\right)", "trace(A @ B)"),
    (r"\frac{1}{2}\log\det S", "logdet(S) / 2"),
    (r"\det(A)", "det(A)"),
    (r"\frac{x^\top x}{2}", "x @ x / 2"),
    (r"\sqrt{x^\top x}", "norm(x)"),
    (r"\lambda \|w\|^2", "lam * norm(w)**2"),
    (r"x \cdot a", "x @ a"),
    (r"x \circ a", "x * a"),
    (r"\exp(a^\top x)", "exp(a @ x)"),
    (r"e^{-x^\top x}", "exp(-(x @ x))"),
    (r"\mathbf{x}^\top \boldsymbol{a}", "x @ a"),
    (r"\operatorname{diag}(a) x", "diag(a) @ x"),
    (r"I_n + A", "eye(n) + A"),
    # index notation inside sums (talk A4: f = Σ_i Σ_j a_ij x_i x_j)
    (r"\sum_{i=1}^{n} \sum_{j=1}^{n} a_{ij} x_i x_j", "x.T @ A @ x"),
    (r"\sum_i \sum_j a_{ij} x_i x_j", "x.T @ A @ x"),
    (r"\sum_{i=1}^{m} \left(y_i - \sum_{j=1}^{n} X_{ij} w_j\right)^2", "norm(y - X @ w)**2"),
    (r"\sum_i (\sum_j a_{ij} x_j)^2", "norm(A @ x)**2"),
    (r"2 \sum_i x_i a_i + 1", "2 * (x @ a) + 1"),
    (r"\sum_i a_{ii}", "trace(A)"),
    (r"\sum_i \sum_j x_{ij}", "sum(X)"),
    (r"\sum_i \sum_j \sum_p a_{ij} b_{jp}", "sum(A @ B)"),
    (r"\sum_{i=1}^{n} \frac{x_i^2}{2}", "x @ x / 2"),
    # talk B: scalars with digit subscripts
    (r"c_0 + c_1 \cdot 2", "c0 + c1 * 2"),
    (r"|c_0|", "norm(c0)"),
])
def test_latex_means_what_the_numpy_like_text_means(tex, numpy_like):
    assert same_value(parse_latex(tex, SPACE), parse_expression(numpy_like, SPACE)), tex


def test_rows_and_columns_are_kept_apart():
    assert parse_latex(r"x^\top a", SPACE).kind == "scalar"
    outer = parse_latex(r"x a^\top", SPACE)
    assert outer.kind == "matrix" and tuple(outer.dims) == tuple(SPACE.get("A").dims)
    assert parse_latex(r"x^\top A a", SPACE).kind == "scalar"
    row = parse_latex(r"x^\top A^\top", SPACE)  # a row stays a row (review: xᵀA ≠ Aᵀx)
    assert row.kind == "matrix" and row.dims[0] == 1


@pytest.mark.parametrize(("tex", "numpy_like"), [
    (r"A + I", "A + eye(n)"),  # review: I beside a square matrix is the identity
    (r"(X^\top X + \lambda I) w - X^\top y", "(X.T @ X + lam * eye(n)) @ w - X.T @ y"),
    (r"A^{T}", "A.T"),
    (r"A^{-T}", "inv(A).T"),
    (r"\exp(t)^2", "exp(t)**2"),  # review: the power after the call's parentheses
    (r"\operatorname{tr}(A)^2", "trace(A)**2"),
    (r"\exp t^2", "exp(t**2)"),
])
def test_review_readings(tex, numpy_like):
    assert same_value(parse_latex(tex, SPACE), parse_expression(numpy_like, SPACE)), tex


@pytest.mark.parametrize(("tex", "words"), [
    (r"A + 1", "does not broadcast"),
    (r"x_1", "entry of x"),
    (r"\frac{dr}{dt}", "cannot read"),
    (r"\varepsilon \foo", "unknown command .*foo"),
])
def test_review_refusals(tex, words):
    with pytest.raises(ParseError, match=words):
        parse_latex(tex, SPACE)


@pytest.mark.parametrize(("tex", "error", "col", "words"), [
    (r"x^\top A y", ShapeError, 10, "n ≠ m"),
    (r"x a", ShapeError, 3, "two columns side by side"),
    (r"x^\top \foo x", ParseError, 8, r"unknown command '\\\\foo'"),
    (r"\frac{1}{2", ParseError, 10, "ends too early"),
    (r"\left( x \right", ParseError, 10, r"\\right"),
    (r"A x + y", ShapeError, 7, r"shapes do not match for '\+'"),
    (r"X^{-1}", ShapeError, 1, "square matrix"),
    (r"x^{3}", ShapeError, 4, "a power of a vector"),
    (r"|x|", ShapeError, 1, "norm"),
    (r"x_i", ParseError, 1, "entry of x"),
    (r"x A", ShapeError, 3, "column"),
    (r"\sum_i a_{ij} x_i", ParseError, 8, "index j .* is not summed"),
    (r"\sum_{i=1}^{m} x_i", ShapeError, 1, "runs over n and over m"),
    (r"\sum_i A x", ParseError, 8, "write its entries"),
    (r"\sum_i q_i", ParseError, 8, "no vector or matrix named 'q'"),
    (r"\sum_i \sum_j w_{ij}", ShapeError, 15, "take 1 index"),
])
def test_bad_latex_is_one_located_error(tex, error, col, words):
    with pytest.raises(error, match=words) as info:
        parse_latex(tex, SPACE)
    assert info.value.col == col
    assert "LaTeX" in str(info.value)


def test_undeclared_names_are_scalars_as_in_the_numpy_like_language():
    p = parse_latex(r"c \cdot d + 2", parse_declarations(""))
    assert p.kind == "scalar"


@settings(max_examples=40, deadline=None)
@given(polynomial_function())
def test_every_printed_expression_reads_back(f):
    """The LaTeX printer's output parses to the same value (printer and parser agree)."""
    space = parse_declarations(MATRIX_LET)
    p = parse_expression(f, space)
    assert same_value(parse_latex(to_latex(p.expr), space), p, space), to_latex(p.expr)


@settings(max_examples=20, deadline=None)
@given(matrix_function())
def test_every_printed_function_of_a_matrix_reads_back(f):
    space = parse_declarations(MATRIX_LET)
    p = parse_expression(f, space)
    assert same_value(parse_latex(to_latex(p.expr), space), p, space), to_latex(p.expr)


@pytest.mark.parametrize(("tex", "numpy_like"), [
    (r"\frac{\partial}{\partial w} \|y - Xw\|^2", "grad(norm(y - X @ w)**2, w)"),
    (r"\frac{\partial}{\partial \mathbf{w}} \|y - Xw\|^2", "-2 * X.T @ y + 2 * X.T @ X @ w"),
    (r"\frac{d}{dt}\left(t^3\right)", "3 * t**2"),
    (r"2 \frac{\partial}{\partial t} t^2 x", "4 * t * x"),
])
def test_derivative_operators_stand_for_their_value(tex, numpy_like):
    assert same_value(parse_latex(tex, SPACE), parse_expression(numpy_like, SPACE)), tex


def test_an_entry_in_index_notation_is_the_whole_vector():
    """Talk A4: ∂f/∂x_k = 2 a_kk x_k + Σ_{i≠k} a_ik x_i + Σ_{j≠k} a_kj x_j is ((A + Aᵀ)x)_k."""
    from symderiv.parse.latex import parse_latex_entry

    n = SPACE.dim_symbols[[d.name for d in SPACE.dim_symbols].index("n")]
    p = parse_latex_entry(r"2 a_{kk} x_k + \sum_{i \neq k} a_{ik} x_i + \sum_{j \neq k} a_{kj} x_j",
                          SPACE, "k", n)
    assert same_value(p, parse_expression("(A + A.T) @ x", SPACE))
    q = parse_latex_entry(r"2 \sum_{i=1}^{n} a_{ki} x_i", SPACE, "k", n)
    assert same_value(q, parse_expression("2 * A @ x", SPACE))


def test_a_negative_inner_product_in_a_product_prints_in_parentheses():
    """Found by a random run: 2·(−xᵀAx) printed as '2 - x^T A x', which reads as 2 − xᵀAx."""
    p = parse_expression("-1 * x @ A @ x + -1 * x @ A @ x", SPACE)
    assert same_value(parse_latex(to_latex(p.expr), SPACE), p)


@pytest.mark.parametrize(("text", "tex"), [
    ("y * y", r"\left(y \circ y\right)"),
    ("diag(y) * outer(y, y)",
     r"\left(\operatorname{diag}\left(y\right) \circ \left(y y^{\top}\right)\right)"),
])
def test_hadamard_products_print_as_latex_that_reads_back(text, tex):
    space = parse_declarations("y: m")
    e = parse_expression(text, space).expr
    assert to_latex(e) == tex
    assert parse_latex(tex, space).expr == e


# -- found by the fuzz test (tests/test_fuzz.py) ---------------------------------------------
def test_the_norm_of_a_scaled_trace_reads():
    """\\|tr(2I_n)\\| raised TypeError inside SymPy (sqrt(tr(2I)²))."""
    assert parse_latex(r"\|\operatorname{tr}(2I_n)\|").kind == "scalar"


@pytest.mark.parametrize(("text", "fragment", "col"), [
    # the Earley parser's time grows with the cube of the bars: 64 took 6 s, 128 minutes
    ("|x|" * 32, "more than 12 | or \\| delimiters", 19),
    (r"\|x\|" * 8, "more than 12 | or \\| delimiters", 31),
    ("(" * 499 + "x" + ")" * 499, "nested deeper than 60 levels", 61),
    (r"\frac{" * 90 + "1" + "}{2}" * 90, "nested deeper than 60 levels", 366),
    ("x" * 1001, "longer than 1000 characters", None),
    ("1" * 400 + " x", "is too large (limit 1e15)", 1),
    ("0.0000000000000001 x", "too finely given", 1),
])
def test_inputs_that_would_keep_the_parser_busy_are_refused_first(text, fragment, col):
    with pytest.raises(InputTooLargeError) as info:
        parse_latex(text, SPACE)
    assert fragment in str(info.value)
    assert info.value.col == col


def test_norms_written_with_left_and_right_are_not_counted_as_bars():
    tex = r"\left\| y - Xw \right\|^2 + " * 7 + r"\|w\|^2"
    assert parse_latex(tex, SPACE).kind == "scalar"


def test_an_entry_with_a_symbolic_power_is_a_located_error():
    """x_k^{n} inside index notation raised TypeError (sp.Integer of a symbol)."""
    from symderiv.parse.latex import parse_latex_entry

    n = SPACE.dim_symbols[[d.name for d in SPACE.dim_symbols].index("n")]
    with pytest.raises(ParseError, match="powers are integers 1…16"):
        parse_latex_entry("x_k^{n}", SPACE, "k", n)


def test_deeply_nested_functions_print_quickly():
    """Found by the fuzz test: printing x^T A log(log(…(x))) took 7 s for 55 levels (SymPy's
    sign test of a matrix product composed the functions entry by entry)."""
    import time

    p = parse_latex(r"x^\top A " + r"\log" * 55 + " x", SPACE)
    start = time.perf_counter()
    tex = to_latex(p.expr)
    assert time.perf_counter() - start < 1.0
    assert tex.count(r"\log") == 55


# -- I without a size (found by a review) -----------------------------------------------------
@pytest.mark.parametrize(("tex", "col"), [(r"x^\top I x", 8), ("I", 1), ("2I", 2),
                                          (r"x^\top x + I", 12)])
def test_an_identity_whose_size_is_not_known_is_refused(tex, col):
    # x^T I x was read as c·xᵀx for an arbitrary number c called I
    with pytest.raises(ParseError) as info:
        parse_latex(tex, parse_declarations("A: n x n; x: n"))
    assert "write its size, I_n" in str(info.value) and info.value.col == col


@pytest.mark.parametrize("tex", [r"A + \lambda I", r"(A + I)^{-1}", r"x^\top I_n x", "I_n"])
def test_an_identity_with_a_size_is_read(tex):
    assert parse_latex(tex, parse_declarations("A: n x n; x: n")).expr.has(sp.Identity(
        sp.Symbol("n", integer=True, positive=True))) or "I_n" in tex


def test_the_identity_alone_prints_with_its_size_and_reads_back():
    from symderiv.render.printing import to_latex

    space = parse_declarations("A: n x n; x: n")
    eye = parse_latex("I_n", space).expr
    assert to_latex(eye) == "I_{n}" and to_latex(2 * eye) == "2 I_{n}"
    assert parse_latex(to_latex(2 * eye), space).kind == "matrix"

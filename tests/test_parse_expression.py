"""The numpy-like expression language: meaning, shapes and hostile input."""

import pytest
import sympy as sp

from symderiv import (
    InputTooLargeError,
    ParseError,
    ShapeError,
    parse_declarations,
    parse_expression,
)

LS = parse_declarations("X: m x n; y: m; w: n; A: n x n; a: n x 1; b: n x 1")


@pytest.mark.parametrize(("text", "kind"), [
    ("x.T @ A @ x", "scalar"),
    ("w @ w", "scalar"),
    ("X @ w", "vector"),
    ("w @ X.T", "vector"),
    ("X.T @ X", "matrix"),
    ("a @ b.T", "matrix"),      # n×1 columns: an outer product
    ("a.T @ b", "scalar"),      # 1×1 behaves as a scalar, as in NumPy broadcasting
    ("norm(y - X @ w)**2", "scalar"),
    ("sum((y - (w0 + w1*y))**2)", "scalar"),
    ("y / 2 + 1", "vector"),
    ("exp(w) * w", "vector"),
    ("outer(w, w)", "matrix"),
    ("eye(n) + A", "matrix"),
    ("trace(A) * A", "matrix"),
    ("ones(n) @ w", "scalar"),
    ("diag(w) @ w", "vector"),
])
def test_kinds(text, kind):
    space = parse_declarations("x: n; X: m x n; y: m; w: n; A: n x n; a: n x 1; b: n x 1")
    assert parse_expression(text, space).kind == kind


def test_vectors_are_one_dimensional_so_transpose_changes_nothing():
    space = parse_declarations("x: n; A: n x n")
    left = parse_expression("x.T @ A @ x", space).expr
    right = parse_expression("x @ A @ x", space).expr
    assert left == right


def test_norm_squared_is_the_inner_product():
    space = parse_declarations("v: n")
    assert parse_expression("norm(v)**2", space).expr == parse_expression("v @ v", space).expr


def test_decimal_literals_are_exact():
    assert parse_expression("0.1").expr == sp.Rational(1, 10)


def test_elementwise_power_follows_numpy():
    space = parse_declarations("A: n x n")
    assert isinstance(parse_expression("A**2", space).expr, sp.HadamardPower)


@pytest.mark.parametrize(("text", "fragment", "col"), [
    ("X @ y", "shapes do not match for '@'", 5),
    ("y + w", "shapes do not match for '+'", 5),
    ("2 @ w", "is a scalar (use '*')", 1),
    ("trace(X)", "needs a square matrix", 7),
    ("det(w)", "needs a matrix", 5),
    ("w ** w", "exponent must be a scalar", 6),
])
def test_shape_errors_are_caught_before_calculus(text, fragment, col):
    with pytest.raises(ShapeError) as info:
        parse_expression(text, LS)
    assert fragment in str(info.value)
    assert info.value.col == col


@pytest.mark.parametrize(("text", "fragment"), [
    ("__import__('os')", "unknown function '__import__'"),
    ("().__class__", "only '.T'"),
    ("x.__class__", "only '.T'"),
    ("w.shape", "only '.T'"),
    ("X[0]", "indexing"),
    ("lambda: 1", "lambdas"),
    ("open('f')", "unknown function 'open'"),
    ("'abc'", "not a number"),
    ("x if y else z", "write where(p > q, a, b)"),
    ("[1, 2]", "literal lists"),
    ("1 +", "ends too early"),
    ("", "empty expression"),
    ("norm(x, 3)", "order: 1, 2, inf or 'fro'"),
    ("exp(x=1)", "keyword"),
    ("_secret", "cannot start with '_'"),
    ("trace", "is a function"),
    ("x == y", "for equality there is no derivative"),
    ("1 // 2", "operator '//' is not allowed"),
    ("x ^ 2", "operator '^' is not allowed (write a**b for a power)"),  # not 'BitXor'
    ("~x", "operator '~' is not allowed"),
    ("True", "not a number"),
])
def test_code_and_junk_are_refused(text, fragment):
    with pytest.raises(ParseError) as info:
        parse_expression(text, LS)
    assert fragment in str(info.value)


@pytest.mark.parametrize("text", ["x**1000", "2**100000", "1" * 30, "(" * 1000 + "x" + ")" * 1000,
                                  "-" * 3000 + "x", "exp(" * 100 + "x" + ")" * 100,
                                  "x" + " + x" * 2000])
def test_resource_bombs_are_refused(text):
    with pytest.raises(ParseError):
        parse_expression(text)


def test_redundant_parentheses_are_harmless():
    assert parse_expression("(" * 100 + "x" + ")" * 100).expr == sp.Symbol("x", real=True)


def test_giant_constant_is_refused():
    with pytest.raises(InputTooLargeError):
        parse_expression("10000000000000000000 * x")


def test_non_ascii_column_is_in_characters():
    with pytest.raises(ParseError) as info:
        parse_expression("ä + (")
    assert info.value.col is not None


@pytest.mark.parametrize(("text", "fragment"), [
    ("((x**64)**64)**64", "too large"),
    ("log(-1) * x", "undefined"),
    ("sqrt(-1)", "undefined"),
    ("log(0) * x", "undefined"),
    ("inv(A - A)", "zero matrix"),
    ("logdet(A - A)", "zero matrix"),
    ("ａ * b", "not allowed"),
    ("x # comment", "comments"),
    ("1e-400 * x", "too small"),
    ("x; y", "one line"),
])
def test_values_and_characters_that_cannot_be_meant(text, fragment):
    with pytest.raises(ParseError, match=fragment):
        parse_expression(text, LS)


def test_incomplete_input_points_at_its_end():
    with pytest.raises(ParseError) as info:
        parse_expression("x +")
    assert info.value.col == 3


# -- found by the fuzz test (tests/test_fuzz.py) ---------------------------------------------
def test_the_norm_of_a_scaled_trace_is_its_absolute_value():
    """norm(trace(2*A)) was sqrt(tr(2A)²), which SymPy cannot build: TypeError from
    factor_terms, which cannot rebuild a trace of a scaled matrix."""
    space = parse_declarations("A: n x n; B: n x n")
    p = parse_expression("norm(trace(A + 2*B))", space)
    assert p.kind == "scalar" and isinstance(p.expr, sp.Abs)
    assert isinstance(p.expr.args[0], sp.Trace)


def test_a_tiny_exponent_is_refused_before_it_is_computed():
    """1e-99999999 is the float 0.0, and its exact value made Fraction compute
    10**99999999: minutes and gigabytes."""
    with pytest.raises(InputTooLargeError, match="too small"):
        parse_expression("1e-99999999 * x")


# -- names a reader takes for a known constant (found by a review) ---------------------------
@pytest.mark.parametrize(("text", "words", "col"), [
    ("e**x", "Euler's number: write exp(1)", 1),
    ("E**x", "Euler's number", 1),
    ("x.T @ (A + I) @ x", "the identity matrix: write eye(n)", 12),
])
def test_undeclared_conventional_constants_are_refused(text, words, col):
    # e**x was checked as cˣ for every c (a right claim eˣ failed), A + I as A + c·𝟙
    with pytest.raises(ParseError) as info:
        parse_expression(text, parse_declarations("A: n x n; x: n"))
    assert words in str(info.value) and info.value.col == col


def test_a_declared_e_or_i_is_an_ordinary_name():
    space = parse_declarations("e: scalar; I: n x n; x: n")
    assert parse_expression("e * x.T @ I @ x", space).kind == "scalar"


# -- what a student types first (the before-stop check) -------------------------------------
@pytest.mark.parametrize(("text", "words", "col"), [
    ("lambda*x.T@x", "'lambda' is a reserved word here; name it otherwise (for example lam)", 1),
    ("x.T @ x + in", "'in' is a reserved word", 11),
    ("2x", "write the product with *, as in 2*x", 1),
])
def test_syntax_errors_say_what_to_write(text, words, col):
    with pytest.raises(ParseError) as info:
        parse_expression(text, parse_declarations("x: n"))
    assert words in str(info.value) and info.value.col == col

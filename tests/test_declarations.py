"""Shape declarations: ``--let`` text to a Space."""

import pytest
import sympy as sp

from symderiv import DeclarationError, InputTooLargeError, parse_declarations


def test_vectors_matrices_scalars_and_lists_of_names():
    space = parse_declarations("X: m x n; y, w: n; c: scalar, positive; B: 3x3")
    assert space.get("X").kind == "matrix"
    assert space.get("X").dims == (sp.Symbol("m", integer=True, positive=True),
                                   sp.Symbol("n", integer=True, positive=True))
    assert space.get("y").kind == space.get("w").kind == "vector"
    assert space.get("c").assumptions == frozenset({"positive"})
    assert space.get("B").dims == (3, 3)
    assert space.get("undeclared").kind == "scalar"


@pytest.mark.parametrize("text", ["A: n×n", "A: n x n", "A: n * n", "A:n x n"])
def test_dimension_spellings(text):
    assert parse_declarations(text).get("A").kind == "matrix"


def test_positive_definite_implies_symmetric_and_invertible():
    decl = parse_declarations("S: n x n, positive definite").get("S")
    assert {"symmetric", "invertible", "positive definite"} <= decl.assumptions


def test_column_declaration_is_a_matrix():
    assert parse_declarations("a: n x 1").get("a").dims[1] == 1


@pytest.mark.parametrize(("text", "fragment", "col"), [
    ("x n", "expected 'NAME: DIMS'", 1),
    ("A: n x m, symmetric", "needs a square matrix", 11),
    ("c: n, symmetric", "applies to matrices, but c is a vector", 7),
    ("A: n x n, weird", "unknown assumption 'weird'", 11),
    ("for: n", "not a valid name", 1),
    ("trace: n", "reserved", 1),
    ("X: m x n x k", "at most two dimensions", 4),
    ("x: ", "missing dimensions", 3),
    ("x: 0", "at least 1", 4),
    ("x: n m", "cannot read dimensions", 4),
    # found by a review: the last declaration silently won ('X: m x n; X: n' drew vectors)
    ("X: m x n; X: n", "'X' is declared twice (first at col 1)", 11),
    ("x, x: n", "declared twice", 4),
])
def test_errors_are_located(text, fragment, col):
    with pytest.raises(DeclarationError) as info:
        parse_declarations(text)
    assert fragment in str(info.value)
    assert info.value.col == col


def test_giant_sizes_are_refused():
    with pytest.raises(InputTooLargeError, match="too large"):
        parse_declarations("x: 100000000")


def test_size_assignments_cover_one_square_and_non_square():
    space = parse_declarations("X: m x n")
    sizes = [tuple(a.values()) for a in space.size_assignments()]
    assert (1, 1) in sizes
    assert any(m > n for m, n in sizes) and any(m < n for m, n in sizes)


@pytest.mark.parametrize(("text", "error", "fragment"), [
    # found by the fuzz test (tests/test_fuzz.py): both raised ValueError from int()
    ("x: ²", DeclarationError, "is not a dimension"),  # '²'.isdigit(), but int('²') fails
    ("x: " + "9" * 5000, InputTooLargeError, "(5000 digits) is too large"),  # int() refuses
])
def test_digits_that_int_cannot_read_are_located_errors(text, error, fragment):
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")) as info:
        parse_declarations(text)
    assert info.value.col == 4

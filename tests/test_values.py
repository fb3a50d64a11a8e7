"""The value reader of the definitions: exact numbers, located errors, bounded, never eval."""

from fractions import Fraction

import pytest

from symderiv.definitions.exact import exact_value
from symderiv.errors import InputTooLargeError, ParseError
from symderiv.parse.values import parse_equation, parse_value
from symderiv.render.terms import term_text


@pytest.mark.parametrize(("text", "value"), [
    ("6", 6), ("-3", -3), ("1/2", Fraction(1, 2)), ("0.1", Fraction(1, 10)),
    ("2**10", 1024), ("(1 + 2) * 3", 9), ("1e3", 1000), ("-(-4)", 4),
])
def test_numbers_are_exact_as_written(text, value):
    assert exact_value(text) == value


def test_constants_functions_and_matrices():
    import sympy as sp

    assert exact_value("sqrt(2)") == sp.sqrt(2)
    assert exact_value("root(-8, 3)") == -2
    assert exact_value("1 + 2*I") == 1 + 2 * sp.I
    assert exact_value("2j") == 2 * sp.I
    assert exact_value("pi") == sp.pi
    assert exact_value("Matrix([[1, 2], [3, 4]])") == sp.Matrix([[1, 2], [3, 4]])
    assert exact_value("[[1, 2], [3, 4]]") == sp.Matrix([[1, 2], [3, 4]])


@pytest.mark.parametrize(("text", "col", "words"), [
    ("2 +* 3", 4, "syntax error"),
    ("__import__('os').system('echo hacked')", 1, "only sqrt, root, Matrix can be called"),
    ("(1).__class__", 1, "attributes are not allowed"),
    ("x", 1, "unknown name 'x'"),
    ("sqrt", 1, "is a function"),
    ("1 < 2", 1, "a comparison is not a value"),
    ("'6'", 1, "is not a number"),
    ("Matrix([[1, 2], [3]])", 17, "rows of different lengths"),
    ("[[1, [2]]]", 6, "a matrix entry is a number"),
    ("6 % 4", 1, "operator '6 % 4' is not allowed"),
    ("2 ** 99999", 6, "exponent 99999 is too large"),
    ("1/0", 1, "divides by zero"),
    ("sqrt(-4)", 1, "not real"),
    ("0x10", 1, "not a decimal number"),
    ("6;", 2, "';' is not allowed"),
    ("√2", 1, "character '√' is not allowed"),
])
def test_bad_values_get_located_errors(text, col, words):
    with pytest.raises(ParseError) as info:
        exact_value(text)
    assert words in str(info.value)
    assert info.value.col == col


@pytest.mark.parametrize("text", ["(1 + " * 100 + "1" + ")" * 100, "9" * 500, "2**(2**(2**20))",
                                  "-" * 3000 + "1", "(10**100)**1000"])
def test_huge_or_deep_input_is_refused_quickly(text):
    with pytest.raises(ParseError):
        exact_value(text)


def test_too_large_is_its_own_error():
    with pytest.raises(InputTooLargeError):
        exact_value("(10**100)**1000")


def test_terms_print_as_written_in_unicode_and_latex():
    assert term_text(parse_value("inf - inf")) == "∞ - ∞"
    assert term_text(parse_value("a**(2 - 2)", names=["a"])) == "a^(2 - 2)"
    assert term_text(parse_value("a**(-n)", names=["a", "n"])) == "a⁻ⁿ"
    assert term_text(parse_value("root(a, n)", names=["a", "n"])) == "ⁿ√a"
    assert term_text(parse_value("0.1 + 0.2")) == "0.1 + 0.2"
    assert term_text(parse_value("(a**(1/n))**n", names=["a", "n"]), "latex") == \
        r"\left(a^{\frac{1}{n}}\right)^{n}"
    assert term_text(parse_value("1 - (2 - 3)")) == "1 - (2 - 3)"


def test_equations_split_once_and_locate_errors_in_the_whole_text():
    lhs, rhs = parse_equation("a**0 = 1", names=["a"])
    assert (lhs.op, rhs.value) == ("**", 1)
    with pytest.raises(ParseError) as info:
        parse_equation("a**0 = 1 +", names=["a"])
    assert info.value.col == 10 and info.value.source == "a**0 = 1 +"
    with pytest.raises(ParseError, match="one equation"):
        parse_equation("a = b = c", names=["a", "b", "c"])
    with pytest.raises(ParseError, match="empty"):
        parse_equation(" = 1")


# -- hostile input: any text gets a symderiv error or an answer, never anything else ----------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from symderiv.definitions import check_power_claim, compare, divide  # noqa: E402
from symderiv.errors import SymderivError  # noqa: E402

_PIECES = st.sampled_from(["0", "1", "2", "8", "-", "+", "*", "/", "**", "(", ")", "inf",
                           "sqrt(", "root(", ",", "I", "pi", "t", "a", "x", ".5", "e3",
                           "[[", "]]", "=", " ", "4096", "0.1", "Matrix("])
_TEXT = st.lists(_PIECES, min_size=1, max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, _TEXT, st.sampled_from(["RR", "ZZ", "QQ", "CC", "ZZ/6", "QQ[t]", "matrices"]))
def test_divide_never_fails_with_anything_but_a_symderiv_error(a, b, domain):
    try:
        d = divide(a, b, domain=domain)
    except SymderivError:
        return
    assert d.verdict in ("unique", "none", "many")
    str(d), d.to_dict(), d._repr_latex_()  # every printer copes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_compare_never_fails_with_anything_but_a_symderiv_error(text):
    try:
        table = compare(text)
    except SymderivError:
        return
    str(table), table.to_dict(), table._repr_latex_()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_power_claims_never_fail_with_anything_but_a_symderiv_error(text):
    try:
        v = check_power_claim(text, points=5)
    except SymderivError:
        return
    assert v.outcome in ("holds", "fails", "undecided")


def test_a_huge_decimal_exponent_is_refused_before_it_is_computed():
    """Found by the fuzz test (tests/test_fuzz.py): Fraction('1e-99999999') computes
    10**99999999 — compare hung for minutes."""
    with pytest.raises(InputTooLargeError, match="too large or too finely given"):
        parse_value("1e-99999999")

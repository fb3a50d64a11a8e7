"""Division from its definition: a ÷ b is the unique x with b·x = a (talk A1)."""

import itertools
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symderiv.definitions import divide, parse_domain
from symderiv.definitions.division import congruence_solutions
from symderiv.errors import ParseError, SymderivError


# -- talk A1, line by line -------------------------------------------------------------
def test_talk_a1_six_divided_by_three_is_two_because_3x_equals_6_has_one_solution():
    d = divide(6, 3)
    assert (d.verdict, d.quotient, d.solutions) == ("unique", 2, (2,))
    assert "exactly one solution" in d.reason
    assert d.equation.text == "3·x = 6"


def test_talk_a1_zero_divided_by_zero_every_x_solves_0x_equals_0():
    d = divide(0, 0)
    assert d.verdict == "many" and d.quotient is None
    assert "every real number x solves 0·x = 0" in d.reason
    assert "not unique" in d.reason


def test_talk_a1_one_divided_by_zero_no_x_solves_0x_equals_1():
    d = divide(1, 0)
    assert d.verdict == "none" and d.solutions == ()
    assert "no real number x solves 0·x = 1" in d.reason


def test_talk_a1_both_are_simply_undefined_for_different_reasons():
    zero, one = divide(0, 0), divide(1, 0)
    assert not zero.defined and not one.defined
    assert zero.exit_code == one.exit_code == 1
    assert zero.reason != one.reason


# -- the examples -----------------------------------------------------------------
def test_integers_one_half_has_no_integer_solution():
    d = divide(1, 2, domain="ZZ")
    assert d.verdict == "none"
    assert "its only solution in ℚ, 1/2, is not an integer" in d.reason


def test_zz6_two_divided_by_four_has_two_solutions():
    d = divide(2, 4, domain="ZZ/6")
    assert (d.verdict, d.solutions, d.count) == ("many", (2, 5), 2)
    assert "4·x ≡ 2 (mod 6) has 2 solutions, {2, 5}" in d.reason


def test_zz6_one_divided_by_five_is_five():
    d = divide(1, 5, domain="ZZ/6")
    assert (d.verdict, d.quotient) == ("unique", 5)
    assert "gcd(5, 6) = 1" in d.reason


def test_polynomials_t_squared_minus_one_by_t_minus_one():
    d = divide("t**2 - 1", "t - 1", domain="QQ[t]")
    t = sp.Symbol("t")
    assert d.verdict == "unique" and sp.expand(d.quotient - (t + 1)) == 0


def test_singular_matrix_by_itself_many_solutions_particular_plus_null_space():
    d = divide("Matrix([[1,2],[2,4]])", "Matrix([[1,2],[2,4]])", domain="matrices")
    assert d.verdict == "many" and d.quotient is None
    B = sp.Matrix([[1, 2], [2, 4]])
    assert B * d.particular == B
    assert len(d.null_space) == 1 and B * d.null_space[0] == sp.zeros(2, 1)
    # every X₀ + N·Tᵀ solves B·X = A: the description is the whole solution set
    T = sp.Matrix([[3, -5]])
    assert B * (d.particular + d.null_space[0] * T) == B
    assert "rank 1 < 2" in d.reason


# -- other domains and cases --------------------------------------------------------------
@pytest.mark.parametrize(("a", "b", "domain", "verdict", "quotient"), [
    ("1/2", "1/3", "QQ", "unique", Fraction(3, 2)),
    ("sqrt(2)", "2", "RR", "unique", sp.sqrt(2) / 2),
    ("1 + I", "I", "CC", "unique", 1 - sp.I),
    ("0", "0", "CC", "many", None),
    ("7", "-7", "ZZ", "unique", -1),
    ("0", "0", "ZZ", "many", None),
    ("5", "0", "ZZ", "none", None),
    ("3", "0", "ZZ/7", "none", None),
    ("0", "0", "ZZ/7", "many", None),
    ("t", "t**2", "QQ[t]", "none", None),
    ("t**3", "t + 1", "QQ[t]", "none", None),
    ("t**2 + 1", "2*t", "ZZ[t]", "none", None),
    ("2*t + 2", "2", "ZZ[t]", "unique", sp.Symbol("t") + 1),
    ("t + 1", "2", "ZZ[t]", "none", None),
    ("t + 1", "2", "QQ[t]", "unique", sp.Symbol("t") / 2 + sp.Rational(1, 2)),
    ("0", "0", "QQ[s]", "many", None),
    ("0", "s", "QQ[s]", "unique", 0),
])
def test_domains(a, b, domain, verdict, quotient):
    d = divide(a, b, domain=domain)
    assert d.verdict == verdict
    if quotient is not None:
        assert sp.simplify(d.quotient - sp.nsimplify(quotient)) == 0


def test_matrices_invertible_left_and_right_division_differ():
    A, B = sp.Matrix([[1, 2], [3, 4]]), sp.Matrix([[2, 1], [0, 1]])
    left = divide(A.tolist(), B.tolist(), domain="matrices")
    right = divide(A.tolist(), B.tolist(), domain="matrices", side="right")
    assert left.verdict == right.verdict == "unique"
    assert B * left.quotient == A and right.quotient * B == A
    assert left.quotient != right.quotient  # matrices do not commute


def test_matrices_inconsistent_system_has_no_solution():
    d = divide("[[1, 0], [0, 1]]", "[[1, 2], [2, 4]]", domain="matrices")
    assert d.verdict == "none" and "not a combination of the columns of B" in d.reason


def test_modular_solutions_are_described_when_too_many_to_list():
    d = divide(0, 0, domain="ZZ/1000")
    assert d.verdict == "many" and d.count == 1000 and d.solutions is None
    assert d.to_dict()["solutions"] == "x ≡ 0 (mod 1), 1000 residues"


def test_large_moduli_work():
    n = 10**30 + 57
    d = divide(1, 3, domain=f"ZZ/{n}")
    assert d.verdict == "unique" and (3 * int(d.quotient) - 1) % n == 0


# -- brute force: for every n ≤ 30 and every (a, b), divide agrees with enumerating x -------
def test_modular_division_agrees_with_enumeration_for_every_n_up_to_30():
    checked = 0
    for n in range(2, 31):
        domain = parse_domain(f"ZZ/{n}")
        for a, b in itertools.product(range(n), repeat=2):
            solutions = tuple(x for x in range(n) if (b * x - a) % n == 0)
            d = divide(a, b, domain=domain)
            assert d.solutions == solutions, (n, a, b)
            expected = {0: "none", 1: "unique"}.get(len(solutions), "many")
            assert d.verdict == expected
            assert d.count == len(solutions)
            checked += 1
    assert checked == sum(n * n for n in range(2, 31))


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(2, 10**6))
def test_congruence_solutions_solve_the_congruence(a, b, n):
    g, x0, step = congruence_solutions(a % n, b % n, n)
    if x0 < 0:
        assert a % g != 0
    else:
        assert (b * x0 - a) % n == 0 and step * g == n


# -- Hypothesis: for invertible b in a field, divide(a*b, b) is unique and equals a --------
fractions = st.fractions(max_denominator=1000).filter(lambda f: abs(f) < 10**6)


@given(fractions, fractions.filter(bool))
def test_rationals_a_times_b_divided_by_b_is_a(a, b):
    d = divide(a * b, b, domain="QQ")
    assert d.verdict == "unique" and d.quotient == sp.Rational(a.numerator, a.denominator)


@given(st.tuples(fractions, fractions), st.tuples(fractions, fractions).filter(any))
def test_reals_with_roots_a_times_b_divided_by_b_is_a(a, b):
    # a = p + q√2 and b = r + s√2 ≠ 0 (√2 is irrational, so b = 0 only when r = s = 0)
    ra = sp.Rational(a[0]) + sp.Rational(a[1]) * sp.sqrt(2)
    rb = sp.Rational(b[0]) + sp.Rational(b[1]) * sp.sqrt(2)
    d = divide(sp.expand(ra * rb), rb, domain="RR")
    assert d.verdict == "unique" and sp.simplify(d.quotient - ra) == 0


@given(st.tuples(fractions, fractions), st.tuples(fractions, fractions).filter(any))
def test_complex_a_times_b_divided_by_b_is_a(a, b):
    za = sp.Rational(a[0]) + sp.I * sp.Rational(a[1])
    zb = sp.Rational(b[0]) + sp.I * sp.Rational(b[1])
    d = divide(sp.expand(za * zb), zb, domain="CC")
    assert d.verdict == "unique" and sp.expand(d.quotient - za) == 0


@given(st.sampled_from([2, 3, 5, 7, 11, 13, 101, 65537]), st.data())
def test_prime_fields_a_times_b_divided_by_b_is_a(p, data):
    a = data.draw(st.integers(0, p - 1))
    b = data.draw(st.integers(1, p - 1))
    d = divide(a * b, b, domain=f"ZZ/{p}")
    assert d.verdict == "unique" and d.quotient == a


@given(st.lists(st.integers(-9, 9), min_size=4, max_size=4),
       st.lists(st.integers(-9, 9), min_size=4, max_size=4))
def test_invertible_matrices_b_times_a_divided_by_b_is_a(a, b):
    A, B = sp.Matrix(2, 2, a), sp.Matrix(2, 2, b)
    d = divide((B * A).tolist(), B.tolist(), domain="matrices")
    if B.det() != 0:
        assert d.verdict == "unique" and d.quotient == A
    else:
        assert d.verdict == "many"  # B·X = B·A is solvable (X = A), and not uniquely


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=5),
       st.lists(st.integers(-5, 5), min_size=1, max_size=4))
def test_polynomial_division_agrees_with_the_division_algorithm(ca, cb):
    t = sp.Symbol("t")
    a, b = sp.Poly(ca, t).as_expr(), sp.Poly(cb, t).as_expr()
    d = divide(a, b, domain="QQ[t]")
    if b == 0:
        assert d.verdict == ("many" if a == 0 else "none")
        return
    q, r = sp.div(a, b, t)
    assert d.verdict == ("unique" if r == 0 else "none")
    if r == 0:
        assert sp.expand(d.quotient - q) == 0


# -- bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(("domain", "col", "words"), [
    ("ZZ/1", 4, "the modulus must be at least 2"),
    ("ZZ/0", 4, "the modulus must be at least 2"),
    ("ZZ/abc", 4, "'abc' is not a modulus"),
    ("ZZ/", 4, "'' is not a modulus"),
    ("RR[t]", 1, "polynomial rings are QQ[t] and ZZ[t]"),
    ("QQ[1t]", 4, "not a variable name"),
    ("QQ[pi]", 4, "not a variable name"),
    ("reals", 1, "unknown domain"),
])
def test_bad_domains(domain, col, words):
    with pytest.raises(ParseError) as info:
        divide(1, 2, domain=domain)
    assert words in str(info.value) and info.value.col == col


@pytest.mark.parametrize(("a", "b", "domain", "words"), [
    ("[[1, 2, 3], [4, 5, 6]]", "[[1, 0], [0, 1]]", "matrices", "2×3, not square"),
    ("[[1, 2], [3, 4]]", "[[1, 0, 0], [0, 1, 0], [0, 0, 1]]", "matrices", "both have one size"),
    ("6", "3", "matrices", "needs a matrix"),
    ("[[1]]", "3", "RR", "a matrix is not an element of ℝ"),
    ("1/2", "3", "ZZ", "1/2 is not an integer"),
    ("sqrt(2)", "3", "QQ", "not a rational number"),
    ("I", "3", "RR", "not a real number; try --domain CC"),
    ("t", "3", "RR", "unknown name 't'"),
    ("x**2", "x", "QQ[t]", "unknown name 'x'"),
    ("1/t", "t", "QQ[t]", "not a polynomial in t"),
    ("t/2", "t", "ZZ[t]", "integer coefficients"),
    ("6 +", "3", "RR", "syntax error"),
    ("inf", "3", "RR", "∞ is not a number"),
    ("1/0", "3", "RR", "divides by zero"),
])
def test_bad_operands(a, b, domain, words):
    with pytest.raises(SymderivError, match=None) as info:
        divide(a, b, domain=domain)
    assert words in str(info.value)
    assert info.value.exit_code == 2


def test_results_print_through_the_printers():
    d = divide(2, 4, domain="ZZ/6")
    assert str(d).startswith("undefined: 4·x ≡ 2 (mod 6) has 2 solutions in ℤ/6ℤ, {2, 5}")
    data = d.to_dict()
    assert data["verdict"] == "many" and data["solutions"] == ["2", "5"]
    assert r"\mathbb{Z}/6\mathbb{Z}" in d._repr_latex_()


# -- found by an adversarial review -----------------------------------------------------------
HIDDEN_ZERO = "root(20+14*sqrt(2),3) + root(20-14*sqrt(2),3) - 4"  # (2 ± √2)³ = 20 ± 14√2


def test_a_divisor_that_hides_its_zero_is_zero():
    assert divide(0, HIDDEN_ZERO).verdict == "many"
    assert divide(1, HIDDEN_ZERO).verdict == "none"


def test_the_rings_variable_may_be_named_like_anything():
    c0 = sp.Symbol("c0")
    assert sp.expand(divide("c0**2 - 1", "c0 - 1", domain="QQ[c0]").quotient - (c0 + 1)) == 0
    d = divide("x**2 - 1", "x - 1", domain="QQ[x]")
    assert d.unknown == "y" and d.equation.text == "(x - 1)·y = x**2 - 1"


def test_complex_domain_takes_principal_roots():
    assert divide("sqrt(-1)", 1, domain="CC").quotient == sp.I
    assert divide("(-1)**(1/2)", "I", domain="CC").quotient == 1


@pytest.mark.parametrize(("a", "b", "domain", "words"), [
    ("((2**4096)**4096)**4096", "1", "RR", "too large"),
    ("2**4096*2**4096*2**4096*2**4096", "1", "RR", "more than 10000 bits"),
    ("(t+1)**4096*(t+2)**4096", "1", "QQ[t]", "degree above 200"),
    ("((t+1)**4096)**4096", "t", "QQ[t]", "more than 4096"),
    ("[[sqrt(2), 1, 1, 1, 1], [1, 2, 3, 4, 5], [1, 1, 1, 1, 2], [3, 1, 4, 1, 5], "
     "[2, 7, 1, 8, 2]]", "[[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], "
     "[0, 0, 0, 0, 1]]", "matrices", "with irrational or complex entries"),
    ("0**I", "1", "CC", "is undefined: 0 to the power I"),
    ("0**0", "1", "RR", "is undefined: 0 to the power 0"),
])
def test_huge_or_undefined_operands_are_refused_quickly(a, b, domain, words):
    with pytest.raises(SymderivError) as info:
        divide(a, b, domain=domain)
    assert words in str(info.value) and info.value.exit_code == 2


@pytest.mark.parametrize("domain", ["ZZ/²", "ZZ/٦", "ZZ/①"])
def test_moduli_are_ascii_digits(domain):
    with pytest.raises(ParseError, match="is not a modulus"):
        parse_domain(domain)


def test_big_numbers_from_python_are_refused_not_crashed():
    with pytest.raises(SymderivError, match="more than 10000 bits"):
        divide(10**5000, 1)

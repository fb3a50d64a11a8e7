"""The exponent laws' natural extension (talk A3), derived, checked and used on claims."""

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symderiv.definitions.exponents import check_power_claim, natural_extension
from symderiv.errors import ParseError, StepError
from symderiv.render.terms import term_text


@pytest.fixture(scope="module")
def derivation():
    return natural_extension()


def _section(derivation, title):
    return next(s for s in derivation.sections if s.title.text.startswith(title))


def _equations(section):
    return [f"{term_text(s.lhs)} = {term_text(s.rhs)}" for s in section.steps]


# -- talk A3, line by line --------------------------------------------------------------------
def test_talk_a3_laws_for_natural_exponents_with_the_examples(derivation):
    laws = [f"{term_text(lhs)} = {term_text(rhs)}" for _, lhs, rhs in derivation.laws]
    assert laws == ["a^x·a^y = a^(x + y)", "a^x/a^y = a^(x - y)", "(a^x)^y = a^(x·y)"]
    examples = _section(derivation, "The laws for natural exponents")
    assert _equations(examples) == ["2²·2³ = 2⁵", "2⁵/2³ = 2²", "(2²)³ = 2⁶"]
    assert [s.checked for s in examples.steps] == [
        f"an instance of law ({k}); true exactly" for k in (1, 2, 3)]


def test_talk_a3_a_to_the_zero_is_one_from_a_squared_over_a_squared(derivation):
    s = _section(derivation, "a⁰ = 1")
    assert _equations(s)[:3] == ["a²/a² = 1", "a²/a² = a^(2 - 2)", "a^(2 - 2) = a⁰"]
    assert s.steps[1].rule == "law (2)"
    assert s.steps[1].checked.startswith("an instance of law (2); true symbolically")
    assert s.conclusion.text.startswith("a⁰ = 1")


def test_talk_a3_one_over_a_is_a_to_the_minus_one_by_law_2(derivation):
    s = _section(derivation, "a⁻ⁿ = 1/aⁿ")
    assert "1/a = a⁰/a¹" in _equations(s) and "a⁰/a¹ = a⁻¹" in _equations(s)
    assert s.steps[_equations(s).index("a⁰/a¹ = a⁻¹")].rule == "law (2)"


def test_talk_a3_square_root_from_law_3(derivation):
    s = _section(derivation, "a^(1/n) = ⁿ√a")
    eqs = _equations(s)
    assert "(a^(1/2))² = a^((1/2)·2)" in eqs and "a^(1/2) = √a" in eqs
    assert s.steps[eqs.index("(a^(1/2))² = a^((1/2)·2)")].rule == "law (3)"


def test_talk_a3_real_exponents_need_a_positive_base(derivation):
    s = _section(derivation, "Why a > 0")
    eqs = _equations(s)
    assert "³√(-8) = -2" in eqs and "64^(1/6) = 2" in eqs and "1/3 = 2/6" in eqs
    assert [st.supposed for st in s.steps].count(True) == 2
    # the supposed law (3) step has the law's form; only its truth is in question
    assert s.steps[2].checked == "an instance of law (3); supposed (the hypothesis to refute)"
    assert "defined for a > 0 only" in s.conclusion.text


def test_every_step_is_checked_for_its_form_and_truth(derivation):
    for section in derivation.sections:
        for step in section.steps:
            if step.rule.startswith("law"):
                assert step.checked.startswith(f"an instance of {step.rule}")
            if step.supposed:
                assert step.checked.endswith("supposed (the hypothesis to refute)")
            elif step.lhs.names() or step.rhs.names():
                assert "true symbolically and at 5 random values" in step.checked
            else:
                assert step.checked.endswith("true exactly")


def _with_step(monkeypatch, step):
    from symderiv.definitions import exponents

    monkeypatch.setattr(exponents, "_DERIVATION", (("test", "test", (step,)),))


@pytest.mark.parametrize(("step", "words"), [
    (("a**2 / a**2", "a**(2 - 1)", "law (2)", "law (2)"), "is not an instance of law (2)"),
    (("a**2 / a**2", "a**(2 - 2)", "law (1)", "law (1)"), "is not an instance of law (1)"),
    (("(a**2)**3", "a**(2 + 3)", "law (3)", "law (3)"), "is not an instance of law (3)"),
    (("a**(2 - 2)", "a**1", "exponent arithmetic", "x"), "is not arithmetic in the exponent"),
    (("a**0", "0", "given", "x"), "fails at"),
    (("a**(1/2)", "-sqrt(a)", "given", "x"), "fails at"),
    (("root(-8, 3)", "2", "exact", "x"), "is wrong"),
])
def test_a_wrong_step_or_a_wrong_law_is_caught(monkeypatch, step, words):
    _with_step(monkeypatch, step)
    with pytest.raises(StepError) as info:
        natural_extension()
    assert words in str(info.value)


def test_a_law_read_right_to_left_is_an_instance(monkeypatch):
    _with_step(monkeypatch, ("a**(2 + 3)", "a**2 * a**3", "law (1)", "law (1)"))
    (section,) = natural_extension().sections
    assert section.steps[0].checked.startswith("an instance of law (1)")


def test_more_points_are_checked_when_asked():
    b = natural_extension(seed=2, points=20)
    assert all("at 20 random values" in st.checked for s in b.sections for st in s.steps
               if st.lhs.names() and not st.supposed)


def test_derivation_prints_in_every_format(derivation):
    text = str(derivation)
    assert "a⁰ = 1" in text and "⇒" in text and "[law (2) with x = y = 2]" in text
    tex = derivation._repr_latex_()
    assert r"\begin{align*}" in tex and r"a^{2 - 2}" in tex
    assert r"\paragraph{$a^{0}$ = $1$}" in tex
    data = derivation.to_dict()
    assert data["sections"][1]["steps"][0]["input"] == "a**2 / a**2 = 1"
    assert data["sections"][1]["steps"][1]["rule"] == "law (2)"


# -- claims -----------------------------------------------------------------------------------
HALF = sp.Rational(1, 2)


@pytest.mark.parametrize(("claim", "values", "sides"), [
    ("a**(1/2) = -sqrt(a)", {"a": "4"}, lambda a: (a**HALF, -sp.sqrt(a))),
    ("(a**x)**y = a**(x+y)", {"a": "4", "x": "1", "y": "1"},
     lambda a, x, y: ((a**x)**y, a**(x + y))),
    ("a**x * a**y = a**(x*y)", {"a": "4", "x": "1", "y": "1"},
     lambda a, x, y: (a**x * a**y, a**(x * y))),
    ("a**0 = 0", {"a": "4"}, lambda a: (a**0, 0)),
    ("a**(-1) = -a", {"a": "4"}, lambda a: (a**-1, -a)),
    ("(b**2)**(1/2) = b", {"b": "-1"}, lambda b: ((b**2)**HALF, b)),
])
def test_wrong_claims_are_refuted_with_a_counterexample_that_holds(claim, values, sides):
    v = check_power_claim(claim, positive=("a",))
    assert v.outcome == "fails" and v.exit_code == 1
    assert v.counterexample.values == values
    # substituted by hand, independently of symderiv's evaluation
    lhs, rhs = sides(*(sp.Rational(values[n]) for n in sorted(values)))
    assert sp.nsimplify(lhs) != sp.nsimplify(rhs)
    assert (str(lhs), str(rhs)) == (v.counterexample.expected, v.counterexample.claimed)


@pytest.mark.parametrize("claim", [
    "a**x * a**y = a**(x+y)", "a**x / a**y = a**(x-y)", "(a**x)**y = a**(x*y)",
    "a**0 = 1", "a**(-1) = 1/a", "a**(1/2) = sqrt(a)", "(a**(1/2))**2 = a",
    "a**(-x) = 1/a**x", "(a*b)**x = a**x * b**x", "(a**2)**(1/2) = a",
])
def test_true_laws_hold_with_a_proof(claim):
    v = check_power_claim(claim, positive=("a", "b"))
    assert v.outcome == "holds", str(v)
    assert v.evidence[0].outcome == "holds" and v.evidence[1].checks > 0


def test_natural_exponents_are_declared():
    v = check_power_claim("a**(p/q) = root(a**p, q)", natural=("q",))
    assert v.outcome == "holds"
    assert "q: scalar, natural" in v.declarations_text


def test_claim_true_only_for_positive_bases_fails_for_real_ones():
    v = check_power_claim("(a**2)**(1/2) = a", positive=())
    assert v.outcome == "fails" and v.counterexample.values == {"a": "-1"}


@given(st.integers(-6, 6), st.integers(-6, 6))
def test_law_1_at_integers_holds_and_a_wrong_sum_fails(m, n):
    assert check_power_claim(f"a**({m}) * a**({n}) = a**({m + n})", points=5).outcome == "holds"
    assert check_power_claim(f"a**({m}) * a**({n}) = a**({m + n + 1})",
                             points=5).outcome == "fails"


@pytest.mark.parametrize(("claim", "words"), [
    ("a**2", "one equation"), ("a = b = c", "one equation"), ("a**(1/2) = ", "empty"),
    ("a**2 = __import__('os')", "only sqrt, root, Matrix can be called"),
    ("a + = 1", "syntax error"),
])
def test_bad_claims(claim, words):
    with pytest.raises(ParseError, match=None) as info:
        check_power_claim(claim)
    assert words in str(info.value)


# -- found by an adversarial review -----------------------------------------------------------
@pytest.mark.parametrize(("claim", "words"), [
    ("a**(10**100) = a", "larger than 4096"),
    ("(a**4096)**4096 = a", "more than 4096"),
    ("[[1]] = [[1]]", "not matrices"),
    ("a**2 = 1/0", "divides by zero"),
    ("0**0 = 1", "0 to the power 0"),
])
def test_claims_that_are_too_large_or_not_numbers(claim, words):
    with pytest.raises(ParseError) as info:
        check_power_claim(claim)
    assert words in str(info.value)


def test_errors_on_the_right_side_point_at_it():
    with pytest.raises(ParseError) as info:
        check_power_claim("a**2 = 1/0")
    assert info.value.col == 8


def test_a_point_where_a_side_is_undefined_is_skipped_not_a_counterexample():
    # at b = 0, x = 1, y = -1 the left side is 0·0⁻¹: undefined, not 0
    v = check_power_claim("b**x*b**y = b**(x+y)", positive=())
    assert v.outcome == "holds"
    assert "skipped where a side is undefined in ℝ" in v.evidence[1].detail


@pytest.mark.parametrize(("claim", "left", "right"), [
    ("2**3 = 8 + 10**-60", "8", "8000000000000000000000000000000000000000000000000000000000001/"
                                "1000000000000000000000000000000000000000000000000000000000000"),
    ("2**(1/2) = 1.4142135623730951", "sqrt(2)", "14142135623730951/10000000000000000"),
])
def test_tiny_differences_are_differences_and_shown_exactly(claim, left, right):
    v = check_power_claim(claim)
    assert v.outcome == "fails"
    assert (v.counterexample.expected, v.counterexample.claimed) == (left, right)


def test_towers_are_checked_without_computing_giant_numbers():
    v = check_power_claim("x**(x**(x**x)) = 1", positive=("x",))
    assert v.outcome == "fails" and v.counterexample.values == {"x": "2"}


def test_a_counterexample_with_a_value_beyond_4300_digits_is_shown_to_60_digits():
    """Found by the fuzz test: str() of an integer of more than 4300 digits raises
    ValueError in Python ≥ 3.11 (a**x**y at a real a, as the exact engine drew it)."""
    v = check_power_claim("a**xTrueTrue**y = a**(x+yyy)", positive=(), points=5)
    assert v.outcome == "fails"
    str(v), v.to_dict()

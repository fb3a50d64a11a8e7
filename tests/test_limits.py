"""Limits as checkable predicates (talk A2): ε-δ, R-δ, ε-N and R-N, witnesses, the game."""

import json
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp
from click.testing import CliRunner
from texcheck import compile_fragments, needs_pdflatex

from symderiv.cli import main
from symderiv.definitions.limits import LimitGame, check_limit, make_limit
from symderiv.errors import ArgumentError, ParseError, UnsupportedError


def _refuted_by_substitution(f, at, side, claim, witness, cx, var="x"):
    """The counterexample, re-checked here by hand: x is in the neighbourhood the witness
    gives for that ε (or R), f is defined there, and the conclusion is false."""
    x = sp.Symbol(var, real=True)
    lim = make_limit(f, at=at, claim=claim, side=side, var=var)
    q_name = lim.quantity
    q = sp.Rational(cx[q_name])
    w = sp.sympify(witness.replace("eps", "EPS"), locals={"EPS": sp.Symbol("EPS"),
                                                          "Min": sp.Min, "Max": sp.Max})
    w = w.subs({sp.Symbol("EPS"): q, sp.Symbol("R"): q})
    xv = sp.Rational(cx[var])
    fx = lim.f.subs(x, xv)
    a = lim.a
    if a is sp.oo:
        inside = xv > w
    elif side == "+":
        inside = a < xv < a + w
    elif side == "-":
        inside = a - w < xv < a
    else:
        inside = 0 < abs(xv - a) < w
    if lim.L is sp.oo:
        broken = fx <= q
    elif lim.L is -sp.oo:
        broken = fx >= q
    else:
        broken = abs(fx - lim.L) >= q
    return bool(inside) and bool(broken) and bool(w > 0 or a.is_infinite)


# -- talk A2: lim_{x→+0} 1/x = ∞ ---------------------------------------------------------------
def test_talk_a2_one_over_x_at_zero_from_the_right_with_delta_one_over_r_is_proved():
    c = check_limit("1/x", at=0, side="+", claim="oo", witness="1/R")
    assert (c.outcome, c.method, c.proved) == ("holds", "proof", True)
    assert c.limit.statement() == "∀R > 0 ∃δ > 0 ∀x: 0 < x < δ ⇒ f(x) > R"
    assert ("R > 0" in c.quantified and "loses" not in c.quantified) or "enough" in c.quantified


@pytest.mark.parametrize("witness", ["2/R", "R"])
def test_talk_a2_wrong_witnesses_are_refuted_with_a_counterexample(witness):
    c = check_limit("1/x", at=0, side="+", claim="oo", witness=witness)
    assert (c.outcome, c.method) == ("fails", "counterexample")
    assert _refuted_by_substitution("1/x", 0, "+", "oo", witness, c.counterexample)


def test_talk_a2_quantifies_over_every_real_r_on_request():
    literal = check_limit("1/x", at=0, side="+", claim="oo", witness="1/R", all_reals=True)
    assert literal.outcome == "fails" and literal.counterexample["R"] == "0"
    assert "1/Max(1, R)" in literal.notes[0]
    assert literal.limit.statement(all_reals=True).startswith("∀R ∈ ℝ")
    fixed = check_limit("1/x", at=0, side="+", claim="oo", witness="1/Max(1, R)",
                        all_reals=True)
    assert fixed.outcome == "holds" and fixed.proved


def test_talk_a2_the_game_b_always_wins_with_the_witness():
    game = LimitGame(make_limit("1/x", at=0, side="+", claim="oo"))
    for R in (1, 10, 10**6):
        delta, why = game.answer(R)
        assert delta == sp.Rational(1, R) and "f(x) > " in why


# -- at least 30 claims, with correct and wrong witnesses -----------------------------------
CLAIMS = [  # (f, at, side, claim, witness, expected)
    ("x**2", 3, None, 9, "Min(1, eps/7)", "holds"),
    ("1/x", 0, "+", "oo", "1/R", "holds"),
    ("1/n", "oo", None, 0, "1/eps", "holds"),
    ("2*x + 1", 1, None, 3, "eps/2", "holds"),
    ("3*x - 2", 0, None, -2, "eps/3", "holds"),
    ("x**3", 0, None, 0, "Min(1, eps)", "holds"),
    ("sqrt(x)", 0, "+", 0, "eps**2", "holds"),
    ("sqrt(x)", 4, None, 2, "Min(4, 2*eps)", "holds"),
    ("abs(x)", 0, None, 0, "eps", "holds"),
    ("1/x**2", 0, None, "oo", "1/sqrt(R)", "holds"),
    ("-1/x**2", 0, None, "-oo", "1/sqrt(-R)", "holds"),
    ("1/(x - 1)", 1, "+", "oo", "1/R", "holds"),
    ("1/(x - 1)", 1, "-", "-oo", "-1/R", "holds"),
    ("x*sin(1/x)", 0, None, 0, "eps", "holds"),
    ("(x**2 - 1)/(x - 1)", 1, None, 2, "eps", "holds"),
    ("1/n**2", "oo", None, 0, "1/sqrt(eps)", "holds"),
    ("n", "oo", None, "oo", "R", "holds"),
    ("n**2", "oo", None, "oo", "Max(1, R)", "holds"),
    ("(2*n + 1)/n", "oo", None, 2, "1/eps", "holds"),
    ("x**2 + x", 1, None, 2, "Min(1, eps/4)", "holds"),
    ("1/x", 0, "+", "oo", "2/R", "fails"),
    ("1/x", 0, "+", "oo", "R", "fails"),
    ("x**2", 3, None, 9, "eps/6", "fails"),
    ("x**2", 3, None, 9, "eps", "fails"),
    ("1/n", "oo", None, 0, "eps", "fails"),
    ("2*x + 1", 1, None, 3, "eps", "fails"),
    ("sqrt(x)", 0, "+", 0, "eps", "fails"),
    ("1/x**2", 0, None, "oo", "1/R", "fails"),
    ("x**3", 0, None, 0, "eps", "fails"),
    ("abs(x)", 0, None, 0, "2*eps", "fails"),
    ("n**2", "oo", None, "oo", "R", "fails"),
    ("1/(x - 1)", 1, "+", "oo", "1/R**2", "fails"),
    ("x**2 + x", 1, None, 2, "eps/2", "fails"),
]


@pytest.mark.parametrize(("f", "at", "side", "claim", "witness", "expected"), CLAIMS,
                         ids=[f"{c[0]} at {c[1]}{c[2] or ''} = {c[3]}, {c[4]}" for c in CLAIMS])
def test_claims_with_witnesses(f, at, side, claim, witness, expected):
    c = check_limit(f, at=at, side=side, claim=claim, witness=witness)
    assert c.outcome == expected, str(c)
    if expected == "holds":
        assert c.method == "proof" and c.proved
    else:
        assert c.method == "counterexample"
        var = "n" if "n" in f else "x"
        assert _refuted_by_substitution(f, at, side, claim, witness, c.counterexample, var)


@pytest.mark.parametrize(("f", "at", "side", "claim", "expected", "words"), [
    ("1/x", 0, None, "oo", "fails", "from the left f → −∞"),
    ("sin(1/x)", 0, None, 0, "fails", "no limit"),
    ("x*sin(1/x)", 0, None, 0, "holds", "proved by z3"),
    ("(x**2 - 1)/(x - 1)", 1, None, 2, "holds", "proved by z3"),
    ("x**2", 3, None, 10, "fails", "f → 9"),
    ("1/x", 0, "-", "-oo", "holds", "proved by z3"),
    ("sqrt(x)", 0, "+", 0, "holds", "proved by z3"),
    ("exp(-x)", "oo", None, 0, "holds", "no witness of the usual shapes could be proved"),
])
def test_claims_without_a_witness(f, at, side, claim, expected, words):
    c = check_limit(f, at=at, side=side, claim=claim)
    assert c.outcome == expected
    assert words in str(c)
    if c.witness is not None:  # a proposed witness is checked like a given one
        again = check_limit(f, at=at, side=side, claim=claim, witness=c.witness_text)
        assert again.outcome == "holds"


@pytest.mark.parametrize(("f", "at", "side", "claim", "text"), [
    ("x**2", 3, None, 9, "∀ε > 0 ∃δ > 0 ∀x: 0 < |x − 3| < δ ⇒ |f(x) − 9| < ε"),
    ("1/x", 0, "-", "-oo", "∀R < 0 ∃δ > 0 ∀x: −δ < x < 0 ⇒ f(x) < R"),
    ("1/n", "oo", None, 0, "∀ε > 0 ∃N ∀n: n > N ⇒ |f(n)| < ε"),
    ("n", "oo", None, "oo", "∀R > 0 ∃N ∀n: n > N ⇒ f(n) > R"),
    ("exp(x)", "-oo", None, 0, "∀ε > 0 ∃N ∀x: x < N ⇒ |f(x)| < ε"),
])
def test_the_statement_in_each_variant(f, at, side, claim, text):
    assert make_limit(f, at=at, side=side, claim=claim).statement() == text


def test_json_and_latex():
    c = check_limit("x**2", at=3, claim=9, witness="eps/6")
    data = c.to_dict()
    assert data["verdict"] == "fails" and data["method"] == "counterexample"
    assert set(data["counterexample"]) >= {"eps", "x"} and data["statement"].startswith("∀ε")
    assert r"\forall" in c._repr_latex_() and "Refutation" in c._repr_latex_()


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"f": "1/x", "at": "zero", "claim": "oo"}, ParseError),
    ({"f": "1/x +", "at": 0, "claim": "oo"}, ParseError),
    ({"f": "x*y", "at": 0, "claim": 0}, ArgumentError),
    ({"f": "1/x", "at": "oo", "side": "+", "claim": 0}, ArgumentError),
    ({"f": "1/x", "at": 0, "claim": "oo", "side": "+", "witness": "1/delta"}, ParseError),
    ({"f": "__import__('os')", "at": 0, "claim": 0}, ParseError),
])
def test_bad_input(kwargs, error):
    with pytest.raises(error):
        check_limit(**kwargs)


# -- the CLI --------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "code", "head"), [
    (["1/x", "--at", "0", "--side", "+", "--claim", "oo", "--witness", "1/R"], 0,
     "✓ HOLDS — lim x→0+ 1/x = ∞ (R-δ, by proof)"),
    (["1/x", "--at", "0", "--side", "+", "--claim", "oo", "--witness", "2/R"], 1,
     "✗ FAILS — lim x→0+ 1/x = ∞ (R-δ, by counterexample)"),
    (["x**2", "--at", "3", "--claim", "9", "--witness", "Min(1, eps/7)"], 0,
     "✓ HOLDS — lim x→3 x² = 9 (ε-δ, by proof)"),
    (["x**2", "--at", "3", "--claim", "9", "--witness", "eps/6"], 1,
     "✗ FAILS — lim x→3 x² = 9 (ε-δ, by counterexample)"),
    (["1/x", "--at", "0", "--claim", "oo"], 1, "✗ FAILS — lim x→0 1/x = ∞ (R-δ, by limits)"),
    (["x*sin(1/x)", "--at", "0", "--claim", "0"], 0,
     "✓ HOLDS — lim x→0 x·sin(1/x) = 0 (ε-δ, by limits)"),
    (["1/n", "--at", "oo", "--claim", "0", "--witness", "1/eps"], 0,
     "✓ HOLDS — lim n→∞ 1/n = 0 (ε-N, by proof)"),
])
def test_issue_examples(args, code, head):
    r = CliRunner().invoke(main, ["limit", *args])
    assert r.exit_code == code, r.output
    assert r.output.splitlines()[0] == head


def test_cli_json_and_bad_input():
    r = CliRunner().invoke(main, ["limit", "x**2", "--at", "3", "--claim", "9", "--witness",
                                  "eps/6", "--json"])
    data = json.loads(r.output)
    assert data["verdict"] == "fails" and data["counterexample"]["eps"] == "13/2"
    r = CliRunner().invoke(main, ["limit", "1/x", "--at", "0", "--claim", "oo", "--witness",
                                  "1/"])
    assert r.exit_code == 2 and "syntax error" in r.output and "Traceback" not in r.output


def test_the_game_in_a_real_process_user_plays_a():
    proc = subprocess.run([sys.executable, "-m", "symderiv", "limit", "1/x", "--at", "0",
                           "--side", "+", "--claim", "oo", "--play"],
                          input="10\n1000\nabc\nq\n", capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "B (symderiv): δ = 1/10" in out and "B (symderiv): δ = 1/1000" in out
    assert "Error: unknown name 'abc'" in out
    assert "2 rounds; B won each" in out


def test_the_game_in_a_real_process_user_plays_b():
    proc = subprocess.run([sys.executable, "-m", "symderiv", "limit", "1/x", "--at", "0",
                           "--side", "+", "--claim", "oo", "--play", "--as", "B"],
                          input="0.001\n5\n", capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(("You win", "symderiv"))]
    assert lines[0].startswith("You win") and lines[1].startswith("symderiv wins")
    assert "2 rounds; you won 1" in proc.stdout


def test_the_game_judges_an_answer_and_names_the_breaking_x():
    game = LimitGame(make_limit("x**2", at=3, claim=9), witness=sp.Min(1, sp.Symbol(
        "eps", real=True) / 7))
    won, why = game.judge("1/10", "1/2")
    assert not won and "breaks it" in why
    x = Fraction(why.split(" = ")[1].split(" ")[0])
    assert abs(x - 3) < Fraction(1, 2) and abs(x * x - 9) >= Fraction(1, 10)
    assert game.judge("1/10", "1/100")[0]


@needs_pdflatex
def test_latex_worked_solutions_compile(tmp_path):
    parts = [check_limit("1/x", at=0, side="+", claim="oo", witness="1/R")._repr_latex_(),
             check_limit("x**2", at=3, claim=9, witness="eps/6")._repr_latex_(),
             check_limit("1/x", at=0, side="+", claim="oo", witness="1/R",
                         all_reals=True)._repr_latex_(),
             check_limit("1/x", at=0, claim="oo")._repr_latex_(),
             check_limit("x*sin(1/x)", at=0, claim=0)._repr_latex_(),
             check_limit("1/n", at="oo", claim=0, witness="1/eps")._repr_latex_()]
    proc = compile_fragments(parts, tmp_path, "limits")
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_a_witness_that_is_not_positive_for_tiny_eps_fails_with_that_eps():
    c = check_limit("x**2", at=3, claim=9, witness="Min(1, eps/7) - 1/1000000000")
    assert c.outcome == "fails"
    eps = sp.Rational(c.counterexample["eps"])
    assert eps > 0 and sp.Min(1, eps / 7) - sp.Rational(1, 10**9) <= 0


def test_fractional_powers_are_real_powers_only_for_a_nonnegative_base():
    # x**(1/3) is not defined for x < 0 (talk A3), so the two-sided claim is about x > 0 only
    c = check_limit("x**(1/3)", at=0, side="+", claim=0, witness="eps**3")
    assert c.outcome == "holds" and c.proved


# -- found by an adversarial review -----------------------------------------------------------
@pytest.mark.parametrize("witness", ["Min(1, eps/7, 100*(eps - 3)*(eps - 4))",
                                     "Min(1, eps/7, sqrt((eps - 3)*(eps - 4)))",
                                     "Min(1, eps/7, 1/(eps - 3)**2)"])
def test_a_witness_must_be_a_positive_number_for_every_eps(witness):
    c = check_limit("x**2", at=3, claim=9, witness=witness)
    assert c.outcome == "fails" and "must be a positive number" in c.reason
    assert 3 <= sp.Rational(c.counterexample["eps"]) <= 4


@pytest.mark.parametrize(("f", "at", "claim", "witness", "q"), [
    ("1/x", "oo", 0, "log(eps - 1)", "ε"),
    ("x", "-oo", "-oo", "sqrt(R)", "R"),
])
def test_an_n_at_infinity_must_be_a_real_number_not_a_positive_one(f, at, claim, witness, q):
    # N may be negative (x > −5 for every x large enough); only an undefined N is refuted
    c = check_limit(f, at=at, claim=claim, witness=witness)
    assert c.outcome == "fails"
    assert f"N({q}) must be a real number" in c.reason and "positive" not in c.reason


def test_a_negative_n_at_infinity_is_proved_when_it_works():
    c = check_limit("x", at="-oo", claim="-oo", witness="R - 5")
    assert c.outcome == "holds" and c.proved
    assert "an N that works" in str(c)


@pytest.mark.parametrize(("f", "at", "claim", "witness", "outcome"), [
    ("x", "oo", "oo", "R**1000", "fails"),  # for R = 1/2, N = 2⁻¹⁰⁰⁰ < R
    ("x", "-oo", "-oo", "-R**1000", "fails"),
    ("1/x", "oo", 0, "1/eps**1000", "fails"),  # for ε = 2, N = 2⁻¹⁰⁰⁰ and x = 1/10
    ("x", "oo", "oo", "R**1000 + 1", "undecided"),  # true, but z3 takes powers up to 64
])
def test_a_witness_with_more_digits_than_str_writes(f, at, claim, witness, outcome):
    # found by a review: N = R¹⁰⁰⁰ was turned into a Fraction through its text (exit 4)
    assert check_limit(f, at=at, claim=claim, witness=witness).outcome == outcome


@pytest.mark.parametrize("var", ["eps", "R", "N", "delta"])
def test_the_variable_cannot_take_a_name_of_the_definition(var):
    with pytest.raises(ArgumentError, match="cannot be called"):
        check_limit(f"2*{var}", at=0, claim=0, witness="eps", var=var)


@pytest.mark.parametrize(("f", "at", "side", "claim", "witness"), [
    ("sqrt(x)", 0, "-", 7, "eps"),
    ("sqrt(x)", -1, None, 5, "1/2"),
    ("1/sqrt(x)", 0, "-", "oo", "R"),
    ("x**(1/3)", -8, None, -2, "Min(1, eps)"),
])
def test_no_limit_where_f_is_not_defined_near_the_point(f, at, side, claim, witness):
    c = check_limit(f, at=at, side=side, claim=claim, witness=witness)
    assert c.outcome == "fails" and "is not defined at points" in c.reason


def test_a_limit_equal_in_value_but_not_in_form_holds():
    assert check_limit("sin(x)**2 + cos(x)**2", at=5, claim=1).outcome == "holds"


@pytest.mark.parametrize(("f", "at", "claim", "side", "expected"), [
    ("x", "pi", "pi", None, "holds"), ("x**2", "sqrt(2)", 2, None, "holds"),
    ("Min(x, 1/x)", 0, 0, "+", "undecided"), ("x", "-oo", "-oo", None, "holds"),
])
def test_irrational_points_and_what_sympy_cannot_compute(f, at, claim, side, expected):
    assert check_limit(f, at=at, claim=claim, side=side).outcome == expected


def test_high_powers_are_left_to_the_search_and_stay_quick():
    c = check_limit("x**4096", at=1, claim=1, witness="Min(1/10000, eps/10000)")
    assert c.outcome == "undecided" and any("unsupported" in t for t in c.tried)


def test_the_game_refuses_to_play_b_with_an_unproved_witness():
    with pytest.raises(UnsupportedError, match="only with a proved witness"):
        LimitGame(make_limit("x", at=0, claim=0), witness=2 * sp.Symbol("eps", real=True))


@pytest.mark.parametrize("value", [float("nan"), sp.I, sp.zoo])
def test_points_are_real_numbers_or_infinity(value):
    with pytest.raises(ParseError):
        make_limit("x", at=value, claim=0)


def test_undecided_says_what_was_tried():
    # z3 does not take exp; the grid and Hypothesis find no counterexample (there is none)
    c = check_limit("exp(-x)", at="oo", claim=0, witness="1/eps")
    assert c.outcome == "undecided" and c.exit_code == 3
    assert [t.split(":")[0] for t in c.tried] == ["z3", "adversarial search", "Hypothesis"]


def test_search_refutes_what_z3_cannot_take():
    c = check_limit("x*exp(x)", at=0, claim=0, witness="eps/10")
    assert c.outcome == "fails" and c.method == "counterexample"
    x, eps = sp.Rational(c.counterexample["x"]), sp.Rational(c.counterexample["eps"])
    assert 0 < abs(x) < eps / 10 and abs(x * sp.exp(x)) >= eps


@pytest.mark.parametrize(("f", "at", "claim", "outcomes"), [
    # found by the fuzz test's resource bombs (tests/test_fuzz.py): f at the sample points
    # (x = 10³…10¹⁴) exhausted memory; SymPy's limit of the tower at 0 asked the sign of
    # e^e^e^… and evaluated it for hours
    ("exp(exp(1e15*x))", "oo", "oo", {"holds"}),
    ("exp(" * 12 + "x" + ")" * 12, "0", "1", {"undecided"}),
])
def test_values_too_large_to_evaluate_are_skipped_not_computed(f, at, claim, outcomes):
    assert check_limit(f, at=at, claim=claim).outcome in outcomes


def test_a_limit_beyond_4300_digits_is_described_to_30_digits():
    """Found by the fuzz test: x − x⁴⁰⁹⁶ at 10⁹⁹⁹ is an integer str() refuses to write."""
    c = check_limit("x - x**4096", at="1e999", claim="-0")
    assert c.outcome == "fails"
    assert "e+" in str(c)


def test_a_counterexample_beyond_4300_digits_is_shown_approximately():
    """Found by the fuzz test: the witness eps**4096 at ε = 10⁻⁶ is a fraction str()
    refuses to write (ValueError)."""
    c = check_limit("x**2", at="0", claim="0", witness="eps**4096")
    assert c.outcome == "fails"
    str(c), c.to_dict()


def test_min_of_a_complex_number_is_a_located_error():
    """Found by the fuzz test: SymPy's Min raised ValueError ('11*I' is not comparable)."""
    with pytest.raises(ParseError, match="Min compares real numbers"):
        check_limit("Min(x, 11j)", at="0", claim="0")

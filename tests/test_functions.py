"""The table of scalar functions: each one's evaluators and derivative agree with each other
and with NumPy's and mpmath's own functions; the language parses every name."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv.calculus.functions import (
    BY_NAME,
    TABLE,
    exact_value,
    float_value,
    kink_arguments,
    lookup,
    precise_value,
)
from symderiv.errors import EvaluationError, ParseError, ShapeError
from symderiv.parse import parse_declarations
from symderiv.parse.expression import FUNCTIONS, parse_expression

CTX = mpmath.MPContext()
CTX.dps = 30
USER = [f for f in TABLE if not f.internal]
#: where each function is differentiable: inside (-1, 1) for the inverse sines, above -1 for
#: log1p, above 0 for log, away from the kink for the non-smooth ones
DOMAIN = {"log": (0.05, 5.0), "log1p": (-0.95, 5.0), "arcsin": (-0.95, 0.95),
          "arccos": (-0.95, 0.95), "tan": (-1.4, 1.4)}


def _points(name: str) -> st.SearchStrategy[float]:
    lo, hi = DOMAIN.get(name, (-6.0, 6.0))
    return st.floats(lo, hi).filter(lambda v: abs(v) > 1e-3)


@pytest.mark.parametrize("f", USER, ids=lambda f: f.name)
def test_float_and_precise_values_agree_with_numpy_and_mpmath(f):
    reference = {"sigmoid": lambda v: 1 / (1 + math.exp(-v)),
                 "softplus": lambda v: math.log1p(math.exp(v)),
                 "relu": lambda v: max(v, 0.0), "heaviside": lambda v: float(np.heaviside(v, .5)),
                 "abs": abs, "sign": lambda v: float(np.sign(v)), "log1p": math.log1p,
                 "expm1": math.expm1}.get(f.name) or getattr(np, f.name)

    @settings(max_examples=40, deadline=None)
    @given(_points(f.name))
    def agree(v: float) -> None:
        got = float(float_value(f.name, np.array([v]))[0])
        assert got == pytest.approx(reference(v), rel=1e-12, abs=1e-300)
        assert float(precise_value(f.name, CTX, CTX.mpf(v))) == pytest.approx(got, rel=1e-12)

    agree()


@pytest.mark.parametrize("f", USER, ids=lambda f: f.name)
def test_the_derivative_is_the_slope(f):
    u = sp.Symbol("u", real=True)
    own = {"sigmoid": lambda t: 1 / (1 + np.exp(-t)),
           "Heaviside": lambda t, h=.5: np.heaviside(t, h)}
    slope = sp.lambdify(u, f.derivative(u), modules=[own, "numpy"])

    @settings(max_examples=25, deadline=None)
    @given(_points(f.name))
    def slope_matches(v: float) -> None:
        h = 1e-6
        central = (precise_value(f.name, CTX, CTX.mpf(v) + h)
                   - precise_value(f.name, CTX, CTX.mpf(v) - h)) / (2 * h)
        assert float(np.asarray(slope(v), dtype=float)) == pytest.approx(float(central),
                                                                       rel=1e-6, abs=1e-8)

    slope_matches()


def test_the_complex_step_goes_through_the_float_values():
    for f in USER:
        v = np.array([0.3 + 1e-20j])
        if f.name in DOMAIN and not DOMAIN[f.name][0] < 0.3 < DOMAIN[f.name][1]:
            continue
        got = float_value(f.name, v)
        u = sp.Symbol("u", real=True)
        want = complex(f.derivative(u).subs(u, sp.Rational(3, 10)).evalf()).real
        assert got.imag[0] / 1e-20 == pytest.approx(want, rel=1e-9), f.name


def test_exact_values_where_they_are_rational():
    assert exact_value("sigmoid", Fraction(0)) == Fraction(1, 2)
    assert exact_value("relu", Fraction(-3, 2)) == 0
    assert exact_value("abs", Fraction(-3, 2)) == Fraction(3, 2)
    assert exact_value("sign", Fraction(0)) == 0  # NumPy's convention
    assert exact_value("heaviside", Fraction(0)) == Fraction(1, 2)
    assert exact_value("tanh", Fraction(1)) is None  # irrational: the caller goes to 60 digits


def test_values_outside_the_domain_are_errors_not_nan():
    for name, v in [("log", -1.0), ("log1p", -1.0), ("arcsin", 1.0), ("arccos", -2.0)]:
        with pytest.raises(EvaluationError):
            float_value(name, np.array([v]))
        with pytest.raises(EvaluationError):
            precise_value(name, CTX, CTX.mpf(v))


def test_sigmoid_and_softplus_do_not_overflow_far_out():
    assert float_value("sigmoid", np.array([-800.0]))[0] == 0.0
    assert float_value("sigmoid", np.array([800.0]))[0] == 1.0
    assert float_value("softplus", np.array([600.0]))[0] == pytest.approx(600.0)
    assert precise_value("sigmoid", CTX, CTX.mpf(-1000)) > 0  # 60 digits keep e^-1000


SPACE = "X: m x n; w: n; z: n; y: m; t: scalar; a: m x 1; b: n x 1; M: n x n"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_function_name_parses_on_scalars_and_vectors(name):
    space = parse_declarations(SPACE)
    arg = "0.5*t" if name not in ("arcsin", "asin", "arccos", "acos") else "t/(1 + t**2)"
    assert parse_expression(f"{name}({arg})", space).kind == "scalar"
    p = parse_expression(f"{name}(X @ w)", space)
    assert (p.kind, str(p.dims[0])) == ("vector", "m")
    assert name in FUNCTIONS


@pytest.mark.parametrize(("text", "fragment"), [
    ("where(z, z, 0)", "takes a comparison first"),
    ("where(z < 0, y, z)", "shapes do not match in where()"),
    ("maximum(z, y)", "shapes do not match in maximum()"),
    ("softmax(t)", "needs a vector"),
    ("norm(M, 2)", "induced or nuclear"),
    ("norm(z, 3)", "order: 1, 2, inf or 'fro'"),
    ("heaviside(t, 2)", "value at 0: 0, 0.5 or 1"),
    ("sigmoid(z, 1)", "takes 1 argument"),
])
def test_misuse_is_a_located_error(text, fragment):
    with pytest.raises((ParseError, ShapeError)) as info:
        parse_expression(text, parse_declarations(SPACE))
    assert fragment in str(info.value)


def test_piecewise_and_vector_functions_are_compositions():
    space = parse_declarations(SPACE)
    relu = parse_expression("maximum(0, X @ w)", space).expr
    assert lookup(relu.function.expr).name == "relu"
    assert parse_expression("maximum(X @ w, 0)", space).expr == relu
    trick = parse_expression("trace(a.T @ X @ b)", space)
    assert trick.kind == "scalar"
    lse = parse_expression("logsumexp(z)", space).expr
    assert isinstance(lse, sp.log)
    assert parse_expression("norm(M, 'fro')", space).expr == parse_expression("norm(M)",
                                                                                space).expr


def test_kinks_are_the_arguments_of_the_non_smooth_functions():
    space = parse_declarations(SPACE)
    e = parse_expression("sum(abs(X @ w - y)) + relu(t) + sum(tanh(z))", space).expr
    args = kink_arguments(e)
    assert len(args) == 2
    assert sp.Symbol("t") in [a for a in args if not isinstance(a, sp.MatrixExpr)] or any(
        a.free_symbols == {space.symbol("t")} for a in args)
    assert kink_arguments(parse_expression("sum(tanh(z))", space).expr) == []


def test_a_step_at_zero_takes_the_value_its_comparison_gives():
    # where(p >= q, …) is the step with 1 at 0, where(p > q, …) the one with 0: at 60 digits
    # as in floating point and exactly (an mpf cannot be made from a Fraction directly)
    for name, at_zero in [("heaviside", 0.5), ("heaviside0", 0.0), ("heaviside1", 1.0)]:
        assert [float(precise_value(name, CTX, CTX.mpf(v))) for v in (-1, 0, 2)] == \
            [0.0, at_zero, 1.0]
        assert list(float_value(name, np.array([-1.0, 0.0, 2.0]))) == [0.0, at_zero, 1.0]
        assert exact_value(name, Fraction(0)) == Fraction(at_zero)


def test_nested_piecewise_functions_are_bounded():
    # each level writes an argument twice: 2^k copies, so the nesting has a limit
    from symderiv.errors import InputTooLargeError

    text = "x"
    for _ in range(7):
        text = f"where({text} < lam, {text}, lam)"
    with pytest.raises(InputTooLargeError, match="nested more than 6 deep"):
        parse_expression(text, parse_declarations("x: n; lam: scalar"))


# -- max(v) and norm(v, inf) --------------------------------------------------------------------
def test_the_largest_entry_is_a_value_at_a_tie_and_a_kink_for_the_engines():
    from symderiv.calculus.functions import kink_arguments
    from symderiv.calculus.largest import top_entries, top_entry

    assert top_entry([Fraction(3), Fraction(1), Fraction(3)]) == 3  # max([1, 1]) is 1
    batch = np.array([[[1.0], [4.0], [2.0]], [[1.0], [1.0], [0.0]]])
    assert top_entries(batch).tolist() == [4.0, 1.0]
    step = np.array([[[1.0], [4.0 + 1e-20j], [2.0]]])  # the complex step follows the entry
    assert top_entries(step)[0].imag == 1e-20
    # v − max(v): 0 at the largest entry by design, at another only where it ties
    (tie,) = kink_arguments(parse_expression("max(x)", parse_declarations("x: n")).expr)
    assert isinstance(tie, sp.MatAdd)


@pytest.mark.parametrize(("f", "claim", "holds"), [
    ("norm(x, inf)", "where(abs(x) >= norm(x, inf), sign(x), 0)", True),
    ("norm(x, inf)", "sign(x)", False),  # every entry's sign, not only the largest one's
    ("max(A @ x)", "A.T @ where(A @ x >= max(A @ x), 1, 0)", True),
    ("max(A @ x)", "A @ where(A @ x >= max(A @ x), 1, 0)", False),
    ("min(x)", "where(x <= min(x), 1, 0)", True),
])
def test_the_largest_entry_is_differentiated_where_it_is_alone(f, claim, holds):
    from symderiv import check_gradient

    verdict = check_gradient(f, wrt="x", claim=claim, let="x: n; A: n x n")
    assert verdict.outcome == ("holds" if holds else "fails")


def test_max_of_two_arguments_points_to_maximum():
    with pytest.raises(ParseError, match=r"maximum\(a, b\)"):
        parse_expression("max(x, 0)", parse_declarations("x: n"))


# -- what a user types first --------------------------------------------------------------------
@pytest.mark.parametrize(("text", "same_as"), [
    ("np.tanh(x) @ x", "tanh(x) @ x"),
    ("sum(np.log(1 + np.exp(-x)))", "sum(log(1 + exp(-x)))"),
    ("np.linalg.norm(x, 1)", "norm(x, 1)"),
    ("scipy.special.logsumexp(x)", "logsumexp(x)"),
    ("scipy.special.expit(x) @ x", "sigmoid(x) @ x"),
    ("numpy.maximum(x, 0) @ x", "maximum(x, 0) @ x"),
])
def test_numpy_and_scipy_names_read_as_the_language(text, same_as):
    space = parse_declarations("x: n")
    assert parse_expression(text, space).expr == parse_expression(same_as, space).expr


@pytest.mark.parametrize(("text", "fragment"), [
    ("ReLU(x) @ x", "did you mean relu?"),
    ("Sigmoid(x) @ x", "did you mean sigmoid?"),
    ("ln(x @ x)", "did you mean log?"),
    ("sum(huber(x))", "where(abs(r) <= d"),
    ("foo(x) @ x", "listed by --help"),
    ("x.sum()", "write sum(x)"),
    ("x.dot(x)", "write x @"),
    ("torch.sigmoid(x) @ x", "without the prefix"),
    ("np.sigmoid(x) @ x", "did you mean sigmoid?"),
    ("σ(x) @ x", "write sigmoid(.)"),
    ("λ * x @ x", "name it lam"),
    ("f(x)(x)", "only the functions of the language"),
])
def test_what_a_user_types_first_gets_a_hint(text, fragment):
    with pytest.raises(ParseError) as info:
        parse_expression(text, parse_declarations("x: n"))
    assert fragment in str(info.value)


def test_the_elementwise_engine_abstains_where_sympy_cannot_differentiate(monkeypatch):
    # with PYTHONHASHSEED=2, SymPy's assumptions raised "Invalid comparison of non-real"
    # differentiating the entries of norm(softmax(S @ A @ x))**s: an internal error (exit 4)
    from symderiv import check_hessian
    from symderiv.calculus import elementwise

    def fails(*args, **kwargs):
        raise TypeError("Invalid comparison of non-real log(...)")

    monkeypatch.setattr(elementwise.sp, "diff", fails)
    verdict = check_hessian("norm(softmax(A @ x))**s", wrt="s", let="x: n; A: n x n; s: scalar")
    assert verdict.outcome in ("derived", "holds")
    assert any("SymPy cannot differentiate" in note for note in verdict.notes)


def test_a_comparison_in_arithmetic_is_numpys_zero_one_mask():
    # the hinge loss's gradient as people write it in NumPy: -X.T @ (y * (margin > 0))
    from symderiv import check_gradient

    let = "X: m x n; y: m; w: n"
    hinge = "sum(np.maximum(0, 1 - y * (X @ w)))"
    assert check_gradient(hinge, wrt="w", claim="-X.T @ (y * (1 - y * (X @ w) > 0))",
                          let=let).outcome == "holds"
    assert check_gradient(hinge, wrt="w", claim="-X.T @ (y * (1 - y * (X @ w) < 0))",
                          let=let).outcome == "fails"
    from symderiv.render.printing import to_input

    mask = parse_expression("x * (x >= 0)", parse_declarations("x: n")).expr
    assert to_input(mask) == "x * heaviside(x, 1)"


@pytest.mark.parametrize(("text", "fragment"), [
    ("x @ x if s > 0 else 0", "write where(p > q, a, b)"),
    ("2 * x * (x == 0)", "for equality there is no derivative"),
    ("2 * x * (0 < x < 1)", "only one comparison"),
    ("2 * x * (x > y)", "shapes do not match in the comparison"),
    ("sum(np.maximum(x, y))", "shapes do not match in maximum()"),
])
def test_comparisons_that_are_not_masks_are_refused(text, fragment):
    with pytest.raises(ParseError) as info:
        parse_expression(text, parse_declarations("x: n; y: m; s: scalar"))
    assert fragment in str(info.value)


def test_a_variable_the_function_does_not_use_gets_a_did_you_mean():
    from symderiv import check_gradient

    v = check_gradient("sum(w**2)", wrt="W", let="w: n")
    assert any("did you mean w?" in note for note in v.notes)


@pytest.mark.parametrize(("lhs", "rhs", "let", "outcome"), [
    ("cos(pi)", "-1", None, "holds"),
    ("arctan(1/x)", "pi/2 - arctan(x)", "x: scalar, positive", "holds"),
    ("sin(np.pi / 2)", "1", None, "holds"),
    ("sin(pi / 2)", "0", None, "fails"),
    ("pi * x", "x * pi", "pi: scalar; x: scalar", "holds"),  # declared, pi is a name
])
def test_pi_is_the_constant_unless_declared(lhs, rhs, let, outcome):
    from symderiv import check_equal

    assert check_equal(lhs, rhs, let=let).outcome == outcome


@pytest.mark.parametrize(("text", "fragment"), [
    ("2 A x", "two terms side by side"),
    ("x.T A x", "as in 2 * A @ x"),
])
def test_terms_side_by_side_say_to_write_the_product(text, fragment):
    with pytest.raises(ParseError) as info:
        parse_expression(text, parse_declarations("x: n; A: n x n"))
    assert fragment in str(info.value)


def test_latex_function_of_a_bare_sum_says_to_add_parentheses():
    from symderiv import parse_latex

    with pytest.raises(ParseError, match=r"a function of a sum takes parentheses"):
        parse_latex(r"\log \sum_i \exp(z_i)", parse_declarations("z: n"))
    parse_latex(r"\log\left(\sum_i \exp(z_i)\right)", parse_declarations("z: n"))

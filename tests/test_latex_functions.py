"""LaTeX for the functions real losses use: σ(Xw), tanh, softmax, max(0, z), |s|, the
norms ‖v‖₁ and ‖M‖_F, the all-ones vector 𝟏 — and a name against a parenthesis that is
not a function, which is refused rather than read as a product.

Before, ``\\sigma(Xw)`` was read as a scalar σ times Xw: the correct logistic-regression
gradient Xᵀ(σ(Xw) − y) was marked ✗ and the false identity σ(z)ᵀz = σ‖z‖² was marked ✓."""

import pytest
import sympy as sp
from click.testing import CliRunner
from test_parse_latex import same_value

from symderiv import ParseError, ShapeError, parse_declarations, parse_expression
from symderiv.cli import main
from symderiv.parse import parse_latex

LET = "X: m x n; y: m; w: n; z: n; u: n; M: n x n; c: scalar; t: scalar"
SPACE = parse_declarations(LET)


@pytest.mark.parametrize(("tex", "numpy_like"), [
    # the logistic function, undeclared σ against a parenthesis
    (r"\sigma(Xw)", "sigmoid(X @ w)"),
    (r"\sigma\left(Xw\right)", "sigmoid(X @ w)"),
    (r"X^\top(\sigma(Xw) - y)", "X.T @ (sigmoid(X @ w) - y)"),
    (r"\sigma(z)^\top z", "sigmoid(z) @ z"),
    (r"2\sigma(t)^2", "2 * sigmoid(t)**2"),
    (r"\sigma(t)(1 - \sigma(t))", "sigmoid(t) * (1 - sigmoid(t))"),
    (r"\operatorname{sigmoid}(z)", "sigmoid(z)"),
    # the table's functions by their LaTeX names
    (r"\tanh(z)", "tanh(z)"),
    (r"\tanh z", "tanh(z)"),
    (r"\sin t + \cos(t)^2", "sin(t) + cos(t)**2"),
    (r"\tan t", "tan(t)"),
    (r"\arctan(z)", "arctan(z)"),
    (r"\sinh t \cosh t", "sinh(t) * cosh(t)"),
    (r"\sinh(z)", "sinh(z)"),  # \sinh is whole: never \sin times h
    (r"\exp(z^\top u)", "exp(z @ u)"),
    (r"\log(1 + e^{t})", "log(1 + exp(t))"),
    (r"\operatorname{softplus}(z)", "softplus(z)"),
    (r"\operatorname{relu}(z)", "relu(z)"),
    (r"\mathrm{ReLU}(Xw)", "relu(X @ w)"),
    (r"\operatorname{softmax}(z)", "softmax(z)"),
    (r"\operatorname{logsumexp}(z)", "logsumexp(z)"),
    (r"\mathrm{LSE}(z)", "logsumexp(z)"),
    (r"\operatorname{log\_softmax}(z)", "log_softmax(z)"),
    (r"\operatorname{abs}(z)", "abs(z)"),
    (r"\operatorname{sgn}(t)", "sign(t)"),
    (r"\max(0, z)", "maximum(0, z)"),
    (r"\max(z, 0)", "maximum(z, 0)"),
    (r"\max(z, u)", "maximum(z, u)"),
    (r"\min(t, 1)", "minimum(t, 1)"),
    (r"\left|t\right| + |c| + \lvert t \rvert", "abs(t) + abs(c) + abs(t)"),
    # norms
    (r"\|z\|_1", "norm(z, 1)"),
    (r"\|z\|_{1}", "norm(z, 1)"),
    (r"\|z\|_2^2", "norm(z)**2"),
    (r"\|M\|_F", "norm(M, 'fro')"),
    (r"\lVert M \rVert_F^2", "norm(M)**2"),
    (r"\|z\|_F", "norm(z)"),
    (r"\|t\|_1", "abs(t)"),
    (r"\|z\|_\infty", "norm(z, inf)"),
    (r"\left\| Xw \right\|_\infty", "max(abs(X @ w))"),
    # the largest entry
    (r"\max(z)", "max(z)"),
    (r"\min\left(Xw\right)", "min(X @ w)"),
    (r"\max(t)", "t"),
    # the all-ones vector, its length from beside it
    (r"\mathbf{1}^\top z", "sum(z)"),
    (r"\mathbb{1}^\top y", "sum(y)"),
    (r"\mathbf{1}_m^\top y", "sum(y)"),
    (r"\mathbf{1}_{n}", "ones(n)"),
    (r"z + \mathbf{1}", "z + ones(n)"),
    (r"\mathbf{1} - \tanh(z) \circ \tanh(z)", "1 - tanh(z) * tanh(z)"),
    (r"M \mathbf{1}", "M @ ones(n)"),
    (r"\mathbf{1}^\top X w", "sum(X @ w)"),
    (r"\mathbf{1}^\top \log(\mathbf{1} + \exp(Xw)) - y^\top X w",
     "sum(log(1 + exp(X @ w))) - y @ X @ w"),
    # \ell and \lambda are names
    (r"\ell + \lambda", "ell + lam"),
    # a declared scalar against a parenthesis multiplies (unambiguous: declared a number)
    (r"c(z^\top u)", "c * (z @ u)"),
    (r"c (t + 1)^2", "c * (t + 1)**2"),
    (r"M(z + u)", "M @ (z + u)"),
])
def test_latex_functions_mean_what_the_numpy_like_text_means(tex, numpy_like):
    assert same_value(parse_latex(tex, SPACE), parse_expression(numpy_like, SPACE), SPACE), tex


def test_inverse_trigonometric_commands_are_the_table_s_functions():
    # (compared as expressions: a random point lies outside (-1, 1))
    space = parse_declarations("t: scalar")
    assert parse_latex(r"\arcsin(\frac{t}{2}) + \arccos t", space).expr == \
        parse_expression("arcsin(t / 2) + arccos(t)", space).expr


def test_sigma_against_a_parenthesis_is_not_a_product():
    """The wrong verdict's cause: σ(Xw) was σ·Xw; the two must now differ in value."""
    space = parse_declarations(LET + "; s: scalar")
    assert not same_value(parse_latex(r"\sigma(Xw)", SPACE),
                          parse_expression("s * (X @ w)", space), space)
    assert not parse_latex(r"\sigma(Xw)", SPACE).expr.has(sp.Symbol("sigma"))


def test_sigma_without_a_parenthesis_stays_a_name():
    """σ as a standard deviation: a name when no parenthesis follows, declared or not."""
    space = parse_declarations("z: n; sigma: scalar, positive")
    assert same_value(parse_latex(r"\sigma \|z\|^2", space),
                      parse_expression("sigma * norm(z)**2", space), space)
    assert same_value(parse_latex(r"\frac{z^\top z}{2\sigma^2}", space),
                      parse_expression("z @ z / (2 * sigma**2)", space), space)
    assert parse_latex(r"\sigma^2", SPACE).kind == "scalar"  # undeclared: a scalar too


@pytest.mark.parametrize(("let", "tex", "col", "words"), [
    # a name applied like a function but not one: never a silent product
    (LET, "f(x)", 1, "applies f, which is not a function symderiv knows"),
    (LET, "g(Xw)", 1, "applies g, which is not a function"),
    (LET, r"2 + h\left(t\right)", 5, "applies h"),
    (LET, r"\ell(t)", 1, r"applies \\ell"),
    (LET, r"\ell(y, t)", 1, r"applies \\ell to 2 arguments"),
    (LET, r"z^\top u + q(t)", 12, r"write q \\cdot \(…\) and declare q: scalar"),
    # declared scalars conventionally written as functions: ambiguous, so refused
    ("sigma: scalar", r"\sigma(t)", 1, r"declared a scalar .*\\operatorname\{sigmoid\}"),
    ("f: scalar", r"f(t + 1)", 1, r"declared a scalar but is written as a function"),
    # a function symderiv does not know
    (LET, r"\operatorname{erf}(t)", 15, "unknown function 'erf'"),
])
def test_a_name_applied_like_a_function_is_a_located_error(let, tex, col, words):
    with pytest.raises(ParseError, match=words) as info:
        parse_latex(tex, parse_declarations(let))
    assert info.value.col == col
    assert "LaTeX" in str(info.value)


@pytest.mark.parametrize(("tex", "col", "words"), [
    # |z| of a vector: a norm or each entry's absolute value? Asked, not guessed
    ("|z|", 1, "could be a norm or the absolute value of each entry"),
    (r"t + \left| Xw \right|", 5, "absolute value of each entry"),
    (r"\|M\|_\infty", 1, "the largest row sum"),
    (r"\|M\|_2", 1, "spectral norm"),  # was read as the Frobenius norm
    (r"\|M\|_1", 1, "induced norm"),
    (r"\max(z, y)", 9, "shapes do not match"),
    (r"\operatorname{softmax}(t)", 24, "needs a vector"),
])
def test_ambiguous_or_unsupported_notation_is_refused_with_what_to_write(tex, col, words):
    with pytest.raises(ShapeError, match=words) as info:
        parse_latex(tex, SPACE)
    assert info.value.col == col


@pytest.mark.parametrize(("tex", "col"), [
    (r"\mathbf{1}", 1), (r"t + \|\mathbf{1}\|^2", 7), (r"\operatorname{diag}(\mathbb{1})", 21)])
def test_an_all_ones_vector_whose_length_nothing_gives_is_refused(tex, col):
    with pytest.raises(ParseError, match=r"length of \\mathbf\{1\} is not known") as info:
        parse_latex(tex, SPACE)
    assert info.value.col == col


def test_sinh_is_never_sin_times_h():
    """The commands are whole words: \\sinh is not \\sin h, \\tanh not \\tan h."""
    for name in ("sinh", "tanh"):
        tex = parse_latex(f"\\{name} t", SPACE)
        assert same_value(tex, parse_expression(f"{name}(t)", SPACE), SPACE)
        assert not same_value(tex, parse_expression(f"{name[:3]}(t) * h", SPACE), SPACE)


# -- end to end: verify on small documents -------------------------------------------------------
def _verify(tmp_path, let: str, math: str, *extra: str):
    doc = tmp_path / "d.md"
    doc.write_text(f"```symderiv\nlet {let}\n```\n\n{math}\n", encoding="utf-8")
    return CliRunner().invoke(main, ["verify", str(doc), *extra])


def test_the_correct_logistic_gradient_holds(tmp_path):
    """Was ✗: \\sigma(Xw) read as σ·Xw."""
    r = _verify(tmp_path, "X: m x n; y: m; w: n",
                "$$ L(w) = \\mathbf{1}^\\top \\log(\\mathbf{1} + \\exp(Xw)) - y^\\top X w $$\n\n"
                "$$ \\nabla_w L = X^\\top(\\sigma(Xw) - y) $$")
    assert r.exit_code == 0, r.output
    assert "✓ [1] ∇_w L = X^\\top(\\sigma(Xw) - y)" in r.output


def test_a_wrong_logistic_gradient_fails(tmp_path):
    r = _verify(tmp_path, "X: m x n; y: m; w: n",
                "$$ L(w) = \\mathbf{1}^\\top \\log(\\mathbf{1} + \\exp(Xw)) - y^\\top X w $$\n\n"
                "$$ \\nabla_w L = X^\\top(y - \\sigma(Xw)) $$")
    assert r.exit_code == 1, r.output
    assert "✗ FAILS" in r.output


def test_the_false_sigma_identity_fails(tmp_path):
    """Was ✓: σ(z)ᵀz = σ‖z‖² with σ a scalar on both sides."""
    r = _verify(tmp_path, "z: n", "$$ \\sigma(z)^\\top z = \\sigma \\|z\\|^2 $$")
    assert r.exit_code == 1, r.output
    assert "✗ FAILS" in r.output


def test_the_sigma_identity_holds_when_sigma_is_declared_and_written_as_a_product(tmp_path):
    r = _verify(tmp_path, "z: n; sigma: scalar",
                "$$ \\sigma \\cdot (z)^\\top z = \\sigma \\|z\\|^2 $$")
    assert r.exit_code == 0, r.output


def test_derivatives_of_the_functions_hold_and_a_wrong_one_fails(tmp_path):
    math = ("$$ T(z) = \\mathbf{1}^\\top \\tanh(z) $$\n\n"
            "$$ \\nabla_z T = \\mathbf{1} - \\tanh(z) \\circ \\tanh(z) $$\n\n"
            "$$ S(z) = \\operatorname{logsumexp}(z) $$\n\n"
            "$$ \\nabla_z S = \\operatorname{softmax}(z) $$\n\n"
            "$$ R(z) = \\|z\\|_1 + \\mathbf{1}^\\top \\max(0, z) $$\n\n"
            "$$ \\nabla_z R = \\operatorname{sign}(z) + \\operatorname{heaviside}(z) $$")
    r = _verify(tmp_path, "z: n", math)
    assert r.exit_code == 0, r.output
    assert r.output.count("✓") == 4  # three gradients and the summary
    wrong = _verify(tmp_path, "z: n", math.replace("\\mathbf{1} - \\tanh", "\\mathbf{1} + \\tanh"))
    assert wrong.exit_code == 1 and "✗ [1] ∇_z T" in wrong.output, wrong.output


def test_an_unknown_function_in_a_document_is_a_located_error(tmp_path):
    r = _verify(tmp_path, "X: m x n; w: n", "$$ E(w) = \\mathbf{1}^\\top g(Xw) $$")
    assert r.exit_code == 2
    assert "applies g, which is not a function symderiv knows" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("numpy_like", ["norm(z, inf)", "max(z)", "min(X @ w)", "sigmoid(X @ w)",
                                        "softplus(z) + relu(z)", "maximum(z, u)"])
def test_the_printed_functions_read_back(numpy_like):
    from symderiv.render.printing import to_latex

    p = parse_expression(numpy_like, SPACE)
    assert same_value(parse_latex(to_latex(p.expr), SPACE), p, SPACE), to_latex(p.expr)

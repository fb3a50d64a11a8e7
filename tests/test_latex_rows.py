"""Sums over data rows in LaTeX (symderiv.parse.latex_rows): Σ_{i=1}^{m} of a function of
y_i and x_i^⊤w, with x_i row i of the declared X — the way losses are written in machine
learning texts (logistic loss, hinge loss, least squares), read with matrices."""

import pytest
from click.testing import CliRunner
from test_parse_latex import same_value

from symderiv import ParseError, ShapeError, parse_declarations, parse_expression
from symderiv.cli import main
from symderiv.parse import parse_latex

LET = "X: m x n; y: m; w: n; u: n; M: n x n; c: scalar"
SPACE = parse_declarations(LET)


@pytest.mark.parametrize(("tex", "numpy_like"), [
    # the logistic loss with labels ±1, and its gradient written as a sum
    (r"\sum_{i=1}^{m} \log(1 + \exp(-y_i x_i^\top w))", "sum(log(1 + exp(-y * (X @ w))))"),
    (r"\sum_{i=1}^{m} \log\left(1 + e^{-y_i x_i^\top w}\right)",
     "sum(log(1 + exp(-y * (X @ w))))"),
    (r"-\sum_{i=1}^{m} y_i \sigma(-y_i w^\top x_i) x_i",
     "-(X.T @ (y * sigmoid(-y * (X @ w))))"),
    # the logistic loss with labels 0/1 and its gradient Σ (σ(x_iᵀw) − y_i) x_i = Xᵀ(σ(Xw) − y)
    (r"\sum_i \left[\log(1 + \exp(x_i^\top w)) - y_i x_i^\top w\right]",
     "sum(log(1 + exp(X @ w))) - y @ X @ w"),
    (r"\sum_i (\sigma(x_i^\top w) - y_i) x_i", "X.T @ (sigmoid(X @ w) - y)"),
    (r"\sum_i \log \sigma(y_i x_i^\top w)", "sum(log(sigmoid(y * (X @ w))))"),
    # hinge loss, absolute and squared errors
    (r"\sum_{i=1}^{m} \max(0, 1 - y_i x_i^\top w)", "sum(maximum(0, 1 - y * (X @ w)))"),
    (r"\sum_i |y_i - x_i^\top w|", "norm(y - X @ w, 1)"),
    (r"\frac{1}{2m} \sum_{i=1}^{m} (x_i^\top w - y_i)^2", "norm(X @ w - y)**2 / (2 * m)"),
    (r"\sum_i (y_i - w^\top x_i)^{2}", "norm(y - X @ w)**2"),
    # rows and matrices
    (r"\sum_i x_i^\top M u", "sum(X @ M @ u)"),
    (r"\sum_i M x_i", "M @ X.T @ ones(m)"),
    (r"\sum_i x_i", "X.T @ ones(m)"),
    (r"\sum_i \|x_i - u\|^2", "sum((X - outer(ones(m), u))**2)"),
    (r"\sum_i x_i^\top x_i", "trace(X.T @ X)"),
    (r"\sum_i \frac{y_i}{1 + \exp(x_i^\top w)}", "sum(y / (1 + exp(X @ w)))"),
    (r"\sum_i (x_i^\top w)^{-1}", "sum((X @ w)**-1)"),
    (r"\sum_i \frac{x_i}{y_i}", "X.T @ (1 / y)"),
    (r"\sum_i \tanh(x_i)", "tanh(X).T @ ones(m)"),
    (r"\sum_i \max(x_i, u)", "maximum(X, outer(ones(m), u)).T @ ones(m)"),
    # a summand that does not depend on i counts m times
    (r"\sum_{i=1}^{m} \exp(c)", "sum(exp(c) * ones(m))"),
    (r"\sum_{i=1}^{m} (c + \exp(y_i))", "sum(c + exp(y))"),
])
def test_a_sum_over_data_rows_means_what_the_matrix_form_means(tex, numpy_like):
    assert same_value(parse_latex(tex, SPACE), parse_expression(numpy_like, SPACE), SPACE), tex


def test_x_i_is_a_row_of_a_declared_lowercase_matrix_too():
    space = parse_declarations("x: m x n; y: m; w: n")
    assert same_value(parse_latex(r"\sum_i (y_i - x_i^\top w)^2", space),
                      parse_expression("norm(y - x @ w)**2", space), space)


def test_index_notation_is_still_read_as_before():
    """Entries and numbers only: the index reader's form (xᵀa), not a row sum (𝟏ᵀ(x∘a))."""
    space = parse_declarations("x: n; a: n")
    p = parse_latex(r"\sum_i x_i a_i", space)
    assert p.expr == parse_expression("x @ a", space).expr


@pytest.mark.parametrize(("tex", "error", "col", "words"), [
    (r"\sum_i x_i x_i^\top", ShapeError, 8, "a matrix for each i is not read"),
    (r"\sum_{i=1}^{n} \log(y_i)", ShapeError, 21, "index i runs over n and over m"),
    (r"\sum_i \log(q_i)", ParseError, 13, "no vector or matrix named 'q' \\(or 'Q'\\)"),
    (r"\sum_i x_i^\top x_j", ParseError, 17, "inside the sum over i write x_i"),
    (r"\sum_i \log(y_{ij})", ParseError, 13, "one index"),
    (r"\sum_i \log(c)", ParseError, 1, "the range of index i is not known"),
    (r"\sum_i \operatorname{softmax}(x_i)", ShapeError, 8, "softmax of 'x_i'"),
    (r"\sum_i \sum_j \log(x_{ij})", ParseError, 8, "inside another is not read"),
    (r"\sum_i \sigma(y_i)^{y_i}", ShapeError, 21, "read only as e"),
    (r"\sum_i \log(c_i)", ShapeError, 13, "'c' is a scalar, so it has no entry i"),
    (r"\sum_i (y_i + u)", ShapeError, 15, "cannot be added"),
    (r"\sum_i M u", ParseError, 8, "does not depend on i: inside a sum write its entries"),
    (r"\sum_{i \neq j} \sum_j \log(y_i)", ParseError, 1, "j is not an index here"),
])
def test_what_a_sum_over_data_rows_cannot_read_is_a_located_error(tex, error, col, words):
    with pytest.raises(error, match=words) as info:
        parse_latex(tex, SPACE)
    assert info.value.col == col


def _verify(tmp_path, math: str):
    doc = tmp_path / "rows.md"
    doc.write_text(f"```symderiv\nlet {LET}\n```\n\n{math}\n", encoding="utf-8")
    return CliRunner().invoke(main, ["verify", str(doc)])


def test_the_logistic_loss_as_a_sum_and_its_gradient_hold(tmp_path):
    r = _verify(tmp_path, "$$ J(w) = \\sum_{i=1}^{m} \\log(1 + \\exp(-y_i x_i^\\top w)) "
                          "= \\mathbf{1}^\\top \\log(\\mathbf{1} + \\exp(-y \\circ (Xw))) $$\n\n"
                          "$$ \\nabla_w J = -\\sum_{i=1}^{m} y_i \\sigma(-y_i x_i^\\top w) x_i $$")
    assert r.exit_code == 0, r.output
    assert "✓ HOLDS — 2 steps checked" in r.output


def test_a_gradient_missing_its_label_fails(tmp_path):
    r = _verify(tmp_path, "$$ J(w) = \\sum_{i=1}^{m} \\log(1 + \\exp(-y_i x_i^\\top w)) $$\n\n"
                          "$$ \\nabla_w J = -\\sum_{i=1}^{m} \\sigma(-y_i x_i^\\top w) x_i $$")
    assert r.exit_code == 1, r.output
    assert "✗ [1] ∇_w J" in r.output


def test_the_hinge_loss_gradient_holds_away_from_its_kinks(tmp_path):
    r = _verify(tmp_path, "$$ H(w) = \\sum_{i=1}^{m} \\max(0, 1 - y_i x_i^\\top w) "
                          "+ \\frac{\\lambda}{2}\\|w\\|^2 $$\n\n"
                          "$$ \\nabla_w H = -\\sum_{i=1}^{m} \\operatorname{heaviside}"
                          "(1 - y_i x_i^\\top w) y_i x_i + \\lambda w $$")
    assert r.exit_code == 0, r.output

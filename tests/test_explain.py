"""Worked solutions: talk A's two derivations (seeds.md A4, A5), step for step.

The steps are compared by their mathematical content — index forms equal up to the
names of summed indices, matrix expressions equal after simplification — never by
their spelling.
"""

import json
import shutil
import subprocess
import sys

import pytest
import sympy as sp
from click.testing import CliRunner

from symderiv import StepError, UnsupportedError, explain_gradient, explain_hessian
from symderiv.calculus import indexform as ix
from symderiv.calculus import matrix as mf
from symderiv.calculus.indexform import Bound, Entry, Index, IndexExpr, Term
from symderiv.calculus.steps import EntryOf, Nabla, Partial, Step
from symderiv.cli import main
from symderiv.explain import verify
from symderiv.parse import parse_declarations

A4 = "x: n; A: n x n, symmetric"
A4_PLAIN = "x: n; A: n x n"
LS = "X: m x n; y: m; w: n"


def index_expr(dims: dict[str, sp.Symbol], *terms: tuple) -> IndexExpr:
    """Index forms written compactly: (2, "A:kk x:k", "i!k j") is 2 Σ_{i≠k} Σ_j a_kk x_k."""
    def idx(c: str) -> Index:
        return Index(c, dims[c])

    out = []
    for coeff, factors, sums in terms:
        fs = []
        for f in factors.split():
            base, _, letters = f.partition(":")
            if base == "d":
                fs.append(ix.Delta(idx(letters[0]), idx(letters[1])))
            else:
                fs.append(Entry(base, tuple(idx(c) for c in letters)))
        bounds = []
        for b in sums.split():
            name, _, excl = b.partition("!")
            bounds.append(Bound(idx(name), tuple(idx(c) for c in excl)))
        out.append(Term(sp.Integer(coeff), tuple(fs), tuple(bounds)))
    return IndexExpr(tuple(out))


def same(a: IndexExpr, b: IndexExpr) -> bool:
    """Equal as sums, up to the names of summed indices."""
    return ix.collect(IndexExpr(a.terms + b.scaled(-1).terms)).terms == ()


def same_matrix(a: sp.Basic, b: sp.Basic, space) -> bool:
    diff = sp.MatAdd(a, -b) if isinstance(a, sp.MatrixExpr) else a - b
    return mf.is_zero(mf.canonical(diff, space))


def kinds(steps) -> list:
    return [s.reason.kind if s.reason else None for s in steps]


def dims_of(let: str) -> dict[str, sp.Symbol]:
    return {d.name: d for d in parse_declarations(let).dim_symbols}


# -- talk A4: f = xᵀAx -------------------------------------------------------------------------
class TestTalkA4Symmetric:
    """Talk A4, symmetric A: the case split, the symmetry step, ∇f = 2Ax, ∇²f = 2A."""

    e = explain_hessian("x.T @ A @ x", wrt="x", let=A4)
    space = parse_declarations(A4)
    n = dims_of(A4)["n"]
    D = dict.fromkeys("ijkl", n)

    def test_the_steps_are_the_talks(self):
        assert kinds(self.e.steps) == [
            "index form", "cases", "differentiate", "symmetry", "absorb", "read back", None,
            "from gradient", "delta", "resolve", "read back", None]

    def test_index_form(self):
        # f = Σ_i Σ_j a_ij x_i x_j
        assert self.e.steps[0].lhs == self.e.function_expr
        assert same(self.e.steps[0].rhs, index_expr(self.D, (1, "A:ij x:i x:j", "i j")))

    def test_case_split(self):
        # ∂/∂x_k (a_kk x_k² + Σ_{i≠k} a_ik x_i x_k + Σ_{j≠k} a_kj x_k x_j)
        step = self.e.steps[1]
        assert isinstance(step.lhs, Partial) and step.lhs.by == (Entry("x", (Index("k", self.n),)),)
        assert isinstance(step.rhs, Partial)
        assert same(step.rhs.of, index_expr(self.D, (1, "A:kk x:k x:k", ""),
                                            (1, "A:ik x:i x:k", "i!k"),
                                            (1, "A:kj x:k x:j", "j!k")))
        assert step.reason.args[0] == (("i", "j"),)

    def test_differentiated_cases(self):
        # = 2 a_kk x_k + Σ_{i≠k} a_ik x_i + Σ_{j≠k} a_kj x_j
        assert same(self.e.steps[2].rhs, index_expr(self.D, (2, "A:kk x:k", ""),
                                                    (1, "A:ik x:i", "i!k"),
                                                    (1, "A:kj x:j", "j!k")))

    def test_symmetry(self):
        # = 2 a_kk x_k + 2 Σ_{i≠k} a_ki x_i   (a_ik = a_ki)
        step = self.e.steps[3]
        assert step.reason.args == (("A", "a"),)
        assert same(step.rhs, index_expr(self.D, (2, "A:kk x:k", ""), (2, "A:ki x:i", "i!k")))

    def test_diagonal_term_joins_the_sum(self):
        # = 2 Σ_i a_ki x_i, which is (2Ax)_k
        assert same(self.e.steps[4].rhs, index_expr(self.D, (2, "A:ki x:i", "i")))
        entry = self.e.steps[5].rhs
        assert isinstance(entry, EntryOf)
        x, a = self.space.symbol("x"), self.space.symbol("A")
        assert same_matrix(entry.matrix, 2 * a * x, self.space)

    def test_gradient_then_hessian(self):
        x, a = self.space.symbol("x"), self.space.symbol("A")
        grad = self.e.steps[6]
        assert isinstance(grad.lhs, Nabla) and grad.lhs.order == 1
        assert same_matrix(grad.rhs, 2 * a * x, self.space)
        # ∂/∂x_l of 2 Σ_i a_ki x_i: only the term i = l survives, 2 a_kl
        assert same(self.e.steps[8].rhs, index_expr(self.D, (2, "A:ki d:il", "i")))
        assert same(self.e.steps[9].rhs, index_expr(self.D, (2, "A:kl", "")))
        assert same_matrix(self.e.steps[11].rhs, 2 * a, self.space)
        assert self.e.result_text == "2 * A"


class TestTalkA4WithoutSymmetry:
    """Talk A4, last line: without symmetry ∇f = (A + Aᵀ)x and ∇²f = A + Aᵀ."""

    e = explain_hessian("x.T @ A @ x", wrt="x", let=A4_PLAIN)
    space = parse_declarations(A4_PLAIN)
    D = dict.fromkeys("ijkl", dims_of(A4_PLAIN)["n"])

    def test_no_symmetry_step(self):
        assert "symmetry" not in kinds(self.e.steps)

    def test_two_sums_remain(self):
        # 2 a_kk x_k + Σ_{i≠k} a_ik x_i + Σ_{j≠k} a_kj x_j = Σ_i a_ik x_i + Σ_j a_kj x_j
        absorb = next(s for s in self.e.steps if s.reason and s.reason.kind == "absorb")
        assert same(absorb.rhs, index_expr(self.D, (1, "A:ik x:i", "i"), (1, "A:kj x:j", "j")))

    def test_results(self):
        x, a = self.space.symbol("x"), self.space.symbol("A")
        grads = [s.rhs for s in self.e.steps if isinstance(s.lhs, Nabla)]
        assert same_matrix(grads[0], (a + a.T) * x, self.space)
        assert same_matrix(grads[1], a + a.T, self.space)
        resolved = next(s for s in self.e.steps if s.reason and s.reason.kind == "resolve")
        assert same(resolved.rhs, index_expr(self.D, (1, "A:lk", ""), (1, "A:kl", "")))


# -- talk A5: E(w) = ‖y − Xw‖² ---------------------------------------------------------------
class TestTalkA5:
    e = explain_gradient("norm(y - X @ w)**2", wrt="w", let=LS)
    space = parse_declarations(LS)
    X, y, w = space.symbol("X"), space.symbol("y"), space.symbol("w")

    def test_norm_as_inner_product_then_four_terms(self):
        first, expanded = self.e.steps[0], self.e.steps[1]
        assert first.reason.kind == "norm"
        r = self.y - self.X * self.w
        assert same_matrix(sp.Trace(first.rhs), sp.Trace(r.T * r), self.space)
        assert expanded.reason.kind == "multiply out"
        X, y, w = self.X, self.y, self.w
        want = [y.T * y, -y.T * X * w, -w.T * X.T * y, w.T * X.T * X * w]
        got = list(expanded.rhs.args)
        assert len(got) == 4
        for t in want:
            assert any(same_matrix(sp.Trace(g), sp.Trace(t), self.space) for g in got), t

    def test_gradient_of_each_term(self):
        X, y, w = self.X, self.y, self.w
        per_term = {s.lhs.of: s.rhs for s in self.e.steps
                    if isinstance(s.lhs, Nabla) and s.lhs.of != self.e.function_expr}
        assert len(per_term) == 3  # yᵀy does not depend on w
        results = list(per_term.values())
        assert sum(same_matrix(r, -X.T * y, self.space) for r in results) == 2
        assert sum(same_matrix(r, 2 * X.T * X * w, self.space) for r in results) == 1

    def test_quadratic_term_is_the_a4_computation(self):
        """∇(wᵀXᵀXw) = 2XᵀXw by the same case split as A4."""
        cases = [s for s in self.e.steps if s.reason and s.reason.kind == "cases"]
        assert len(cases) == 1
        D = {"i": dims_of(LS)["m"], **dict.fromkeys("jpk", dims_of(LS)["n"])}
        absorb = next(s for s in self.e.steps if s.reason and s.reason.kind == "absorb")
        assert same(absorb.rhs, index_expr(D, (2, "X:ij X:ik w:j", "i j")))

    def test_the_sum(self):
        X, y, w = self.X, self.y, self.w
        sum_step = next(s for s in self.e.steps if s.reason and s.reason.kind == "add terms")
        assert sum_step.lhs == Nabla(self.e.function_expr, 1, "w")
        (constant,) = sum_step.reason.args[0]  # yᵀy, as on the multiplied-out line
        assert same_matrix(sp.Trace(constant), sp.Trace(y.T * y), self.space)
        assert same_matrix(self.e.steps[-1].rhs, -2 * X.T * y + 2 * X.T * X * w, self.space)
        assert self.e.result_text == "-2 * X.T @ y + 2 * X.T @ X @ w"

    def test_index_form_of_the_norm_is_a_sum_of_squares(self):
        """‖y − Xw‖² = Σ_i (y_i − Σ_j X_ij w_j)²."""
        f = self.e.function_expr
        nested = ix.to_index(f, self.space, nested=True)
        (term,) = nested.terms
        (group,) = term.factors
        assert isinstance(group, ix.Group) and group.power == 2
        m, n = dims_of(LS)["m"], dims_of(LS)["n"]
        i = term.sums[0].index
        inner = index_expr({"i": m, "j": n}, (1, "y:i", ""), (-1, "X:ij w:j", "j"))
        renamed = IndexExpr(tuple(ix.rename(t, {i: Index("i", m)}) for t in group.expr.terms))
        assert same(renamed, inner)


# -- every step is checked --------------------------------------------------------------------
def test_a_wrong_step_is_caught():
    e = explain_gradient("x.T @ A @ x", wrt="x", let=A4)
    space = parse_declarations(A4)
    steps = list(e.steps)
    D = dict.fromkeys("ijk", dims_of(A4)["n"])
    # the talk's step without its factor 2: a_kk x_k + 2 Σ_{i≠k} a_ki x_i
    steps[3] = Step(None, index_expr(D, (1, "A:kk x:k", ""), (2, "A:ki x:i", "i!k")))
    with pytest.raises(StepError, match="step 4"):
        verify(steps, "gradient", "x", space, ["A", "x"])
    assert verify(e.steps, "gradient", "x", space, ["A", "x"]).comparisons > 0


def test_a_step_of_the_wrong_shape_is_caught():
    e = explain_gradient("norm(y - X @ w)**2", wrt="w", let=LS)
    space = parse_declarations(LS)
    steps = list(e.steps)
    X = space.symbol("X")
    steps[-1] = Step(None, X.T * X)  # n×n where the gradient is n×1
    with pytest.raises(StepError, match=r"shape|does not hold"):
        verify(steps, "gradient", "w", space, ["X", "w", "y"])


def test_steps_are_checked_at_rectangular_sizes_too():
    checked = explain_gradient("norm(y - X @ w)**2", wrt="w", let=LS).checked
    assert {"m": 3, "n": 1} in checked.sizes and {"m": 2, "n": 3} in checked.sizes
    assert checked.unchecked == () and checked.comparisons > 50


@pytest.mark.parametrize(("f", "wrt", "let", "result"), [
    ("x.T @ x", "x", "x: n", "2 * x"),
    ("a @ x", "x", "x: n; a: n", "a"),
    ("(x.T @ x)**2", "x", "x: n", "4*(norm(x)**2) * x"),
    ("trace(A @ X @ B)", "X", "A: p x m; X: m x n; B: n x p", "A.T @ B.T"),
    ("norm(y - X @ w)**2", "X", LS, "-2 * outer(y, w) + 2 * outer(X @ w, w)"),
    ("sum((y - (w0 + w1*x))**2)", "w0", "x: m; y: m", "-2*sum(y) + 2*m*w0 + 2*w1*sum(x)"),
    ("x.T @ diag(d) @ x", "x", "x: n; d: n", "2 * diag(d) @ x"),
])
def test_more_gradients(f, wrt, let, result):
    e = explain_gradient(f, wrt=wrt, let=let)
    space = parse_declarations(let)
    from symderiv.parse import parse_expression

    assert same_matrix(e.result, parse_expression(result, space).expr, space), e.result_text
    assert e.checked.comparisons > 0 and e.checked.unchecked == ()


def test_outside_the_index_form_is_a_clear_error():
    with pytest.raises(UnsupportedError, match="polynomial"):
        explain_gradient("log(x.T @ x)", wrt="x", let="x: n")


# -- output -------------------------------------------------------------------------------------
def test_text_reads_like_the_talk():
    text = str(explain_gradient("x.T @ A @ x", wrt="x", let=A4))
    assert "= Σ_i Σ_j a_ij x_i x_j" in text
    assert "a_kk x_k² + Σ_{i≠k} a_ik x_i x_k + Σ_{j≠k} a_kj x_k x_j" in text
    assert "= 2 a_kk x_k + 2 Σ_{i≠k} a_ki x_i" in text
    assert "A is symmetric: a_ik = a_ki" in text
    assert "∇f = 2 Ax" in text


def test_latex_is_an_align_block():
    tex = explain_hessian("x.T @ A @ x", wrt="x", let=A4)._repr_latex_()
    assert r"\begin{align*}" in tex and r"\end{align*}" in tex
    assert r"\sum_{i \neq k} a_{ik} x_{i} x_{k}" in tex
    assert r"\frac{\partial^{2} f}{\partial x_{l} \partial x_{k}}" in tex


def test_latex_compiles(tmp_path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (.ci/run installs texlive-latex-base)")
    from symderiv.render.latex import render_explanation

    for n, e in enumerate([explain_hessian("x.T @ A @ x", wrt="x", let=A4_PLAIN),
                           explain_gradient("norm(y - X @ w)**2", wrt="w", let=LS),
                           explain_gradient("norm(y - X @ w)**2", wrt="X", let=LS),
                           explain_hessian("x_a.T @ A @ x_a", wrt="x_a",
                                           let="x_a: n; A: n x n, symmetric"),
                           explain_hessian("lam * w0**3", wrt="w0", let="")]):
        (tmp_path / f"e{n}.tex").write_text(render_explanation(e, standalone=True))
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               f"e{n}.tex"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stdout[-2000:]


def test_json_steps():
    data = explain_gradient("x.T @ A @ x", wrt="x", let=A4).to_dict()
    assert data["explanation"] == "gradient"
    assert data["result"]["input"] == "2 * A @ x"
    assert data["steps"][1]["reason"]["kind"] == "cases"
    assert data["steps"][0]["lhs"]["unicode"] == "xᵀAx"


# -- the command --------------------------------------------------------------------------------
def test_cli_explain_hessian_of_the_talk():
    r = CliRunner().invoke(main, ["explain", "hessian", "x.T @ A @ x", "--wrt", "x",
                                  "--let", A4, "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert "∇²f = 2 A" in r.output and "checked: every step holds" in r.output


def test_cli_explain_latex_and_json():
    r = CliRunner().invoke(main, ["explain", "grad", "norm(y - X @ w)**2", "--wrt", "w",
                                  "--let", LS, "--latex"])
    assert r.exit_code == 0 and r"\begin{align*}" in r.output
    r = CliRunner().invoke(main, ["explain", "grad", "norm(y - X @ w)**2", "--wrt", "w",
                                  "--let", LS, "--json"])
    assert r.exit_code == 0
    assert json.loads(r.output)["result"]["input"] == "-2 * X.T @ y + 2 * X.T @ X @ w"


@pytest.mark.parametrize(("argv", "message"), [
    (["explain", "grad", "log(x.T @ x)", "--wrt", "x", "--let", "x: n"], "polynomial"),
    (["explain", "grad", "x.T @ A @", "--wrt", "x", "--let", A4], "col"),
    (["explain", "grad", "x.T @ A @ x", "--let", A4], "--wrt"),
    (["explain", "hessian", "trace(X)", "--wrt", "X", "--let", "X: n x n"], "4-index"),
])
def test_cli_explain_bad_input(argv, message):
    r = CliRunner().invoke(main, argv)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output


def test_cli_explain_a_variable_f_does_not_have():
    r = CliRunner().invoke(main, ["explain", "grad", "x.T @ A @ x", "--wrt", "z", "--let", A4])
    assert r.exit_code == 0, r.output
    assert "∇f = 0" in r.output and "does not depend on z" in r.output


def test_cli_explain_as_a_real_process():
    proc = subprocess.run([sys.executable, "-m", "symderiv", "explain", "grad", "x.T @ A @ x",
                           "--wrt", "x", "--let", A4_PLAIN], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "(A + Aᵀ)x" in proc.stdout


# -- regressions from the reviews ---------------------------------------------------------------
def test_index_names_avoid_the_users_symbols():
    text = str(explain_gradient("p * (x @ A @ B @ x)", wrt="x",
                                let="x: n; A: n x n; B: n x n"))
    assert "Σ_p" not in text and "Σ_q" in text
    e = explain_hessian("k @ A @ k", wrt="k", let="k: n; A: n x n")
    partials = [s.lhs for s in e.steps if isinstance(s.lhs, Partial)]
    assert all(i.name != "k" for p in partials for entry in p.by for i in entry.indices)


def test_dimensions_of_size_one():
    assert explain_gradient("sum(x)", wrt="x", let="x: 1").result_text == "eye(1)"
    assert explain_gradient("x @ A @ x", wrt="x", let="x: 1; A: 1 x 1").checked.unchecked == ()


def test_a_squared_frobenius_norm_is_a_polynomial():
    e = explain_gradient("norm(W)**2", wrt="W", let="W: n x p")
    assert e.result_text == "2 * W"


def test_elementwise_products_and_diagonals_read_back():
    e = explain_gradient("x @ (A * B) @ x + trace(A) * (x @ x)", wrt="x",
                         let="x: n; A: n x n; B: n x n")
    space = parse_declarations("x: n; A: n x n; B: n x n")
    from symderiv.parse import parse_expression

    want = parse_expression("(A * B + A.T * B.T) @ x + 2 * trace(A) * x", space).expr
    assert same_matrix(e.result, want, space)


def test_a_function_without_the_variable_explains_as_zero_also_with_exp_and_log():
    """Found by the fuzz test: the steps' check compared 0.0 (mpf) with Fraction(0) and
    raised TypeError (exit 4); symbolic entries that are rational now stay exact."""
    e = explain_hessian("exp(s) * log(t)", wrt="x")
    assert e.result_text == "0"

"""Singular random points: a point where a matrix is singular is inadmissible, like any point
outside a domain, and a determinant there is 0 — never an internal error.

Found by an outside fuzz run: `equal "sqrt(2) + det(A)" "sqrt(2) + det(A.T)"` exited 4
(mpmath's LU decomposition raised TypeError on a random singular matrix; the irrational
constant sends the comparison to 60-digit arithmetic), also `trace(inv(A))` and the same
inside `verify`.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from symderiv import check_entries, check_equal, check_gradient, check_hessian, verify_document
from symderiv.calculus.evaluate import Batched, Exact, Precise
from symderiv.cli import main
from symderiv.errors import EvaluationError

#: [[0, 1], [0, 2]]: singular with a zero column below the diagonal (mpmath's TypeError);
#: [[1, 2], [2, 4]]: singular by proportional rows; [[0]]: the 1×1 zero matrix
SINGULAR = [[[0, 1], [0, 2]], [[1, 2], [2, 4]], [[0]], [[0, 0], [0, 0]],
            [[1, 1, 1], [1, 1, 1], [0, 0, 1]], [[0, 0, 3], [0, 0, 1], [2, 5, 7]]]


def _mp(rows: list[list[int]]) -> np.ndarray:
    backend = Precise()
    return backend.array(np.array(rows, dtype=object))


@pytest.mark.parametrize("rows", SINGULAR)
def test_the_determinant_of_a_singular_matrix_is_zero_in_every_backend(rows):
    assert Precise().det(_mp(rows)) == 0
    assert Exact.det(np.array(rows, dtype=object)) == 0
    assert Batched(1).det(np.array([rows], dtype=float))[0] == 0


@pytest.mark.parametrize("rows", SINGULAR)
def test_the_inverse_of_a_singular_matrix_is_an_inadmissible_point(rows):
    with pytest.raises(EvaluationError, match="singular"):
        Precise().inv(_mp(rows))
    with pytest.raises(EvaluationError, match="singular"):
        Exact.inv(np.array(rows, dtype=object))
    with pytest.raises(EvaluationError, match="singular"):
        Batched(1).inv(np.array([rows], dtype=float))


@pytest.mark.parametrize("rows", [[[2, 1], [1, 3]], [[0, 1], [1, 0]], [[0, 0, 1], [0, 2, 0],
                                                                       [3, 0, 0]]])
def test_the_60_digit_determinant_and_inverse_agree_with_exact_arithmetic(rows):
    exact, backend = np.array(rows, dtype=object), Precise()
    assert backend.det(_mp(rows)) == Exact.det(exact)
    inverse, expected = backend.inv(_mp(rows)), Exact.inv(exact)
    assert all(abs(a - backend.scalar(b)) < 1e-50 for a, b in zip(inverse.flat, expected.flat,
                                                                  strict=True))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("lhs", "rhs"), [
    ("sqrt(2) + det(A)", "sqrt(2) + det(A.T)"),
    ("sqrt(2) + trace(inv(A))", "sqrt(2) + trace(inv(A.T))"),
    ("log(3) * det(A @ B)", "log(3) * det(A) * det(B)"),
    ("sqrt(2) * inv(A @ B)", "sqrt(2) * inv(B) @ inv(A)"),
])
def test_identities_with_an_irrational_constant_hold_at_every_seed(seed, lhs, rhs):
    v = check_equal(lhs, rhs, let="A: n x n; B: n x n", seed=seed)
    assert v.outcome == "holds", str(v)


@pytest.mark.parametrize("seed", range(4))
def test_a_wrong_identity_with_singular_points_still_fails(seed):
    v = check_equal("sqrt(2) + det(A)", "sqrt(2) + trace(A)", let="A: n x n", seed=seed)
    assert v.outcome == "fails" and v.counterexample is not None


@pytest.mark.parametrize("seed", range(4))
def test_gradients_through_singular_points(seed):
    let = "A: n x n; x: n"
    assert check_gradient("sqrt(2) * det(A)", wrt="A", claim="sqrt(2) * det(A) * inv(A).T",
                          let=let, seed=seed).outcome == "holds"
    assert check_gradient("sqrt(2) * trace(inv(A))", wrt="A",
                          claim="-sqrt(2) * (inv(A) @ inv(A)).T", let=let,
                          seed=seed).outcome == "holds"
    assert check_gradient("sqrt(2) * x.T @ inv(A) @ x", wrt="x",
                          claim="sqrt(2) * (inv(A) + inv(A).T) @ x", let=let,
                          seed=seed).outcome == "holds"
    assert check_hessian("sqrt(2) * x.T @ inv(A) @ x", wrt="x",
                         claim="sqrt(2) * (inv(A) + inv(A).T)", let=let,
                         seed=seed).outcome == "holds"


def test_when_every_point_is_singular_nothing_is_decided_and_the_reason_is_given():
    """uvᵀ is singular at every size above 1: no admissible point, so undecided."""
    v = check_equal("sqrt(2) + trace(inv(outer(u, v)))", "sqrt(2) + trace(inv(outer(v, u)))",
                    let="u: 3; v: 3")
    assert v.outcome == "undecided"
    assert any("no admissible exact point" in note for note in v.notes), v.notes
    g = check_gradient("trace(inv(outer(u, x)))", wrt="x", claim="0 * x", let="u: 3; x: 3")
    assert g.outcome == "undecided"
    assert any("no point in the function's domain" in note for note in g.notes), g.notes
    e = check_entries("x @ inv(diag(x)) @ x", wrt="x", claim="ones(n)", let="x: n",
                      sizes=(2,))
    assert e.outcome != "holds" or e.evidence[0].checks > 0


@pytest.mark.parametrize("seed", range(4))
def test_a_derivation_document_through_singular_points(seed):
    doc = ("```symderiv\nlet A: n x n\nE = sqrt(2) + det(A)\n  = sqrt(2) + det(A.T)\n"
           "F = sqrt(2) + trace(inv(A))\n  = sqrt(2) + trace(inv(A.T))\n```\n")
    assert verify_document(doc, seed=seed).outcome == "holds"


# -- the command ---------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["equal", "sqrt(2) + det(A)", "sqrt(2) + det(A.T)", "--let", "A: n x n", "--seed", "0"],
    ["equal", "sqrt(2) + trace(inv(A))", "sqrt(2) + trace(inv(A.T))", "--let", "A: n x n"],
    ["grad", "sqrt(2) * det(A)", "--wrt", "A", "--let", "A: n x n",
     "--claim", "sqrt(2) * det(A) * inv(A).T"],
])
def test_the_command_holds_where_it_exited_4(args):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "internal error" not in r.output


def test_the_command_verifies_a_document_through_singular_points(tmp_path):
    doc = tmp_path / "det.md"
    doc.write_text("```symderiv\nlet A: n x n\nE = sqrt(2) + det(A)\n  = sqrt(2) + det(A.T)\n"
                   "```\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["verify", str(doc)])
    assert r.exit_code == 0, r.output


def test_the_command_says_undecided_when_every_point_is_singular():
    r = CliRunner().invoke(main, ["equal", "sqrt(2) + trace(inv(outer(u, v)))",
                                  "sqrt(2) + trace(inv(outer(v, u)))", "--let", "u: 3; v: 3"])
    assert r.exit_code == 3 and "no admissible exact point at fixed sizes" in r.output


def test_an_overflowing_matrix_is_out_of_range_without_lapack_noise(capfd):
    """e^600·e^600 overflows float64: inverting the ∞ matrix made LAPACK print 'On entry to
    DLASCL parameter number 4 had an illegal value' lines on the terminal."""
    with pytest.raises(EvaluationError, match="beyond floating point"):
        Batched(1).inv(np.full((1, 2, 2), np.inf))
    v = check_equal("trace(inv(exp(s)*exp(s)*A))", "trace(inv(exp(s)*exp(s)*A.T))",
                    let="A: n x n; s: scalar")
    assert v.outcome == "holds"
    out, err = capfd.readouterr()
    assert "DLASCL" not in out + err


# -- work bounds found by the fuzz test's singular section -----------------------------------------
def test_the_symbolic_inverse_does_not_prove_its_determinant_nonzero(monkeypatch):
    """The element-wise engine's symbolic 2×2 inverse is adj(M)/det M: SymPy's inv proved
    det M ≠ 0 with Expr.equals (random numeric tests and PSLQ), which made check_gradient
    of norm(inv(A @ A))**2 take half a minute on a loaded machine."""
    from sympy import Expr, Matrix, symbols

    from symderiv.calculus.elementwise import ExpressionBackend

    def refuse(*_args, **_kwargs):
        raise AssertionError("Expr.equals called")
    monkeypatch.setattr(Expr, "equals", refuse)
    a, b, c, d = symbols("a b c d", real=True)
    m = Matrix([[a, b], [c, d]])
    product = np.array((m @ m).tolist(), dtype=object)
    inverse = ExpressionBackend().inv(product)
    assert (Matrix(inverse.tolist()) @ m @ m).applyfunc(lambda e: e.cancel()) == Matrix.eye(2)
    with pytest.raises(EvaluationError, match="singular"):
        ExpressionBackend().inv(np.array([[a, b], [2 * a, 2 * b]], dtype=object))


def test_the_gradient_through_the_inverse_of_a_product_has_element_wise_evidence():
    v = check_gradient("norm(inv(A @ A))**2", wrt="A", let="A: n x n",
                       claim="-2 * (inv(A) @ inv(A) @ inv(A @ A).T @ inv(A)).T"
                             " - 2 * (inv(A) @ inv(A @ A).T @ inv(A) @ inv(A)).T")
    assert v.outcome == "holds", str(v)
    elementwise = next(e for e in v.evidence if e.engine == "element-wise")
    assert elementwise.outcome == "holds" and elementwise.checks > 0, str(v)


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("sqrt(2) + sqrt(det((sqrt(2) * (A - A.T).T)) ** 2)",
     "sqrt(2) + sqrt(det((sqrt(2) * (A - A.T).T).T) ** 2)"),
    ("sqrt(2) + sqrt(det(2*(A - A.T).T) ** 2)", "sqrt(2) + sqrt(det(2*(A - A.T)) ** 2)"),
    ("sqrt(2) + sqrt(det((sqrt(2) * A + A - A.T)) ** 2)",
     "sqrt(2) + sqrt(det((sqrt(2) * A + A - A.T).T) ** 2)"),
])
def test_a_sum_with_the_root_of_a_squared_determinant_prints_in_latex(lhs, rhs):
    """SymPy orders a sum's LaTeX terms by re-evaluating √(det(M)²), whose Abs rewrites the
    negated sum A.T - A inside det as a scalar product (TypeError, AttributeError,
    NotImplementedError): found by the fuzz test's singular section as an internal error in
    _repr_latex_."""
    v = check_equal(lhs, rhs, let="A: n x n")
    assert v.outcome == "holds", str(v)
    latex = v._repr_latex_()
    assert latex.startswith("$") and r"\sqrt{2}" in latex and r"\det" in latex


def test_a_float_determinant_singular_to_rounding_is_zero():
    """uvᵀ in floats: np.linalg.det leaves rounding of either sign (about 1e-17)."""
    u, v = np.array([-0.5293706927776994, -0.6572666291941539]), np.array([0.4571, 0.3700])
    m = np.outer(u, v)[None]
    assert Batched(1).det(m)[0] == 0 and Batched(1).det(np.swapaxes(m, 1, 2))[0] == 0
    # under the complex step the imaginary part, d/dh det(uvᵀ + h·E), is kept
    step = m + 1e-20j * np.eye(2)[None]
    d = Batched(1, dtype=complex).det(step)[0]
    assert d.real == 0 and d.imag == pytest.approx(1e-20 * np.trace(np.outer(u, v)))


@pytest.mark.parametrize("seed", [83, 0, 1])
def test_the_log_determinant_of_a_singular_outer_product_is_not_a_counterexample(seed):
    """Found by the fuzz test's singular section: with --seed 83 the numeric engine found
    log det(uvᵀ) undefined and log det(vuᵀ) = -39.5 at the same point, and the identity
    'failed' on rounding."""
    v = check_equal("logdet(outer(u, v))", "logdet(outer(u, v).T)", let="u: n; v: n",
                    seed=seed)
    assert v.outcome in ("holds", "undecided"), str(v)
    g = check_gradient("det(outer(u, v) + s*A)", wrt="s", let="A: n x n; u: n; v: n; s: scalar",
                       seed=seed)
    assert g.outcome == "holds", str(g)

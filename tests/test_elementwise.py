"""The element-wise engine at concrete sizes: exact polynomial entries, and its evidence."""

from fractions import Fraction
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp
from sympy.polys.rings import PolyElement

from symderiv import (
    check_entries,
    check_gradient,
    check_hessian,
    parse_declarations,
    parse_expression,
)
from symderiv.calculus.elementwise import (
    SYMBOLIC_MAX_ENTRIES,
    compare_entries,
    derivative_entries,
)
from symderiv.calculus.evaluate import Exact, compile_expr
from symderiv.errors import NotPolynomial

LS = "X: m x n; y: m; w: n"


def setup(f: str, claim: str, let: str, wrt: str, n: int, seed: int = 0):
    space = parse_declarations(let)
    fc = compile_expr(parse_expression(f, space).expr)
    cc = compile_expr(parse_expression(claim, space).expr)
    sizes = dict.fromkeys(space.dim_symbols, n)
    rng = np.random.default_rng(seed)
    names = [name for name in space.declarations if name != wrt]
    point = space.random_point(names, sizes, rng, exact=True)
    shape = space.concrete_shape(wrt, sizes)

    def draw(r, attempt):
        v = space.random_value(wrt, sizes, r, exact=True, wide=attempt >= 4)
        return [Fraction(x) for x in np.ravel(np.asarray(v, dtype=object))]
    return SimpleNamespace(space=space, fc=fc, cc=cc, sizes=sizes, rng=rng, point=point,
                           shape=shape, draw=draw)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 8])
def test_least_squares_gradient_entries_are_the_talks(n):
    """Talk A5 at n: the entries of ∇‖y − Xw‖² equal those of −2Xᵀy + 2XᵀXw as polynomials."""
    c = setup("norm(y - X @ w)**2", "-2 * X.T @ y + 2 * X.T @ X @ w", LS, "w", n)
    entries = derivative_entries(c.fc, "gradient", "w", c.point, c.sizes, c.shape)
    assert entries.mode == "polynomial"
    assert all(isinstance(v, PolyElement) for v in entries.values.flat)
    assert entries.values.shape == (n, 1)
    assert compare_entries(c.cc, entries, c.point, "w", c.sizes, c.rng, draw=c.draw).equal


def test_the_erratum_is_disproved_with_a_point():
    """The printed −2Xᵀy + XᵀXw differs; the witness is where the polynomials differ."""
    c = setup("norm(y - X @ w)**2", "-2 * X.T @ y + X.T @ X @ w", LS, "w", 3)
    entries = derivative_entries(c.fc, "gradient", "w", c.point, c.sizes, c.shape)
    cmp = compare_entries(c.cc, entries, c.point, "w", c.sizes, c.rng, draw=c.draw)
    assert not cmp.equal and cmp.mode == "polynomial"
    at = {**c.point, "w": cmp.at}
    truth = compile_expr(parse_expression("-2 * X.T @ y + 2 * X.T @ X @ w", c.space).expr)
    assert np.array_equal(truth(at, c.sizes, Exact()), cmp.expected)
    assert np.array_equal(c.cc(at, c.sizes, Exact()), cmp.claimed)
    assert not np.array_equal(cmp.expected, cmp.claimed)


def test_hessian_of_a_quadratic_form():
    c = setup("x.T @ A @ x", "A + A.T", "x: n; A: n x n", "x", 4)
    entries = derivative_entries(c.fc, "hessian", "x", c.point, c.sizes, c.shape)
    assert entries.values.shape == (4, 4)
    assert compare_entries(c.cc, entries, c.point, "x", c.sizes, c.rng, draw=c.draw).equal
    two_a = compile_expr(parse_expression("2 * A", c.space).expr)
    assert not compare_entries(two_a, entries, c.point, "x", c.sizes, c.rng, draw=c.draw).equal


def test_symmetric_variable_is_compared_on_symmetric_matrices():
    """S⁻¹ = S⁻ᵀ for symmetric S, so ∇ log det S = S⁻¹ holds there (not for every S);
    ∇ tr(SB) = Bᵀ whatever S is, and (B + Bᵀ)/2 is another matrix."""
    assert check_gradient("logdet(S)", wrt="S", claim="inv(S)",
                          let="S: n x n, positive definite").evidence[1].outcome == "holds"
    v = check_gradient("trace(S @ B)", wrt="S", claim="B.T", let="S: n x n, symmetric; B: n x n")
    assert v.evidence[1].outcome == "holds"
    v = check_gradient("trace(S @ B)", wrt="S", claim="(B + B.T) / 2",
                       let="S: n x n, symmetric; B: n x n")
    assert v.evidence[1].outcome == "fails"


def test_not_a_polynomial_falls_back_to_symbolic_entries():
    c = setup("log(sum(exp(x)))", "exp(x) / sum(exp(x))", "x: n", "x", 3)
    entries = derivative_entries(c.fc, "gradient", "x", c.point, c.sizes, c.shape)
    assert entries.mode == "symbolic"
    cmp = compare_entries(c.cc, entries, c.point, "x", c.sizes, c.rng, draw=c.draw)
    assert cmp.equal and cmp.mode == "symbolic" and cmp.points == 2


def test_symbolic_entries_are_limited():
    c = setup("log(sum(exp(x)))", "exp(x) / sum(exp(x))", "x: n", "x", SYMBOLIC_MAX_ENTRIES + 1)
    with pytest.raises(NotPolynomial):
        derivative_entries(c.fc, "gradient", "x", c.point, c.sizes, c.shape)


def test_polynomial_determinant_and_a_claim_with_an_inverse():
    """det X is a polynomial (Bareiss); the claim det(X)·X⁻ᵀ is compared at drawn values,
    where singular draws do not count against it."""
    v = check_gradient("det(X)", wrt="X", claim="det(X) * inv(X).T", let="X: n x n")
    e = v.evidence[1]
    assert e.outcome == "holds" and {"n": 4} in e.sizes
    assert check_gradient("det(X)", wrt="X", claim="det(X) * inv(X)",
                          let="X: n x n").evidence[1].outcome == "fails"


def test_gram_products_square_each_entry():
    """vᵀv is evaluated as a sum of squares: the same polynomial as the product (A x)ᵀ(A x)."""
    from sympy.polys.domains import ZZ
    from sympy.polys.rings import PolyRing

    from symderiv.calculus.elementwise import PolynomialBackend

    space = parse_declarations("x: n; A: n x n")
    gram = compile_expr(parse_expression("norm(A @ x)**2", space).expr)
    product = compile_expr(parse_expression("x.T @ A.T @ A @ x", space).expr)
    ring = PolyRing(["x1", "x2", "x3"], ZZ)
    backend = PolynomialBackend(ring)
    a = np.array([[ZZ(v) for v in row] for row in [[1, 2, 0], [-1, 3, 5], [2, 2, -4]]],
                 dtype=object)
    point = {"A": a, "x": np.array(ring.gens, dtype=object)}
    sizes = dict.fromkeys(space.dim_symbols, 3)
    assert gram(point, sizes, backend) == product(point, sizes, backend)


def test_evidence_in_every_verdict_format():
    v = check_hessian("x.T @ A @ x", wrt="x", claim="2 * A", let="x: n; A: n x n")
    e = v.evidence[1]
    assert e.engine == "element-wise" and e.outcome == "fails"
    assert e.detail == "index form: derived A + Aᵀ"
    assert e.counterexample is not None and e.counterexample.exact
    assert "element-wise" in str(v)
    assert any(x["engine"] == "element-wise" for x in v.to_dict()["engines"])
    from symderiv.render.latex import render_verdict

    assert "element-wise: fails" in render_verdict(v)


def test_check_entries_needs_a_size_to_set():
    with pytest.raises(ValueError, match="fix every size"):
        check_entries("x @ x", wrt="x", claim="2 * x", let="x: 3", sizes=(5,))
    assert check_entries("x @ x", wrt="x", claim="2 * x", let="x: n", sizes=(5, 9)).holds


def test_larger_sizes_on_request():
    v = check_gradient("norm(y - X @ w)**2", wrt="w", claim="-2 * X.T @ y + 2 * X.T @ X @ w",
                       let=LS, sizes=(16,))
    assert {"m": 16, "n": 16} in v.evidence[1].sizes
    with pytest.raises(ValueError, match=r"1\.\.128"):
        check_gradient("x.T @ x", wrt="x", let="x: n", sizes=(0,))


def test_a_wrong_cas_result_is_caught_by_the_entries(monkeypatch):
    from symderiv.calculus import matrix as mf

    real = mf.hessian
    monkeypatch.setattr(mf, "hessian", lambda f, x, space=None: sp.MatMul(3, real(f, x, space)))
    v = check_hessian("x.T @ A @ x", wrt="x", let="x: n; A: n x n")
    assert v.outcome == "undecided" and not v.agree and v.correct is None
    assert any("exact entries of the element-wise engine" in note for note in v.notes)


BEYOND = "the element-wise engine skipped n=64: X has 4096 entries, more than the 1024 it"


def test_a_size_beyond_the_work_budget_is_skipped_with_a_note():
    """As the reference says (outside fuzz run: `--sizes 64` exited 2 instead)."""
    v = check_gradient("trace(X @ X @ X @ X)", wrt="X", claim="4*(X @ X @ X).T",
                       let="X: n x n", sizes=(64,))
    assert v.outcome == "holds"
    assert [note for note in v.notes if note.startswith(BEYOND)], v.notes
    assert {"n": 64} not in v.evidence[1].sizes and {"n": 4} in v.evidence[1].sizes
    wrong = check_gradient("trace(X @ X @ X @ X)", wrt="X", claim="4*(X @ X @ X)",
                           let="X: n x n", sizes=(8, 64))
    assert wrong.outcome == "fails" and {"n": 8} in wrong.evidence[1].sizes
    assert any(note.startswith(BEYOND) for note in wrong.notes)
    rect = check_gradient("trace(X.T @ X)", wrt="X", claim="2 * X", let="X: m x n",
                          sizes=(64,))
    assert rect.outcome == "holds"
    assert any("m=64, n=64: X has 4096 entries" in note for note in rect.notes)


def test_check_entries_skips_a_size_beyond_the_budget_and_refuses_when_all_are():
    v = check_entries("trace(X @ X @ X @ X)", wrt="X", claim="4*(X @ X @ X).T",
                      let="X: n x n", sizes=(3, 64))
    assert v.outcome == "holds" and v.evidence[0].sizes == ({"n": 3},)
    assert any(note.startswith(BEYOND) for note in v.notes)
    with pytest.raises(ValueError, match="nothing to check: every size asked for is beyond "
                                         "the element-wise engine's work budget; n=64: X has "
                                         "4096 entries"):
        check_entries("trace(X @ X @ X @ X)", wrt="X", claim="4*(X @ X @ X).T",
                      let="X: n x n", sizes=(64,))


def test_an_index_form_too_large_to_show_leaves_the_entries_to_decide():
    f = "norm(A @ (A @ x))**2 * norm(C @ y)**2"
    v = check_gradient(f, wrt="x", let="x: n; y: m; A: n x n; C: m x m")
    assert v.outcome == "holds"
    assert "too large to derive entry by entry" in v.evidence[1].detail


@pytest.mark.parametrize("f", [
    # found by the fuzz test's resource bombs (tests/test_fuzz.py): evaluating the symbolic
    # entries at x = 3 ran SymPy's N() for hours (exp(exp(3·10¹⁵))), ran out of memory in
    # is_extended_real (exp(exp(3⁶⁴))) or overflowed mpmath's precision (exp⁵(x))
    "exp(exp(1e15*x))", "exp(exp(x**64))", "exp(exp(exp(exp(exp(x)))))",
])
def test_points_where_the_entries_are_astronomically_large_are_skipped(f):
    v = check_gradient(f, wrt="x")
    assert v.outcome in ("holds", "undecided")


@pytest.mark.parametrize(("f", "let"), [
    # found by the fuzz test's giant sizes (tests/test_fuzz.py): ‖XX‖² at 24×24 multiplied
    # out polynomials in 576 variables until 23 GB of memory ran out; tr(X³) at 32×32 took
    # 30 s and ‖AXB‖² 40 s
    ("norm(X @ X)**2", "X: 24 x 24"),
    ("trace(X @ X @ X)", "X: 32 x 32"),
    ("norm(A @ X @ B)**2", "X: 32 x 32; A: 32 x 32; B: 32 x 32"),
])
def test_polynomials_too_large_to_multiply_out_are_skipped_with_a_note(f, let):
    import time

    start = time.perf_counter()
    v = check_gradient(f, wrt="X", let=let)
    assert time.perf_counter() - start < 10
    assert v.outcome == "holds"  # the matrix-form and numeric engines agree
    assert any("would take too long" in note for note in v.notes)


def test_the_frobenius_norm_at_the_largest_size_is_still_multiplied_out():
    """tr(XᵀX) is Σ x_ij², not a 32×32×32 product: the entries stay exact at 32×32."""
    v = check_gradient("norm(X)**2", wrt="X", claim="2 * X", let="X: 32 x 32")
    assert v.outcome == "holds" and not v.notes


def test_symbolic_entries_of_an_inverse_of_an_inverse_are_skipped_with_a_note():
    """Found by the singular-points fuzz test (tests/test_fuzz.py): SymPy inverted the
    rational entries of inv(A + diag(x)) at 2×2 for minutes."""
    v = check_gradient("logdet(inv(inv(A + diag(x))))", wrt="A", claim="inv(A + diag(x)).T",
                       let="A: n x n; x: n", seed=1)
    assert v.outcome == "holds"
    assert any("more than 60 terms and factors is too large for symbolic entries" in note
               for note in v.notes), v.notes


def test_a_determinant_of_wide_polynomial_entries_is_skipped_with_a_note():
    """Found by the singular-points fuzz test: Bareiss on det((sA)(A − Aᵀ)) at 4×4 and 5×5
    (entries of 7 to 10 terms) ran for minutes."""
    v = check_gradient("det((s*A) @ (A - A.T))", wrt="A", let="A: n x n; s: scalar", seed=1)
    assert v.outcome in ("holds", "undecided")
    assert any("terms has too many terms to expand" in note for note in v.notes), v.notes

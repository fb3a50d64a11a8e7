"""Assumptions on values that real derivations use: labels in {-1, 1}, binary entries,
positive and nonnegative entries, full column (row) rank, size constraints such as
m >= n, and the pseudo-inverse of a matrix of declared rank."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from symderiv import DeclarationError, check_equal, check_gradient, parse_declarations
from symderiv.calculus.canonical import canonical
from symderiv.cli import main
from symderiv.errors import ParseError, UnsupportedError
from symderiv.parse import parse_expression
from symderiv.rational import exact_rank
from symderiv.space import ENTRY_SETS, PATTERN_LIMIT
from symderiv.testing.strategies import points

PM = "entries in {-1, 1}"
# the logistic loss with labels yᵢ ∈ {-1, 1} (Hastie, Tibshirani & Friedman, ESL §4.4)
LOGISTIC = "sum(log(1 + exp(-y * (X @ w))))"
LABELS = "X: m x n; y: m, entries in {-1, 1}; w: n"


def run(*args):
    return CliRunner().invoke(main, list(args))


# -- the syntax, as a user types it ------------------------------------------------------
@pytest.mark.parametrize("written", [
    "entries in {-1, 1}", "entries in {-1,1}", "in {-1, 1}", "in {1, -1}", "±1", "+-1",
    "entries ∈ {-1, 1}", "Entries In {−1, 1}"])
def test_plus_minus_one_spellings(written):
    assert parse_declarations(f"y: m, {written}").get("y").assumptions == {PM}


@pytest.mark.parametrize(("written", "key"), [
    ("binary", "binary"), ("in {0, 1}", "binary"), ("entries in {0,1}", "binary"),
    ("positive", "positive"), ("positive entries", "positive"), ("entries > 0", "positive"),
    ("nonnegative", "nonnegative"), ("non-negative", "nonnegative"),
    ("entries >= 0", "nonnegative")])
def test_entry_set_spellings_on_a_vector(written, key):
    assert parse_declarations(f"w: n, {written}").get("w").assumptions == {key}


def test_matrix_entry_sets_and_ranks():
    space = parse_declarations("X: m x n, full column rank; A: n x n, positive entries; "
                               "Y: m x n, full row rank; B: n x n, binary, symmetric")
    assert space.get("X").assumptions == {"full column rank"}
    assert space.get("A").assumptions == {"positive"}
    assert space.get("B").discrete == (0, 1)
    # entrywise positive reads back as 'positive entries', never as positive definite
    assert space.describe(["A"]) == "A: n×n, positive entries"
    assert parse_declarations(space.describe(["A"])).get("A").assumptions == {"positive"}


def test_a_square_matrix_of_full_column_rank_is_invertible():
    assert "invertible" in parse_declarations("X: n x n, full column rank").get("X").assumptions


@pytest.mark.parametrize(("text", "constraints"), [
    ("X: m x n; m >= n", ["m ≥ n"]), ("X: m x n; m ≥ n", ["m ≥ n"]),
    ("X: m x n; n <= m", ["m ≥ n"]), ("X: m x n; m > n", ["m > n"]),
    ("X: m x n; n < m", ["m > n"]), ("X: m x n; 2 <= n < m", ["n ≥ 2", "m > n"]),
    ("m >= n; X: m x n", ["m ≥ n"]),  # before the declaration that names them
    ("X: m x n, m >= n", ["m ≥ n"]),  # inside the declaration, after a comma
])
def test_size_constraints(text, constraints):
    space = parse_declarations(text)
    assert [c.describe() for c in space.constraints] == constraints
    assert space.describe().endswith("; ".join(constraints))


def test_full_column_rank_implies_rows_at_least_columns():
    space = parse_declarations("X: m x n, full column rank")
    assert [(c.describe(), c.origin) for c in space.constraints] == [
        ("m ≥ n", "X has full column rank")]
    assert space.describe() == "X: m×n, full column rank"  # implied, so not repeated


@pytest.mark.parametrize(("text", "fragment", "col"), [
    ("X: m x n, full column rank; m < n", "'m < n' cannot hold together with m ≥ n "
     "(X has full column rank)", 29),
    ("X: m x n; m > n; n > m", "'n > m' cannot hold together with m > n", 18),
    ("X: 2 x 3, full column rank", "needs at least as many rows as columns, but X is 2×3", 11),
    ("X: 3 x 2, full row rank", "needs at least as many columns as rows", 11),
    ("y: m, weird", "unknown assumption 'weird' (known: symmetric, positive definite", 7),
    ("y: m, entries in {-1, 0, 1}", "entry sets: {-1, 1} and {0, 1}", 7),
    ("A: n x n, positive", "could mean its entries or its eigenvalues", 11),
    ("A: n x n, nonnegative", "write 'nonnegative entries' or 'positive definite'", 11),
    ("A: m x n, full rank", "'full rank' could mean either side", 11),
    ("y: m, binary, ±1", "both say what the entries are", 15),
    ("A: n x n, diagonal, binary", "'diagonal' together with 'binary' is not supported", 3),
    ("A: n x n, spd, ±1", "'positive definite' together with 'entries in {-1, 1}'", 3),
    ("c: scalar, full column rank", "applies to matrices", 12),
    ("X: m x n; m >= k", "'k' is not a dimension of any declaration (dimensions: m, n)", 16),
    ("X: m x n; X >= n", "'X' is a declared symbol, not a dimension", 11),
    ("X: m x n; m = n", "'=' between sizes is not a constraint", 13),
    ("X: m x n; 2 < 3", "compares no dimension", 11),
    ("X: m x n; m >=", "a size is missing", 15),
    ("x n", "or a size constraint such as 'm >= n'", 1),
])
def test_errors_are_located(text, fragment, col):
    with pytest.raises(DeclarationError) as info:
        parse_declarations(text)
    assert fragment in str(info.value)
    assert info.value.col == col


def test_the_cli_reports_a_bad_assumption_in_one_line():
    r = run("equal", "y", "y", "--let", "y: m, entries in {0, 2}")
    assert r.exit_code == 2
    assert "unknown assumption 'entries in {0, 2}'" in r.output
    assert "Traceback" not in r.output


# -- sizes -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "X: m x n, full column rank", "X: m x n; m > n", "X: m x n, full row rank",
    "X: m x n; A: n x k; m >= n; n > k", "x: n; n >= 3", "X: m x n; n <= 2; m > n"])
def test_every_size_assignment_honours_the_constraints(text):
    space = parse_declarations(text)
    sizes = space.size_assignments()
    assert sizes
    for s in sizes:
        assert all(c.holds(s) for c in space.constraints), s


def test_strict_sizes_are_still_varied():
    sizes = parse_declarations("X: m x n; m > n").size_assignments()
    named = [(s[sp.Symbol("m", integer=True, positive=True)],
              s[sp.Symbol("n", integer=True, positive=True)]) for s in sizes]
    assert (2, 1) in named and len(named) >= 4


def test_admits_says_whether_other_sizes_can_be_chosen():
    space = parse_declarations("X: m x n; A: n x k; m >= n; n > k")
    n = sp.Symbol("n", integer=True, positive=True)
    assert not space.admits({n: 1})  # n > k ≥ 1
    assert space.admits({n: 2})


# -- random points -----------------------------------------------------------------------
_KINDS = {"scalar": "scalar", "vector": "n", "matrix": "m x n", "square": "n x n"}
_EXTRA = {"vector": [""], "scalar": [""], "matrix": ["", ", full column rank",
                                                    ", full row rank"],
          "square": ["", ", symmetric", ", invertible", ", symmetric, invertible"]}


@st.composite
def _declared(draw):
    kind = draw(st.sampled_from(sorted(_KINDS)))
    entries = draw(st.sampled_from(["positive", "nonnegative", "binary", "±1"]))
    if kind in ("matrix", "square") and entries in ("positive", "nonnegative"):
        entries += " entries"
    extra = draw(st.sampled_from(_EXTRA[kind]))
    return f"v: {_KINDS[kind]}, {entries}{extra}"


def _honours(decl, value, exact):
    arr = np.asarray(value, dtype=object)
    flat = list(arr.ravel())
    if exact:
        assert all(isinstance(x, Fraction) for x in flat)
    sets = {"binary": lambda x: x in (0, 1), PM: lambda x: x in (-1, 1),
            "positive": lambda x: x > 0, "nonnegative": lambda x: x >= 0}
    assert all(sets[decl.entries](x) for x in flat), (decl.describe(), flat)
    if decl.kind != "matrix":
        return
    m = np.asarray(value, dtype=object if exact else float)
    if "symmetric" in decl.assumptions:
        assert (m == m.T).all()
    if decl.assumptions & {"invertible", "full column rank", "full row rank"}:
        rank = exact_rank(m) if exact else np.linalg.matrix_rank(m)
        assert rank == min(m.shape)


@given(_declared(), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_drawn_points_honour_every_assumption(text, seed, exact, wide):
    space = parse_declarations(text)
    decl = space.get("v")
    for sizes in space.size_assignments():
        rng = np.random.default_rng(seed)
        value = space.random_value("v", sizes, rng, exact=exact, wide=wide)
        _honours(decl, value, exact)


@given(st.integers(0, 2**32 - 1))
def test_patterns_enumerate_every_sign_of_a_few_labels(seed):
    space = parse_declarations("y: m, ±1; c: scalar, ±1; w: m")
    m = sp.Symbol("m", integer=True, positive=True)
    count = space.patterns(["y", "c", "w"], {m: 3})
    assert count == 2 ** 4
    seen = set()
    for k in range(count):
        point = space.random_point(["y", "c", "w"], {m: 3}, np.random.default_rng(seed),
                                   exact=True, pattern=k)
        seen.add((*point["y"], point["c"]))
    assert len(seen) == 16  # every pattern once
    assert space.patterns(["y"], {m: 7}) == PATTERN_LIMIT  # too many: random ones


@given(points("X: m x n, full column rank; y: m, ±1; b: n, binary; p: n, positive; "
              "m >= n", max_side=4))
def test_hypothesis_points_honour_the_declarations(point):
    x, y = point["X"], point["y"]
    assert x.shape[0] >= x.shape[1]
    assert np.linalg.matrix_rank(x) == x.shape[1]
    assert set(np.unique(y)) <= {-1.0, 1.0}
    assert set(np.unique(point["b"])) <= {0.0, 1.0}
    assert (point["p"] > 0).all()


def test_every_entry_set_is_drawn_by_the_engines():
    assert {"positive", "nonnegative", "binary", PM} == ENTRY_SETS


# -- the matrix form's simplification ------------------------------------------------------
@pytest.mark.parametrize(("expr", "expected"), [
    ("y * y", "ones(m)"), ("y**2", "ones(m)"), ("y**3", "y"), ("y * (X @ w) * y", "X @ w"),
    ("b * b", "b"), ("b**2", "b"), ("c * c", "1"), ("c**3 * y", "c * y")])
def test_squares_of_labels_cancel(expr, expected):
    space = parse_declarations("y: m, ±1; b: m, binary; c: scalar, ±1; X: m x n; w: n")
    got = canonical(parse_expression(expr, space).expr, space)
    assert got == canonical(parse_expression(expected, space).expr, space)


def test_without_the_assumption_squares_stay():
    space = parse_declarations("y: m")
    assert not isinstance(canonical(parse_expression("y * y", space).expr, space),
                          sp.OneMatrix)


# -- verdicts ---------------------------------------------------------------------------
def test_squared_labels_are_ones_only_for_plus_minus_one_labels():
    assert run("equal", "y * y", "ones(m)", "--let", "y: m, entries in {-1, 1}").exit_code == 0
    r = run("equal", "y * y", "ones(m)", "--let", "y: m")
    assert r.exit_code == 1 and "counterexample" in r.output


@pytest.mark.parametrize("seed", range(4))
def test_a_claim_false_for_one_label_value_always_fails(seed):
    # one scalar label: both of its values are compared, so no seed misses y = -1
    assert check_equal("y", "1", let="y: scalar, ±1", seed=seed).outcome == "fails"
    assert check_equal("y**2", "1", let="y: scalar, ±1", seed=seed).outcome == "holds"
    assert check_equal("b**2", "b", let="b: m, binary", seed=seed).outcome == "holds"
    assert check_equal("b", "ones(m)", let="b: m, binary", seed=seed).outcome == "fails"


def test_logistic_gradient_with_labels():
    r = run("grad", LOGISTIC, "--wrt", "w", "--let", LABELS,
            "--claim", "-X.T @ (y / (1 + exp(y * (X @ w))))")
    assert r.exit_code == 0, r.output
    assert "y: m, entries in {-1, 1}" in r.output
    r = run("grad", LOGISTIC, "--wrt", "w", "--let", LABELS,  # the sign of the label lost
            "--claim", "-X.T @ (y / (1 + exp(X @ w)))")
    assert r.exit_code == 1, r.output
    assert "counterexample" in r.output


def test_logistic_gradient_in_zero_one_form_needs_the_labels():
    # -yσ(-yz) = σ(z) - (y + 1)/2 holds for y = ±1 only
    claim = "X.T @ (1 / (1 + exp(-(X @ w))) - (y + 1) / 2)"
    assert run("grad", LOGISTIC, "--wrt", "w", "--let", LABELS,
               "--claim", claim).exit_code == 0
    r = run("grad", LOGISTIC, "--wrt", "w", "--let", "X: m x n; y: m; w: n", "--claim", claim)
    assert r.exit_code == 1, r.output


def test_a_derivative_by_labels_is_refused():
    r = run("grad", "sum(y * y)", "--wrt", "y", "--let", "y: m, ±1")
    assert r.exit_code == 2
    assert "y takes the values -1 and 1 only" in r.output
    with pytest.raises(UnsupportedError, match="values 0 and 1 only"):
        check_gradient("sum(b)", wrt="b", let="b: m, binary")


def test_positive_entries_keep_logs_defined():
    # log(w)'s gradient needs w > 0: every size has admissible points, exactly
    v = check_gradient("sum(log(w))", wrt="w", claim="1 / w", let="w: n, positive")
    assert v.outcome == "holds"
    assert not any("no admissible" in n for n in v.notes)
    assert check_equal("sqrt(w)**2", "w", let="w: n, nonnegative").outcome == "holds"


# -- full column rank and pinv ---------------------------------------------------------------
def test_pinv_forms_follow_the_declared_rank():
    space = parse_declarations("X: m x n, full column rank; Y: m x n, full row rank; "
                               "A: n x n, invertible")

    def same(a, b):
        return parse_expression(a, space).expr == parse_expression(b, space).expr

    assert same("pinv(X)", "inv(X.T @ X) @ X.T")
    assert same("pinv(Y)", "Y.T @ inv(Y @ Y.T)")
    assert same("pinv(X.T)", "X @ inv(X.T @ X)")
    assert same("pinv(A)", "inv(A)")
    assert parse_expression("pinv(X)", space).dims == parse_expression("X.T", space).dims


@pytest.mark.parametrize("expr", ["pinv(B)", "pinv(X @ B.T)"])
def test_pinv_without_a_declared_rank_is_a_located_error(expr):
    space = parse_declarations("X: m x n, full column rank; B: m x n")
    with pytest.raises(ParseError, match="differentiable only where the rank is constant") as e:
        parse_expression(expr, space)
    assert e.value.col == 6


def test_pinv_identities_and_gradient():
    let = ["--let", "X: m x n, full column rank"]
    assert run("equal", "pinv(X) @ X", "eye(n)", *let).exit_code == 0
    r = run("equal", "X @ pinv(X)", "eye(m)", *let)  # a projection, I only when m = n
    assert r.exit_code == 1 and "m = 4, n = 3" in r.output
    # least squares: w* = pinv(X) y is where the gradient 2Xᵀ(Xw - y) vanishes
    assert run("equal", "X.T @ X @ pinv(X) @ y", "X.T @ y",
               "--let", "X: m x n, full column rank; y: m").exit_code == 0
    r = run("grad", "norm(X @ w - y)**2", "--wrt", "w", "--let",
            "X: m x n, full column rank; y: m; w: n", "--claim", "2 * X.T @ X @ (w - pinv(X) @ y)")
    assert r.exit_code == 0, r.output


def test_full_column_rank_sizes_make_gram_determinants_meaningful():
    # det(XᵀAX) > 0 needs m ≥ n: without the rank, sizes m < n have no admissible point
    let = "X: m x n, full column rank; A: m x m, positive definite"
    v = check_gradient("logdet(X.T @ A @ X)", wrt="A", claim="X @ inv(X.T @ A @ X) @ X.T",
                       let=let)
    assert v.outcome == "holds"
    assert not any("no admissible" in n or "no point" in n for n in v.notes)
    bare = check_gradient("logdet(X.T @ A @ X)", wrt="A", claim="X @ inv(X.T @ A @ X) @ X.T",
                          let="X: m x n; A: m x m, positive definite")
    assert any("no admissible" in n for n in bare.notes)


def test_sizes_asked_of_the_element_wise_engine_honour_the_constraints():
    v = check_gradient("norm(X @ w)**2", wrt="w", claim="2 * X.T @ X @ w",
                       let="X: m x n; w: n; m > n", sizes=(3,))
    assert v.outcome == "holds"
    assert "m=3, n=3: the declared size constraints exclude it" in " ".join(v.notes)
    for evidence in v.evidence:
        assert all(s["m"] > s["n"] for s in evidence.sizes), evidence


def test_grad_inside_an_expression_by_labels_is_refused():
    r = run("equal", "grad(sum(y * y), y)", "2 * y", "--let", "y: m, ±1")
    assert r.exit_code == 2
    assert "grad() by 'y', whose entries take the values -1 and 1 only" in r.output
    assert "col 18" in r.output


_CONSTRAINT = st.tuples(st.sampled_from(["m", "n", "k", "2", "4"]),
                        st.sampled_from([">=", ">", "<=", "<"]),
                        st.sampled_from(["m", "n", "k", "1", "3"]))


@given(st.lists(_CONSTRAINT, max_size=4))
def test_random_constraint_systems_are_honoured_or_refused(constraints):
    let = "X: m x n; A: n x k; " + "; ".join(" ".join(c) for c in constraints)
    try:
        space = parse_declarations(let)
    except DeclarationError as exc:  # a contradiction, or two integers compared
        assert exc.col is not None
        return
    for used in (None, set(space.dim_symbols[:1])):
        for sizes in space.size_assignments(used):
            assert space.admits(sizes), (let, sizes)
            if used is None:
                assert all(c.holds(sizes) for c in space.constraints), (let, sizes)


def test_a_derivation_document_with_labels():
    # the logistic loss's gradient rewritten step by step; the last step drops the (y + 1)/2
    from symderiv import verify_document

    doc = ("```symderiv\n"
           "let X: m x n; y: m, entries in {-1, 1}; w: n\n"
           "L = sum(log(1 + exp(-y * (X @ w))))\n"
           "grad(L, w) = -X.T @ (y / (1 + exp(y * (X @ w))))\n"
           "  = X.T @ (1 / (1 + exp(-(X @ w))) - (y + 1) / 2)\n"
           "  = X.T @ (1 / (1 + exp(-(X @ w))) - y)\n"
           "```\n")
    report = verify_document(doc)
    assert [s.verdict.outcome for s in report.steps if s.verdict] == ["holds", "holds",
                                                                       "fails"]


def test_latex_writes_the_entry_set_with_its_braces():
    from symderiv.render.latex import render_verdict

    v = check_equal("y * y", "ones(m)", let="y: m, entries in {-1, 1}")
    assert r"(entries in \{-1, 1\})" in render_verdict(v)
    w = check_equal("A @ x", "A @ x", let="A: n x n, positive entries; x: n")
    assert "(positive entries)" in render_verdict(w)


@pytest.mark.parametrize("seed", range(6))
def test_without_the_matrix_form_the_element_wise_engine_compares_every_label(seed,
                                                                            monkeypatch):
    # d(c·x²)/dx = 2cx: the claim 2x is right for c = 1 only; with the matrix form silent,
    # the element-wise engine decides, and it must see c = -1 whatever the seed
    from symderiv.engines.base import Derived
    from symderiv.engines.matrix import MatrixEngine

    monkeypatch.setattr(MatrixEngine, "derive",
                        lambda self, problem: Derived(self.name, None, "switched off"))
    v = check_gradient("c * x**2", wrt="x", claim="2 * x", let="c: scalar, ±1", seed=seed)
    # the numeric engine draws one point, which may have c = 1: fails or undecided
    assert v.outcome != "holds"
    assert next(e for e in v.evidence if e.engine == "element-wise").outcome == "fails"
    assert check_gradient("c * x**2", wrt="x", claim="2 * c * x", let="c: scalar, ±1",
                          seed=seed).outcome == "holds"

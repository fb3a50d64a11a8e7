"""Every example of the two source talks (shared/seeds.md), from Python and from the CLI."""

import pytest
from click.testing import CliRunner

from symderiv import check_gradient, check_hessian
from symderiv.cli import main
from symderiv.examples import SEED_EXAMPLES, check_example

IDS = [ex.source for ex in SEED_EXAMPLES]


@pytest.mark.parametrize("example", SEED_EXAMPLES, ids=IDS)
def test_library_verdict(example):
    v = check_example(example)
    assert v.outcome == example.expected, str(v)
    if example.task == "divide":
        assert v.reason and (v.checks or v.verdict == "none")
        return
    if example.task == "limit":
        assert (v.counterexample is not None) == (example.expected == "fails")
        return
    assert v.agree
    if example.expected == "fails":
        assert v.counterexample is not None
        assert v.diagnoses or example.task == "power"


@pytest.mark.parametrize("example", SEED_EXAMPLES, ids=IDS)
def test_cli_exit_code(example):
    r = CliRunner().invoke(main, example.argv())
    codes = {"holds": 0, "fails": 1, "unique": 0, "none": 1, "many": 1}
    assert r.exit_code == codes[example.expected], r.output


def test_talk_a4_case_split_result_without_symmetry():
    """Talk A4: without symmetry ∇f = (A + Aᵀ)x and ∇²f = A + Aᵀ."""
    g = check_gradient("x.T @ A @ x", wrt="x", let="x: n; A: n x n")
    h = check_hessian("x.T @ A @ x", wrt="x", let="x: n; A: n x n")
    assert g.correct_text == "(A + A.T) @ x"
    assert h.correct_text == "A + A.T"


def test_talk_a5_erratum_correction():
    v = check_gradient("norm(y - X @ w)**2", wrt="w", claim="-2 * X.T @ y + X.T @ X @ w",
                       let="X: m x n; y: m; w: n")
    assert v.correct_text == "-2 * X.T @ y + 2 * X.T @ X @ w"

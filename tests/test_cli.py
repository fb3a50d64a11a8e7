"""The ``symderiv`` command, in-process (click's CliRunner) and once as a real subprocess."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from symderiv.cli import main

LS = ["--let", "X: m x n; y: m; w: n"]


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_least_squares_erratum_fails_with_correction_and_counterexample():
    r = run("grad", "norm(y - X @ w)**2", "--wrt", "w", *LS,
            "--claim", "-2 * X.T @ y + X.T @ X @ w")
    assert r.exit_code == 1
    out = r.output
    assert out.startswith("✗ FAILS")
    assert "correct  -2 Xᵀy + 2 XᵀXw" in out
    assert "as input: -2 * X.T @ y + 2 * X.T @ X @ w" in out
    assert "counterexample" in out and "reproduce with --seed 0" in out
    assert "sizes    m = 1, n = 1" in out
    assert "engines (agree)" in out


@pytest.mark.parametrize(("args", "code", "head"), [
    (["grad", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n, symmetric",
      "--claim", "2 * A @ x"], 0, "✓ HOLDS"),
    (["hessian", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n", "--claim", "2 * A"],
     1, "✗ FAILS"),
    (["grad", "logdet(S)", "--wrt", "S", "--let", "S: n x n, positive definite",
      "--claim", "inv(S).T"], 0, "✓ HOLDS"),
    (["grad", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n"], 0, "✓ DERIVED"),
    (["equal", "(A @ B).T", "B.T @ A.T", "--let", "A: m x k; B: k x n"], 0, "✓ HOLDS"),
])
def test_issue_examples(args, code, head):
    r = run(*args)
    assert r.exit_code == code, r.output
    assert r.output.startswith(head)


def test_hessian_failure_says_symmetric_only():
    r = run("hessian", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n", "--claim", "2 * A")
    assert "correct  A + Aᵀ" in r.output
    assert "right only if A is symmetric" in r.output


def test_no_claim_prints_the_gradient():
    r = run("grad", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n")
    assert "as input: (A + A.T) @ x" in r.output


def test_json_output():
    r = run("grad", "norm(y - X @ w)**2", "--wrt", "w", *LS, "--claim",
            "-2 * X.T @ y + X.T @ X @ w", "--json")
    data = json.loads(r.output)
    assert r.exit_code == 1
    assert data["verdict"] == "fails"
    assert data["correct"]["input"] == "-2 * X.T @ y + 2 * X.T @ X @ w"
    assert data["counterexample"]["sizes"] == {"m": 1, "n": 1}
    assert [e["outcome"] for e in data["engines"]] == ["fails", "fails", "fails"]


def test_latex_output():
    r = run("grad", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n, symmetric",
            "--claim", "2 * A @ x", "--latex")
    assert r.exit_code == 0
    assert r"\nabla_{x} f = 2 A x" in r.output
    assert r"\textbf{The claim holds.}" in r.output


def test_seed_changes_the_points_but_not_the_verdict():
    a = run("grad", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n", "--claim",
            "2 * A @ x", "--json", "--seed", "1")
    b = run("grad", "x.T @ A @ x", "--wrt", "x", "--let", "x: n; A: n x n", "--claim",
            "2 * A @ x", "--json", "--seed", "2")
    da, db = json.loads(a.output), json.loads(b.output)
    assert da["verdict"] == db["verdict"] == "fails"
    assert da["counterexample"]["values"] != db["counterexample"]["values"]


@pytest.mark.parametrize(("args", "fragment"), [
    (["grad", "X @ y", "--wrt", "w", "--let", "X: m x n; y: m"], "shapes do not match for '@'"),
    (["grad", "__import__('os').system('echo hacked')", "--wrt", "x"], "can be called"),
    (["grad", "x.__class__", "--wrt", "x"], "only '.T'"),
    (["grad", "foo(x)", "--wrt", "x"], "unknown function 'foo'"),
    (["grad", "x +", "--wrt", "x"], "syntax error"),
    (["grad", "x", "--wrt", "x", "--let", "x: 99999999"], "too large"),
    (["grad", "x**10000", "--wrt", "x"], "too large"),
    (["grad", "x @ x", "--wrt", "x", "--let", "x: n", "--claim", "x @ x"], "claimed gradient"),
    (["grad", "x", "--wrt", "1x"], "not a variable name"),
    (["hessian", "trace(X)", "--wrt", "X", "--let", "X: n x n"], "4-index tensor"),
    (["grad", "x", "--wrt", "x", "--let", "x: n x m, symmetric"], "square matrix"),
    (["grad"], "Missing argument"),
    (["grad", "x"], "Missing option '--wrt'"),
    (["frobnicate"], "No such command"),
])
def test_bad_input_is_one_located_line_and_exit_2(args, fragment):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_parse_errors_are_one_line_for_scripts():
    r = run("grad", "x + (y * ", "--wrt", "x")
    assert r.exit_code == 2
    assert len(r.output.splitlines()) == 1
    assert r.output.startswith("Error: ") and "at col" in r.output


def test_parse_errors_show_a_caret_on_a_terminal(monkeypatch):
    from symderiv.cli import _shared

    monkeypatch.setattr(_shared, "_stderr_is_terminal", lambda: True)
    r = run("grad", "x + (y * ", "--wrt", "x")
    assert r.exit_code == 2
    lines = r.output.splitlines()
    assert lines[-1].strip() == "^" and lines[-2].strip() == "x + (y *"


def test_help_teaches_the_language():
    r = run("--help")
    assert r.exit_code == 0
    for word in ("Examples:", "@ matrix product", "positive definite", "Exit codes"):
        assert word in r.output
    g = run("grad", "--help")
    assert "denominator layout" in g.output


def test_demo_runs_every_seed_example():
    r = run("demo")
    assert r.exit_code == 0, r.output
    assert "examples got the expected verdict" in r.output


def test_real_subprocess_like_a_user():
    proc = subprocess.run(
        [sys.executable, "-m", "symderiv", "grad", "norm(y - X @ w)**2", "--wrt", "w",
         "--let", "X: m x n; y: m; w: n", "--claim", "-2 * X.T @ y + X.T @ X @ w"],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert "✗ FAILS" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "symderiv", "grad", "__import__('os')",
                          "--wrt", "x"], capture_output=True, text=True, timeout=120,
                         check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("Error:") and "Traceback" not in bad.stderr


@pytest.mark.parametrize(("args", "fragment"), [
    (["grad", "x", "--wrt", "x", "--seed", "-1"], "--seed"),
    (["grad", "x", "--wrt", "x", "--json", "--latex"], "choose one of --json and --latex"),
    (["grad", "x", "--wrt", "x", "--scale", "0"], "--scale"),
])
def test_option_values_are_validated(args, fragment):
    r = run(*args)
    assert r.exit_code == 2
    assert fragment in r.output


def test_json_errors_are_json():
    r = run("grad", "X @ w", "--wrt", "w", "--let", "X: m x n; w: n", "--json")
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert data["verdict"] == "error" and data["col"] == 1


def test_let_may_be_repeated():
    r = run("grad", "x @ A @ x", "--wrt", "x", "--let", "x: n", "--let", "A: n x n, symmetric",
            "--claim", "2 * A @ x")
    assert r.exit_code == 0


@pytest.mark.parametrize(("args", "fragment"), [
    # found by the fuzz test (tests/test_fuzz.py): '²' is a digit to str.isdigit, not to int()
    (["grad", "x", "--wrt", "x", "--sizes", "²"], "is not a list of sizes"),
    (["grad", "x", "--wrt", "x", "--let", "x: ²"], "is not a dimension"),
    (["grad", "x", "--wrt", "x", "--sizes", "9" * 5000], "(5000 digits) is too large"),
    (["limit", "1/x", "--at", "0", "--claim", "oo", "--play", "--json"], "--play is interactive"),
])
def test_odd_digits_and_options_are_bad_input_not_internal_errors(args, fragment):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.output and "internal error" not in r.output


def test_a_size_beyond_the_element_wise_budget_is_skipped_with_a_note():
    """The reference says so; an outside fuzz run found `--sizes 64` exiting 2 instead."""
    args = ["grad", "trace(X@X@X@X)", "--wrt", "X", "--let", "X: n x n",
            "--claim", "4*(X@X@X).T", "--sizes", "64"]
    r = run(*args)
    assert r.exit_code == 0, r.output
    assert "note: the element-wise engine skipped n=64: X has 4096 entries" in r.output
    data = json.loads(run(*args, "--json").stdout)
    assert data["verdict"] == "holds"
    assert any("skipped n=64" in note for note in data["notes"])


@pytest.mark.parametrize("args", [
    ["grad", "-x.T @ x", "--wrt", "x", "--let", "x: n", "--claim", "-2*x"],
    ["hessian", "-x.T @ x", "--wrt", "x", "--let", "x: n", "--claim", "-2*eye(n)"],
    ["equal", "-trace(A)", "-trace(A.T)", "--let", "A: n x n"],
])
def test_a_function_may_start_with_a_minus(args):
    # click took "-x.T @ x" for an option and printed only its usage line
    assert CliRunner().invoke(main, args).exit_code == 0

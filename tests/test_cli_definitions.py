"""``symderiv divide``, ``compare`` and ``exponents``: the issue's examples with exit codes."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from texcheck import compile_fragments, needs_pdflatex

from symderiv.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(("args", "code", "head"), [
    (["divide", "6", "3"], 0, "unique: 6 ÷ 3 = 2 in ℝ"),
    (["divide", "0", "0"], 1, "undefined: every x in ℝ solves 0·x = 0 (not unique)"),
    (["divide", "1", "0"], 1, "undefined: no x in ℝ solves 0·x = 1"),
    (["divide", "1", "2", "--domain", "ZZ"], 1, "undefined: no x in ℤ solves 2·x = 1"),
    (["divide", "2", "4", "--domain", "ZZ/6"], 1,
     "undefined: 4·x ≡ 2 (mod 6) has 2 solutions in ℤ/6ℤ, {2, 5} (not unique)"),
    (["divide", "1", "5", "--domain", "ZZ/6"], 0, "unique: 1 ÷ 5 = 5 in ℤ/6ℤ"),
    (["divide", "t**2 - 1", "t - 1", "--domain", "QQ[t]"], 0,
     "unique: (t**2 - 1) ÷ (t - 1) = t + 1 in ℚ[t]"),
    (["divide", "Matrix([[1,2],[2,4]])", "Matrix([[1,2],[2,4]])", "--domain", "matrices"], 1,
     "undefined: B·X = A has many solutions"),
    (["divide", "-6", "3"], 0, "unique: (-6) ÷ 3 = -2 in ℝ"),
    (["exponents", "--claim", "a**(1/2) = -sqrt(a)"], 1, "✗ FAILS — identity check"),
    (["exponents", "--claim", "(a**x)**y = a**(x+y)"], 1, "✗ FAILS — identity check"),
    (["exponents", "--claim", "(a**x)**y = a**(x*y)"], 0, "✓ HOLDS — identity check"),
])
def test_issue_examples(args, code, head):
    r = run(*args)
    assert r.exit_code == code, r.output
    assert r.output.splitlines()[0] == head


def test_divide_json_has_verdict_quotient_and_solutions():
    unique = json.loads(run("divide", "6", "3", "--json").output)
    assert (unique["verdict"], unique["quotient"], unique["solutions"]) == ("unique", "2", ["2"])
    many = json.loads(run("divide", "2", "4", "--domain", "ZZ/6", "--json").output)
    assert (many["verdict"], many["quotient"], many["solutions"]) == ("many", None, ["2", "5"])
    every = json.loads(run("divide", "0", "0", "--json").output)
    assert every["verdict"] == "many" and every["solutions"] == "all of ℝ"
    none = json.loads(run("divide", "1", "0", "--json").output)
    assert none["verdict"] == "none" and none["solutions"] == []
    matrix = json.loads(run("divide", "[[1,2],[2,4]]", "[[1,2],[2,4]]", "--domain",
                            "matrices", "--json").output)
    assert matrix["particular"] == [["1", "2"], ["0", "0"]]
    assert matrix["null_space"] == [[["-2"], ["1"]]]
    assert matrix["solutions"].startswith("X = X₀ + any matrix whose columns")


def test_compare_the_issue_example_side_by_side():
    r = run("compare", "0/0", "1/0", "inf - inf", "inf + 1")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("expression  mathematics (ℝ)")
    rows = {ln.split("  ")[0]: ln.split() for ln in lines[1:5]}
    assert "ZeroDivisionError" in rows["0/0"] and "nan" in rows["0/0"]
    assert "zoo" in rows["1/0"] and "∞" in rows["inf + 1"]
    data = json.loads(run("compare", "0/0", "--json").output)
    assert data["systems"][0] == "mathematics (ℝ)"
    assert data["rows"][0]["cells"][2]["value"] == "ZeroDivisionError"


def test_exponents_prints_the_derivation_and_exits_0():
    r = run("exponents")
    assert r.exit_code == 0
    for title in ("a⁰ = 1", "a⁻ⁿ = 1/aⁿ", "a^(1/n) = ⁿ√a", "a^(p/q) = (q√a)ᵖ", "Why a > 0"):
        assert f"\n{title}" in r.output
    data = json.loads(run("exponents", "--json").output)
    assert len(data["sections"]) == 6
    claim = json.loads(run("exponents", "--claim", "a**(1/2) = -sqrt(a)", "--json").output)
    assert claim["verdict"] == "fails" and claim["counterexample"]["values"] == {"a": "4"}


@pytest.mark.parametrize(("args", "words"), [
    (["divide", "1", "2", "--domain", "ZZ/1"], "the modulus must be at least 2"),
    (["divide", "1", "2", "--domain", "ZZ/abc"], "'abc' is not a modulus"),
    (["divide", "[[1,2,3],[4,5,6]]", "[[1,0],[0,1]]", "--domain", "matrices"], "not square"),
    (["divide", "[[1,2],[3,4]]", "[[1]]", "--domain", "matrices"], "both have one size"),
    (["divide", "6 +", "3"], "syntax error: the text ends too early at col 3 of dividend"),
    (["divide", "__import__('os').system('touch /tmp/pwned')", "1"], "can be called"),
    (["divide", "--domian", "ZZ", "1"], "No such option '--domian'. Did you mean"),
    (["divide", "1", "2", "--json", "--latex"], "choose one of --json and --latex"),
    (["compare", "0/"], "syntax error"),
    (["compare", "x + 1"], "unknown name 'x'"),
    (["exponents", "--claim", "a**2"], "one equation"),
    (["exponents", "--positive", "1a", "--claim", "a = a"], "not a variable name"),
])
def test_bad_input_is_one_located_line_and_exit_2(args, words):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert words in r.output
    assert "Traceback" not in r.output


def test_bad_input_with_json_still_prints_json():
    r = run("divide", "1", "2", "--domain", "ZZ/1", "--json")
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert data["verdict"] == "error" and data["col"] == 4


@needs_pdflatex
def test_latex_worked_solutions_compile(tmp_path):
    parts = [run("divide", "6", "3", "--latex").output,
             run("divide", "0", "0", "--latex").output,
             run("divide", "2", "4", "--domain", "ZZ/6", "--latex").output,
             run("divide", "t**2 - 1", "t - 1", "--domain", "QQ[t]", "--latex").output,
             run("divide", "[[1,2],[2,4]]", "[[1,2],[2,4]]", "--domain", "matrices",
                 "--latex").output,
             run("divide", "1 + I", "I", "--domain", "CC", "--latex").output,
             run("compare", "0/0", "1/0", "inf - inf", "inf + 1", "0.1 + 0.2", "0**0",
                 "2**-1075", "1e308*10", "1_0.0_1", "--latex").output,
             run("divide", "[[1,0],[0,1]]", "[[1,2],[2,4]]", "--domain", "matrices",
                 "--latex").output,
             run("divide", "x**2 - 1", "x - 1", "--domain", "QQ[x]", "--latex").output,
             run("exponents", "--latex").output,
             run("exponents", "--claim", "(a**x)**y = a**(x+y)", "--latex").output]
    proc = compile_fragments(parts, tmp_path, "defs")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "defs.pdf").stat().st_size > 1000


def test_real_process_negative_operand_and_exit_code():
    proc = subprocess.run([sys.executable, "-m", "symderiv", "divide", "-1", "0"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith("undefined: no x in ℝ solves 0·x = -1")
    assert proc.stderr == ""

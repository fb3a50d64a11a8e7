"""The pytest plugin: derivation documents as test items, one per derivation (issue 8,
part 3).  The sample project in docs/examples/ci_project runs in a real pytest process, as
in a user's CI, serially and with pytest-xdist."""

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy  # noqa: F401  (loaded once: pytester's in-process runs unload what they import)
import pytest

import symderiv
import symderiv.check
import symderiv.derivation

PROJECT = Path(__file__).resolve().parent.parent / "docs" / "examples" / "ci_project"

GOOD = """# Notes

```symderiv
let x: n; A: n x n
f = x.T @ A @ x
grad(f, x) = (A + A.T) @ x
```
"""
BAD = """# Notes with a slip

```symderiv
let X: m x n; y: m; w: n
E = norm(y - X @ w)**2
grad(E, w) = -2 * X.T @ y + X.T @ X @ w
```
"""


def summary(out: str) -> dict[str, int]:
    last = [ln for ln in out.splitlines() if re.search(r"\d+ (passed|failed|error)", ln)][-1]
    return {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?|skipped)", last)}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    where = tmp_path_factory.mktemp("user") / "ci_project"
    shutil.copytree(PROJECT, where, ignore=shutil.ignore_patterns(".hypothesis", "__pycache__"))
    return where


def run(where: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=where, capture_output=True, text=True, timeout=600, check=False)


# -- the sample project, as a user runs it -----------------------------------------------------
def test_sample_project_collects_one_item_per_derivation(project):
    out = run(project, "--collect-only", "-q")
    items = [ln for ln in out.stdout.splitlines() if "::" in ln]
    assert [i for i in items if i.startswith("notes/")] == [
        "notes/least_squares.md::E", "notes/quadratic_form.md::f",
        "notes/quadratic_form.md::g", "notes/ridge.md::R"]
    assert len(items) == 8


def test_sample_project_fails_exactly_the_wrong_derivation(project):
    out = run(project)
    assert out.returncode == 1, out.stdout + out.stderr
    assert summary(out.stdout) == {"passed": 7, "failed": 1}
    text = out.stdout
    assert "FAILED notes/ridge.md::R" in text
    assert "notes/ridge.md:5: derivation R fails" in text
    assert "✗ [2] ∇²_w R = 2 * X.T @ X + lam * eye(n)    (line 7)" in text
    assert "correct: 2·lam I + 2 XᵀX" in text and "counterexample" in text
    assert "✗ FAILS — first wrong step: [2] (line 7)" in text
    assert "Traceback" not in text and "symderiv/" not in text  # no internals


def test_sample_project_in_parallel_with_xdist(project):
    out = run(project, "-n", "2")
    assert "2 workers" in out.stdout or "created: 2/2 workers" in out.stdout, out.stdout
    assert summary(out.stdout) == {"passed": 7, "failed": 1}
    assert "FAILED notes/ridge.md::R" in out.stdout


# -- the plugin's options, in a fresh pytest each ----------------------------------------------
def test_documents_are_read_only_when_asked(pytester):
    pytester.makefile(".md", notes=BAD)
    assert pytester.runpytest().ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result = pytester.runpytest("--symderiv")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes.md:5: derivation E fails*",
                                 "*correct: -2 Xᵀy + 2 XᵀXw*"])


def test_ini_settings_glob_and_seed(pytester):
    pytester.makeini("[pytest]\nsymderiv = true\nsymderiv_glob = *.tex\nsymderiv_seed = 7\n")
    pytester.makefile(".md", notes=BAD)  # not matched by the glob
    pytester.makefile(".tex", paper="\\begin{align}\nf &= x^3 \\\\\n"
                      "\\frac{\\partial f}{\\partial x} &= 3x\n\\end{align}\n")
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*paper.tex::f FAILED*", "*reproduce with --symderiv-seed 7*"])
    result = pytester.runpytest("--symderiv-seed", "3")
    result.stdout.fnmatch_lines(["*reproduce with --symderiv-seed 3*"])


TWO = """# Two derivations in one note

```symderiv
let x: n; A: n x n, symmetric
f = x.T @ A @ x
grad(f, x) = 2 * A @ x
```

```symderiv
g = x.T @ x
  = norm(x)**2
grad(g, x) = x
```
"""


def test_a_failure_names_the_plugins_seed_option_and_numbers_steps_within_the_derivation(
        pytester):
    # the message said "reproduce with --seed 0", the command's option, which pytest does not
    # take; and g's steps were numbered [2] to [4], after f's, as in the whole document
    pytester.makefile(".md", notes=TWO)
    result = pytester.runpytest("--symderiv", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    text = result.stdout.str()
    assert "reproduce with --symderiv-seed 0" in text and "--seed 0" not in text
    result.stdout.fnmatch_lines(["  [0] g = x.T @ x    (line 10)",
                                 "✓ [1]   = norm(x)**2    (line 11)",
                                 "✗ [2] ∇_x g = x    (line 12)"])
    assert "first wrong step: [2] (line 12); 1 of 2 steps fail" in text


def test_the_command_numbers_the_same_steps_the_same_way(tmp_path):
    from click.testing import CliRunner

    from symderiv.cli import main

    (tmp_path / "notes.md").write_text(TWO, encoding="utf-8")
    r = CliRunner().invoke(main, ["verify", str(tmp_path / "notes.md")])
    assert r.exit_code == 1
    lines = r.output.splitlines()
    at = lines.index("✓ [1] ∇_x f = 2 * A @ x    (line 6)")
    assert lines[at + 1:at + 5] == ["", "  [0] g = x.T @ x    (line 10)",
                                    "✓ [1]   = norm(x)**2    (line 11)",
                                    "✗ [2] ∇_x g = x    (line 12)"]
    assert "reproduce with --seed 0" in r.output
    assert "first wrong step: [2] (line 12); 1 of 3 steps fail" in r.output


def test_assertions_name_their_own_seed_argument():
    from symderiv.testing import assert_derivation, assert_identity

    with pytest.raises(AssertionError, match="reproduce with seed=0") as e:
        assert_identity("(A @ B).T", "A.T @ B.T", let="A: n x n; B: n x n")
    assert "--seed" not in str(e.value)
    with pytest.raises(AssertionError, match=r"fails at step 2 \(line 12\)") as e:
        assert_derivation(TWO)
    assert "reproduce with seed=0" in str(e.value) and "--seed" not in str(e.value)


def test_files_without_a_derivation_give_no_items(pytester):
    pytester.makefile(".md", README="# A project\n\nNo mathematics here; `x = 1` in code.\n",
                      notes=GOOD)
    result = pytester.runpytest("--symderiv", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*notes.md::f PASSED*"])


def test_a_document_that_cannot_be_read_is_one_located_failure_and_the_run_goes_on(pytester):
    pytester.makefile(".md", notes="```symderiv\nf = x**2\n  = x *\n```\n", good=GOOD)
    (pytester.path / "binary.md").write_bytes(b"\xff\xfe```symderiv")
    result = pytester.runpytest("--symderiv", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    text = result.stdout.str()
    assert "cannot read the document: notes.md: line 3:" in text
    assert "cannot read the document: binary.md: not UTF-8 text" in text
    assert "FAILED notes.md::document" in text and "Traceback" not in text


def test_markdown_without_a_symderiv_block_is_left_alone(pytester):
    # a README or theory note with LaTeX symderiv does not read is not a derivation document
    pytester.makefile(".md", README="# Theory\n\n$$ \\theta^* = \\arg\\min_\\theta "
                                    "\\mathcal{L}(\\theta) $$\n", notes=GOOD)
    pytester.makepyfile(test_unit="def test_unit():\n    assert True\n")
    result = pytester.runpytest("--symderiv", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*notes.md::f PASSED*"])


def test_undecided_fails_by_default_or_skips(pytester, monkeypatch):
    real = symderiv.check.check_gradient

    def undecided(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), outcome="undecided")

    monkeypatch.setattr(symderiv.derivation, "check_gradient", undecided)
    pytester.makefile(".md", notes=GOOD)
    result = pytester.runpytest("--symderiv", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*derivation f is undecided at step 1 (line 6)*"])
    pytester.makeini("[pytest]\nsymderiv_undecided = skip\n")
    result = pytester.runpytest("--symderiv", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*undecided: step 1 (line 6)*"])


@pytest.mark.parametrize(("ini", "words"), [
    ("symderiv_undecided = pass", "symderiv_undecided must be 'fail' or 'skip'"),
    ("symderiv_seed = many", "symderiv_seed must be an integer"),
    ("symderiv_seed = 4294967296", "symderiv_seed must be an integer from 0 to 4294967295"),
    ("--symderiv-seed=-1", "--symderiv-seed must be an integer from 0"),
])
def test_bad_settings_are_usage_errors(pytester, ini, words):
    option = [ini] if ini.startswith("--") else []
    pytester.makeini("[pytest]\nsymderiv = true\n" + ("" if option else ini) + "\n")
    result = pytester.runpytest(*option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{words}*"])


def test_unnamed_derivations_are_named_by_their_line(pytester):
    pytester.makefile(".md", notes="```symderiv\n```\n\n$$ (x + 1)^2 = x^2 + 2x + 1 $$\n\n"
                                   "$$ x^2 - 1 = (x - 1)(x + 1) $$\n")
    result = pytester.runpytest("--symderiv", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["notes.md::line 4", "notes.md::line 6"])


# -- the how-to page shows this project word for word -------------------------------------------
HOWTO = PROJECT.parent.parent / "howto-ci.md"


def test_howto_blocks_are_the_sample_projects_files():
    text = HOWTO.read_text(encoding="utf-8")
    blocks = re.findall(r"^(`{3,4})\w+\n# docs/examples/ci_project/(\S+)\n(.*?)\n\1$", text,
                        flags=re.S | re.M)
    assert {path for _, path, _ in blocks} == {"model.py", "tests/test_model.py",
                                                "pyproject.toml", "notes/ridge.md"}
    for _, path, body in blocks:
        assert (PROJECT / path).read_text(encoding="utf-8") == body + "\n", path


def test_howto_shows_what_pytest_prints(project):
    text = HOWTO.read_text(encoding="utf-8")
    shown = re.search(r"```text\n\$ python -m pytest\n(.*?)```", text, flags=re.S).group(1)
    actual = run(project).stdout.splitlines()
    pos = 0
    for line in shown.splitlines():
        if line.strip() in ("", "..."):
            continue
        while pos < len(actual) and actual[pos].rstrip() != line.rstrip():
            pos += 1
        assert pos < len(actual), f"the how-to shows {line!r}, pytest did not print it"
        pos += 1

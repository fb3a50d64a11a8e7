"""With --json, every error is a JSON object on stdout — usage errors too (docs/reference.md,
exit codes: ``{"verdict": "error", "error": ..., "col": ..., "exit_code": 2}``), so a script
reading stdout never meets click's usage text instead."""

import json

import pytest
from click.testing import CliRunner

from symderiv.cli import main

X = ["x.T @ x", "--wrt", "x", "--let", "x: n"]


def run(*args, stdin=None):
    return CliRunner().invoke(main, list(args), input=stdin)


# one row per command that takes --json: (command line, top-level key, words of the error)
USAGE_ERRORS = [
    (["grad", *X, "--json", "--bogus"], "verdict", "No such option '--bogus'"),
    (["grad", "x.T @ x", "--let", "x: n", "--json"], "verdict", "Missing option '--wrt'"),
    (["grad", "--json"], "verdict", "Missing argument 'FUNCTION'"),
    (["grad", *X, "--json", "--sizes", "8,x"], "verdict", "is not a list of sizes"),
    (["grad", *X, "--json", "--scale", "0"], "verdict", "--scale"),
    (["grad", *X, "--json", "--latex"], "verdict", "choose one of --json and --latex"),
    (["grad", *X, "--json", "extra"], "verdict", "unexpected extra argument"),
    (["hessian", *X, "--json", "--seed", "-1"], "verdict", "--seed"),
    (["hessian", "x.T @ x", "--json"], "verdict", "Missing option '--wrt'"),
    (["equal", "A", "--json", "--let", "A: n x n"], "verdict", "Missing argument 'RHS'"),
    (["equal", "A", "A.T", "--json", "--lett", "A: n x n"], "verdict", "No such option"),
    (["explain", "grad", "x.T @ x", "--json"], "explanation", "Missing option '--wrt'"),
    (["explain", "hessian", *X, "--json", "--seed", "x"], "explanation", "--seed"),
    (["verify", "--json"], "derivation", "Missing argument 'FILE'"),
    (["verify", "/nonexistent/doc.md", "--json"], "derivation", "cannot read"),
    (["verify", "-", "--json", "--markdown", "/nonexistent/out.md"], "derivation",
     "cannot write --markdown"),
    (["divide", "1", "--json"], "verdict", "Missing argument 'B'"),
    (["divide", "1", "2", "--json", "--side", "up"], "verdict", "--side"),
    (["compare", "--json"], "comparison", "Missing argument 'EXPRESSIONS...'"),
    (["compare", "1/0", "--json", "--bogus"], "comparison", "No such option '--bogus'"),
    (["exponents", "--json", "--positive", "1x"], "verdict", "is not a variable name"),
    (["exponents", "--json", "--latex"], "verdict", "choose one of --json and --latex"),
    (["limit", "1/x", "--json", "--claim", "0"], "verdict", "Missing option '--at'"),
    (["limit", "1/x", "--at", "0", "--claim", "oo", "--play", "--json"], "verdict",
     "--play is interactive"),
    (["descent", "--json", "--batch", "0"], "verdict", "--batch"),
    (["descent", "--json", "--lr", "-1"], "verdict", "learning rate"),
    (["descent", "--json", "--methd", "all"], "verdict", "No such option"),
]


@pytest.mark.parametrize(("args", "key", "words"), USAGE_ERRORS)
def test_a_usage_error_with_json_is_json_on_stdout_with_exit_2(args, key, words):
    r = run(*args, stdin="")
    assert r.exit_code == 2, r.output
    data = json.loads(r.stdout)  # stdout holds the JSON object and nothing else
    assert data[key] == "error"
    assert words in data["error"]
    assert data["exit_code"] == 2 and data["col"] is None
    assert "Usage:" not in r.stdout
    assert words in r.stderr  # people still read click's message there


def test_every_command_that_takes_json_is_covered():
    """A new command with --json gets a row above: its usage errors are JSON too."""
    covered = {tuple(args[:2]) if args[0] == "explain" else (args[0],)
               for args, _, _ in USAGE_ERRORS}
    takes_json = set()
    for name, command in main.commands.items():
        for sub_name, sub in getattr(command, "commands", {name: command}).items():
            if any("--json" in getattr(p, "opts", ()) for p in sub.params):
                takes_json.add((name, sub_name) if sub is not command else (name,))
    assert takes_json == covered


@pytest.mark.parametrize("args", [
    ["grad", *X, "--bogus"],  # no --json: click's usage text only, as before
    ["grad", "x.T @ x", "--let", "--json", "--bogus"],  # '--json' is the value of --let
    ["grad", "x.T @ x", "--bogus", "--", "--json"],  # after '--' it is an argument
])
def test_without_json_a_usage_error_prints_nothing_on_stdout(args):
    r = run(*args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "Usage:" in r.stderr


def test_help_with_json_is_still_help():
    r = run("grad", "--json", "--help")
    assert r.exit_code == 0 and r.stdout.startswith("Usage:")


def test_bad_input_to_descent_with_json_is_json():
    # descent answered bad data with a line on stderr only
    r = run("descent", "--data", "/nonexistent/points.csv", "--json")
    assert r.exit_code == 2
    assert json.loads(r.stdout) == {"verdict": "error", "col": None, "exit_code": 2,
                                    "error": "cannot read '/nonexistent/points.csv': "
                                             "No such file or directory"}


def test_a_usage_error_with_json_as_a_real_subprocess():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "symderiv", "grad", *X, "--json", "--bogus"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"] == "No such option '--bogus'."
    assert "Usage:" in proc.stderr

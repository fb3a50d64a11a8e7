"""The help of the commands that read expressions teaches the language — its operators and
every function, grouped — and the README's table lists every function; both are generated
from FUNCTIONS (parse/expression.py), and these tests keep them so."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import main
from symderiv.cli.language import GROUPS, OTHER, function_groups, function_table
from symderiv.parse.expression import FUNCTIONS

README = Path(__file__).resolve().parent.parent / "README.md"


def help_of(*command):
    r = CliRunner().invoke(main, [*command, "--help"])
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("command", [("grad",), ("hessian",), ("equal",), ("verify",), ()])
def test_help_lists_the_operators_and_every_function(command):
    text = help_of(*command)
    for operator in ("@ matrix product", ".T transpose", "+ - * / ** elementwise"):
        assert operator in text
    for heading in ("linear algebra:", "element-wise:", "vector functions:", "piecewise:"):
        assert heading in text
    listed = set(re.findall(r"[a-z_0-9]+", text.split("Functions")[1].split("Declarations")[0]))
    missing = [name for name in FUNCTIONS if name not in listed]
    assert not missing, f"{' '.join(command)} --help does not list {missing}"


def test_each_function_is_in_a_group():
    groups = function_groups()
    assert OTHER not in groups, (f"place {groups.get(OTHER)} in GROUPS of "
                                 "symderiv/cli/language.py (or in the functions table's group)")
    shown = [name for names in groups.values() for entry in names for name in entry.split("/")]
    assert sorted(shown) == sorted(FUNCTIONS)  # each once, aliases beside their function


def test_the_groups_name_only_functions_of_the_language():
    # a function renamed or removed must not linger in the help's table
    stale = [n for _, names in GROUPS.values() for n in names if n not in FUNCTIONS]
    assert not stale


def test_the_piecewise_group_holds_the_functions_with_a_kink():
    groups = function_groups()
    assert {"abs", "relu", "sign", "heaviside", "where"} <= set(groups["piecewise"])
    assert "sigmoid/expit/logistic" in groups["element-wise"]
    assert "softmax" in groups["vector functions"]


def test_the_readme_table_lists_every_function():
    readme = README.read_text(encoding="utf-8")
    table = function_table()
    assert table in readme, ("README.md's table of functions differs from the language: "
                             "replace it with\n" + table)
    calls = set(re.findall(r"`([a-z_0-9]+)\(", table))
    assert calls >= set(FUNCTIONS)


def test_the_table_escapes_a_pipe_in_a_description(monkeypatch):
    from symderiv.cli import language

    monkeypatch.setattr(language, "FUNCTIONS", {"norm": "norm(v): |v|, the length of v"})
    assert "| linear algebra | `norm(v)` | \\|v\\|, the length of v |" in language.function_table()

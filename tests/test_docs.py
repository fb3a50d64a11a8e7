"""The docs' examples are executed: console blocks through the CLI, Python blocks as doctests."""

import doctest
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXIT = {"✓ HOLDS": 0, "✓ DERIVED": 0, "✗ FAILS": 1, "? UNDECIDED": 3, "Error:": 2,
        "Gradient of": 0, "Hessian of": 0, "unique:": 0, "undefined:": 1, "expression ": 0,
        "The exponent laws": 0, "model ": 0, "✗ DIVERGED": 1}


def _console_examples():
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
            lines = block.rstrip("\n").split("\n")
            cmd, expected = None, []
            for line in [*lines, "$ "]:
                if line.startswith("$ "):
                    if cmd is not None:
                        yield pytest.param(cmd, expected, id=f"{path.name}: {cmd[:60]}")
                    cmd, expected = line[2:], []
                else:
                    expected.append(line)


@pytest.mark.parametrize(("command", "expected"), list(_console_examples()))
def test_console_example(command, expected):
    argv = shlex.split(command)
    assert argv[0] == "symderiv"
    result = CliRunner().invoke(main, argv[1:])
    actual = result.output.splitlines()
    # every shown line appears, in order; '...' stands for lines left out
    pos = 0
    for line in expected:
        if line.strip() == "..." or not line.strip():
            continue
        while pos < len(actual) and actual[pos].rstrip() != line.rstrip():
            pos += 1
        assert pos < len(actual), f"missing line {line!r} in output:\n{result.output}"
        pos += 1
    # the verdict line: the first line, or the summary at the end (verify)
    lines = actual[:1] if argv[1] != "verify" else actual[::-1]
    head = next(k for line in lines for k in EXIT if line.startswith(k))
    assert result.exit_code == EXIT[head]


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_python_examples(path):
    failures, _ = doctest.testfile(str(path), module_relative=False,
                                   optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


def test_docs_have_examples():
    assert len(list(_console_examples())) >= 8

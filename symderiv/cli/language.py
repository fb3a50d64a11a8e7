"""The expression language in a few lines, for the ``--help`` of the commands that read
expressions: its operators and every function of ``FUNCTIONS`` (parse/expression.py),
grouped; and the README's table of the functions (tests/test_cli_help.py keeps it the
same). Generated from that table, so a new function shows up here without an edit."""

from __future__ import annotations

import re
import textwrap

from ..calculus.functions import BY_NAME
from ..parse.expression import FUNCTIONS

__all__ = ["DECLARATIONS_HELP", "GROUPS", "LANGUAGE_HELP", "function_groups", "function_table"]

#: the headings, in the order shown, and the functions the table of scalar functions
#: (calculus/functions.py: its ``group`` is the key, or piecewise for a function with a
#: kink) does not hold
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "linear algebra": ("linear algebra", ("trace", "det", "logdet", "inv", "pinv", "norm",
                                          "outer", "eye", "ones", "diag")),
    "elementwise": ("element-wise", ("exp", "log", "sqrt")),
    "vector": ("vector functions", ("sum", "softmax", "log_softmax", "logsumexp")),
    "piecewise": ("piecewise", ("maximum", "minimum", "where", "max", "min")),
    "derivatives": ("derivatives", ("diff", "grad")),
}

#: the heading of a function no group names: the help still lists it (a test keeps this
#: group empty, so that each new function is placed)
OTHER = "more"

OPERATORS = """\
  @ matrix product   .T transpose   + - * / ** elementwise (a scalar broadcasts)
  vectors are 1-D: x.T @ A @ x is a scalar; u @ v is the dot product
  < <= > >= compare, inside where(...)"""


def _group_of(name: str) -> str:
    for key, (_, names) in GROUPS.items():
        if name in names:
            return key
    f = BY_NAME.get(name)
    if f is None:
        return OTHER
    # a function with a kink (abs, relu, sign, heaviside) is defined piece by piece
    key = f.group if f.smooth else "piecewise"
    return key if key in GROUPS else OTHER


def _grouped() -> dict[str, list[tuple[str, list[str]]]]:
    """Heading -> (function, its aliases) under it, in the order of ``FUNCTIONS``; every
    name of ``FUNCTIONS`` appears once."""
    out: dict[str, list[tuple[str, list[str]]]] = {h: [] for h, _ in GROUPS.values()}
    out[OTHER] = []
    for name in FUNCTIONS:
        f = BY_NAME.get(name)
        if f is not None and name != f.name and f.name in FUNCTIONS:
            continue  # an alias: written beside its function
        aliases = [a for a in f.aliases if a in FUNCTIONS] if f is not None else []
        key = _group_of(name)
        out[GROUPS[key][0] if key in GROUPS else OTHER].append((name, aliases))
    return {heading: rows for heading, rows in out.items() if rows}


def function_groups() -> dict[str, list[str]]:
    """Heading -> the functions under it, each written with its aliases
    ('sigmoid/expit/logistic')."""
    return {heading: ["/".join([name, *aliases]) for name, aliases in rows]
            for heading, rows in _grouped().items()}


def function_table() -> str:
    """The README's table of the functions: group, call, what it is — from the one-line
    descriptions of ``FUNCTIONS`` ('trace(M): sum of the diagonal of a square matrix')."""
    lines = ["| group | function | what it is |", "| --- | --- | --- |"]
    for heading, rows in _grouped().items():
        for name, _ in rows:
            call, _, what = FUNCTIONS[name].partition(": ")
            if not what:  # a description without its call: the name stands for it
                call, what = f"{name}(…)", call
            call = re.sub(r"\w+\([^()]*\)", lambda m: f"`{m.group()}`", call)
            cells = (heading, call, what)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _language_help() -> str:
    width = max(map(len, function_groups())) + 2
    lines = ["\b", "Expressions are numpy-like:", OPERATORS, "Functions (the README "
             "describes each one):"]
    for heading, names in function_groups().items():
        lines += textwrap.wrap(", ".join(names), width=94, break_on_hyphens=False,
                               initial_indent=f"  {heading + ':':<{width}}",
                               subsequent_indent=" " * (width + 2))
    return "\n".join(lines) + "\n"


#: the operators and the functions, grouped: the epilog of every command that reads
#: expressions (click keeps a paragraph after \b as written)
LANGUAGE_HELP = _language_help()

DECLARATIONS_HELP = """\b
Declarations (--let) are separated by ';':
  NAME[, NAME]: scalar | n | m x n  [, ASSUMPTION ...]
  assumptions: symmetric, positive definite, invertible, diagonal, orthogonal
               (square matrices); full column rank, full row rank (matrices);
               entries in {-1, 1}, binary, positive, nonnegative (the entries;
               a matrix's: positive entries, nonnegative entries)
  size constraints: m >= n, m > n, n <= m (also after a comma: 'X: m x n, m >= n')
  undeclared names are real scalars; 'a: n x 1' declares a column.
"""

"""Hostile input, generated (issue 8, requirement 4): never a traceback, never code
execution, bounded time and memory.

Hypothesis writes text for every entry point that reads user text — the numpy-like
expression parser, the LaTeX parser, the declarations, the definitions' value reader,
derivation documents, divide / compare / exponents / limits, and the ``symderiv`` command
in-process — from four sources: arbitrary text (any code point, control characters, NUL),
token soups over each language's alphabet (so that inputs get deep into the grammars),
mutations of valid inputs from the docs and tests, and Python-injection attempts.

An input is *handled* when the entry point returns or raises a ``SymderivError``; for the
command, when it exits 0–3 with no traceback and a bad input (exit 2) is said in one line
``Error: …`` (click's usage errors add their ``Usage:`` lines).  Anything else fails the
test with the input that caused it, shrunk by Hypothesis.  Every input fed is counted in
``FUZZ``; ``conftest.py`` prints the total in pytest's summary.  ``max_examples`` is set on
each test, so the total does not depend on the Hypothesis profile.

The explicit tests at the end give the resource bombs — huge exponents, deep nesting,
giant sizes, megabyte inputs — and check they get a clear error quickly, and run the
nastiest ones through the real command under an address-space limit.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symderiv import (
    SymderivError,
    check_equal,
    check_gradient,
    check_limit,
    check_power_claim,
    compare,
    divide,
    parse_declarations,
    parse_expression,
    parse_latex,
    verify_document,
)
from symderiv.cli import main
from symderiv.parse.expression import FUNCTIONS
from symderiv.parse.values import MATH_FUNCTIONS, parse_equation, parse_value

#: The slowest single input may take this long (the slowest measured is far below): CPU time
#: of this process, a bound on the work done, not on how busy the machine is
MAX_SECONDS = 5.0

#: A file that an injected command would create; it must never exist.
SENTINEL = Path(tempfile.gettempdir()) / f"symderiv-fuzz-pwned-{os.getpid()}"


@dataclass
class _Ledger:
    """What the fuzz tests fed: inputs per entry point, failures, the slowest input."""

    inputs: Counter[str] = field(default_factory=Counter)
    exits: Counter[int] = field(default_factory=Counter)
    uncaught: int = 0
    slowest: tuple[float, str, str] = (0.0, "", "")
    tests: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.inputs.values())

    def summary(self) -> list[str]:
        seconds, entry, shown = self.slowest
        head = (f"fuzz: {self.total:,} generated inputs, {self.uncaught} uncaught exceptions, "
                f"slowest {seconds:.2f} s ({entry} on {shown})")
        per = ", ".join(f"{name} {n:,}" for name, n in sorted(self.inputs.items()) if n)
        exits = ", ".join(f"{code}: {n:,}" for code, n in sorted(self.exits.items()))
        return [head, f"fuzz: per entry point: {per}", f"fuzz: command exit codes: {exits}"]


FUZZ = _Ledger()


def feed(entry: str, call: Callable[[], Any], shown: object, *, count: bool = True) -> Any:
    """call(), counted; a SymderivError is an answer (None), anything else fails the test.
    ``count=False`` for a further use of an input already counted (printing its result)."""
    start = time.process_time()
    try:
        return call()
    except SymderivError:
        return None
    except Exception:
        FUZZ.uncaught += 1
        raise
    finally:
        elapsed = time.process_time() - start
        FUZZ.inputs[entry] += count
        if elapsed > FUZZ.slowest[0]:
            FUZZ.slowest = (elapsed, entry, repr(shown)[:60])
        assert elapsed < MAX_SECONDS, f"{entry} took {elapsed:.1f} s on {shown!r}"
        assert not SENTINEL.exists(), f"{entry} ran injected code from {shown!r}"


#: SYMDERIV_FUZZ_SCALE=10 runs ten times as many inputs (a deeper search, by hand).
SCALE = int(os.environ.get("SYMDERIV_FUZZ_SCALE", "1"))


def fuzz_settings(examples: int) -> Callable[[Any], Any]:
    return settings(max_examples=examples * SCALE, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


# -- alphabets -------------------------------------------------------------------------------
S = str(SENTINEL)
INJECTIONS = [
    f"__import__('os').system('touch {S}')",
    "().__class__.__bases__[0].__subclasses__()",
    f"(lambda: __import__('os').system('touch {S}'))()",
    f"f\"{{__import__('os').system('touch {S}')}}\"",
    f"open('{S}', 'w').write('x')",
    f"exec(\"open('{S}', 'w')\")",
    f"eval(\"__import__('os').system('touch {S}')\")",
    f"(p := open('{S}', 'w'))",
    f"[open('{S}', 'w') for _ in [1]]",
    f"{{open('{S}', 'w') for _ in (1,)}}",
    "x.__class__.__init__.__globals__",
    f"globals()['__builtins__']['open']('{S}', 'w')",
    f"getattr(__builtins__, 'open')('{S}', 'w')",
    f"x if __import__('os').system('touch {S}') else x",
    f"Matrix([[__import__('os').system('touch {S}')]])",
    f"sqrt(__import__('os').system('touch {S}'))",
    f"import os; os.system('touch {S}')",
    f"\\input{{{S}}}", f"\\write18{{touch {S}}}", f"\\immediate\\write18{{touch {S}}}",
    f"$(touch {S})", f"`touch {S}`", f"; touch {S}", "\\def\\x{\\x}\\x",
    "breakpoint()", "help()", "quit()", "__import__", "exec", "eval", "lambda: 1",
    "x.T.__class__", "norm.__globals__", "(1).__class__", "'%s%n' % ()", "b'\\x00'",
]

ARBITRARY = st.text(max_size=40) | st.text(st.characters(codec=None), max_size=20) | \
    st.text(st.characters(max_codepoint=0x1F), max_size=10) | st.binary(max_size=30).map(
        lambda b: b.decode("utf-8", errors="surrogateescape"))

HUGE = ["9**9**9", "2**64**64", "10**15", "1e999", "-1e999", "1e308", "1e-400", "9" * 40,
        "9" * 3999, "0." + "0" * 30 + "1", "1_000", "0x10", "0b11", "1j", "2J", "1e3a", "00",
        "4096", "4097", "65", "64", "-64", "10**10**10", "(-8)**(1/3)", "0**-1", "1/0"]

EXPR_TOKENS = ["x", "y", "w", "A", "X", "S", "B", "u", "v", "s", "t", "n", "m", "w0", "w1",
               "c", "I", "T", "e", "lam", "_x", "None", "True",
               "0", "1", "2", "3", "0.5", ".5", "1e3", "-1",
               "@", "*", "**", "+", "-", "/", ".T", " ", ",", "(", ")", "[", "]", "//", "%",
               "==", "<", "&", "|", "^", "~", ":=", ";", "#", "=", ".", "'", '"', "\\", ":",
               "!", "lambda ", " if ", " else ", " for ", " in ", "...", "\n", "\t", "\x00",
               "é", "∑", "ａ", *(f + "(" for f in FUNCTIONS), "abs(", "print(", "open(",
               "exec(", "getattr(", "__import__(", "Matrix(", "sin(", *HUGE]

LATEX_TOKENS = ["x", "y", "w", "A", "X", "S", "a", "k", "i", "j", "n", "T", "d", "e", "I",
                "0", "1", "2", "9", " ", "+", "-", "/", "(", ")", "[", "]", "{", "}", "|",
                "^", "_", "=", "&", "\\\\", ",", ".", "!", "'", "*", "@",
                "\\frac{", "\\dfrac{", "}{", "\\sqrt{", "\\sqrt[3]{", "\\|", "\\Vert",
                "\\left(", "\\right)", "\\left[", "\\right]", "\\left\\|", "\\right\\|",
                "\\lVert", "\\rVert", "\\left|", "^\\top", "^T", "^{-1}", "^{-\\top}", "^{",
                "_{", "_2", "^2", "^{10}", "^{999999999}", "\\nabla_w", "\\nabla^2_x",
                "\\partial", "\\frac{\\partial}{\\partial w}", "\\frac{d}{dt}", "\\sum",
                "\\sum_{i=1}^{n}", "\\sum_i", "\\sum_{i \\neq k}", "a_{ij}", "x_i", "x_k",
                "\\neq", "\\cdot", "\\times", "\\circ", "\\odot", "\\operatorname{tr}",
                "\\mathrm{tr}", "\\text{", "\\mathrm{d}", "\\log", "\\ln", "\\det", "\\exp",
                "\\tr", "\\mathbf{x}", "\\boldsymbol{", "\\bm{", "\\vec{", "\\lambda",
                "\\alpha", "\\sigma", "\\Sigma", "I_n", "I_{3}", "I_{0}", "e^{", "w_0",
                "w_{12}", "\\mathsf{T}", "\\intercal", "\\,", "\\;", "\\quad", "~",
                "\\unknown", "\\begin{aligned}", "\\end{aligned}", "\\\\[2pt]", "%",
                "\x00", "é", "∂", *HUGE]

DECL_TOKENS = ["x", "y", "A", "X", "w", "S", "n", "m", "k", "T", "trace", "lambda", "_a",
               "é", ":", ";", ",", " ", "x", "×", "*", "scalar", "symmetric",
               "positive definite", "positive", "invertible", "diagonal", "orthogonal",
               "spd", "pd", "sym", "unknown", "1", "3", "32", "33", "0", "-1", "1.5", "²",
               "١", "10**9", "1000000000", "99999999999", "9" * 400, "9" * 5000, "x x",
               "m x n", "n x n", "3x3", "n x n x n", "=", "\n", "\x00", "let "]

VALUE_TOKENS = ["0", "1", "2", "3", "8", "-", "+", "*", "/", "**", "(", ")", ",", " ",
                "inf", "oo", "-oo", "I", "pi", "t", "a", "x", "eps", "R", "n", "e", "E",
                "sqrt(", "root(", "Matrix([[", "[[", "[", "]", "]]", "=", "==", "2j", "0.1",
                ".5", "e3", "4096", "Min(", "Max(", "sin(", "cos(", "tan(", "exp(", "log(",
                "abs(", "Abs(", "nan", "zoo", "True", "None", "'", "lambda", "_", "@", "%",
                *HUGE]


def soup(tokens: list[str], max_size: int = 24) -> st.SearchStrategy[str]:
    """Strings built from a language's own tokens (odd characters are among them)."""
    return st.lists(st.sampled_from(tokens), min_size=1, max_size=max_size).map("".join)


def grammar(atoms: list[str], unary: list[str], binary: list[str], leaves: int = 10
            ) -> st.SearchStrategy[str]:
    """Well-formed nestings of a language's constructs (``norm({0} @ {1})``), with random
    atoms: syntactically fine, so they reach the typed builders and the value checks."""
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(st.sampled_from(unary), inner).map(lambda t: t[0].format(t[1])),
            st.tuples(st.sampled_from(binary), inner, inner).map(
                lambda t: t[0].format(t[1], t[2])))
    return st.recursive(st.sampled_from(atoms), extend, max_leaves=leaves)


_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\*\*|\.T|[A-Za-z_]\w*\(?|\d+(?:\.\d*)?(?:e-?\d+)?|\s+|.")


@st.composite
def mutated(draw: Any, corpus: list[str], tokens: list[str]) -> str:
    """A valid input with a few tokens inserted, deleted, duplicated, replaced or swapped."""
    parts = _TOKEN.findall(draw(st.sampled_from(corpus)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "replace", "swap"]))
        i = draw(st.integers(0, max(len(parts) - 1, 0)))
        if op == "insert" or not parts:
            parts.insert(i, draw(st.sampled_from(tokens)))
        elif op == "delete":
            del parts[i]
        elif op == "duplicate":
            parts.insert(i, parts[i] * draw(st.integers(2, 4)))
        elif op == "replace":
            parts[i] = draw(st.sampled_from(tokens))
        else:
            j = draw(st.integers(0, len(parts) - 1))
            parts[i], parts[j] = parts[j], parts[i]
    return "".join(parts)


def mix(*weighted: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, with these weights (``a | b`` flattens nested choices and
    weighs every branch alike, so a large one_of would drown a small one)."""
    pool = [strategy for weight, strategy in weighted for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def hostile(tokens: list[str], corpus: list[str], built: st.SearchStrategy[str] | None = None,
            max_size: int = 24) -> st.SearchStrategy[str]:
    """The four sources, mixed: arbitrary text, token soup (and well-formed nestings),
    mutations of valid inputs, injections."""
    sources = [(2, ARBITRARY), (3, soup(tokens, max_size)), (4, mutated(corpus, tokens)),
               (1, st.sampled_from(corpus)), (1, st.sampled_from(INJECTIONS))]
    if built is not None:
        sources.append((4, built))
    return mix(*sources)


# -- valid inputs (from docs/reference.md, docs/tutorial.md and the tests) -------------------
LET = ("X: m x n; y: m; w: n; x: n; u: n; v: n; a: n; A: n x n; B: n x n; "
       "S: n x n, positive definite; M: n x n, symmetric; s: scalar; t: scalar; lam: scalar")

EXPRESSIONS = [
    "norm(y - X @ w)**2", "x.T @ A @ x", "-2 * X.T @ y + 2 * X.T @ X @ w", "logdet(S)",
    "inv(S).T", "trace(A @ B)", "(A @ B).T", "B.T @ A.T", "sum((y - X @ w)**2)",
    "exp(s) * log(t)", "sqrt(x @ x)", "outer(u, v)", "diag(x)", "diag(A)", "eye(n) @ x",
    "ones(n) @ x", "ones(m, n)", "det(A)", "x @ A", "u @ v", "(A + A.T) @ x", "2 * A @ x",
    "diff(s**2, s)", "grad(x.T @ A @ x, x)", "x / s", "x * x", "A**2", "s**-1",
    "0.5 * norm(x)**2", "w0 + w1*t", "(y - X @ w).T @ (y - X @ w)", "x.T @ M @ x",
    "lam * norm(w)**2 + norm(y - X @ w)**2", "trace(inv(S) @ A)", "exp(x) @ u", "log(s**2 + 1)",
    # the functions losses are written with (docs/ml-losses.md)
    "sum(log(1 + exp(-y * (X @ w))))", "sigmoid(X @ w)", "sum(softplus(X @ w) - y * (X @ w))",
    "tanh(A @ x)", "sum(relu(A @ x))", "maximum(0, x)", "minimum(x, 1)", "abs(s)", "sign(x)",
    "where(abs(x) <= 1, 0.5 * x**2, abs(x) - 0.5)", "softmax(x)", "log_softmax(A @ x)",
    "logsumexp(x)", "norm(x, 1)", "norm(A, 'fro')", "heaviside(s, 1)", "arcsin(s / (1 + s**2))",
    "log1p(s**2)", "expm1(x)", "sinh(s) + cosh(s)", "arctan(x) @ u", "-y @ log(softmax(X.T @ y))",
]

LATEX = [
    r"\|y - Xw\|^2", r"x^\top A x", r"2X^\top y", r"\operatorname{tr}(A^{-1}B)",
    r"\frac{1}{2}\log\det S", r"(y - Xw)^\top (y - Xw)", r"-2X^\top y + 2X^\top X w",
    r"\sum_{i=1}^{n} \sum_{j=1}^{n} a_{ij} x_i x_j", r"\sum_{i \neq k} a_{ik} x_i",
    r"\frac{\partial}{\partial w} (y^\top X w)", r"\left\| y - X w \right\|^2",
    r"\lVert x \rVert", r"x y^\top", r"S^{-\top}", r"e^{s}", r"\sqrt{x^\top x}",
    r"\mathbf{x}^\top \mathbf{x}", r"\lambda \|w\|^2", r"I_n x", r"x \circ x", r"u \cdot v",
    r"\frac{d}{dt} (t^2)", r"w_0 + w_1 t", r"\log(t)^2", r"\exp(s)", r"\mathrm{tr}(A)", r"A^2",
    r"A^T", r"|s|", r"(A + A^\top) x", r"\frac{s}{t}", r"\|W\|",
]

DECLARATIONS = [
    LET, "X: m x n; y: m; w: n", "A: n x n, symmetric", "A, B: n x n, symmetric",
    "S: n x n, positive definite; lam: scalar, positive", "x: 3", "A: 3x3", "A: n×n",
    "Q: n x n, orthogonal", "D: n x n, diagonal", "a: n x 1", "s: scalar, positive", "M: m*n",
    "X: 32 x 32", "x: n; A: n x n, spd",
]

VALUES = [
    "6", "-3", "1/2", "0.25", "sqrt(2)", "root(-8, 3)", "pi", "I", "2j", "inf - inf", "oo",
    "t**2 - 1", "Matrix([[1, 2], [3, 4]])", "[[1, 2], [3, 4]]", "1 + 2*I", "0*inf",
    "inf/inf", "0**0", "0.1 + 0.2", "Min(1, eps/7)", "1/R", "x**2", "1/x", "sin(x)/x",
    "abs(x)", "exp(-x)", "Max(x, 1)", "(-8)**(1/3)", "4096**4096",
]

EQUATIONS = ["a**(1/2) = -sqrt(a)", "(a**x)**y = a**(x+y)", "a**0 = 1", "a**-n = 1/a**n",
             "a**(1/n) = root(a, n)", "a**x * a**y == a**(x+y)", "(-8)**(1/3) = -2"]


# well-formed nestings of each language's constructs, with hostile atoms among the rest
EXPR_BUILT = grammar(
    ["x", "y", "w", "A", "X", "S", "M", "u", "v", "s", "t", "lam", "n", "z", "0", "1", "2",
     "0.5", "1e-3", "64", "65", "1e15", "1e16", "eye(n)", "ones(n)", "ones(m, n)", "eye(33)",
     "ones(99999999999)", *HUGE[:5]],
    ["({0})", "-{0}", "{0}.T", "({0})**2", "({0})**64", "({0})**-1", "({0})**0.5",
     "({0})**s", "norm({0})", "trace({0})", "det({0})", "logdet({0})", "inv({0})", "exp({0})",
     "log({0})", "sqrt({0})", "sum({0})", "diag({0})", "diff({0}, s)", "grad({0}, x)",
     "sigmoid({0})", "tanh({0})", "relu({0})", "abs({0})", "sign({0})", "softmax({0})",
     "logsumexp({0})", "log_softmax({0})", "softplus({0})", "sin({0})", "arcsin({0})",
     "norm({0}, 1)", "norm({0}, inf)", "heaviside({0})", "log1p({0})",
     "grad({0}, X)", "diff({0}, x)", "2 * {0}", "{0} / 0", "{0} / s", "eye({0})"],
    ["{0} @ {1}", "{0} * {1}", "{0} + {1}", "{0} - {1}", "{0} / {1}", "({0})**({1})",
     "outer({0}, {1})", "ones({0}, {1})", "diff({0}, {1})", "grad({0}, {1})",
     "maximum({0}, {1})", "minimum({0}, {1})", "where({0} < {1}, {0}, {1})",
     "where({0} >= 0, {1}, 0)"])

LATEX_BUILT = grammar(
    ["x", "y", "w", "A", "X", "S", "M", "u", "v", "s", "t", "\\lambda", "2", "0", "1", "I",
     "I_n", "I_3", "I_{99}", "e", "a_{ij}", "x_i", "x_k", "w_0", "\\mathbf{x}", "\\alpha",
     "9999999999999999", "0.5", "1.000000000000000001", "1" * 400],
    ["({0})", "\\left({0}\\right)", "-{0}", "{0}^\\top", "{0}^T", "{0}^{{-1}}",
     "{0}^{{-\\top}}", "{0}^2", "{0}^{{64}}", "{0}^{{65}}", "{0}^{{1/2}}", "\\|{0}\\|",
     "\\|{0}\\|^2", "\\|{0}\\|_2", "\\left\\|{0}\\right\\|", "\\lVert {0} \\rVert", "|{0}|",
     "\\sqrt{{{0}}}", "\\log {0}", "\\log({0})", "\\exp({0})", "\\det {0}", "\\log\\det {0}",
     "\\operatorname{{tr}}({0})", "\\mathrm{{tr}}({0})", "\\operatorname{{diag}}({0})",
     "\\frac{{1}}{{2}} {0}", "\\frac{{\\partial}}{{\\partial w}} {0}",
     "\\frac{{d}}{{dt}} ({0})", "\\sum_{{i=1}}^{{n}} {0}", "\\sum_{{i \\neq k}} {0}",
     "\\sum_j {0}", "e^{{{0}}}", "{{{0}}}", "[{0}]", "2{0}", "\\mathbf{{{0}}}"],
    ["{0} {1}", "{0}{1}", "{0} + {1}", "{0} - {1}", "{0} \\cdot {1}", "{0} \\circ {1}",
     "{0} / {1}", "\\frac{{{0}}}{{{1}}}", "{0}^{{{1}}}", "{0}_{{{1}}}", "\\|{0}\\| \\|{1}\\|"])

_VALUE_UNARY = [
    "({0})", "-{0}", "sqrt({0})", "root({0}, 3)", "root({0}, 0)", "root({0}, 65)", "{0}**2",
    "{0}**-1", "{0}**(1/3)", "{0}**4096", "{0}**4097", "sin({0})", "exp({0})", "log({0})",
    "abs({0})", "Min({0}, 1)", "[[{0}]]", "Matrix([[{0}, 1], [0, {0}]])", "1/{0}", "{0}**0"]
_VALUE_BINARY = [
    "{0} + {1}", "{0} - {1}", "{0} * {1}", "{0} / {1}", "{0}**{1}", "({0})**({1})",
    "root({0}, {1})", "Max({0}, {1})", "[[{0}, {1}], [{1}, {0}]]", "{0} = {1}",
    "[[{0}], [{1}, {0}]]"]
VALUE_BUILT = grammar(
    ["0", "1", "2", "3", "-1", "1/2", "0.1", "inf", "oo", "I", "pi", "t", "a", "x", "eps",
     "R", "n", "2j", "4096", "1e300", "9" * 200, "[[1, 2], [3, 4]]", "Matrix([[1, 2], [2, 4]])",
     "nan", "e"], _VALUE_UNARY, _VALUE_BINARY)
LIMIT_BUILT = grammar(["x", "x", "x", "0", "1", "2", "-1", "1/2", "pi", "oo", "1e300"],
                      _VALUE_UNARY, _VALUE_BINARY, leaves=6)

_DECL_NAMES = ["x", "y", "A", "X", "S", "n", "T", "trace", "lambda", "_a", "é", "x1", "w_0"]
_DECL_DIMS = ["scalar", "n", "m x n", "n x n", "3", "3x3", "32 x 32", "33", "0", "-1", "1.5",
              "1000000000 x 1000000000", "99999999999", "9" * 5000, "²", "١", "n x n x n",
              "m*n", "m×n", "", "x", "n x", "T", "trace", "n x 1", "1 x n"]
_DECL_FACTS = ["symmetric", "positive definite", "invertible", "diagonal", "orthogonal",
               "positive", "spd", "sym", "unknown", ""]
DECL_BUILT = st.lists(
    st.tuples(st.lists(st.sampled_from(_DECL_NAMES), min_size=1, max_size=3),
              st.sampled_from(_DECL_DIMS), st.lists(st.sampled_from(_DECL_FACTS), max_size=2)
              ).map(lambda t: ", ".join(t[0]) + ": " + ", ".join([t[1], *t[2]])),
    min_size=1, max_size=4).map("; ".join)

SPACE = parse_declarations(LET)


# -- the parsers ---------------------------------------------------------------------------------
def _printed(parsed: Any) -> None:
    """An accepted expression must also print: the checks show it in every format."""
    from symderiv.render.printing import to_input, to_latex, to_unicode

    for printer in (to_input, to_unicode, to_latex):
        printer(parsed.expr)


@fuzz_settings(3000)
@given(hostile(EXPR_TOKENS, EXPRESSIONS, EXPR_BUILT))
def test_expression_parser_takes_any_text(text: str) -> None:
    FUZZ.tests.add("expression")
    parsed = feed("parse_expression", lambda: parse_expression(text, SPACE.copy()), text)
    if parsed is not None:
        feed("printers", lambda: _printed(parsed), text, count=False)


@fuzz_settings(1500)
@given(hostile(LATEX_TOKENS, LATEX, LATEX_BUILT))
def test_latex_parser_takes_any_text(text: str) -> None:
    FUZZ.tests.add("latex")
    parsed = feed("parse_latex", lambda: parse_latex(text, SPACE.copy()), text)
    if parsed is not None:
        feed("printers", lambda: _printed(parsed), text, count=False)


@fuzz_settings(400)
@given(hostile(LATEX_TOKENS, [*LATEX[7:9], "2 a_{kk} x_k + \\sum_{i \\neq k} a_{ik} x_i"],
               LATEX_BUILT))
def test_latex_entries_take_any_text(text: str) -> None:
    from symderiv.parse.latex import parse_latex_entry
    from symderiv.space import Space

    FUZZ.tests.add("latex entry")
    feed("parse_latex_entry",
         lambda: parse_latex_entry(text, SPACE.copy(), "k", Space.dim("n")), text)


@fuzz_settings(2000)
@given(hostile(DECL_TOKENS, DECLARATIONS, DECL_BUILT))
def test_declarations_take_any_text(text: str) -> None:
    FUZZ.tests.add("declarations")
    feed("parse_declarations", lambda: parse_declarations(text), text)


@fuzz_settings(2000)
@given(hostile(VALUE_TOKENS, VALUES + EQUATIONS, VALUE_BUILT),
       st.sampled_from(["value", "equation", "sides"]), hostile(VALUE_TOKENS, VALUES,
                                                                 VALUE_BUILT, max_size=8))
def test_value_reader_takes_any_text(text: str, how: str, other: str) -> None:
    FUZZ.tests.add("values")
    names = ["t", "a", "x", "n", "eps", "R"]
    if how == "value":
        feed("parse_value", lambda: parse_value(text, names=names,
                                                 functions=list(MATH_FUNCTIONS)), text)
    else:
        claim = text if how == "equation" else f"{text} = {other}"
        feed("parse_equation", lambda: parse_equation(claim, names=names), claim)


# -- derivation documents --------------------------------------------------------------------------
def _line(prefixes: list[str], tokens: list[str], corpus: list[str],
          built: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(prefixes), hostile(tokens, corpus, built, max_size=12)
                     ).map("".join)


SYMDERIV_LINES = st.one_of(
    st.sampled_from(DECLARATIONS).map("let {}".format),
    hostile(DECL_TOKENS, DECLARATIONS, DECL_BUILT, max_size=8).map("let {}".format),
    _line(["E = ", "  = ", "= ", "grad(E, w) = ", "hessian(E, x) = ", "diff(E, s) = ",
           "f(x) = ", "grad(x @ x, x) = ", "grad(E, E) = ", ""], EXPR_TOKENS, EXPRESSIONS,
          EXPR_BUILT),
    ARBITRARY)
LATEX_LINES = st.one_of(
    _line(["E(w) &= ", "&= ", "= ", "\\nabla_w E &= ", "\\nabla^2_x E = ",
           "\\frac{\\partial E}{\\partial w} = ", "\\frac{\\partial f}{\\partial x_k} = ",
           "\\nabla_w (y^\\top X w) = ", "f(x) = ", ""], LATEX_TOKENS, LATEX, LATEX_BUILT),
    st.sampled_from(["\\\\", "\\begin{aligned}", "\\end{aligned}", "\\begin{align}",
                     "\\end{align}", "\\text{by the chain rule}", "\\tag{1}"]),
    ARBITRARY)
BLOCKS = {
    "symderiv": ("```symderiv", SYMDERIV_LINES, "```"),
    "dollars": ("$$", LATEX_LINES, "$$"),
    "brackets": ("\\[", LATEX_LINES, "\\]"),
    "align": ("\\begin{align}", LATEX_LINES, "\\end{align}"),
    "prose": ("", ARBITRARY, ""),
    "code": ("```python", ARBITRARY, "```"),
    "comment": ("<!--", ARBITRARY, "-->"),
}


@st.composite
def documents(draw: Any) -> str:
    """Markdown with fenced symderiv blocks and display math, some of it unclosed."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["symderiv", "symderiv", "symderiv", "dollars", "dollars",
                                     "brackets", "align", "align", "prose", "code", "comment"]))
        opener, lines, closer = BLOCKS[kind]
        body = draw(st.lists(lines, min_size=1, max_size=4))
        close = draw(st.sampled_from([closer, closer, ""]))
        out.append("\n".join([opener, *body, close]))
    return "\n".join(out)


@fuzz_settings(500)
@given(documents(), st.sampled_from([None, LET, LET, LET, "x: n; A: n x n", "X: 33 x 1"]))
def test_derivation_documents_take_any_text(doc: str, let: str | None) -> None:
    FUZZ.tests.add("documents")
    report = feed("verify_document", lambda: verify_document(doc, let=let), doc)
    if report is not None:
        feed("printers", lambda: (str(report), report.to_dict(), report.to_markdown(),
                                  report._repr_latex_()), doc, count=False)


# -- the definitions -------------------------------------------------------------------------------
VALUE_TEXT = hostile(VALUE_TOKENS, VALUES, VALUE_BUILT, max_size=12)
DOMAINS = ["RR", "ZZ", "QQ", "CC", "ZZ/6", "Z/7Z", "ZZ/65537", "QQ[t]", "ZZ[t]", "QQ[x]",
           "matrices"]
BAD_DOMAINS = ["ZZ/1", "ZZ/0", "ZZ/-3", "ZZ/" + "9" * 70, "QQ[é]", "QQ[]", "QQ[t][s]", "R", "",
               "zz/2", "ZZ/6.5", "QQ[__class__]", "matrices[3]"]


@fuzz_settings(500)
@given(VALUE_TEXT, VALUE_TEXT,
       mix((3, st.sampled_from(DOMAINS)), (1, hostile(VALUE_TOKENS, DOMAINS + BAD_DOMAINS,
                                                      max_size=6))),
       st.sampled_from(["left", "left", "left", "right", "up"]))
def test_divide_takes_any_text(a: str, b: str, domain: str, side: str) -> None:
    FUZZ.tests.add("divide")
    result = feed("divide", lambda: divide(a, b, domain=domain, side=side),  # type: ignore[arg-type]
                  (a, b, domain))
    if result is not None:
        feed("printers", lambda: (str(result), result.to_dict(), result._repr_latex_()),
             (a, b), count=False)


@fuzz_settings(500)
@given(st.lists(VALUE_TEXT, min_size=1, max_size=3))
def test_compare_takes_any_text(texts: list[str]) -> None:
    FUZZ.tests.add("compare")
    table = feed("compare", lambda: compare(*texts), texts)
    if table is not None:
        feed("printers", lambda: (str(table), table.to_dict(), table._repr_latex_()), texts,
             count=False)


@fuzz_settings(300)
@given(hostile(VALUE_TOKENS, EQUATIONS, VALUE_BUILT, max_size=12),
       st.sampled_from([("a",), (), ("a", "b"), ("x",)]), st.sampled_from([(), ("n",)]))
def test_power_claims_take_any_text(claim: str, positive: tuple[str, ...],
                                    natural: tuple[str, ...]) -> None:
    FUZZ.tests.add("exponents")
    verdict = feed("check_power_claim", lambda: check_power_claim(
        claim, positive=positive, natural=natural, points=5), claim)
    if verdict is not None:
        feed("printers", lambda: (str(verdict), verdict.to_dict(), verdict._repr_latex_()),
             claim, count=False)


LIMIT_POINTS = ["0", "3", "oo", "-oo", "inf", "1/2", "-1", "0", "oo", "nan", "x", "9**9**9",
                "1e999", "I", ""]
LIMIT_FUNCTIONS = ["1/x", "x**2", "sin(x)/x", "1/n", "abs(x)", "exp(-x)", "x", "1/x**2",
                   "log(x)", "(x**2 - 1)/(x - 1)", "Min(x, 1)"]


@fuzz_settings(200)
@given(hostile(VALUE_TOKENS, LIMIT_FUNCTIONS, LIMIT_BUILT, max_size=10),
       mix((3, st.sampled_from(LIMIT_POINTS)), (1, VALUE_TEXT)),
       mix((3, st.sampled_from(LIMIT_POINTS)), (1, VALUE_TEXT)),
       mix((4, st.none()), (1, st.sampled_from(["+", "-", "x", ""]))),
       mix((2, st.none()), (2, st.sampled_from(["eps", "Min(1, eps/7)", "1/R", "1/eps", "R", "0",
                                                "-1", "9**9**9", "eps**4096", "x"])),
           (1, VALUE_TEXT)),
       mix((6, st.none()), (1, st.sampled_from(["x", "n", "eps", "R", "1x", "é", "__class__",
                                                ""]))))
def test_limits_take_any_text(f: str, at: str, claim: str, side: str | None,
                              witness: str | None, var: str | None) -> None:
    FUZZ.tests.add("limits")
    shown = (f, at, claim, witness)
    result = feed("check_limit", lambda: check_limit(f, at=at, claim=claim, side=side,
                                                     witness=witness, var=var), shown)
    if result is not None:
        feed("printers", lambda: (str(result), result.to_dict(), result._repr_latex_()), shown,
             count=False)


# -- singular random points --------------------------------------------------------------------
# Matrices that are often (or always) singular at the engines' random points, under inverses,
# determinants and traces, with an irrational constant that sends the comparison to 60-digit
# arithmetic: such a point is outside the domain (inadmissible), never an internal error
# (an outside fuzz run found `equal "sqrt(2) + det(A)" "sqrt(2) + det(A.T)"` exiting 4).
SINGULAR_LET = "A: n x n; B: n x n; x: n; u: n; v: n; s: scalar"
_SINGULAR_ATOMS = ["A", "B", "A.T", "outer(u, v)", "outer(x, x)", "diag(x)", "diag(u)", "A - A.T",
                   "A @ B", "0*A + B", "ones(n, n)", "eye(n)", "s*A", "A + outer(u, u)"]
SINGULAR_MATRICES = st.recursive(
    st.sampled_from(_SINGULAR_ATOMS),
    lambda inner: st.one_of(inner.map("inv({})".format), inner.map("({}).T".format),
                            st.tuples(inner, inner).map(lambda t: f"({t[0]}) @ ({t[1]})"),
                            st.tuples(inner, inner).map(lambda t: f"{t[0]} + {t[1]}"),
                            inner.map("sqrt(2) * {}".format)),
    max_leaves=4)
#: f(M) = f(Mᵀ) wherever either side is defined, and the two sides have the same domain
_TRANSPOSE_INVARIANT = ["det({})", "trace({})", "trace(inv({}))", "logdet({})", "x @ {} @ x",
                        "det(inv({}))", "1/det({})", "sqrt(det({}) ** 2)", "norm({})**2",
                        "trace({0} @ {0})"]
_CONSTANTS = ["", "sqrt(2) + ", "log(3) * ", "pi + ", "exp(1) * ", "sqrt(3) * s + "]
SINGULAR_PAIRS = st.tuples(st.sampled_from(_CONSTANTS), st.sampled_from(_TRANSPOSE_INVARIANT),
                           SINGULAR_MATRICES).map(
    lambda t: (t[0] + t[1].format(f"({t[2]})"), t[0] + t[1].format(f"({t[2]}).T")))


@fuzz_settings(300)
@given(SINGULAR_PAIRS, st.integers(0, 2**32 - 1),
       st.sampled_from(["equal", "equal", "gradient", "document"]))
def test_singular_random_points_are_inadmissible_not_errors(pair: tuple[str, str], seed: int,
                                                            how: str) -> None:
    """Every pair is an identity with the same domain on both sides: it holds, or (no
    admissible point, or an engine that cannot tell) it is undecided — never fails."""
    FUZZ.tests.add("singular")
    lhs, rhs = pair
    if how == "equal":
        v = feed("check_equal singular", lambda: check_equal(lhs, rhs, let=SINGULAR_LET,
                                                              seed=seed), pair)
    elif how == "gradient":
        v = feed("check_gradient singular", lambda: check_gradient(
            lhs, wrt="A", let=SINGULAR_LET, seed=seed), lhs)
    else:
        doc = f"```symderiv\nlet {SINGULAR_LET}\nE = {lhs}\n  = {rhs}\n```\n"
        v = feed("verify_document singular", lambda: verify_document(doc, seed=seed), doc)
    if v is not None:
        assert v.outcome in ("holds", "undecided"), (pair, seed, str(v))
        feed("printers", lambda: (str(v), v.to_dict(), v._repr_latex_()), pair, count=False)


# -- the command, in-process -----------------------------------------------------------------------
def _cli_handled(args: list[str], result: Any) -> None:
    """The command's answer to hostile arguments: an exit code 0–3, never a traceback, a bad
    input said in one line (click's usage errors start with their Usage: lines)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    FUZZ.exits[result.exit_code] += 1
    assert result.exit_code in (0, 1, 2, 3), f"exit {result.exit_code}: {result.output}"
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    if result.exit_code == 2 and lines and not lines[0].startswith("Usage:"):
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    if result.exit_code == 2 and lines and lines[0].startswith("Usage:"):
        # click quotes the arguments it refuses as given, line breaks and all
        assert any(line.startswith("Error: ") for line in lines), result.stderr
    options = args[:args.index("--")] if "--" in args else args
    if "--json" in options and not {"--help", "-h"} & set(options) and result.stdout.strip():
        json.loads(result.stdout)  # scripts reading stdout get JSON, also for an error


def invoke(args: list[str], stdin: str | None = None) -> None:
    # bytes as a terminal or a pipe gives them: lone surrogates stand for bytes that are
    # not UTF-8, as in command-line arguments
    raw = None if stdin is None else stdin.encode("utf-8", errors="surrogateescape")

    def call() -> None:
        _cli_handled(args, CliRunner().invoke(main, args, input=raw))
    feed(f"cli {args[0] if args else ''}".strip(), call, args)


OPTION_NOISE = ["--json", "--latex", "--seed", "0", "-1", "99999999999999999999", "--let",
                "--help", "--", "-", "--unknown", "--seed=abc", "-h", "--jsn", "--sizes"]
EXPR_ARG = hostile(EXPR_TOKENS, EXPRESSIONS, EXPR_BUILT, max_size=12)
DECL_ARG = mix((4, st.sampled_from(DECLARATIONS)),
               (2, hostile(DECL_TOKENS, DECLARATIONS, DECL_BUILT, max_size=8)))
NAME_ARG = mix((4, st.sampled_from(["w", "x", "X", "A", "s", "y"])),
               (1, hostile(EXPR_TOKENS, ["w", "x"], max_size=3)))
DESCENT_POOLS = {
    "--n": ["2", "1", "0", "50", "10000001", "abc", "-5", "1e3"],
    "--epochs": ["1", "3", "0", "-1", "x", "", "1e3", "99999999999999999999", "10000001"],
    "--batch": ["1", "10", "0", "-1", "99999999999999"],
    "--lr": ["0.01", "0", "-1", "nan", "inf", "1e308", "1e-320", "abc", "1e9"],
    "--tol": ["0", "-1", "nan", "inf", "1e-15", "abc"],
    "--loss": ["sse", "half", "mean", "max", ""],
    "--method": ["batch", "minibatch", "stochastic", "all", "newton"],
    "--x": ["x", "y", "z", "", "é"], "--y": ["y", "x", "w0", ""],
    "--seed": ["0", "1", "-1", "4294967296"],
}
CSV_TEXT = mix((2, st.sampled_from(["x,y\n1,2\n2,4\n3,7\n", "x,y\n", "", "\ufeffx,y\n1,2\n2,3\n",
                                    "x,y\n1,nan\n2,inf\n", "x,y\n1e308,1e308\n-1e308,1\n",
                                    "x;y\n1;2\n", "a,b\n1,2\n", "x,y\n1,2,3\n4\n",
                                    "x,x\n1,2\n", "x,y\n\x00,1\n"])),
               (1, ARBITRARY))
MODEL_ARG = mix((3, st.sampled_from(["w0 + w1*x", "w0 + w1*x + w2*x**2", "w0*exp(w1*x)",
                                     "w0", "x", "w0 + y*x", "log(w0*x)", "sqrt(w0) + w1*x"])),
                (2, hostile(VALUE_TOKENS, ["w0 + w1*x", "w0*exp(w1*x)"], max_size=8)))
GRID_ARG = mix((2, st.sampled_from(["w0=0:3:100, w1=0:3:100", "w0=0:3:2001", "w0=3:0:10",
                                    "w0=0:1:10", "w0=0:1:5, w1=0:1:5, w2=0:1:5", "=::"])),
               (1, hostile([*VALUE_TOKENS, "=", ":", ","], ["w0=0:3:100, w1=0:3:100"],
                           max_size=8)))
WORK = Path(tempfile.mkdtemp(prefix="symderiv-fuzz-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)

# -- output paths: every option that writes a file or a directory, given paths that cannot be
# written (a missing or read-only directory, a directory or a file in the way, odd names)
(WORK / "blocker").write_text("a file where a directory is wanted", encoding="utf-8")
(WORK / "locked").mkdir()
(WORK / "locked").chmod(0o555)  # read-only (root writes there anyway: see /sys below)
(WORK / "dangling").symlink_to("/nonexistent/target")
(WORK / "to-dir").symlink_to(WORK)
_W = str(WORK)
BAD_FILES = [
    "/nonexistent/dir/out.tex", f"{_W}/no/such/dir/out.tex", _W, f"{_W}/to-dir",
    f"{_W}/blocker/out.tex", f"{_W}/locked/out.tex", f"{_W}/dangling", "/sys/out.tex",
    "/proc/out.tex", "/dev/full", "", f"{_W}/out\x00.tex", f"{_W}/{'a' * 300}.tex",
    f"{_W}/{'d/' * 2000}out.tex"]
ODD_FILES = [f"{_W}/out.tex", f"{_W}/line\nbreak.tex", f"{_W}/é ü ∑.md", f"{_W}/\udcff\udc80.md",
             f"{_W}/-dash.md", f"{_W}/ lead and trail .md", f"{_W}/$(touch {SENTINEL})",
             f"{_W}/`touch {SENTINEL}`.tex", f"{_W}/blocker", "/dev/null"]
BAD_DIRS = [f"{_W}/blocker", f"{_W}/blocker/figs", f"{_W}/locked/figs", "/sys/figs",
            "/proc/figs", "/dev/null", "", f"{_W}/dangling", f"{_W}/x\x00figs",
            f"{_W}/{'a' * 300}"]
ODD_DIRS = [f"{_W}/figs", f"{_W}/odd\nfigs é", f"{_W}/\udcff-figs", f"{_W}/new/deep/figs"]
#: refused when the command line is read (the rest only when written: root passes os.access)
REFUSED_FILES = [p for p in BAD_FILES if p not in ("/sys/out.tex", "/proc/out.tex", "/dev/full")]
OUTPUT_FILE = mix((3, st.sampled_from(BAD_FILES)), (1, st.sampled_from(ODD_FILES)),
                  (1, st.text(max_size=12).map(lambda t: f"{_W}/{t.replace('/', '_')}")))
OUTPUT_DIR = mix((4, st.sampled_from(BAD_DIRS)), (1, st.sampled_from(ODD_DIRS)))


@st.composite
def command_lines(draw: Any) -> tuple[list[str], str | None]:
    """A command line for one of the subcommands, its arguments hostile or real."""
    cmd = draw(st.sampled_from(["grad", "hessian", "equal", "explain", "verify", "divide",
                                "compare", "exponents", "limit", "descent"]))
    stdin = None
    if cmd in ("grad", "hessian"):
        args = [cmd, draw(EXPR_ARG), "--wrt", draw(NAME_ARG)]
        if draw(st.booleans()):
            args += ["--let", draw(DECL_ARG)]
        if draw(st.booleans()):
            args += ["--claim", draw(EXPR_ARG)]
        if draw(st.booleans()):
            args += draw(st.sampled_from([["--sizes", "5"], ["--sizes", "999"], ["--sizes", "²"],
                                          ["--sizes", "1,,2"], ["--scale", "1e9"],
                                          ["--scale", "nan"], ["--seed", "-1"]]))
    elif cmd == "equal" and draw(st.booleans()):
        lhs, rhs = draw(SINGULAR_PAIRS)
        args = [cmd, lhs, rhs, "--let", SINGULAR_LET, "--seed", str(draw(st.integers(0, 99)))]
    elif cmd == "equal":
        args = [cmd, draw(EXPR_ARG), draw(EXPR_ARG), "--let", draw(DECL_ARG)]
    elif cmd == "explain":
        args = [cmd, draw(st.sampled_from(["grad", "hessian", "jacobian"])), draw(EXPR_ARG),
                "--wrt", draw(NAME_ARG), "--let", draw(DECL_ARG)]
    elif cmd == "verify":
        doc = draw(documents())
        if draw(st.booleans()):
            stdin, args = doc, [cmd, "-"]
        else:
            path = WORK / "doc.md"
            path.write_text(doc, encoding="utf-8", errors="surrogateescape")
            args = [cmd, str(path)]
        for option in draw(st.lists(st.sampled_from(["--latex", "--markdown", "--pdf"]),
                                    max_size=2, unique=True)):
            # pdflatex takes a second: only for paths refused before it runs
            path = draw(st.sampled_from(REFUSED_FILES) if option == "--pdf" else OUTPUT_FILE)
            args += [option, path]
    elif cmd == "divide":
        args = [cmd, draw(VALUE_TEXT), draw(VALUE_TEXT), "--domain",
                draw(mix((3, st.sampled_from(DOMAINS)), (1, st.sampled_from(BAD_DOMAINS))))]
    elif cmd == "compare":
        args = [cmd, *draw(st.lists(VALUE_TEXT, min_size=1, max_size=3))]
    elif cmd == "exponents":
        args = [cmd, "--claim", draw(hostile(VALUE_TOKENS, EQUATIONS, VALUE_BUILT, max_size=10)),
                "--positive", draw(st.sampled_from(["a", "a,b", "", "1a", "a,,b", "é"]))]
    elif cmd == "limit":
        args = [cmd, draw(hostile(VALUE_TOKENS, LIMIT_FUNCTIONS, LIMIT_BUILT, max_size=10)),
                "--at", draw(st.sampled_from(LIMIT_POINTS)),
                "--claim", draw(st.sampled_from(LIMIT_POINTS))]
        if draw(st.booleans()):
            args += ["--witness", draw(mix((2, st.sampled_from(["eps", "1/R", "Min(1, eps/7)"])),
                                           (1, VALUE_TEXT)))]
        if draw(st.integers(0, 5)) == 0:
            args += ["--play", "--as", draw(st.sampled_from(["A", "B", "C"]))]
            stdin = "\n".join(draw(st.lists(VALUE_TEXT, max_size=3)))
    else:
        args = [cmd, "--epochs", "2"]
        for option in draw(st.lists(st.sampled_from(sorted(DESCENT_POOLS)), max_size=3,
                                    unique=True)):
            args += [option, draw(st.sampled_from(DESCENT_POOLS[option]))]
        if draw(st.booleans()):
            args += ["--model", draw(MODEL_ARG)]
        if draw(st.integers(0, 3)) == 0:
            args += ["--grid", draw(GRID_ARG)]
        if draw(st.integers(0, 3)) == 0:
            path = WORK / "data.csv"
            path.write_text(draw(CSV_TEXT), encoding="utf-8", errors="surrogateescape")
            args += ["--data", str(path)]
        if draw(st.integers(0, 3)) == 0:
            args += ["--latex", draw(OUTPUT_FILE)]
        if draw(st.integers(0, 4)) == 0:  # matplotlib draws for a second: mostly bad paths
            args += ["--plot", draw(OUTPUT_DIR)]
    if cmd not in ("verify", "descent") and draw(st.integers(0, 3)) == 0:
        args += ["--json"]
    if draw(st.integers(0, 7)) == 0:
        args.insert(draw(st.integers(1, len(args))), draw(st.sampled_from(OPTION_NOISE)))
    return args, stdin


@fuzz_settings(400)
@given(command_lines())
def test_command_takes_any_arguments(line: tuple[list[str], str | None]) -> None:
    FUZZ.tests.add("command")
    invoke(*line)


# -- resource bombs: a clear error, quickly --------------------------------------------------------
MB = 1_000_000
DOC_1MB = "$$ " + "x + " * (MB // 4) + "x $$"


def _bomb(kind: str, text: str) -> Any:
    if kind == "expression":
        return parse_expression(text, SPACE.copy())
    if kind == "latex":
        return parse_latex(text, SPACE.copy())
    if kind == "declarations":
        return parse_declarations(text)
    if kind == "value":
        return parse_value(text, names=["x", "t"])
    if kind == "compare":
        return compare(text)
    if kind == "divide":
        return divide(text, "3")
    if kind == "claim":
        return check_power_claim(text, points=5)
    if kind == "limit":
        return check_limit(text, at="0", claim="0")
    assert kind == "document"
    return verify_document(text)


BOMBS = [
    # huge exponents
    ("expression", "9**9**9", "exponent 9**9 is too large"),
    ("expression", "x**(2**64)", "too large"),
    ("expression", "((s**64)**64)**64", "too large"),
    ("expression", "2**64**64**64", "too large"),
    ("latex", "9^{9^{9}}", "too large"),
    ("latex", "2^{999999999}", "too large"),
    ("compare", "9**9**9", "too large"),
    ("compare", "(10**200)**(10**200)", "too large"),
    ("divide", "2**4096**2", "larger than 4096"),
    ("claim", "a**(9**9**9) = 1", "larger than 4096"),
    ("limit", "x**(9**9)", "larger than 4096"),
    # huge numbers
    ("expression", "1e999 * x", "non-finite"),
    ("expression", "9" * 3999, "too large"),
    ("latex", "9" * 999, "too large"),
    ("compare", "1e999999", "too large"),
    # deep nesting
    ("expression", "(" * 1999 + "x" + ")" * 1999, "too many nested parentheses"),
    ("expression", "-" * 3999 + "x", "nested too deeply"),
    ("expression", "norm(" * 100 + "x" + ")" * 100, "nested deeper than 60"),
    ("latex", "\\frac{" * 90 + "1" + "}{2}" * 90, "nested deeper than 60"),
    ("latex", "(" * 499 + "x" + ")" * 499, "nested deeper than 60"),
    ("latex", "\\sqrt{" * 100 + "x" + "}" * 100, "nested deeper than 60"),
    ("latex", "{" * 499 + "x" + "}" * 499, "nested deeper than 60"),
    ("latex", "\\|x\\|" * 100, "more than 12"),
    ("latex", "|" * 999, "more than 12"),
    ("value", "(" * 1999 + "1" + ")" * 1999, "too many nested parentheses"),
    ("value", "-" * 3999 + "1", "nested too deeply"),
    ("compare", "sqrt(" * 45 + "2" + ")" * 45, "nested deeper than 40"),
    # giant declared sizes
    ("declarations", "X: 1000000000 x 1000000000", "dimension 1000000000 is too large"),
    ("declarations", "x: 99999999999", "dimension 99999999999 is too large"),
    ("declarations", "x: " + "9" * 5000, "(5000 digits) is too large"),
    ("expression", "eye(99999999999) @ x", "eye() takes dimensions"),
    ("expression", "ones(10**9)", "ones() takes dimensions"),
    ("latex", "I_{99999999999} x", "sizes are 1..32"),
    ("divide", "[[" + "1, " * 500 + "1]]", "more than 400 entries"),
    # megabyte inputs
    ("expression", "x" * MB, "longer than 4000"),
    ("expression", "(" * MB, "longer than 4000"),
    ("latex", "\\frac{" * (MB // 6), "longer than 1000"),
    ("declarations", "x: n;" * (MB // 5), "longer than 10000"),
    ("value", "1" * MB, "longer than 4000"),
    ("compare", "1" * MB, "longer than 4000"),
    ("divide", "1" * MB, "longer than 4000"),
    ("limit", "x" * MB, "longer than 4000"),
    ("claim", "a" * MB + " = 1", "longer than 4000"),
    ("document", DOC_1MB, "longer than 1000"),
]


@pytest.mark.parametrize(("kind", "text", "says"), BOMBS,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BOMBS)])
def test_resource_bombs_get_a_clear_error_quickly(kind: str, text: str, says: str) -> None:
    start = time.process_time()
    with pytest.raises(SymderivError) as info:
        _bomb(kind, text)
    assert time.process_time() - start < 1.0
    assert says in str(info.value)
    assert len(str(info.value).splitlines()) == 1


@pytest.mark.parametrize("text", [
    "x|" * 12 + "x" * 975,  # the slowest LaTeX known within the bounds (about 2 s here)
    "\\left\\|x\\right\\|" * 58,
])
def test_the_slowest_latex_within_the_bounds_stays_quick(text: str) -> None:
    start = time.process_time()
    try:
        parse_latex(text, SPACE.copy())
    except SymderivError:
        pass
    assert time.process_time() - start < MAX_SECONDS


@pytest.mark.parametrize(("call", "outcomes"), [
    # exp of exp of a huge value: SymPy's N() ran for hours, is_extended_real ran out of memory
    (lambda: symderiv_check("gradient", "exp(exp(1e15*x))", "x"), {"holds", "undecided"}),
    (lambda: symderiv_check("gradient", "exp(exp(x**64))", "x"), {"holds", "undecided"}),
    (lambda: symderiv_check("hessian", "exp(exp(exp(exp(exp(x)))))", "x"),
     {"holds", "undecided"}),
    (lambda: symderiv_check("equal", "exp(exp(1e15*s))", "exp(exp(1e15*s)) + s - s"),
     {"holds", "undecided"}),
    (lambda: check_limit("exp(exp(1e15*x))", at="oo", claim="oo"), {"holds", "undecided"}),
    (lambda: check_limit("exp(" * 12 + "x" + ")" * 12, at="0", claim="1"),
     {"fails", "undecided"}),
])
def test_huge_values_inside_the_engines_are_skipped_not_computed(
        call: Callable[[], Any], outcomes: set[str]) -> None:
    start = time.process_time()
    assert call().outcome in outcomes
    assert time.process_time() - start < 3 * MAX_SECONDS


def symderiv_check(task: str, f: str, other: str) -> Any:
    from symderiv import check_equal, check_gradient, check_hessian

    if task == "equal":
        return check_equal(f, other)
    return (check_gradient if task == "gradient" else check_hessian)(f, wrt=other)


# -- the real command, under an address-space limit ---------------------------------------------
#: A normal run peaks at about 370 MB of address space (measured: VmPeak of grad, verify,
#: limit and descent); a bomb that allocates must fail cleanly below this.
ADDRESS_SPACE = 1 << 30


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_the_nastiest_inputs_through_the_real_command_under_a_memory_limit() -> None:
    doc = WORK / "bomb.md"
    doc.write_text(DOC_1MB, encoding="utf-8")
    bars = WORK / "bars.md"
    bars.write_text("$$ E = " + "|x|" * 300 + " $$\n", encoding="utf-8")
    runs: list[tuple[list[str], set[int]]] = [
        (["grad", "9**9**9", "--wrt", "x"], {2}),
        (["grad", "(" * 1999 + "x" + ")" * 1999, "--wrt", "x"], {2}),
        (["grad", "x @ x", "--wrt", "x", "--let", "x: 1000000000"], {2}),
        (["grad", "exp(exp(x**64))", "--wrt", "x", "--json"], {0, 3}),
        (["grad", "norm(X @ X)**2", "--wrt", "X", "--let", "X: 24 x 24"], {0}),
        (["verify", str(doc)], {2}),
        (["verify", str(bars)], {2}),
        (["compare", "9**9**9", "1e999**1e999"], {2}),
        (["limit", "exp(exp(1e15*x))", "--at", "oo", "--claim", "oo"], {0, 3}),
        (["grad", f"__import__('os').system('touch {SENTINEL}')", "--wrt", "x"], {2}),
    ]
    procs = [(args, codes, subprocess.Popen(
        [sys.executable, "-m", "symderiv", *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=_limited)) for args, codes in runs]
    for args, codes, proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode in codes, f"{args[:2]} exited {proc.returncode}: {err}"
        assert "Traceback" not in out + err
        if proc.returncode == 2:
            assert len(err.strip().splitlines()) == 1 and err.startswith("Error: "), err
    assert not SENTINEL.exists()


# -- the count ------------------------------------------------------------------------------------
FUZZ_TESTS = {"expression", "latex", "latex entry", "declarations", "values", "documents",
              "divide", "compare", "exponents", "limits", "command",
              "singular"}


def test_fuzz_total() -> None:
    """At least 10,000 generated inputs when every fuzz test ran, none of them uncaught."""
    assert FUZZ.uncaught == 0
    assert not SENTINEL.exists()
    if FUZZ.tests == FUZZ_TESTS:
        assert FUZZ.total >= 10_000, FUZZ.summary()

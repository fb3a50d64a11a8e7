"""Printing :class:`~symderiv.parse.values.Term` trees as written: Unicode or LaTeX.

A term is printed with the structure the user (or the derivation) gave it —
``a**(2 - 2)`` stays a^(2 - 2) rather than becoming 1 — which is what a step of a
worked solution must show.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..parse.values import Term

__all__ = ["term_text"]

_SUPERSCRIPT = str.maketrans("0123456789-np", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿᵖ")


def _superscriptable(text: str) -> bool:
    """A single exponent token that has a superscript spelling: 2, 12, -1, n, -n, p."""
    body = text[1:] if text.startswith("-") else text
    return body.isdigit() or body in ("n", "p")


#: names written as the Greek letters they stand for (ASCII in input, ε in print)
_GREEK = {"eps": ("ε", r"\varepsilon"), "epsilon": ("ε", r"\varepsilon"),
          "delta": ("δ", r"\delta")}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def term_text(term: Term, style: str = "unicode") -> str:
    """``term`` written out as given: ``unicode`` (a², ∞, ·, ⁿ√a) or ``latex``.

    >>> from symderiv.parse.values import parse_value
    >>> term_text(parse_value("inf - inf")), term_text(parse_value("a**(-n)", names="an"))
    ('∞ - ∞', 'a⁻ⁿ')
    """
    return _TermWriter(latex=style == "latex").go(term)


#: the writer's method for each kind of node; any other op is a function (sin, Min)
_NODES = {"num": "number", "const": "constant", "name": "name", "matrix": "matrix",
          "neg": "neg", "sqrt": "sqrt", "root": "root", "abs": "abs", "**": "power",
          "+": "binary", "-": "binary", "*": "binary", "/": "binary"}


class _TermWriter:
    """Writes a term in one style, one method per kind of node (see ``_NODES``)."""

    def __init__(self, *, latex: bool) -> None:
        self.latex = latex

    def go(self, t: Term) -> str:
        return getattr(self, _NODES.get(t.op, "call"))(t)

    def wrap(self, t: Term, need: int, right: bool = False) -> str:
        inner = self.go(t)
        prec = _PRECEDENCE.get(t.op, 9)
        if prec < need or (right and prec == need and t.op in "+-*/"):
            return (r"\left(" + inner + r"\right)") if self.latex else f"({inner})"
        return inner

    def number(self, t: Term) -> str:
        if any(c in t.text for c in ".eE") and not t.imag:
            return t.text.replace("_", "")  # 0.1 as written, not 1/10
        v = t.value
        assert isinstance(v, Fraction)
        body = str(v) if v.denominator == 1 else (
            rf"\tfrac{{{v.numerator}}}{{{v.denominator}}}" if self.latex else str(v))
        return body + ("i" if t.imag else "")

    def constant(self, t: Term) -> str:
        return {"oo": r"\infty" if self.latex else "∞", "I": "i",
                "pi": r"\pi" if self.latex else "π"}[str(t.value)]

    def name(self, t: Term) -> str:
        return _GREEK[str(t.value)][self.latex] if t.value in _GREEK else str(t.value)

    def matrix(self, t: Term) -> str:
        if self.latex:
            body = r" \\ ".join(" & ".join(self.go(e) for e in row) for row in t.rows)
            return r"\begin{pmatrix} " + body + r" \end{pmatrix}"
        return "[" + "; ".join(", ".join(self.go(e) for e in row) for row in t.rows) + "]"

    def neg(self, t: Term) -> str:
        return "-" + self.wrap(t.args[0], 3)

    def sqrt(self, t: Term) -> str:
        if self.latex:
            return rf"\sqrt{{{self.go(t.args[0])}}}"
        return "√" + self.wrap(t.args[0], 9) if t.args[0].op in ("num", "name") else \
            f"√({self.go(t.args[0])})"

    def root(self, t: Term) -> str:
        if self.latex:
            return rf"\sqrt[{self.go(t.args[1])}]{{{self.go(t.args[0])}}}"
        index = self.go(t.args[1])
        index = index.translate(_SUPERSCRIPT) if _superscriptable(index) else \
            index if t.args[1].op == "name" else f"({index})"
        inner = self.go(t.args[0])
        return f"{index}√" + (inner if t.args[0].op in ("num", "name") else f"({inner})")

    def abs(self, t: Term) -> str:
        inner = self.go(t.args[0])
        return rf"\left|{inner}\right|" if self.latex else f"|{inner}|"

    def call(self, t: Term) -> str:  # sin(x), Min(1, eps/7)
        inner = ", ".join(self.go(a) for a in t.args)
        if self.latex:
            name = {"Min": r"\min", "Max": r"\max"}.get(t.op, "\\" + t.op)
            return rf"{name}\left({inner}\right)"
        return f"{t.op.lower() if t.op in ('Min', 'Max') else t.op}({inner})"

    def power(self, t: Term) -> str:
        a, b = t.args
        base = self.wrap(a, _PRECEDENCE["**"] + 1)
        if not self.latex and a.op in ("sqrt", "root"):
            base = f"({base})"
        if self.latex:
            return f"{base}^{{{self.go(b)}}}"
        exponent = self.go(b).replace(" ", "")
        if _superscriptable(exponent):
            return base + exponent.translate(_SUPERSCRIPT)
        return f"{base}^({self.go(b)})" if b.op not in ("num", "name") else f"{base}^{self.go(b)}"

    def binary(self, t: Term) -> str:
        a, b = t.args
        prec = _PRECEDENCE[t.op]
        if t.op == "/" and self.latex:
            return rf"\frac{{{self.go(a)}}}{{{self.go(b)}}}"
        symbol = {"*": r" \cdot " if self.latex else "·", "/": r" / " if self.latex else "/",
                  "+": " + ", "-": " - "}[t.op]
        left = self.wrap(a, prec)
        if t.op == "*" and a.op == "/" and not self.latex:  # (1/n)·n, not 1/n·n
            left = f"({left})"
        return left + symbol + self.wrap(b, prec, right=True)

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
    latex = style == "latex"

    def wrap(t: Term, need: int, right: bool = False) -> str:
        inner = go(t)
        prec = _PRECEDENCE.get(t.op, 9)
        if prec < need or (right and prec == need and t.op in "+-*/"):
            return (r"\left(" + inner + r"\right)") if latex else f"({inner})"
        return inner

    def go(t: Term) -> str:
        if t.op == "num" and any(c in t.text for c in ".eE") and not t.imag:
            return t.text.replace("_", "")  # 0.1 as written, not 1/10
        if t.op == "num":
            v = t.value
            assert isinstance(v, Fraction)
            body = str(v) if v.denominator == 1 else (
                rf"\tfrac{{{v.numerator}}}{{{v.denominator}}}" if latex else str(v))
            return body + ("i" if t.imag else "")
        if t.op == "const":
            return {"oo": r"\infty" if latex else "∞", "I": "i",
                    "pi": r"\pi" if latex else "π"}[str(t.value)]
        if t.op == "name":
            return _GREEK[str(t.value)][latex] if t.value in _GREEK else str(t.value)
        if t.op == "matrix":
            if latex:
                body = r" \\ ".join(" & ".join(go(e) for e in row) for row in t.rows)
                return r"\begin{pmatrix} " + body + r" \end{pmatrix}"
            return "[" + "; ".join(", ".join(go(e) for e in row) for row in t.rows) + "]"
        if t.op == "neg":
            return "-" + wrap(t.args[0], 3)
        if t.op == "sqrt":
            if latex:
                return rf"\sqrt{{{go(t.args[0])}}}"
            return "√" + wrap(t.args[0], 9) if t.args[0].op in ("num", "name") else \
                f"√({go(t.args[0])})"
        if t.op == "root":
            if latex:
                return rf"\sqrt[{go(t.args[1])}]{{{go(t.args[0])}}}"
            index = go(t.args[1])
            index = index.translate(_SUPERSCRIPT) if _superscriptable(index) else \
                index if t.args[1].op == "name" else f"({index})"
            inner = go(t.args[0])
            return f"{index}√" + (inner if t.args[0].op in ("num", "name") else f"({inner})")
        if t.op == "abs":
            inner = go(t.args[0])
            return rf"\left|{inner}\right|" if latex else f"|{inner}|"
        if t.op not in _PRECEDENCE:  # sin(x), Min(1, eps/7)
            inner = ", ".join(go(a) for a in t.args)
            if latex:
                name = {"Min": r"\min", "Max": r"\max"}.get(t.op, "\\" + t.op)
                return rf"{name}\left({inner}\right)"
            return f"{t.op.lower() if t.op in ('Min', 'Max') else t.op}({inner})"
        a, b = t.args
        prec = _PRECEDENCE[t.op]
        if t.op == "**":
            base = wrap(a, prec + 1)
            if not latex and a.op in ("sqrt", "root"):
                base = f"({base})"
            if latex:
                return f"{base}^{{{go(b)}}}"
            exponent = go(b).replace(" ", "")
            if _superscriptable(exponent):
                return base + exponent.translate(_SUPERSCRIPT)
            return f"{base}^({go(b)})" if b.op not in ("num", "name") else f"{base}^{go(b)}"
        if t.op == "/" and latex:
            return rf"\frac{{{go(a)}}}{{{go(b)}}}"
        symbol = {"*": r" \cdot " if latex else "·", "/": r" / " if latex else "/",
                  "+": " + ", "-": " - "}[t.op]
        left = wrap(a, prec)
        if t.op == "*" and a.op == "/" and not latex:  # (1/n)·n, not 1/n·n
            left = f"({left})"
        return left + symbol + wrap(b, prec, right=True)

    return go(term)

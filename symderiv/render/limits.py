"""The quantified statement of a limit, in Unicode or LaTeX (one function, two styles)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from .printing import to_latex, to_unicode

__all__ = ["statement"]


def statement(lim: Any, *, latex: bool = False, all_reals: bool = False) -> str:
    """∀ε > 0 ∃δ > 0 ∀x: 0 < |x − a| < δ ⇒ |f(x) − L| < ε, and its R, N and one-sided forms
    (``all_reals``: R ranges over every real number, as the talk says)."""
    show = to_latex if latex else to_unicode
    x = lim.x.name
    sym = {"forall": r"\forall " if latex else "∀", "exists": r"\exists " if latex else "∃",
           "implies": r"\Rightarrow" if latex else "⇒", "eps": r"\varepsilon" if latex else "ε",
           "delta": r"\delta" if latex else "δ", "minus": "-" if latex else "−"}
    fx = f"f({x})"
    q = sym["eps"] if lim.quantity == "eps" else "R"
    bars = (r"\left|", r"\right|") if latex else ("|", "|")
    reals = r"R \in \mathbb{R}" if latex else "R ∈ ℝ"
    if lim.L is sp.oo:
        goal, q_range = f"{fx} > R", reals if all_reals else "R > 0"
    elif lim.L is -sp.oo:
        goal, q_range = f"{fx} < R", reals if all_reals else "R < 0"
    else:
        diff = fx if lim.L == 0 else f"{fx} + {show(-lim.L)}" if lim.L < 0 else \
            f"{fx} {sym['minus']} {show(lim.L)}"
        goal, q_range = f"{bars[0]}{diff}{bars[1]} < {q}", f"{q} > 0"
    if lim.a is sp.oo:
        answer, near = "N", f"{x} > N"
    elif lim.a is -sp.oo:
        answer, near = "N", f"{x} < N"
    else:
        a = show(lim.a)
        answer = sym["delta"]
        zero = lim.a == 0
        if lim.side == "+":
            near = f"{a} < {x} < " + (answer if zero else f"{a} + {answer}")
        elif lim.side == "-":
            near = (f"{sym['minus']}{answer}" if zero else f"{a} {sym['minus']} {answer}") + \
                f" < {x} < {a}"
        else:
            inner = x if zero else f"{x} + {show(-lim.a)}" if lim.a < 0 else \
                f"{x} {sym['minus']} {a}"
            near = f"0 < {bars[0]}{inner}{bars[1]} < {answer}"
        answer += " > 0"
    sep = r"\;" if latex else " "
    return (f"{sym['forall']}{q_range}{sep}{sym['exists']}{answer}{sep}{sym['forall']}{x}:"
            f"{sep}{near} {sym['implies']} {goal}")

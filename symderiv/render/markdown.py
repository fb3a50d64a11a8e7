"""Markdown printer: a checked derivation for web pages (math in ``$$``, as MathJax and
KaTeX render it)."""

from __future__ import annotations

from typing import Any

from .latex import diagnosis_latex, step_latex
from .printing import to_latex

__all__ = ["render_derivation"]

_MARK = {"holds": "✓", "fails": "✗", "undecided": "?"}


def render_derivation(r: Any) -> str:
    """One display-math line per step, its verdict beside it; a wrong step is followed by
    the correct result and what is wrong."""
    out = ["## Checked derivation", ""]
    if r.declarations:
        out += [f"Declarations: `{r.declarations}`", ""]
    for s in r.steps:
        math = step_latex(s)
        if s.claim == "start":
            lhs = f"{to_latex_name(s.name)} = " if s.name else ""
        elif s.claim == "equal":
            lhs = "= "
        else:
            op = r"\nabla" if s.claim == "gradient" else r"\nabla^{2}"
            of = to_latex_name(s.of) if s.of and s.of.isidentifier() else s.of
            lhs = f"{op}_{{{to_latex_name(s.wrt)}}} {of} = "
        mark = f" {_MARK[s.verdict.outcome]} step {s.number}" if s.verdict is not None else ""
        out += [f"$$ {lhs}{math} $$", f"<small>line {s.line}{mark}</small>", ""]
        v = s.verdict
        if v is not None and v.outcome == "fails":
            if v.correct is not None:
                out += [f"**Should be** $${to_latex(v.correct)}$$", ""]
            out += [f"- {diagnosis_latex(d)}" for d in v.diagnoses] + [""]
    wrong = next((s for s in r.steps if s.index == r.first_wrong_step), None)
    out.append("**Every step holds.**" if wrong is None and r.outcome == "holds" else
               f"**The first wrong step is step {wrong.number} (line {wrong.line}).**"
               if wrong is not None else
               "**No step fails; some are undecided.**")
    return "\n".join(out) + "\n"


def to_latex_name(name: str | None) -> str:
    import sympy as sp

    return to_latex(sp.Symbol(name)) if name else ""

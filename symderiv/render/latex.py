"""LaTeX printer: a verdict as a fragment (or a standalone document) of a worked solution."""

from __future__ import annotations

from ..space import Declaration
from ..verdict import Diagnosis, Verdict
from .printing import to_latex

__all__ = ["render_verdict"]

_REL = {"holds": "=", "fails": r"\neq", "undecided": r"\overset{?}{=}"}
_WORD = {"holds": "holds", "fails": "fails", "undecided": "is undecided"}


def _tex_escape(text: str) -> str:
    out = text
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                 ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\~{}"),
                 ("^", r"\^{}")):
        out = out.replace(a, b)
    return out.replace("×", r"$\times$").replace("−", "-")


def _declarations(decls: tuple[Declaration, ...]) -> str:
    """Declarations as $X \\in \\mathbb{R}^{m \\times n}$ (assumptions in words)."""
    if not decls:
        return "all symbols are scalars"
    out = []
    for d in decls:
        if d.kind == "scalar":
            space = r"\mathbb{R}"
        else:
            space = r"\mathbb{R}^{" + r" \times ".join(str(x) for x in d.dims) + "}"
        item = rf"${d.name} \in {space}$"
        if d.assumptions:
            item += " (" + ", ".join(sorted(d.assumptions)) + ")"
        out.append(item)
    return ", ".join(out)


def _diagnosis(d: Diagnosis) -> str:
    """The diagnosis sentence with its expressions in math mode."""
    pieces = d.template.split("{}")
    out = _tex_escape(pieces[0])
    for e, piece in zip(d.exprs, pieces[1:], strict=True):
        out += f"${to_latex(e)}$" + _tex_escape(piece)
    return out


def _wrt_symbol(v: Verdict) -> str:
    op = r"\nabla" if v.task == "gradient" else r"\nabla^{2}"
    return rf"{op}_{{{v.wrt}}} f"


def render_verdict(v: Verdict, *, standalone: bool = False, math_only: bool = False) -> str:
    """LaTeX for the claim and the verdict; ``math_only`` gives one display-math line."""
    f = to_latex(v.function_expr) if v.function_expr is not None else _tex_escape(v.function)
    claim = to_latex(v.claim_expr) if v.claim_expr is not None else None
    correct = to_latex(v.correct) if v.correct is not None else None
    if v.task == "equal":
        rel = _REL[v.outcome]
        math = rf"{f} {rel} {claim}"
    else:
        rel = _REL[v.outcome]
        if claim:
            math = rf"{_wrt_symbol(v)} {rel} {claim}"
        elif correct:
            math = rf"{_wrt_symbol(v)} = {correct}"
        else:
            math = rf"{_wrt_symbol(v)} = \text{{(no verified result)}}"
    if math_only:
        return math
    lines = [f"% symderiv: {v.task} check, verdict: {v.outcome}"]
    if v.task != "equal":
        lines.append(rf"Let $f = {f}$, where {_declarations(v.declarations)}.")
    else:
        lines.append(rf"Where {_declarations(v.declarations)}:")
    lines.append(r"\[ " + math + r" \]")
    lines.append(rf"\textbf{{The claim {_WORD[v.outcome]}.}}")
    if v.outcome == "fails" and correct and v.task != "equal":
        lines.append(r"The correct result is")
        lines.append(rf"\[ {_wrt_symbol(v)} = {correct}. \]")
    if v.outcome == "fails" and v.diagnoses:
        lines.append(r"\begin{itemize}")
        for d in v.diagnoses:
            lines.append(rf"  \item {_diagnosis(d)}")
        lines.append(r"\end{itemize}")
    cx = v.counterexample
    if cx is not None and v.outcome != "holds":
        sizes = ", ".join(f"${k} = {n}$" for k, n in cx.sizes.items()) or "the declared sizes"
        if v.task == "equal":
            first, first_value, second, second_value = "lhs", cx.expected, "rhs", cx.claimed
        else:
            first, first_value, second, second_value = "claimed", cx.claimed, "correct", \
                cx.expected
        lines.append(rf"Counterexample at {sizes} (seed {cx.seed}): "
                     + ", ".join(rf"$\mathtt{{{_tex_escape(k)}}} = "
                                 rf"\mathtt{{{_tex_escape(str(val))}}}$"
                                 for k, val in cx.values.items())
                     + rf"; {first} $\mathtt{{{_tex_escape(str(first_value))}}}$, "
                       rf"{second} $\mathtt{{{_tex_escape(str(second_value))}}}$.")
    engines = "; ".join(f"{e.engine}: {e.outcome}" for e in v.evidence)
    lines.append(rf"\emph{{Evidence}} ({'engines agree' if v.agree else 'engines disagree'}): "
                 rf"{_tex_escape(engines)}.")
    body = "\n".join(lines) + "\n"
    if not standalone:
        return body
    return ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
            + body + "\n\\end{document}\n")

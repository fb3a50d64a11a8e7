"""LaTeX printer: a verdict as a fragment (or a standalone document) of a worked solution."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..calculus.indexform import IndexExpr
from ..parse.values import Term
from ..space import Declaration
from ..verdict import Diagnosis, Verdict
from .printing import StepPrinter, to_latex
from .terms import term_text
from .text import checked_text

__all__ = ["StepLatexPrinter", "diagnosis_latex", "render_comparison", "render_derivation",
           "render_division", "render_explanation", "render_exponents", "render_verdict",
           "sentence_latex", "step_latex", "text_latex", "value_latex"]

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
            item += " (" + ", ".join(_tex_escape(w) for w in d.assumption_words) + ")"
        out.append(item)
    return ", ".join(out)


def diagnosis_latex(d: Diagnosis) -> str:
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
            lines.append(rf"  \item {diagnosis_latex(d)}")
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


# -- worked solutions ------------------------------------------------------------------------
class StepLatexPrinter(StepPrinter):
    """Index forms in LaTeX: ``\\sum_{i \\neq k} a_{ki} x_{i}``, ``\\frac{\\partial f}{…}``."""

    def expr(self, e: Any) -> str:
        return to_latex(e)

    def entry(self, base: str, indices: list[str]) -> str:
        name = to_latex(sp.Symbol(base))
        if not indices:
            return name
        if "_" in name or "^" in name:  # x_{a} gets its own group: {x_{a}}_{k}
            name = f"{{{name}}}"
        return f"{name}_{{{''.join(indices)}}}"

    def index(self, name: str) -> str:
        return name.replace("'", "^{\\prime}")

    def power(self, base: str, k: int) -> str:
        return f"{base}^{{{k}}}"

    def sum_sign(self, index: str, excluded: list[str]) -> str:
        if excluded:
            return rf"\sum_{{{index} \neq {', '.join(excluded)}}} "
        return rf"\sum_{{{index}}} "

    def delta(self, a: str, b: str) -> str:
        return rf"\delta_{{{a}{b}}}"

    def group(self, inner: str, k: int) -> str:
        return rf"\left({inner}\right)" + (f"^{{{k}}}" if k != 1 else "")

    def _of(self, of: Any) -> str:
        if self.function is not None and of == self.function:
            return "f"
        return rf"\left({self.expr(of)}\right)"

    def _den(self, by: tuple[Any, ...]) -> tuple[str, str]:
        names = [self.doprint(e) for e in reversed(by)]
        if len(names) == 1:
            return "", rf"\partial {names[0]}"
        if names[0] == names[1]:
            return "^{2}", rf"\partial {names[0]}^{{2}}"
        return "^{2}", " ".join(rf"\partial {n}" for n in names)

    def _print_Partial(self, p: Any) -> str:
        order, den = self._den(p.by)
        if isinstance(p.of, IndexExpr):
            return rf"\frac{{\partial}}{{{den}}} \left({self.doprint(p.of)}\right)"
        if self.function is not None and p.of == self.function:
            return rf"\frac{{\partial{order} f}}{{{den}}}"
        return rf"\frac{{\partial{order}}}{{{den}}} {self._of(p.of)}"

    def _print_EntryOf(self, e: Any) -> str:
        idx = "".join(i.name for i in e.indices)
        return rf"\left({self.expr(e.matrix)}\right)_{{{idx}}}"

    def _print_Nabla(self, n: Any) -> str:
        op = r"\nabla" if n.order == 1 else r"\nabla^{2}"
        return rf"{op} {self._of(n.of)}"

    # reasons: one method per Reason.kind ----------------------------------------------------
    def reason(self, r: Any) -> str:
        return getattr(self, "_reason_" + r.kind.replace(" ", "_"))(*r.args)

    def _reason_index_form(self) -> str:
        return r"\text{index form}"

    def _reason_norm(self) -> str:
        return r"\|v\|^{2} = v^{\top} v"

    def _reason_multiply_out(self) -> str:
        return r"\text{multiply out}"

    def _reason_cases(self, pairs: Any, k: str, entry: Any) -> str:
        which = r"\text{ or }".join(rf"{i} = {k} \text{{ or }} {j} = {k}" for i, j in pairs)
        return (r"\text{only the terms with }" + which + r"\text{ depend on } "
                + self.doprint(entry))

    def _reason_differentiate(self) -> str:
        return r"\text{differentiate}"

    def _reason_delta(self, entry: Any, by: Any, deltas: Any) -> str:
        return (rf"\frac{{\partial {self.doprint(entry)}}}{{\partial {self.doprint(by)}}} = "
                + (" ".join(self.doprint(d) for d in deltas) or "1"))

    def _reason_resolve(self) -> str:
        return r"\text{a sum over } \delta \text{ keeps one term}"

    def _reason_symmetry(self, *pairs: Any) -> str:
        return r",\ ".join(rf"{self.entry(e, ['i', 'k'])} = {self.entry(e, ['k', 'i'])}"
                           rf"\ \text{{(${to_latex(sp.Symbol(m))}$ symmetric)}}"
                           for m, e in pairs)

    def _reason_absorb(self, k: str) -> str:
        return r"\text{the diagonal term completes the sum}"

    def _reason_read_back(self) -> str:
        return r"\text{as a matrix expression}"

    def _reason_add_terms(self, constant: Any, wrt: str) -> str:
        return r"\text{add the terms' gradients}"

    def _reason_collect(self) -> str:
        return r"\text{collect terms}"

    def _reason_from_gradient(self) -> str:
        return r"\text{from above}"

    def _reason_constant(self, wrt: str) -> str:
        return rf"\text{{$f$ does not depend on }} {to_latex(sp.Symbol(wrt))}"


def render_explanation(e: Any, *, standalone: bool = False) -> str:
    """A worked solution as an ``align*`` block (amsmath), the reasons beside the steps."""
    p = StepLatexPrinter(e.names, e.function_expr)
    what = "gradient" if e.task == "gradient" else "Hessian"
    lines = [f"% symderiv: worked solution, {what} with respect to {e.wrt}",
             rf"Let $f = {to_latex(e.function_expr)}$, where {_declarations(e.declarations)}.",
             r"\begin{align*}"]
    rows: list[str] = []
    for step in e.steps:
        rhs = p.doprint(step.rhs)
        why = rf" && {p.reason(step.reason)}" if step.reason else ""
        if step.lhs is not None and step.lhs == e.function_expr:
            rows.append(rf"f &= {to_latex(e.function_expr)}")
            rows.append(rf"  &= {rhs}{why}")
        elif step.lhs is not None:
            rows.append(rf"{p.doprint(step.lhs)} &= {rhs}{why}")
        else:
            rows.append(rf"  &= {rhs}{why}")
    lines.append(" \\\\\n".join(rows))
    lines.append(r"\end{align*}")
    op = r"\nabla" if e.task == "gradient" else r"\nabla^{2}"
    lines.append(rf"Hence ${op} f = {to_latex(e.result)}$.")
    if e.checked is not None:
        lines.append(rf"\emph{{Checked:}} {_tex_escape(checked_text(e.checked))}.")
    body = "\n".join(lines) + "\n"
    if not standalone:
        return body
    return ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
            + body + "\n\\end{document}\n")


# -- derivation documents ---------------------------------------------------------------------
def step_latex(s: Any) -> str:
    """A step as the user wrote it when they wrote LaTeX; else printed from the parse."""
    if s.notation == "latex":
        return s.text
    return to_latex(s.parsed.expr) if s.parsed is not None else _tex_escape(s.text)


def render_derivation(r: Any, *, standalone: bool = True) -> str:
    """A checked derivation as a worked solution: every step with its mark, and for a
    wrong step the correct result and a counterexample in place."""
    rows: list[str] = []
    notes: list[str] = []
    for s in r.steps:
        mark = {"holds": r"\checkmark", "fails": r"\times", "undecided": "?"}.get(
            s.verdict.outcome if s.verdict is not None else "", "")
        if s.claim == "start":
            lhs = to_latex(sp.Symbol(s.name)) if s.name else ""
            rows.append(rf"{lhs} &= {step_latex(s)}" if lhs else rf"& {step_latex(s)}")
        elif s.claim == "equal":
            rows.append(rf"&= {step_latex(s)} && {mark}\ [{s.number}]")
        else:
            op = r"\nabla" if s.claim == "gradient" else r"\nabla^{2}"
            if s.of.isidentifier():
                of = to_latex(sp.Symbol(s.of))
            elif s.notation == "latex":  # ∇_w (yᵀXw) as written
                of = s.of
            else:
                of = rf"\left(\mathtt{{{_tex_escape(s.of)}}}\right)"
            lhs = rf"{op}_{{{to_latex(sp.Symbol(s.wrt))}}} {of}"
            if s.entry:
                lhs = (rf"\frac{{\partial {of}}}{{\partial "
                       rf"{to_latex(sp.Symbol(s.wrt))}_{{{s.entry}}}}}")
            rows.append(rf"{lhs} &= {step_latex(s)} && {mark}\ [{s.number}]")
        v = s.verdict
        if v is not None and v.outcome == "fails":
            if v.correct is not None:
                rows.append(rf"&\ \text{{should be }} {to_latex(v.correct)}")
            detail = "; ".join(diagnosis_latex(d) for d in v.diagnoses)
            cx = v.counterexample
            where = ""
            if cx is not None:
                sizes = ", ".join(f"${k} = {n}$" for k, n in cx.sizes.items())
                where = f" Counterexample at {sizes or 'the declared sizes'} (seed {cx.seed})."
            notes.append(rf"\item Step {s.number} (line {s.line}) fails: " + detail + "."
                         + where)
    wrong = next((s for s in r.steps if s.index == r.first_wrong_step), None)
    lines = ["% symderiv: checked derivation",
             r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    if wrong is None:
        lines.append(r"\textbf{Every step holds.}" if r.outcome == "holds"
                     else r"\textbf{No step fails; some are undecided.}")
    else:
        lines.append(rf"\textbf{{The first wrong step is step {wrong.number} (line "
                     rf"{wrong.line}).}}")
        lines.append(r"\begin{itemize}")
        lines.extend(notes)
        lines.append(r"\end{itemize}")
    body = "\n".join(lines) + "\n"
    if not standalone:
        return body
    return ("\\documentclass{article}\n\\usepackage{amsmath,amssymb,bm}\n"
            "\\providecommand{\\tr}{\\operatorname{tr}}\n\\begin{document}\n"
            + body + "\\end{document}\n")


# -- definitions -------------------------------------------------------------------------------
#: Unicode in the definitions' sentences, as LaTeX (text mode).
_UNICODE_TEX = {
    "ℝ̄": r"$\overline{\mathbb{R}}$", "ℝ": r"$\mathbb{R}$", "ℤ": r"$\mathbb{Z}$",
    "ℚ": r"$\mathbb{Q}$", "ℂ": r"$\mathbb{C}$", "≠": r"$\neq$", "≡": r"$\equiv$",
    "·": r"$\cdot$", "≥": r"$\geq$", "≤": r"$\leq$", "∞": r"$\infty$", "÷": r"$\div$",
    "₀": r"$_0$", "…": r"\ldots{}", "√": r"$\surd$", "∈": r"$\in$", "∉": r"$\notin$",
    "⇒": r"$\Rightarrow$", "ε": r"$\varepsilon$", "δ": r"$\delta$", "−": "-",
    "ᵀ": r"$^\top$", "≈": r"$\approx$", "→": r"$\to$", "<": r"$<$", ">": r"$>$",
}


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿᵖ", "0123456789-+np")


def text_latex(text: str) -> str:
    """Plain Unicode text for LaTeX's text mode: specials escaped, symbols in math,
    superscripts (a⁻ⁿ) as exponents."""
    import re

    out = _tex_escape(text)
    out = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿᵖ]+", lambda m: "$^{" + m.group().translate(_SUPERSCRIPTS) + "}$",
                 out)
    for u, tex in _UNICODE_TEX.items():
        out = out.replace(u, tex)
    return out


def value_latex(v: Any, *, factor: bool = False) -> str:
    """A value in math mode; as a factor (beside ·) in parentheses unless atomic."""
    from .text import is_atomic

    body = to_latex(sp.ImmutableMatrix(v) if isinstance(v, sp.MatrixBase) else v)
    return body if not factor or is_atomic(v) else rf"\left({body}\right)"


def sentence_latex(s: Any) -> str:
    """A :class:`~symderiv.verdict.Sentence` in LaTeX: words in text, values in math."""
    pieces = s.template.split("{}")
    out = text_latex(pieces[0].format())
    for i, (v, piece) in enumerate(zip(s.exprs, pieces[1:], strict=True)):
        if isinstance(v, Term):
            math = term_text(v, "latex")
        else:
            math = value_latex(v, factor=piece.startswith("·") or pieces[i].endswith("·"))
        out += f"${math}$" + text_latex(piece.format())
    return out


def _domain_latex(d: Any) -> str:
    sets = {"ZZ": r"\mathbb{Z}", "QQ": r"\mathbb{Q}", "RR": r"\mathbb{R}", "CC": r"\mathbb{C}"}
    if d.kind == "ZZ/n":
        return rf"\mathbb{{Z}}/{d.modulus}\mathbb{{Z}}"
    if d.kind == "poly":
        return rf"{sets[d.coefficients]}[{d.generator}]"
    if d.kind == "matrices":
        return r"\mathbb{C}^{n \times n}"  # exact entries: rationals, roots, i
    return sets[d.kind]


def division_equation_latex(d: Any) -> str:
    if d.domain.kind == "matrices":
        return "B X = A" if d.side == "left" else "X B = A"
    b, a = value_latex(d.divisor, factor=True), value_latex(d.dividend)
    if d.domain.kind == "ZZ/n":
        return rf"{b} \cdot x \equiv {a} \pmod{{{d.domain.modulus}}}"
    return rf"{b} \cdot {d.unknown} = {a}"


def render_division(d: Any, *, standalone: bool = False) -> str:
    """a ÷ b as a worked solution: the definition, the equation's solutions, the reason,
    the checks and the answer."""
    dom = _domain_latex(d.domain)
    eq = division_equation_latex(d)
    if d.domain.kind == "matrices":
        op = r"B^{-1} A" if d.side == "left" else r"A B^{-1}"
        quotient = "X"
        lines = ["% symderiv: matrix division from the definition",
                 rf"Let $A = {value_latex(d.dividend)}$ and $B = {value_latex(d.divisor)}$.",
                 rf"\emph{{Definition.}} The quotient of $A$ by $B$ ({d.side} division) is "
                 rf"the matrix $X$ with ${eq}$, if there is exactly one; it is ${op}$ when $B$ "
                 "is invertible."]
    else:
        quotient = rf"{value_latex(d.dividend, factor=True)} \div " \
                   rf"{value_latex(d.divisor, factor=True)}"
        lines = [f"% symderiv: {text_latex(d.domain.name)} division from the definition",
                 rf"\emph{{Definition.}} ${quotient}$ is the ${d.unknown} \in {dom}$ with "
                 rf"${eq}$, if there is exactly one."]
    var = "X" if d.domain.kind == "matrices" else d.unknown
    solutions = (r"\left\{" + ", ".join(value_latex(s) for s in d.solutions) + r"\right\}"
                 if d.solutions is not None and d.particular is None else
                 r"\text{" + sentence_latex(d.description) + "}")
    rows = [rf"\{{ {var} : {eq} \}} &= {solutions}"]
    if d.particular is not None:
        rows.append(rf"X_0 &= {value_latex(d.particular)}")
        rows.extend(rf"N_{{{i}}} &= {value_latex(v)}" for i, v in enumerate(d.null_space, 1))
    lines.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    lines.append(rf"\emph{{Why.}} {sentence_latex(d.why)}.")
    if d.checks:
        lines.append(r"\emph{Checked.} " + "; ".join(sentence_latex(c) for c in d.checks) + ".")
    if d.defined:
        lines.append(rf"\emph{{Answer.}} ${quotient} = {value_latex(d.quotient)}$.")
    else:
        why = "no solution" if d.verdict == "none" else "the solution is not unique"
        lines.append(rf"\emph{{Answer.}} ${quotient}$ is undefined: {why}.")
    return _document("\n\n".join(lines) + "\n", standalone)


def render_comparison(c: Any, *, standalone: bool = False) -> str:
    """The comparison as a tabular (booktabs-free), notes numbered below it."""
    notes: dict[str, int] = {}

    def cell(x: Any) -> str:
        shown = x.value if len(x.value) <= 40 else x.value[:39] + "…"
        value = r"\texttt{" + text_latex(shown) + "}" if x.system not in c.systems[:2] \
            else text_latex(shown)
        if not x.detail:
            return value
        return value + f"$^{{{notes.setdefault(x.detail, len(notes) + 1)}}}$"

    short = {"mathematics (ℝ)": r"$\mathbb{R}$",
             "extended reals (ℝ̄)": r"$\overline{\mathbb{R}}$"}
    head = " & ".join(["", *(short.get(s, text_latex(s)) for s in c.systems)])
    rows = [" & ".join([f"${term_text(r.term, 'latex')}$", *(cell(x) for x in r.cells)])
            for r in c.rows]
    lines = ["% symderiv: mathematics vs implementations",
             r"{\small\begin{tabular}{l" + "l" * len(c.systems) + "}",
             head + r" \\ \hline", " \\\\\n".join(rows) + r" \\", r"\end{tabular}}", ""]
    lines.extend(rf"\noindent$^{{{n}}}$ {text_latex(d)}\\" for d, n in notes.items())
    return _document("\n".join(lines) + "\n", standalone)


def render_exponents(d: Any, *, standalone: bool = False) -> str:
    """The natural extension as a worked solution: one ``align*`` block per result."""
    lines = ["% symderiv: the exponent laws' natural extension",
             r"For natural $x, y$: " + ", ".join(
                 rf"{label} ${term_text(lhs, 'latex')} = {term_text(rhs, 'latex')}$"
                 for label, lhs, rhs in d.laws) + ". Extend the exponent so that the laws "
             "keep holding."]
    for s in d.sections:
        rows = [rf"{term_text(st.lhs, 'latex')} &= {term_text(st.rhs, 'latex')} "
                rf"&& \text{{{sentence_latex(st.why)}}}" for st in s.steps]
        lines.append(rf"\paragraph{{{sentence_latex(s.title)}}}")
        lines.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
        lines.append(rf"Hence {sentence_latex(s.conclusion)}.")
    lines.append(text_latex(f"Every step was checked for its form (the law it names) and its "
                            f"truth, at {d.points} random values each (seed {d.seed})."))
    return _document("\n\n".join(lines) + "\n", standalone)


def _document(body: str, standalone: bool) -> str:
    """``body``, or a standalone article around it (amsmath, amssymb)."""
    if not standalone:
        return body
    return ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
            + body + "\n\\end{document}\n")


def render_limit(c: Any, *, standalone: bool = False) -> str:
    """The definition, then the proof or the refutation, as a worked solution."""
    lim = c.limit
    arrow = {sp.oo: r"\infty", -sp.oo: r"-\infty"}
    at = arrow.get(lim.a, to_latex(lim.a)) + ({"+": "^{+}", "-": "^{-}"}.get(lim.side or "", ""))
    claim = arrow.get(lim.L, to_latex(lim.L))
    lines = [f"% symderiv: {text_latex(lim.kind)} check of a limit",
             rf"\emph{{Claim.}} $\lim_{{{lim.x} \to {at}}} {to_latex(lim.f)} = {claim}$, that "
             rf"is, with $f({lim.x}) = {to_latex(lim.f)}$:",
             rf"\[ {lim.statement(latex=True, all_reals=c.all_reals)} \]"]
    name = r"\delta" if lim.answer == "delta" else "N"
    q = r"\varepsilon" if lim.quantity == "eps" else "R"
    if c.witness is not None:
        who = "symderiv proposes" if c.proposed else "The witness is"
        lines.append(rf"\emph{{Witness.}} {who} ${name}({q}) = {to_latex(c.witness)}$.")
    if c.outcome == "holds" and c.proved:
        lines.append(r"\emph{Proof.} The negation — some " + f"${q}$" + " in range and some $"
                     + lim.x.name + r"$ in the neighbourhood with the conclusion false — was "
                     r"given to the SMT solver z3 for nonlinear real arithmetic, which showed "
                     r"that it has no solution. $\square$")
    elif c.counterexample:
        labels = {"eps": r"$\varepsilon$", "delta": r"$\delta$"}
        items = ", ".join(text_latex(v) if k == "why" else
                          f"{labels.get(k, '$' + k + '$')} = {text_latex(v)}"
                          for k, v in c.counterexample.items())
        lines.append(rf"\emph{{Refutation.}} {items}.")
    lines.append(rf"\emph{{Verdict:}} {c.outcome} ({text_latex(c.reason)}).")
    return _document("\n\n".join(lines) + "\n", standalone)


def render_regression(reg: Any, *, standalone: bool = False) -> str:
    """The gradient of the loss by the chain rule, one ``align*`` row per factor."""
    lines = ["% symderiv: the gradient of the regression loss by the chain rule",
             rf"Model $f(x) = {to_latex(reg.model)}$, loss $L(w) = "
             + {"sse": "", "half": r"\tfrac12 ", "mean": r"\tfrac1n "}[reg.loss]
             + r"\sum_i \bigl(y_i - f(x_i)\bigr)^2$; with $\ell = "
             + {"half": r"\tfrac12 "}.get(reg.loss, "") + r"(y - f)^2$, "
             r"$\partial \ell / \partial f = " + to_latex(reg.steps[0].outer) + "$."]
    mean = r"\tfrac1n " if reg.loss == "mean" else ""
    rows = []
    for i, step in enumerate(reg.steps):
        checked = f"checked: {reg.checks[i].outcome}" if reg.checks else "not checked"
        w = to_latex(reg.params[i])
        rows.append(rf"\frac{{\partial L}}{{\partial {w}}} &= {mean}\sum_i "
                    rf"\frac{{\partial \ell}}{{\partial f}}\,\frac{{\partial f}}"
                    rf"{{\partial {w}}} = {mean}\sum_i {to_latex(step.partial)}"
                    rf" && \text{{{text_latex(checked)}}}")
    lines.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    lines.append("Each partial derivative was checked by symderiv's exact and "
                 "finite-difference engines before use.")
    return _document("\n\n".join(lines) + "\n", standalone)

"""Text printer: a verdict laid out for people reading a terminal."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..calculus.indexform import IndexExpr
from ..parse.values import Term
from ..verdict import Counterexample, Evidence, Verdict
from .printing import StepPrinter, to_unicode
from .terms import term_text

__all__ = ["StepTextPrinter", "checked_text", "format_value", "render_comparison",
           "render_derivation", "render_division", "render_explanation", "render_exponents",
           "render_verdict", "sentence_text", "value_text"]

_HEAD = {"holds": "✓ HOLDS", "fails": "✗ FAILS", "undecided": "? UNDECIDED"}
_TASK = {"gradient": "gradient", "hessian": "Hessian", "equal": "identity"}


def format_value(v: Any, digits: int = 6) -> str:
    """Nested lists of numbers in a compact, readable form."""
    if isinstance(v, list):
        return "[" + ", ".join(format_value(x, digits) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return str(v)


def _sizes(s: dict[str, int]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in s.items()) or "fixed sizes"


#: How the seed is given where a text is read: the command's option by default.
CLI_SEED = "--seed {seed}"


def _counterexample(cx: Counterexample, task: str, reproduce: str) -> list[str]:
    kind = "exact" if cx.exact else "floating point"
    lines = [f"counterexample ({kind}, from the {cx.engine} engine; "
             f"reproduce with {reproduce.format(seed=cx.seed)})"]
    if cx.sizes:
        lines.append(f"    sizes    {_sizes(cx.sizes)}")
    for name, value in cx.values.items():
        lines.append(f"    {name:<8} {format_value(value)}")
    if task == "equal":
        lines.append(f"    {'lhs':<8} {format_value(cx.expected)}")
        lines.append(f"    {'rhs':<8} {format_value(cx.claimed)}")
    else:
        lines.append(f"    {'claimed':<8} {format_value(cx.claimed)}")
        lines.append(f"    {'correct':<8} {format_value(cx.expected)}")
    return lines


def _evidence(e: Evidence) -> list[str]:
    head = f"    {e.engine:<12} {e.outcome:<10} {e.detail or e.method}"
    how = e.method if e.detail else ""
    if e.checks:
        how += ("; " if how else "") + f"{e.checks} point{'s' if e.checks != 1 else ''}"
    if e.sizes:
        how += " at " + "; ".join(_sizes(s) for s in e.sizes[:4]) + (
            "; …" if len(e.sizes) > 4 else "")
    return [head] + ([f"    {'':<12} {'':<10} {how}"] if how else [])


def render_verdict(v: Verdict, *, reproduce: str = CLI_SEED) -> str:
    """The whole verdict: headline, claim vs correct, what is wrong, counterexample, engines.

    ``reproduce`` says how to give the counterexample's seed where the text is read
    (``{seed}`` is replaced): the command's ``--seed {seed}``, the pytest plugin's
    ``--symderiv-seed {seed}``, a Python call's ``seed={seed}``.
    """
    task = _TASK[v.task]
    if v.claim is None and v.task != "equal":
        head = ("✓ DERIVED" if v.outcome == "holds" else _HEAD[v.outcome])
        lines = [f"{head} — {task}, cross-checked by finite differences"
                 if v.outcome == "holds" else f"{head} — {task}"]
    else:
        lines = [f"{_HEAD[v.outcome]} — {task} check"]
    fu = to_unicode(v.function_expr) if v.function_expr is not None else v.function
    claim_u = to_unicode(v.claim_expr) if v.claim_expr is not None else v.claim
    if v.task == "equal":
        lines.append(f"  lhs      {v.function}    ({fu})")
        lines.append(f"  rhs      {v.claim}    ({claim_u})")
    else:
        lines.append(f"  f        {v.function}")
        op = "∇" if v.task == "gradient" else "∇²"
        kind = v.wrt_kind
        layout = " (denominator layout: same shape as " + str(v.wrt) + ")" \
            if v.task == "gradient" and kind != "scalar" else ""
        lines.append(f"  {op}_{v.wrt} f{layout}")
    if v.declarations:
        lines.append(f"  where    {v.declarations_text}")
    if v.task != "equal":
        if v.claim is not None:
            lines.append(f"  claim    {claim_u}")
        if v.correct_text is not None:
            lines.append(f"  correct  {to_unicode(v.correct)}")
            lines.append(f"           as input: {v.correct_text}")
    if v.outcome == "fails" and (v.diagnoses or v.residual_text):
        lines.append("  what is wrong")
        for d in v.diagnoses:
            lines.append(f"    • {d.message}")
        if v.residual_text and not any(d.kind == "residual" for d in v.diagnoses):
            label = "lhs − rhs" if v.task == "equal" else "correct − claim"
            lines.append(f"    {label} = {v.residual_text}")
    if v.counterexample is not None and v.outcome != "holds":
        lines.extend("  " + ln for ln in _counterexample(v.counterexample, v.task,
                                                          reproduce))
    lines.append(f"  engines ({'agree' if v.agree else 'DISAGREE'})")
    for e in v.evidence:
        lines.extend(_evidence(e))
    for note in v.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


# -- worked solutions ------------------------------------------------------------------------
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class StepTextPrinter(StepPrinter):
    """Index forms in Unicode: ``Σ_{i≠k} a_ki x_i``, ``∂f/∂x_k``, ``(2Ax)_k``."""

    minus = "−"

    def expr(self, e: Any) -> str:
        return to_unicode(e).replace("-", "−")

    def entry(self, base: str, indices: list[str]) -> str:
        if not indices:
            return base
        if all(len(i) == 1 for i in indices):
            return f"{base}_{''.join(indices)}"
        return f"{base}_{{{','.join(indices)}}}"

    def power(self, base: str, k: int) -> str:
        return base + str(k).translate(_SUP)

    def sum_sign(self, index: str, excluded: list[str]) -> str:
        if excluded:
            return f"Σ_{{{index}≠{','.join(excluded)}}} "
        return f"Σ_{index} "

    def delta(self, a: str, b: str) -> str:
        return f"δ_{a}{b}"

    def group(self, inner: str, k: int) -> str:
        return f"({inner})" + (str(k).translate(_SUP) if k != 1 else "")

    def _of(self, of: Any) -> str:
        if self.function is not None and of == self.function:
            return "f"
        return f"({self.expr(of)})"

    def _by(self, by: tuple[Any, ...]) -> tuple[str, str]:
        """The order mark and the denominators: ("²", "∂x_l∂x_k")."""
        names = [self.doprint(e) for e in reversed(by)]
        if len(names) == 1:
            return "", f"∂{names[0]}"
        if names[0] == names[1]:
            return "²", f"∂{names[0]}²"
        return "²", "".join(f"∂{n}" for n in names)

    def _print_Partial(self, p: Any) -> str:
        order, den = self._by(p.by)
        if isinstance(p.of, IndexExpr):
            return f"∂/{den} ({self.doprint(p.of)})"
        return f"∂{order}{self._of(p.of)}/{den}"

    def _print_EntryOf(self, e: Any) -> str:
        idx = "".join(i.name for i in e.indices)
        return f"({self.expr(e.matrix)})_{idx}"

    def _print_Nabla(self, n: Any) -> str:
        op = "∇" if n.order == 1 else "∇²"
        return op + self._of(n.of)

    # reasons: one method per Reason.kind ----------------------------------------------------
    def reason(self, r: Any) -> str:
        return getattr(self, "_reason_" + r.kind.replace(" ", "_"))(*r.args)

    def _reason_index_form(self) -> str:
        return "index form"

    def _reason_norm(self) -> str:
        return "‖v‖² = vᵀv"

    def _reason_multiply_out(self) -> str:
        return "multiply out"

    def _reason_cases(self, pairs: Any, k: str, entry: Any) -> str:
        which = " or ".join(f"{i} = {k} or {j} = {k}" for i, j in pairs)
        return f"only the terms with {which} depend on {self.doprint(entry)}"

    def _reason_differentiate(self) -> str:
        return "differentiate"

    def _reason_delta(self, entry: Any, by: Any, deltas: Any) -> str:
        return (f"∂{self.doprint(entry)}/∂{self.doprint(by)} = "
                + (" ".join(self.doprint(d) for d in deltas) or "1"))

    def _reason_resolve(self) -> str:
        return "a sum over δ keeps the one term where its indices are equal"

    def _reason_symmetry(self, *pairs: Any) -> str:
        return "; ".join(f"{m} is symmetric: {self.entry(e, ['i', 'k'])} = "
                         f"{self.entry(e, ['k', 'i'])}" for m, e in pairs)

    def _reason_absorb(self, k: str) -> str:
        return f"the diagonal term ({k} = the summed index) completes the sum"

    def _reason_read_back(self) -> str:
        return "read back as a matrix expression"

    def _reason_add_terms(self, constant: Any, wrt: str) -> str:
        out = "the sum of the terms' gradients"
        if constant:
            out += "; " + ", ".join(self.expr(t) for t in constant) + f" does not depend on {wrt}"
        return out

    def _reason_collect(self) -> str:
        return "collect terms"

    def _reason_from_gradient(self) -> str:
        return "from above"

    def _reason_constant(self, wrt: str) -> str:
        return f"f does not depend on {wrt} (is the variable spelled as in f?)"


def checked_text(c: Any) -> str:
    """How the steps were checked, in words."""
    if c is None:
        return ""
    names = list(c.sizes[0]) if c.sizes and c.sizes[0] else []
    if not names:
        at = "the declared sizes"
    elif len(names) == 1:
        at = f"{names[0]} = " + ", ".join(str(s[names[0]]) for s in c.sizes)
    else:
        at = f"({', '.join(names)}) = " + ", ".join(
            "(" + ", ".join(str(s[n]) for n in names) + ")" for s in c.sizes)
    text = (f"every step holds at {at} with random integer values ({c.comparisons} "
            "comparisons with exact values of f and exact polynomial entries of its derivatives)")
    if c.unchecked:
        text = ("steps " + ", ".join(map(str, c.unchecked)) + " could not be evaluated at any "
                "size (no admissible point); " + text.replace("every step", "every other step"))
    return text


def render_explanation(e: Any) -> str:
    """A worked solution: one equation per line, the reason in brackets."""
    p = StepTextPrinter(e.names, e.function_expr)
    what = "Gradient" if e.task == "gradient" else "Hessian"
    lines = [f"{what} of f = {p.expr(e.function_expr)} with respect to {e.wrt}, "
             "entry by entry"]
    if e.declarations:
        lines.append("where " + "; ".join(d.describe() for d in e.declarations))
    lines.append("")
    rows: list[tuple[str, str]] = []
    indent = 0
    for step in e.steps:
        rhs = p.doprint(step.rhs)
        if step.lhs is not None:
            if step.lhs == e.function_expr:
                rows.append((f"f = {p.expr(e.function_expr)}", ""))
                indent = 2
                left = " " * indent + "= "
            else:
                lhs = p.doprint(step.lhs)
                indent = len(lhs) + 1
                left = lhs + " = "
        else:
            left = " " * indent + "= "
        rows.append((left + rhs, p.reason(step.reason) if step.reason else ""))
    width = min(max(len(r[0]) for r in rows), 72)
    for text, why in rows:
        lines.append(f"{text:<{width}}   [{why}]" if why else text)
    lines.append("")
    lines.append(f"result: {e.result_text}")
    if e.checked is not None:
        lines.append(f"checked: {checked_text(e.checked)}")
    return "\n".join(lines)


# -- derivation documents --------------------------------------------------------------------
_MARK = {"holds": "✓", "fails": "✗", "undecided": "?"}


def render_derivation(r: Any, *, reproduce: str = CLI_SEED) -> str:
    """Each step with ✓/✗, the first wrong one explained: correct result, counterexample.

    Steps are numbered within their derivation and shown derivation by derivation (a
    blank line between two), as the pytest plugin shows each derivation of a note.
    ``reproduce`` names the seed as in :func:`render_verdict`.
    """
    lines = []
    if r.declarations:
        lines.append(f"where {r.declarations}")
    before = None
    for s in sorted(r.steps, key=lambda s: (s.derivation, s.index)):
        if before is not None and s.derivation != before:
            lines.append("")
        before = s.derivation
        lhs = {"start": (s.name + " = ") if s.name else "",
               "equal": "  = ",
               "gradient": (f"∂{s.of}/∂{s.wrt}_{s.entry} = " if s.entry else
                            f"∇_{s.wrt} {s.of} = "),
               "hessian": f"∇²_{s.wrt} {s.of} = "}[s.claim]
        mark = _MARK[s.verdict.outcome] if s.verdict is not None else " "
        lines.append(f"{mark} [{s.number}] {lhs}{s.text}    (line {s.line})")
        v = s.verdict
        if v is not None and v.outcome != "holds":
            if v.correct_text is not None:
                lines.append(f"        correct: {to_unicode(v.correct)}   ({v.correct_text})")
            for d in v.diagnoses:
                lines.append(f"        • {d.message}")
            if v.residual_text and not v.diagnoses:
                label = "previous − this" if s.claim == "equal" else "correct − claim"
                lines.append(f"        {label} = {v.residual_text}")
            if v.counterexample is not None:
                lines.extend("        " + ln for ln in _counterexample(v.counterexample,
                                                                      v.task, reproduce))
            lines.extend(f"        note: {note}" for note in v.notes)
    wrong = r.first_wrong_step
    checked = sum(s.verdict is not None for s in r.steps)
    lines.append("")
    if wrong is None:
        lines.append(f"{_HEAD[r.outcome]} — {checked} step{'s' if checked != 1 else ''} "
                     "checked" + ("" if r.outcome == "holds" else "; some undecided"))
    else:
        bad = sum(s.verdict is not None and s.verdict.outcome == "fails" for s in r.steps)
        step = next(s for s in r.steps if s.index == wrong)
        lines.append(f"✗ FAILS — first wrong step: [{step.number}] (line {step.line}); {bad} of "
                     f"{checked} steps fail, each checked against the step before it")
    return "\n".join(lines)


# -- definitions -------------------------------------------------------------------------------
def value_text(v: Any) -> str:
    """A value in input syntax (``t**2 - 1``, ``sqrt(2)/2``, ``Matrix([[1, 2], [3, 4]])``),
    so that it can be pasted back; floats from an implementation as Python prints them."""
    if isinstance(v, sp.MatrixBase):
        return f"Matrix({v.tolist()})"
    return str(v)


def is_atomic(v: Any) -> bool:
    """Whether v reads as one factor without parentheses: 3, t, t**2 (not -3, 1/2, t + 1)."""
    if not isinstance(v, sp.Basic) or isinstance(v, sp.MatrixBase):
        return True
    if v.is_Integer:
        return bool(v >= 0)
    if v.is_Atom or isinstance(v, sp.Function):
        return not v.is_Rational  # 1/2 and -3 need parentheses, pi, I and t do not
    if isinstance(v, sp.Pow):  # sqrt(2) prints as a call; t**2 binds tighter than ·
        return v.exp == sp.S.Half or (is_atomic(v.base) and v.exp.is_Integer and v.exp > 0)
    return False


def operand_text(v: Any) -> str:
    """A value as an operand of ÷ or ·: in parentheses unless it is atomic."""
    return value_text(v) if is_atomic(v) else f"({value_text(v)})"


def sentence_text(s: Any) -> str:
    """A :class:`~symderiv.verdict.Sentence` with each value in input syntax; a value
    beside '·' is put in parentheses unless it is atomic."""
    pieces = s.template.split("{}")
    if len(pieces) == 1:
        return s.template.format()
    out = pieces[0].format()
    for i, (v, piece) in enumerate(zip(s.exprs, pieces[1:], strict=True)):
        if isinstance(v, Term):
            text = term_text(v)
        else:
            beside_dot = piece.startswith("·") or pieces[i].endswith("·")
            text = operand_text(v) if beside_dot else value_text(v)
        out += text + piece.format()
    return out


def render_division(d: Any) -> str:
    """a ÷ b: the verdict first, then the definition, the solutions, the reason, the checks."""
    a, b = operand_text(d.dividend), operand_text(d.divisor)
    where = f"in {d.domain.symbol}"
    if d.domain.kind == "matrices":
        op = "B⁻¹·A" if d.side == "left" else "A·B⁻¹"
        if d.defined:
            head = f"unique: {op} = {value_text(d.quotient)}   (the X with {d.equation.text})"
        else:
            head = f"undefined: {d.equation.text} has " + (
                "no solution" if d.verdict == "none" else "many solutions")
    elif d.defined:
        head = f"unique: {a} ÷ {b} = {value_text(d.quotient)} {where}"
    elif d.verdict == "none":
        head = f"undefined: no {d.unknown} {where} solves {d.equation.text}"
    elif d.count is None:
        head = f"undefined: every {d.unknown} {where} solves {d.equation.text} (not unique)"
    else:
        head = (f"undefined: {d.equation.text} has {d.count} solutions {where}, "
                f"{d.description.text} (not unique)")
    lines = [head, ""]
    if d.domain.kind == "matrices":
        lines.append(f"definition  the X with {d.equation.text}, if there is exactly one")
        lines.append(f"            A = {value_text(d.dividend)}")
        lines.append(f"            B = {value_text(d.divisor)}")
    else:
        lines.append(f"definition  {a} ÷ {b} is the {d.unknown} {where} with "
                     f"{d.equation.text}, if there is exactly one")
    lines.append(f"solutions   {d.description.text}")
    if d.particular is not None:
        lines.append(f"            X₀ = {value_text(d.particular)}")
        for v in d.null_space:
            lines.append(f"            N  = {value_text(v)}")
    lines.append(f"why         {d.why.text}")
    for i, c in enumerate(d.checks):
        lines.append(f"{'checked' if i == 0 else '':<12}{c.text}")
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]]


def render_comparison(c: Any) -> str:
    """Mathematics beside the implementations, one row per expression; reasons, exception
    messages and warnings as numbered notes below the table."""
    notes: dict[str, int] = {}

    def cell(x: Any) -> str:
        value = x.value if len(x.value) <= 40 else x.value[:39] + "…"
        if not x.detail:
            return value
        return f"{value} [{notes.setdefault(x.detail, len(notes) + 1)}]"

    rows = [[r.expression, *(cell(x) for x in r.cells)] for r in c.rows]
    lines = _table(["expression", *c.systems], rows)
    lines.append("")
    lines.extend(f"[{n}] {detail}" for detail, n in notes.items())
    flagged = [(r, f) for r in c.rows for f in r.flags]
    if flagged:
        lines.append("")
        lines.extend(f"! {r.expression}: {f}" for r, f in flagged)
    return "\n".join(lines)


def render_exponents(d: Any) -> str:
    """The natural extension as a derivation: the laws, then each result with its steps,
    why each holds and how it was checked."""
    lines = ["The exponent laws, for natural x and y:"]
    lines.extend(f"  {label} {term_text(lhs)} = {term_text(rhs)}" for label, lhs, rhs in d.laws)
    lines.append("Extend the exponent so that the laws keep holding.")
    for s in d.sections:
        lines.append("")
        lines.append(s.title.text)
        rows = [(f"{term_text(st.lhs)} = {term_text(st.rhs)}", st.why.text, st.checked)
                for st in s.steps]
        width = min(max(len(r[0]) for r in rows), 40)
        for eq, why, checked in rows:
            lines.append(f"  {eq:<{width}}   [{why}]")
            lines.append(f"  {'':<{width}}    checked: {checked}")
        lines.append(f"  ⇒ {s.conclusion.text}")
    lines.append("")
    lines.append(f"every step checked for its form (the law it names) and its truth, at {d.points} "
                 f"random values each (seed {d.seed}), in {d.seconds:.2f} s")
    return "\n".join(lines)


# -- limits ----------------------------------------------------------------------------------
def render_limit(c: Any) -> str:
    """The verdict, the statement, the witness and how it was decided; a counterexample."""
    lim = c.limit
    at = {sp.oo: "∞", -sp.oo: "−∞"}.get(lim.a, str(lim.a)) + (lim.side or "")
    claim = {sp.oo: "∞", -sp.oo: "−∞"}.get(lim.L, str(lim.L))
    f = term_text(lim.f_term) if lim.f_term is not None else lim.f_text
    lines = [f"{_HEAD[c.outcome]} — lim {lim.x}→{at} {f} = {claim} "
             f"({lim.kind}, by {c.method})",
             f"  statement  {lim.statement(all_reals=c.all_reals)}",
             f"             where f({lim.x}) = {lim.f_text}; for {c.quantified}"]
    if c.witness_text is not None:
        name = "δ" if lim.answer == "delta" else "N"
        q = "ε" if lim.quantity == "eps" else "R"
        how = "proposed by symderiv" if c.proposed else "yours"
        proof = ", proved by z3" if c.proved else ""
        lines.append(f"  witness    {name}({q}) = {c.witness_text}   ({how}{proof})")
    lines.append(f"  why        {c.reason}")
    if c.counterexample:
        lines.append("  counterexample (exact)")
        for k, v in c.counterexample.items():
            if k == "why":  # already the reason above
                continue
            label = {"eps": "ε", "delta": "δ"}.get(k, k)
            lines.append(f"    {label:<8} {v}")
    if c.one_sided:
        lines.append("  SymPy      " + "; ".join(
            f"{'x → ' + str(lim.a) + s if s else 'the limit'}: {v}"
            for s, v in c.one_sided.items()))
    if c.tried:
        lines.append("  tried      " + "; ".join(c.tried))
    lines.extend(f"  note: {n}" for n in c.notes)
    return "\n".join(lines)


# -- regression (talk B) ---------------------------------------------------------------------
def render_regression(reg: Any, out: dict[str, Any], *, steps: bool = False) -> str:
    """The derived loss and gradient, the grid search, each descent run and the closed form."""

    def params(values: dict[str, float]) -> str:
        return "  ".join(f"{k} = {v:.6g}" for k, v in values.items())

    mean = "(1/n) " if reg.loss == "mean" else ""
    lines = [f"model     f(x) = {to_unicode(reg.model)}   ({out['data']['n']} points: "
             f"{out['data']['source']})",
             f"loss      L(w) = {reg.loss_formula}",
             f"gradient  by the chain rule, ∂L/∂w_j = {mean}Σ ∂ℓ/∂f · ∂f/∂w_j with "
             f"ℓ = {reg.point_loss}; each checked by symderiv's engines:"]
    for step, check in zip(reg.steps, reg.checks, strict=True):
        lines.append(f"  ∂L/∂{step.param} = {mean}Σ {to_unicode(step.partial)}   "
                     f"[{check.outcome}]")
        if steps:
            lines.append(f"      = {mean}Σ ∂ℓ/∂f · ∂f/∂{step.param} = {mean}Σ "
                         f"({to_unicode(step.outer)}) · ({to_unicode(step.inner)})")
    if "grid" in out:
        g = out["grid"]
        lines.append(f"grid      best {params(g['best'])}, loss {g['loss']:.6g}; cost "
                     f"{g['cost']:,} (grid points × data × parameters)")
    for run in out.get("runs", [out]):
        how = "auto" if run["lr_auto"] else "given"
        lines.append(f"{run['method']:<9} {params(run['parameters'])}, loss {run['loss']:.6g}"
                     f"   (η = {run['lr']:.3g} {how}; {run['steps']:,} steps; stopped: "
                     f"{run['stopped']})")
        if "relative_distance" in run:
            lines.append(f"          relative distance to the closed form: "
                         f"{run['relative_distance']:.2e}")
    if out["closed_form"] is not None:
        lines.append(f"closed    {params(out['closed_form'])}   (least squares, numpy.linalg"
                     ".lstsq)")
    if out.get("figures"):
        lines.append("figures   " + ", ".join(out["figures"]))
    return "\n".join(lines)

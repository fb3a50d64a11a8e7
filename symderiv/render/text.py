"""Text printer: a verdict laid out for people reading a terminal."""

from __future__ import annotations

from typing import Any

from ..verdict import Counterexample, Evidence, Verdict
from .printing import to_unicode

__all__ = ["format_value", "render_verdict"]

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


def _counterexample(cx: Counterexample, task: str) -> list[str]:
    kind = "exact" if cx.exact else "floating point"
    lines = [f"counterexample ({kind}, from the {cx.engine} engine; "
             f"reproduce with --seed {cx.seed})"]
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


def render_verdict(v: Verdict) -> str:
    """The whole verdict: headline, claim vs correct, what is wrong, counterexample, engines."""
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
        lines.extend("  " + ln for ln in _counterexample(v.counterexample, v.task))
    lines.append(f"  engines ({'agree' if v.agree else 'DISAGREE'})")
    for e in v.evidence:
        lines.extend(_evidence(e))
    for note in v.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)

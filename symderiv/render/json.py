"""JSON printer: a verdict as plain data (top-level key ``verdict``)."""

from __future__ import annotations

import json
from typing import Any

from ..verdict import Verdict
from .printing import to_latex, to_unicode

__all__ = ["comparison_to_dict", "derivation_to_dict", "division_to_dict", "explanation_to_dict",
           "exponents_to_dict", "json_value", "render_derivation",
           "render_explanation", "render_verdict",
           "verdict_to_dict"]


def verdict_to_dict(v: Verdict) -> dict[str, Any]:
    """Plain data: the verdict, the correct result, the evidence and the counterexample."""
    correct = None
    if v.correct_text is not None:
        correct = {"input": v.correct_text, "unicode": to_unicode(v.correct),
                   "latex": to_latex(v.correct)}
    return {
        "verdict": v.outcome,
        "task": v.task,
        "function": v.function,
        "wrt": v.wrt,
        "claim": v.claim,
        "declarations": v.declarations_text,
        "correct": correct,
        "residual": v.residual_text,
        "diagnoses": [d.to_dict() for d in v.diagnoses],
        "counterexample": v.counterexample.to_dict() if v.counterexample else None,
        "engines": [e.to_dict() for e in v.evidence],
        "agree": v.agree,
        "notes": list(v.notes),
        "seed": v.seed,
    }


def render_verdict(v: Verdict) -> str:
    return json.dumps(verdict_to_dict(v), indent=2, ensure_ascii=False)


def explanation_to_dict(e: Any) -> dict[str, Any]:
    """A worked solution as plain data: each step's sides in Unicode and LaTeX, and why."""
    from .latex import StepLatexPrinter
    from .text import StepTextPrinter, checked_text

    text = StepTextPrinter(e.names, e.function_expr)
    tex = StepLatexPrinter(e.names, e.function_expr)
    steps = []
    for s in e.steps:
        steps.append({
            "lhs": None if s.lhs is None else {"unicode": text.doprint(s.lhs),
                                               "latex": tex.doprint(s.lhs)},
            "rhs": {"unicode": text.doprint(s.rhs), "latex": tex.doprint(s.rhs)},
            "reason": None if s.reason is None else {"kind": s.reason.kind,
                                                     "text": text.reason(s.reason)},
        })
    return {"explanation": e.task, "function": e.function, "wrt": e.wrt,
            "declarations": "; ".join(d.describe() for d in e.declarations),
            "steps": steps,
            "result": {"input": e.result_text, "unicode": to_unicode(e.result),
                       "latex": to_latex(e.result)},
            "checked": None if e.checked is None else {
                "sizes": list(e.checked.sizes), "comparisons": e.checked.comparisons,
                "unchecked_steps": list(e.checked.unchecked), "text": checked_text(e.checked)}}


def render_explanation(e: Any) -> str:
    return json.dumps(explanation_to_dict(e), indent=2, ensure_ascii=False)


def derivation_to_dict(r: Any) -> dict[str, Any]:
    """A checked derivation as data: ``steps`` (index in the document, number within its
    derivation, line, claim, verdict, …) and ``first_wrong_step`` (an index)."""
    steps = []
    for s in r.steps:
        v = s.verdict
        steps.append({
            "index": s.index, "number": s.number, "derivation": s.derivation,
            "line": s.line, "text": s.text, "notation": s.notation,
            "claim": s.claim, "name": s.name, "of": s.of, "wrt": s.wrt, "entry": s.entry,
            "verdict": None if v is None else v.outcome,
            "check": None if v is None else verdict_to_dict(v),
        })
    return {"derivation": r.outcome, "declarations": r.declarations, "steps": steps,
            "first_wrong_step": r.first_wrong_step}


def render_derivation(r: Any) -> str:
    return json.dumps(derivation_to_dict(r), indent=2, ensure_ascii=False)


# -- definitions -------------------------------------------------------------------------------
def json_value(v: Any) -> Any:
    """A value as data: input syntax for numbers and polynomials, rows of entries for a
    matrix, ``None`` for nothing."""
    import sympy as sp

    from .text import value_text

    if v is None:
        return None
    if isinstance(v, sp.MatrixBase):
        return [[value_text(e) for e in row] for row in v.tolist()]
    return value_text(v)


def division_to_dict(d: Any) -> dict[str, Any]:
    """``verdict`` (unique/none/many), ``quotient``, ``solutions`` (a list when finitely
    many are listed, else a description), the reason and the checks."""
    listed = d.solutions is not None and d.particular is None
    return {
        "verdict": d.verdict,
        "defined": d.defined,
        "dividend": json_value(d.dividend),
        "divisor": json_value(d.divisor),
        "domain": d.domain.name,
        "side": d.side,
        "equation": d.equation.text,
        "quotient": json_value(d.quotient),
        "solutions": [json_value(s) for s in d.solutions] if listed else d.description.text,
        "count": d.count,
        "particular": json_value(d.particular),
        "null_space": [json_value(v) for v in d.null_space],
        "reason": d.reason,
        "checks": [c.text for c in d.checks],
    }



def comparison_to_dict(c: Any) -> dict[str, Any]:
    """``systems`` (the columns) and ``rows``: each expression's cells and flags."""
    return {
        "systems": list(c.systems),
        "rows": [{"expression": r.expression,
                  "cells": [{"system": x.system, "value": x.value, "kind": x.kind,
                             "detail": x.detail} for x in r.cells],
                  "flags": list(r.flags)} for r in c.rows],
    }



def exponents_to_dict(d: Any) -> dict[str, Any]:
    """The laws and each section's steps (input syntax, Unicode and LaTeX), rule, reason and
    how each was checked."""
    from .latex import sentence_latex
    from .terms import term_text

    def eq(lhs: Any, rhs: Any) -> dict[str, str]:
        return {"input": f"{lhs.text} = {rhs.text}",
                "unicode": f"{term_text(lhs)} = {term_text(rhs)}",
                "latex": f"{term_text(lhs, 'latex')} = {term_text(rhs, 'latex')}"}

    return {
        "laws": [{"label": label, **eq(lhs, rhs)} for label, lhs, rhs in d.laws],
        "sections": [{"title": s.title.text, "conclusion": s.conclusion.text,
                      "steps": [{**eq(st.lhs, st.rhs), "rule": st.rule, "why": st.why.text,
                                 "why_latex": sentence_latex(st.why), "checked": st.checked,
                                 "supposed": st.supposed} for st in s.steps]}
                     for s in d.sections],
        "points": d.points,
        "seed": d.seed,
    }



def limit_to_dict(c: Any) -> dict[str, Any]:
    """``verdict``, the formal ``statement``, the ``method`` (proof / counterexample /
    sampling / limits) and the ``counterexample`` (ε or R, δ or N, x, f(x))."""
    lim = c.limit
    return {
        "verdict": c.outcome,
        "function": lim.f_text,
        "variable": lim.x.name,
        "at": str(lim.a),
        "side": lim.side,
        "claim": str(lim.L),
        "kind": lim.kind,
        "statement": lim.statement(all_reals=c.all_reals),
        "statement_latex": lim.statement(latex=True, all_reals=c.all_reals),
        "quantified": c.quantified,
        "method": c.method,
        "reason": c.reason,
        "witness": c.witness_text,
        "witness_proposed": c.proposed,
        "witness_proved": c.proved,
        "counterexample": c.counterexample,
        "one_sided": c.one_sided,
        "tried": list(c.tried),
        "notes": list(c.notes),
    }

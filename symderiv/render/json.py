"""JSON printer: a verdict as plain data (top-level key ``verdict``)."""

from __future__ import annotations

import json
from typing import Any

from ..verdict import Verdict
from .printing import to_latex, to_unicode

__all__ = ["render_verdict", "verdict_to_dict"]


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

"""Immutable results: a :class:`Verdict` with its :class:`Evidence` and :class:`Counterexample`.

These types hold facts; the printers in :mod:`symderiv.render` turn them into
text, JSON or LaTeX (``str(verdict)`` and ``verdict._repr_latex_()`` call them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from .space import Declaration

__all__ = ["Counterexample", "Diagnosis", "Evidence", "Sentence", "Verdict"]

Outcome = Literal["holds", "fails", "undecided"]
EngineOutcome = Literal["holds", "fails", "undecided", "unsupported"]


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A point where the claim and the truth differ, reproducible from ``seed``.

    ``values`` maps each symbol to its value (nested lists; exact rationals are
    written as strings such as ``"3/2"``), ``sizes`` the symbolic dimensions to
    integers, ``claimed``/``expected`` the two results at that point.
    """

    seed: int
    sizes: dict[str, int]
    values: dict[str, Any]
    claimed: Any
    expected: Any
    exact: bool
    engine: str
    max_abs_diff: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "sizes": self.sizes, "values": self.values,
                "claimed": self.claimed, "expected": self.expected, "exact": self.exact,
                "engine": self.engine, "max_abs_diff": self.max_abs_diff}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one engine found about the claim.

    ``outcome`` is the engine's own verdict on the claim; ``checks`` counts the
    points compared, ``sizes`` lists the size assignments used; ``detail``
    says how, in one sentence; ``max_error`` is the largest relative difference
    seen between claim and reference (0 for exact agreement).
    """

    engine: str
    outcome: EngineOutcome
    method: str
    checks: int = 0
    sizes: tuple[dict[str, int], ...] = ()
    max_error: float | None = None
    detail: str = ""
    counterexample: Counterexample | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        finite = self.max_error is not None and math.isfinite(self.max_error)
        return {"engine": self.engine, "outcome": self.outcome, "method": self.method,
                "checks": self.checks, "sizes": list(self.sizes),
                "max_error": self.max_error if finite else None,
                "detail": self.detail,
                "counterexample": self.counterexample.to_dict() if self.counterexample else None}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """How a claim is wrong.

    ``kind`` is one of ``scalar factor``, ``sign``, ``transpose``, ``symmetric only``,
    ``values only``, ``missing derivative``, ``dimension 1 only``, ``missing term``,
    ``extra term``, ``coefficient``, ``residual``, ``domain``.  ``template`` is a
    sentence whose ``{}`` slots are the expressions in ``exprs`` (any other brace is
    literal); printers spell them (``message`` is the Unicode one).
    """

    kind: str
    template: str
    exprs: tuple[Any, ...] = ()

    @property
    def message(self) -> str:
        from .render.printing import to_unicode

        # the slots are split out, not format()ted: a template may hold a set ({-1, 1})
        pieces = self.template.split("{}")
        return pieces[0] + "".join(to_unicode(e) + piece
                                   for e, piece in zip(self.exprs, pieces[1:], strict=True))

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with mathematics in it: ``template``'s ``{}`` slots are the SymPy
    objects in ``exprs``.  The text printer writes them in input syntax
    (``t**2 - 1``, pasteable), the LaTeX printer in math mode; ``text`` is the former.
    """

    template: str
    exprs: tuple[Any, ...] = ()

    @property
    def text(self) -> str:
        from .render.text import sentence_text

        return sentence_text(self)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judge's answer about one claim.

    ``outcome`` is ``"holds"``, ``"fails"`` or ``"undecided"``; ``correct`` is the
    engines' result (a SymPy expression) with ``correct_text`` its numpy-like
    spelling, which can be pasted back as a claim.  ``agree`` is False when
    engines disagree — never averaged away; ``notes`` explain such cases.
    """

    outcome: Outcome
    task: Literal["gradient", "hessian", "equal"]
    function: str
    wrt: str | None
    claim: str | None
    declarations: tuple[Declaration, ...] = ()
    function_expr: Any = None
    claim_expr: Any = None
    wrt_kind: str | None = None
    correct: Any = None
    correct_text: str | None = None
    residual: Any = None
    diagnoses: tuple[Diagnosis, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    counterexample: Counterexample | None = None
    agree: bool = True
    notes: tuple[str, ...] = ()
    seed: int = 0

    @property
    def holds(self) -> bool:
        return self.outcome == "holds"

    @property
    def residual_text(self) -> str | None:
        """correct − claim (lhs − rhs for an identity), simplified, in Unicode."""
        from .render.printing import to_unicode

        return None if self.residual is None else to_unicode(self.residual)

    @property
    def declarations_text(self) -> str:
        return "; ".join(d.describe() for d in self.declarations)

    @property
    def exit_code(self) -> int:
        return {"holds": 0, "fails": 1, "undecided": 3}[self.outcome]

    def to_dict(self) -> dict[str, Any]:
        from .render.json import verdict_to_dict

        return verdict_to_dict(self)

    def __str__(self) -> str:
        from .render.text import render_verdict

        return render_verdict(self)

    def _repr_latex_(self) -> str:
        from .render.latex import render_verdict

        return "$\\displaystyle " + render_verdict(self, standalone=False, math_only=True) + "$"

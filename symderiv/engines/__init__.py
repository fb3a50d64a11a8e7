"""The engines: each derives, samples and compares in its own way behind one protocol.

``matrix``
    matrix-form rules at symbolic sizes; an identity by canonical simplification.
``elementwise``
    index form, and exact entries at concrete sizes.
``numeric``
    finite differences (complex step where it applies); an identity at float points.
``exact``
    both sides of an identity at random points in rational arithmetic (the comparison
    the matrix-form engine also uses for a claim).

An engine reports a :class:`Finding` (its :class:`~symderiv.verdict.Evidence`, with
notes); it never decides the verdict — the judge (:mod:`symderiv.check`) combines them.
"""

from __future__ import annotations

from typing import Protocol

from ..problem import Problem
from .base import Derived, Finding, Trial
from .elementwise import ElementwiseEngine
from .exact import ExactEngine
from .matrix import MatrixEngine
from .numeric import NumericEngine

__all__ = ["Comparing", "Derived", "Deriving", "ElementwiseEngine", "Engine", "ExactEngine",
           "Finding", "MatrixEngine", "NumericEngine", "Trial"]


class Engine(Protocol):
    """An engine that judges a derivative claim (or, without one, the derived result).

    ``independent`` is True when its evidence rests on no derived result.
    """

    name: str
    independent: bool

    def judge(self, trial: Trial) -> Finding: ...


class Deriving(Engine, Protocol):
    """An engine with a symbolic result of its own."""

    def derive(self, problem: Problem) -> Derived: ...


class Comparing(Protocol):
    """An engine that judges an identity: ``trial.truth`` the left-hand side, the
    problem's claim the right."""

    name: str

    def compare(self, trial: Trial) -> Finding: ...

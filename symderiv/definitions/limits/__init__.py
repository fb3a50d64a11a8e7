"""Limits as checkable predicates: the ε-δ, R-δ, ε-N and R-N definitions (talk A2).

lim_{x→+0} 1/x = ∞ reads "for every R there is a δ > 0 with 0 < x < δ ⇒ 1/x > R".
:class:`Limit` is that statement, inert; :func:`check_limit` decides it.

* :mod:`.statement` — :class:`Limit`, :func:`make_limit`, the quantifier convention
  (R > 0 unless ``all_reals``) and the negated statement the prover and search work on;
* :mod:`.prover` — z3 on the negated statement: a proof, or a candidate counterexample;
* :mod:`.search` — the counterexample search (an adversarial grid, then Hypothesis)
  and the exact re-check of every candidate;
* :mod:`.one_sided` — a claim without a witness, decided by SymPy's one-sided limits;
* :mod:`.witnesses` — witnesses of the usual shapes, proposed for a true claim;
* :mod:`.check` — :func:`check_limit` and its answer :class:`LimitCheck`;
* :mod:`.game` — :class:`LimitGame`, the two-player reading of the definition.

Each module imports only modules listed above it.
"""

from .check import LimitCheck, check_limit
from .game import LimitGame
from .statement import Limit, make_limit
from .statement import _witness as _witness  # the command's game reads the user's witness

__all__ = ["Limit", "LimitCheck", "LimitGame", "check_limit", "make_limit"]

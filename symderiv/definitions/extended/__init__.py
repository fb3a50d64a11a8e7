"""∞ is not a real number (talk A2): the extended reals, and what implementations do.

:class:`ExtendedReal` is an element of ℝ̄ = ℝ ∪ {−∞, +∞}.  The operations that are
defined there work (∞ + 1 = ∞, 1/∞ = 0, 2·∞ = ∞); those that are not — ∞ − ∞,
0·∞, ∞/∞, a/0 — raise :class:`~symderiv.errors.UndefinedOperation` with the
reason.  :func:`is_real` says ``False`` for ±∞: they are not numbers of ℝ.

:func:`compare` puts mathematics beside implementations: it evaluates each
expression (``"0/0"``, ``"inf - inf"``) in the reals (division by its definition,
:func:`~symderiv.definitions.division.divide`), in ℝ̄, and by *running* Python's
arithmetic, NumPy's ``float64`` (recording its warnings) and SymPy's — nothing in
the table is written by hand.

The extended reals are in :mod:`.reals`, the systems compared (each an arithmetic) in
:mod:`.systems`, and the table in :mod:`.comparison`.
"""

from .comparison import MAX_EXPRESSIONS as MAX_EXPRESSIONS
from .comparison import Cell, Comparison, Row, compare
from .reals import INF, NEG_INF, ExtendedReal, is_real
from .systems import SYSTEMS

__all__ = [
    "INF",
    "NEG_INF",
    "SYSTEMS",
    "Cell",
    "Comparison",
    "ExtendedReal",
    "Row",
    "compare",
    "is_real",
]

"""The comparison table: each expression in every system, and where they part.

:func:`compare` runs each expression in the systems of :mod:`.systems` (recording the
exceptions and warnings they raise) and flags where an implementation gives a number
for what mathematics leaves undefined, or the reverse.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ...errors import ArgumentError, InputTooLargeError, UndefinedOperation
from ...parse.values import Arithmetic, Term, evaluate, parse_value
from .reals import ExtendedReal
from .systems import SYSTEMS, CellKind

__all__ = ["Cell", "Comparison", "Row", "compare"]

MAX_EXPRESSIONS = 40


@dataclass(frozen=True, slots=True)
class Cell:
    """One system's answer: ``value`` as that system prints it (``nan``, ``zoo``,
    ``ZeroDivisionError``), ``kind``, and ``detail`` (the reason, the exception's
    message, the warnings raised)."""

    system: str
    value: str
    kind: CellKind
    detail: str = ""
    #: the value itself (a float, a SymPy number, …), for comparing systems
    raw: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Row:
    """One expression in every system; ``flags`` point out where an implementation
    gives a number for something mathematics leaves undefined, or the reverse."""

    expression: str
    term: Term
    cells: tuple[Cell, ...]
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison:
    """:func:`compare`'s table: ``systems`` are the columns, ``rows`` the expressions."""

    systems: tuple[str, ...]
    rows: tuple[Row, ...]

    def to_dict(self) -> dict[str, Any]:
        from ...render.json import comparison_to_dict

        return comparison_to_dict(self)

    def __str__(self) -> str:
        from ...render.text import render_comparison

        return render_comparison(self)

    def _repr_latex_(self) -> str:
        from ...render.latex import render_comparison

        return render_comparison(self)


def _run(system: str, arithmetic: Arithmetic[Any], term: Term,
         describe: Callable[[Any], tuple[str, CellKind, str]]) -> Cell:
    """Evaluate ``term`` in one system and describe the outcome: its value, the exception
    it raised (mathematics: why the operation is undefined), and any runtime warnings."""
    import numpy as np

    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            v = evaluate(term, arithmetic)
        except InputTooLargeError:
            raise
        except UndefinedOperation as exc:
            return Cell(system, "undefined", "undefined", str(exc))
        except (ArithmeticError, ValueError, TypeError) as exc:
            return Cell(system, type(exc).__name__, "error",
                        f"raises {type(exc).__name__}: {exc}")
    value, kind, detail = describe(v)
    said = [f"{w.category.__name__}: {w.message}" for w in caught
            if issubclass(w.category, RuntimeWarning)]
    detail = "; ".join(dict.fromkeys([*([detail] if detail else []), *said]))
    return Cell(system, value, kind, detail, raw=v)



def _flags(cells: Sequence[Cell]) -> tuple[str, ...]:
    """Where implementations part from mathematics: a value for the undefined, an error
    for the defined, or a rounded value for an exact one."""
    reals, extended, *implementations = cells
    flags = []
    if reals.kind == "undefined":
        gives = [c for c in implementations if c.kind in ("value", "infinite", "nan")]
        if extended.kind != "undefined" and gives and all(
                c.kind == extended.kind for c in gives):
            flags.append(f"∞ is not a real number; {_names(gives)} compute{_s(gives)} in the "
                         f"extended reals here ({extended.value})")
        elif gives:
            flags.append(f"undefined, but {_names(gives)} return{_s(gives)} a value without "
                         "raising an error: a computation carries on with it, and can reach "
                         "contradictions")
    else:
        raises = [c for c in implementations if c.kind == "error"]
        if raises:
            flags.append(f"defined in ℝ ({reals.value}), but {_names(raises)} "
                         f"raise{_s(raises)} an error")
        overflow = [c for c in implementations if c.kind == "infinite"]
        if overflow:
            flags.append(f"{_names(overflow)} overflow{_s(overflow)} to infinity: the number "
                         "is finite, only too large for floating point")
        rounded = [c for c in implementations if c.kind == "value" and _rounded(c, reals)]
        if rounded:
            exact = "the exact value" if reals.value.startswith("≈") else reals.value
            flags.append(f"{_names(rounded)} round{_s(rounded)} to binary floating point: "
                         f"{rounded[0].value} is not exactly {exact}")
    return tuple(flags)


def _names(cells: Sequence[Cell]) -> str:
    return ", ".join(c.system for c in cells)


def _s(cells: Sequence[Cell]) -> str:
    return "s" if len(cells) == 1 else ""


def _rounded(cell: Cell, exact: Cell) -> bool:
    """A binary floating-point value that is not exactly the real number mathematics gives."""
    value = exact.raw.value if isinstance(exact.raw, ExtendedReal) else exact.raw
    if not isinstance(value, sp.Basic) or not isinstance(cell.raw, float):  # np.float64 too
        return False
    if not math.isfinite(cell.raw):
        return False
    return bool(sp.Rational(*cell.raw.as_integer_ratio()) != value)


def compare(*expressions: str) -> Comparison:
    """Evaluate each expression in ℝ, in ℝ̄, and in Python, NumPy and SymPy.

    >>> table = compare("0/0", "inf + 1")
    >>> [c.value for c in table.rows[0].cells]
    ['undefined', 'undefined', 'ZeroDivisionError', 'nan', 'nan']
    >>> [c.value for c in table.rows[1].cells]
    ['undefined', '∞', 'inf', 'inf', 'oo']
    """
    if not expressions:
        raise ArgumentError("give at least one expression, e.g. compare('0/0', 'inf - inf')")
    if len(expressions) > MAX_EXPRESSIONS:
        raise InputTooLargeError(f"more than {MAX_EXPRESSIONS} expressions")
    rows = []
    for text in expressions:
        term = parse_value(text, what="expression")
        if term.has("matrix"):
            raise ArgumentError(f"{text!r}: compare works on numbers, not matrices")
        try:
            cells = tuple(_run(name, arithmetic(), term, describe)
                          for name, arithmetic, describe in SYSTEMS)
        except InputTooLargeError as exc:  # said about this expression, at its column
            raise InputTooLargeError(exc.message, source=term.text, col=exc.col,
                                     what="expression") from None
        rows.append(Row(text.strip(), term, cells, _flags(cells)))
    return Comparison(tuple(name for name, _, _ in SYSTEMS), tuple(rows))

"""The systems that :func:`~symderiv.definitions.extended.compare` puts side by side.

Each is an :class:`~symderiv.parse.values.Arithmetic` that evaluates a parsed term the
way that system does — ℝ (division by its definition), ℝ̄, Python's numbers, NumPy's
``float64`` and SymPy's — with a function that says how the system prints its answer.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Literal

import sympy as sp

from ...errors import InputTooLargeError, UndefinedOperation
from ...parse.values import Arithmetic, Term
from ..exact import power_too_large
from .reals import INF, ExtendedReal

__all__ = ["SYSTEMS", "CellKind"]

CellKind = Literal["value", "undefined", "error", "nan", "infinite"]


class _Reals(Arithmetic[sp.Basic]):
    """ℝ as mathematics defines it: ∞ is not a number; a ÷ b by its definition."""

    def number(self, value: Fraction, term: Term) -> sp.Basic:
        return sp.Rational(value.numerator, value.denominator)

    def imaginary(self, value: Fraction, term: Term) -> sp.Basic:
        raise UndefinedOperation(f"{term.text} is not a real number (i ∉ ℝ)", form="complex")

    def constant(self, name: str, term: Term) -> sp.Basic:
        if name == "oo":
            raise UndefinedOperation("∞ is not a real number (∞ ∉ ℝ), so arithmetic of ℝ "
                                     "does not apply to it", form="∞ ∉ ℝ")
        if name == "I":
            raise UndefinedOperation("i is not a real number", form="complex")
        return sp.pi

    def operation(self, op: str, args: Sequence[sp.Basic], term: Term) -> sp.Basic:
        if op == "/":
            from ..division import divide

            d = divide(args[0], args[1], domain="RR")
            if not d.defined:
                raise UndefinedOperation(d.reason,
                                         form="0/0" if d.verdict == "many" else "a/0")
            return d.quotient
        ext = _ExtendedReals().operation(op, [ExtendedReal(a) for a in args], term)
        return ext.value


class _ExtendedReals(Arithmetic[ExtendedReal]):
    def number(self, value: Fraction, term: Term) -> ExtendedReal:
        return ExtendedReal(value)

    def imaginary(self, value: Fraction, term: Term) -> ExtendedReal:
        raise UndefinedOperation(f"{term.text} is not real, so not in ℝ̄", form="complex")

    def constant(self, name: str, term: Term) -> ExtendedReal:
        if name == "I":
            raise UndefinedOperation("i is not real, so not in ℝ̄", form="complex")
        return INF if name == "oo" else ExtendedReal(sp.pi)

    def operation(self, op: str, args: Sequence[ExtendedReal], term: Term) -> ExtendedReal:
        if op == "sqrt":
            return args[0] ** ExtendedReal(sp.S.Half)
        if op == "root":
            n = args[1].value
            if not (n.is_Integer and 1 <= n <= 64):
                raise UndefinedOperation("root(x, n) needs an integer n from 1 to 64")
            return args[0].root(int(n))
        return _OPS[op](*args)


_OPS: dict[str, Callable[..., Any]] = {"+": operator.add, "-": operator.sub,
                                       "*": operator.mul, "/": operator.truediv,
                                       "**": operator.pow, "neg": operator.neg}


class _Python(Arithmetic[Any]):
    """Python's own numbers: an integer literal is an ``int``, a decimal one a ``float``,
    ``inf`` is ``float("inf")``, ``I`` is ``1j``."""

    def number(self, value: Fraction, term: Term) -> Any:
        is_int = value.denominator == 1 and not any(c in term.text for c in ".eE")
        return int(value) if is_int else float(value)

    def imaginary(self, value: Fraction, term: Term) -> Any:
        return complex(0, float(value))

    def constant(self, name: str, term: Term) -> Any:
        return {"oo": math.inf, "I": 1j, "pi": math.pi}[name]

    def operation(self, op: str, args: Sequence[Any], term: Term) -> Any:
        if op == "sqrt":
            return math.sqrt(args[0])
        if op == "root":
            return math.pow(args[0], 1 / args[1])
        if op == "**" and isinstance(args[0], int) and isinstance(args[1], int) and \
                power_too_large(args[0], args[1]):
            raise InputTooLargeError(f"{term.text!r} is too large to compute", col=term.col)
        return _OPS[op](*args)


class _Numpy(Arithmetic[Any]):
    """NumPy scalars: every number is a ``float64`` (``complex128`` for imaginary ones)."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np

    def number(self, value: Fraction, term: Term) -> Any:
        return self.np.float64(float(value))  # the literal, rounded once (as NumPy reads it)

    def imaginary(self, value: Fraction, term: Term) -> Any:
        return self.np.complex128(complex(0, float(value)))

    def constant(self, name: str, term: Term) -> Any:
        return {"oo": self.np.float64(self.np.inf), "I": self.np.complex128(1j),
                "pi": self.np.float64(self.np.pi)}[name]

    def operation(self, op: str, args: Sequence[Any], term: Term) -> Any:
        if op == "sqrt":
            return self.np.sqrt(args[0])
        if op == "root":
            return self.np.power(args[0], 1 / args[1])
        return _OPS[op](*args)


class _Sympy(Arithmetic[sp.Basic]):
    """SymPy's arithmetic as it is: ``0/0`` is ``nan``, ``1/0`` is ``zoo``."""

    def number(self, value: Fraction, term: Term) -> sp.Basic:
        return sp.Rational(value.numerator, value.denominator)

    def imaginary(self, value: Fraction, term: Term) -> sp.Basic:
        return sp.Rational(value.numerator, value.denominator) * sp.I

    def constant(self, name: str, term: Term) -> sp.Basic:
        return {"oo": sp.oo, "I": sp.I, "pi": sp.pi}[name]

    def operation(self, op: str, args: Sequence[sp.Basic], term: Term) -> sp.Basic:
        if op == "sqrt":
            return sp.sqrt(args[0])
        if op == "root":
            return sp.root(args[0], args[1])
        if op == "**" and power_too_large(args[0], args[1]):
            raise InputTooLargeError(f"{term.text!r} is too large to compute", col=term.col)
        return _OPS[op](*args)



def _exact_text(v: sp.Basic) -> str:
    """An exact number as SymPy writes it, or to 15 digits when that is very long."""
    text = str(v)
    if len(text) > 40 and v.is_number and v.is_finite:
        return "≈" + str(sp.N(v, 15)).replace("E", "e")
    return text


def _mathematics(v: Any) -> tuple[str, CellKind, str]:
    if isinstance(v, ExtendedReal):
        return (str(v), "infinite", "") if v.is_infinite else (_exact_text(v.value), "value", "")
    return _exact_text(v), "value", ""


def _float(v: Any) -> tuple[str, CellKind, str]:
    """Python and NumPy numbers, as each prints them."""
    text = repr(v) if type(v) in (int, float, complex) else str(v)  # NumPy: as it prints
    try:
        z = complex(v)
    except (TypeError, ValueError, OverflowError):
        return text, "value", ""
    if math.isnan(z.real) or math.isnan(z.imag):
        return text, "nan", ""
    return text, "infinite" if math.isinf(z.real) or math.isinf(z.imag) else "value", ""


def _sympy(v: Any) -> tuple[str, CellKind, str]:
    if v is sp.nan:
        return "nan", "nan", "nan: SymPy's 'not a number'"
    if v is sp.zoo:
        return "zoo", "infinite", "zoo: complex infinity, ∞ with no direction"
    return str(v), "infinite" if v.is_infinite else "value", ""


#: The columns of the table: (name, how the cell is computed).
SYSTEMS: tuple[tuple[str, Callable[[], Arithmetic[Any]], Callable[[Any], tuple[str, CellKind,
                                                                             str]]], ...] = (
    ("mathematics (ℝ)", lambda: _Reals(), _mathematics),
    ("extended reals (ℝ̄)", lambda: _ExtendedReals(), _mathematics),
    ("Python", lambda: _Python(), _float),
    ("NumPy", lambda: _Numpy(), _float),
    ("SymPy", lambda: _Sympy(), _sympy),
)

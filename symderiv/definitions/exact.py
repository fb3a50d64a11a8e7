"""Exact values from parsed text: SymPy numbers, polynomials and matrices.

The arithmetic the definitions compute in.  Unlike SymPy's own, it refuses what
is undefined in the reals instead of producing ``nan`` or ``zoo``: an operand
``1/0`` is an error that says why, at its column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import sympy as sp

from ..errors import InputTooLargeError, ParseError
from ..parse.values import MAX_POWER_BITS, Arithmetic, Term, evaluate, parse_value

__all__ = ["ExactArithmetic", "exact_value", "power_too_large"]


def power_too_large(base: object, exponent: object) -> bool:
    """Whether base**exponent has more than MAX_POWER_BITS bits (numbers only)."""
    try:
        b, e = abs(complex(base)), abs(complex(exponent))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return False
    if b == 0 or not math.isfinite(b) or not math.isfinite(e):
        return False
    return e * max(abs(math.log2(b)), 1.0) > MAX_POWER_BITS


class ExactArithmetic(Arithmetic[sp.Basic]):
    """SymPy values, exact; ``symbols`` maps the allowed names to SymPy symbols."""

    def __init__(self, symbols: Mapping[str, sp.Symbol] | None = None,
                 what: str = "value", source: str = "") -> None:
        self.symbols = dict(symbols or {})
        self.what = what
        self.source = source

    def _error(self, message: str, term: Term, cls: type[ParseError] = ParseError
               ) -> ParseError:
        if self.source:
            return cls(message, source=self.source, col=term.col, what=self.what)
        return cls(message, source=term.text, what=self.what)

    def number(self, value: Fraction, term: Term) -> sp.Basic:
        return sp.Rational(value.numerator, value.denominator)

    def imaginary(self, value: Fraction, term: Term) -> sp.Basic:
        return sp.Rational(value.numerator, value.denominator) * sp.I

    def constant(self, name: str, term: Term) -> sp.Basic:
        if name == "oo":
            raise self._error("∞ is not a number (not in ℝ or ℂ); see 'symderiv compare'",
                              term)
        return {"I": sp.I, "pi": sp.pi}[name]

    def name(self, name: str, term: Term) -> sp.Basic:
        if name not in self.symbols:
            raise self._error(f"unknown name {name!r}", term)
        return self.symbols[name]

    def operation(self, op: str, args: Sequence[sp.Basic], term: Term) -> sp.Basic:
        if any(isinstance(a, sp.MatrixBase) for a in args):
            return self._matrix_operation(op, args, term)
        if op == "neg":
            return -args[0]
        if op == "+":
            return args[0] + args[1]
        if op == "-":
            return args[0] - args[1]
        if op == "*":
            return args[0] * args[1]
        if op == "/":
            if args[1].is_zero:
                raise self._error(f"{term.text!r} divides by zero, which is undefined", term)
            return args[0] / args[1]
        if op == "**":
            base, exponent = args
            if base.is_zero and exponent.is_extended_negative:
                raise self._error(f"{term.text!r} divides by zero, which is undefined", term)
            if base.is_number and exponent.is_number and power_too_large(base, exponent):
                raise self._error(f"{term.text!r} is too large to compute", term,
                                  InputTooLargeError)
            if exponent.is_number and not exponent.is_integer and base.is_extended_negative:
                raise self._error(f"{term.text!r}: a negative number to a non-integer power "
                                  "is not a real number (see 'symderiv exponents')", term)
            return base**exponent
        if op == "sqrt":
            if args[0].is_extended_negative:
                raise self._error(f"{term.text!r}: the square root of a negative number is "
                                  "not real", term)
            return sp.sqrt(args[0])
        if op == "root":
            n = args[1]
            if not n.is_number and n.is_integer and n.is_positive:
                if not args[0].is_nonnegative:
                    raise self._error(f"{term.text!r}: root(x, n) with a symbolic n needs "
                                      "x ≥ 0", term)
                return sp.root(args[0], n)
            if not (n.is_Integer and 1 <= n <= 64):
                raise self._error("root(x, n) needs an integer n from 1 to 64", term)
            if args[0].is_extended_negative and n.is_even:
                raise self._error(f"{term.text!r}: an even root of a negative number is not "
                                  "real", term)
            return sp.real_root(args[0], n)
        raise self._error(f"operation {op!r} is not supported here", term)

    def _matrix_operation(self, op: str, args: Sequence[sp.Basic], term: Term) -> sp.Basic:
        raise self._error("write a matrix as a literal (no arithmetic on matrices here)", term)

    def matrix(self, rows: Sequence[Sequence[sp.Basic]], term: Term) -> sp.Basic:
        return sp.ImmutableMatrix(rows)


def exact_value(value: object, *, symbols: Mapping[str, sp.Symbol] | None = None,
                what: str = "value") -> sp.Basic:
    """``value`` as an exact SymPy object: text is parsed (never evaluated as Python);
    ints, Fractions, complex numbers, SymPy objects and nested lists are converted.
    Floats are taken at their exact binary value."""
    if isinstance(value, str):
        term = parse_value(value, names=list(symbols or ()), what=what)
        return evaluate(term, ExactArithmetic(symbols, what, value.strip()))
    if isinstance(value, bool):
        raise ParseError(f"expected a {what}, got a bool")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError(f"{value!r} is not a number in ℝ", what=what)
        return sp.Rational(*value.as_integer_ratio())
    if isinstance(value, complex):
        return exact_value(value.real) + sp.I * exact_value(value.imag)
    if isinstance(value, list | tuple):
        return sp.ImmutableMatrix([[exact_value(e, symbols=symbols, what=what) for e in row]
                                   for row in value])
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, sp.Basic):
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise ParseError(f"{value} is not a number", what=what)
        return value
    try:  # NumPy scalars and arrays
        import numpy as np

        if isinstance(value, np.ndarray):
            return exact_value(value.tolist(), symbols=symbols, what=what)
        if isinstance(value, np.generic):
            return exact_value(value.item(), symbols=symbols, what=what)
    except ImportError:  # pragma: no cover
        pass
    raise ParseError(f"expected a {what} (text or a number), got {type(value).__name__}")

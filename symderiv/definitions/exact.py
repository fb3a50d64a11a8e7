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

from ..errors import InputTooLargeError, ParseError, UnsupportedError
from ..parse.values import (
    MAX_EXPONENT,
    MAX_POWER_BITS,
    MAX_VALUE_BITS,
    Arithmetic,
    Term,
    evaluate,
    parse_value,
    too_large,
)

__all__ = ["ExactArithmetic", "exact_value", "is_zero_number", "power_too_large"]


def _log2_abs(x: object) -> float | None:
    """log2 |x| for a number of any size (None for 0 or what is not a number)."""
    if isinstance(x, bool):
        return None
    if isinstance(x, int | sp.Integer):
        n = abs(int(x))
        return None if n == 0 else math.log2(n) if n < 2**1000 else float(n.bit_length())
    if isinstance(x, Fraction | sp.Rational):
        num, den = (x.numerator, x.denominator) if isinstance(x, Fraction) else (x.p, x.q)
        return None if num == 0 else (_log2_abs(num) or 0.0) - (_log2_abs(den) or 0.0)
    try:
        z = abs(complex(x))  # type: ignore[arg-type]
        if z == 0:
            return None
        if math.isfinite(z):
            return math.log2(z)
    except (TypeError, ValueError, OverflowError):
        pass
    if isinstance(x, sp.Basic) and x.is_number:  # too large for a float: ask SymPy
        try:
            size = sp.N(sp.log(sp.Abs(x), 2), 15)
            return float(size) if size.is_finite else None
        except (TypeError, ValueError):
            return None
    return None


def power_too_large(base: object, exponent: object) -> bool:
    """Whether base**exponent has more than MAX_POWER_BITS bits (numbers of any size)."""
    size, e = _log2_abs(base), _log2_abs(exponent)
    if size is None or e is None:
        return False
    return 2.0**min(e, 64) * max(abs(size), 1.0) > MAX_POWER_BITS


def is_zero_number(v: sp.Basic) -> bool:
    """Whether an exact number is 0, also when it does not look like it
    (∛(20 + 14√2) + ∛(20 − 14√2) − 4 is 0): SymPy's own knowledge, then the minimal
    polynomial of an algebraic number, then 100 digits (refusing to guess below that)."""
    if v.is_Rational:
        return bool(v == 0)
    approx = sp.N(v, 50)  # evalf keeps the digits it reports: far from 0 is not 0
    if approx.is_number and abs(approx) > sp.Float("1e-30", 50):
        return False
    known = v.is_zero  # near 0: SymPy's own knowledge, which may take longer
    if known is not None:
        return bool(known)
    try:
        return sp.minimal_polynomial(v, sp.Dummy("z")).is_Symbol  # z itself: v = 0
    except (NotImplementedError, ValueError, TypeError,
            sp.polys.polyerrors.BasePolynomialError):  # NotAlgebraic: 0.1**pi, say
        pass
    size = abs(sp.N(v, 100))
    if size.is_number and size > sp.Float("1e-80", 100):
        return False
    raise UnsupportedError(f"cannot decide whether {v} is 0 (it is 0 to 80 digits)")


_SYMPY_FUNCTIONS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log,
                    "abs": sp.Abs}


class ExactArithmetic(Arithmetic[sp.Basic]):
    """SymPy values, exact; ``symbols`` maps the allowed names to SymPy symbols (or to
    numbers, to evaluate at a point).  In the reals unless ``complex_values``: then
    √−1 and (−8)^(1/3) are their principal complex values."""

    def __init__(self, symbols: Mapping[str, sp.Basic] | None = None,
                 what: str = "value", source: str = "", *,
                 complex_values: bool = False) -> None:
        self.symbols = dict(symbols or {})
        self.what = what
        self.source = source
        self.complex_values = complex_values

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
            raise self._error("write a matrix as a literal (no arithmetic on matrices here)",
                              term)
        result = self._compute(op, args, term)
        if result.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise self._error(f"{term.text!r} is undefined", term)
        for power in result.atoms(sp.Pow):
            if power.exp.is_number and abs(power.exp) > MAX_EXPONENT:
                raise self._error(f"{term.text!r} has the exponent {power.exp}, more than "
                                  f"{MAX_EXPONENT}", term, InputTooLargeError)
        return result

    def _compute(self, op: str, args: Sequence[sp.Basic], term: Term) -> sp.Basic:
        if op == "neg":
            return -args[0]
        if op in ("+", "-", "*"):
            a, b = args
            return a + b if op == "+" else a - b if op == "-" else a * b
        if op == "/":
            if is_zero_number(args[1]) if args[1].is_number else args[1].is_zero:
                raise self._error(f"{term.text!r} divides by zero, which is undefined", term)
            return args[0] / args[1]
        if op == "**":
            return self._power(*args, term)
        if op == "sqrt":
            if args[0].is_extended_negative and not self.complex_values:
                raise self._error(f"{term.text!r}: the square root of a negative number is "
                                  "not real (in CC it is)", term)
            return sp.sqrt(args[0])
        if op == "root":
            return self._root(*args, term)
        if op in ("Min", "Max"):
            try:
                return (sp.Min if op == "Min" else sp.Max)(*args)
            except ValueError:  # SymPy: "The argument '11*I' is not comparable"
                raise self._error(f"{term.text!r}: {op} compares real numbers", term) from None
        if op == "log" and args[0].is_number and not args[0].is_extended_positive \
                and not self.complex_values:
            raise self._error(f"{term.text!r}: the logarithm of a number ≤ 0 is not real", term)
        if op in _SYMPY_FUNCTIONS:
            return _SYMPY_FUNCTIONS[op](args[0])
        raise self._error(f"operation {op!r} is not supported here", term)

    def _power(self, base: sp.Basic, exponent: sp.Basic, term: Term) -> sp.Basic:
        zero = base.is_number and is_zero_number(base)
        if zero and exponent.is_number and (is_zero_number(exponent) or
                                            not exponent.is_extended_positive):
            raise self._error(f"{term.text!r} is undefined: 0 to the power "
                              f"{exponent} (a⁰ = 1 needs a ≠ 0; 0⁻ⁿ divides by 0)", term)
        if exponent.is_number and abs(exponent) > MAX_EXPONENT:
            raise self._error(f"exponent {exponent} in {term.text!r} is larger than "
                              f"{MAX_EXPONENT}", term, InputTooLargeError)
        if base.is_number and exponent.is_number and power_too_large(base, exponent):
            raise self._error(f"{term.text!r} is too large to compute", term,
                              InputTooLargeError)
        if exponent.is_number and not exponent.is_integer and base.is_extended_negative \
                and not self.complex_values:
            raise self._error(f"{term.text!r}: a negative number to a non-integer power "
                              "is not a real number (see 'symderiv exponents')", term)
        return base**exponent

    def _root(self, x: sp.Basic, n: sp.Basic, term: Term) -> sp.Basic:
        if not n.is_number and n.is_integer and n.is_positive:
            if not x.is_nonnegative:
                raise self._error(f"{term.text!r}: root(x, n) with a symbolic n needs "
                                  "x ≥ 0", term)
            return sp.root(x, n)
        if not (n.is_Integer and 1 <= n <= 64):
            raise self._error("root(x, n) needs an integer n from 1 to 64", term)
        if x.is_extended_negative and n.is_even:
            raise self._error(f"{term.text!r}: an even root of a negative number is not "
                              "real", term)
        return sp.real_root(x, n)

    def matrix(self, rows: Sequence[Sequence[sp.Basic]], term: Term) -> sp.Basic:
        return sp.ImmutableMatrix(rows)


def exact_value(value: object, *, symbols: Mapping[str, sp.Symbol] | None = None,
                what: str = "value", complex_values: bool = False) -> sp.Basic:
    """``value`` as an exact SymPy object: text is parsed (never evaluated as Python);
    ints, Fractions, complex numbers, SymPy objects and nested lists are converted.
    Floats are taken at their exact binary value."""
    if isinstance(value, str):
        term = parse_value(value, names=list(symbols or ()), what=what)
        return evaluate(term, ExactArithmetic(symbols, what, value.strip(),
                                              complex_values=complex_values))
    if isinstance(value, bool):
        raise ParseError(f"expected a {what}, got a bool")
    if isinstance(value, int | Fraction) and too_large(value):
        raise InputTooLargeError(f"a number with more than {MAX_VALUE_BITS} bits", what=what)
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

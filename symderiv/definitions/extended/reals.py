"""ℝ̄ = ℝ ∪ {−∞, +∞}: :class:`ExtendedReal`, its operations, and :func:`is_real`.

The operations defined in ℝ̄ work; the indeterminate forms (∞ − ∞, 0·∞, ∞/∞, 0⁰, 1^∞,
∞⁰) and a/0 raise :class:`~symderiv.errors.UndefinedOperation` with the reason.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import sympy as sp

from ...errors import InputTooLargeError, UndefinedOperation
from ..exact import is_zero_number, power_too_large

__all__ = ["INF", "NEG_INF", "ExtendedReal", "is_real"]


def _indeterminate(form: str, examples: str) -> UndefinedOperation:
    return UndefinedOperation(f"{form} has no single value: {examples}", form=form)


class ExtendedReal:
    """An element of ℝ̄: a real number (exact, SymPy) or +∞ or −∞.

    >>> INF + 1
    ExtendedReal(oo)
    >>> INF - INF
    Traceback (most recent call last):
    ...
    symderiv.errors.UndefinedOperation: ∞ − ∞ has no single value: ...
    """

    __slots__ = ("_sign", "_value")

    def __init__(self, value: object = 0, *, infinite: int = 0) -> None:
        if infinite:
            self._sign, self._value = (1 if infinite > 0 else -1), None
            return
        if isinstance(value, ExtendedReal):
            self._sign, self._value = value._sign, value._value
            return
        if isinstance(value, float) and math.isinf(value):
            self._sign, self._value = (1 if value > 0 else -1), None
            return
        v = _real_number(value)
        if v.is_infinite:
            self._sign, self._value = (1 if v.is_extended_positive else -1), None
            return
        self._sign, self._value = 0, v

    @classmethod
    def _coerce(cls, other: object) -> ExtendedReal:
        return other if isinstance(other, ExtendedReal) else cls(other)

    # -- what it is ----------------------------------------------------------------
    @property
    def is_infinite(self) -> bool:
        return self._value is None

    @property
    def sign(self) -> int:
        if self._value is None:
            return self._sign
        if is_zero_number(self._value):  # also a zero that does not look like one
            return 0
        positive = self._value.is_extended_positive
        if positive is None:
            positive = bool(sp.N(self._value, 50) > 0)
        return 1 if positive else -1

    @property
    def value(self) -> sp.Basic:
        """The real number, or SymPy's ±oo for ±∞."""
        return self._value if self._value is not None else self._sign * sp.oo

    def __repr__(self) -> str:
        return f"ExtendedReal({self.value})"

    def __str__(self) -> str:
        if self._value is None:
            return "∞" if self._sign > 0 else "-∞"
        return str(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExtendedReal):
            return NotImplemented  # ExtendedReal(1) is not the int 1: compare with ExtendedReal
        if self.is_infinite or other.is_infinite:
            return self.is_infinite and other.is_infinite and self._sign == other._sign
        return bool(sp.simplify(self.value - other.value) == 0)

    def __hash__(self) -> int:
        # equal values can be written differently ((√2 + 1)² and 3 + 2√2): hash what
        # equality preserves, the sign
        return hash(("ExtendedReal", self.is_infinite, self.sign))

    def __lt__(self, other: object) -> bool:
        o = self._coerce(other)
        if self.is_infinite or o.is_infinite:
            return self._rank() < o._rank() if self._rank() != o._rank() else False
        return bool(self.value < o.value)

    def __le__(self, other: object) -> bool:
        o = self._coerce(other)
        return self == o or self < o

    def __gt__(self, other: object) -> bool:
        return self._coerce(other) < self

    def __ge__(self, other: object) -> bool:
        return self._coerce(other) <= self

    def _rank(self) -> int:
        return self._sign * 2 if self.is_infinite else 0

    # -- arithmetic ----------------------------------------------------------------
    def __neg__(self) -> ExtendedReal:
        return ExtendedReal(infinite=-self._sign) if self.is_infinite else ExtendedReal(-self.value)

    def __add__(self, other: object) -> ExtendedReal:
        o = self._coerce(other)
        if self.is_infinite and o.is_infinite:
            if self._sign != o._sign:
                raise _indeterminate("∞ − ∞", "(x + 1) − x → 1, 2x − x → ∞ and x − 2x → −∞ "
                                     "as x → ∞")
            return self
        if self.is_infinite:
            return self
        if o.is_infinite:
            return o
        return ExtendedReal(self.value + o.value)

    __radd__ = __add__

    def __sub__(self, other: object) -> ExtendedReal:
        return self + (-self._coerce(other))

    def __rsub__(self, other: object) -> ExtendedReal:
        return self._coerce(other) - self

    def __mul__(self, other: object) -> ExtendedReal:
        o = self._coerce(other)
        if self.is_infinite or o.is_infinite:
            if self.sign == 0 or o.sign == 0:
                raise _indeterminate("0·∞", "x·(1/x) → 1, x·(1/x²) → 0 and x²·(1/x) → ∞ as "
                                     "x → ∞")
            return ExtendedReal(infinite=self.sign * o.sign)
        return ExtendedReal(self.value * o.value)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> ExtendedReal:
        o = self._coerce(other)
        if o.sign == 0:
            why = ("every x solves 0·x = 0" if self.sign == 0 else
                   f"no x solves 0·x = {self}" + (" in ℝ, and in ℝ̄ 1/x → +∞ and −∞ from the "
                                                 "two sides of 0" if not self.is_infinite
                                                 else ""))
            raise UndefinedOperation(f"division by 0 is undefined: {why}",
                                     form="0/0" if self.sign == 0 else "a/0")
        if self.is_infinite and o.is_infinite:
            raise _indeterminate("∞/∞", "x/x → 1, x²/x → ∞ and x/x² → 0 as x → ∞")
        if o.is_infinite:
            return ExtendedReal(0)
        if self.is_infinite:
            return ExtendedReal(infinite=self._sign * o.sign)
        return ExtendedReal(self.value / o.value)

    def __rtruediv__(self, other: object) -> ExtendedReal:
        return self._coerce(other) / self

    def __pow__(self, other: object) -> ExtendedReal:
        o = self._coerce(other)
        if o.is_infinite:
            if not self.is_infinite and self.value == 1:
                raise _indeterminate("1^∞", "(1 + 1/x)^x → e and (1 + 1/x)^(x²) → ∞ as x → ∞")
            raise UndefinedOperation("a power with an infinite exponent is a limit, not an "
                                     "operation of ℝ̄", form="a^∞")
        if self.is_infinite:
            if o.sign == 0:
                raise _indeterminate("∞⁰", "x^(1/log x) → e and x^(1/x) → 1 as x → ∞")
            if o.sign < 0:
                return ExtendedReal(0)
            if self._sign > 0:
                return self
            if not o.value.is_integer:  # (−∞)^(1/2): no real value to tend to
                raise UndefinedOperation("(−∞) to a non-integer power is not defined in ℝ̄",
                                         form="(−∞)^y")
            return self if o.value.is_odd else -self  # (−∞)² = (−∞)·(−∞) = ∞
        base, exponent = self.value, o.value
        if base == 0 and exponent == 0:
            raise _indeterminate("0⁰", "a⁰ = 1 comes from a² ÷ a², which needs a ≠ 0; and "
                                 "x^x → 1 but 0^x → 0 as x → 0⁺")
        if base == 0 and exponent.is_extended_negative:
            raise UndefinedOperation("0 to a negative power divides by 0", form="a/0")
        if base.is_extended_negative and not exponent.is_integer:
            raise UndefinedOperation(f"({base})^({exponent}): a negative number to a "
                                     "non-integer power is not real (see 'symderiv exponents')",
                                     form="negative base")
        if power_too_large(base, exponent):
            raise InputTooLargeError(f"{_short(base)} to the power {_short(exponent)} is too "
                                     "large to compute")
        return ExtendedReal(base**exponent)

    def root(self, n: int) -> ExtendedReal:
        """The real n-th root: ∛(−8) = −2; an even root of a negative number is not real."""
        if self.sign < 0 and n % 2 == 0:
            raise UndefinedOperation(f"an even root of {self} is not real", form="negative base")
        if self.is_infinite:
            return self
        return ExtendedReal(sp.real_root(self.value, n))


def _short(v: sp.Basic) -> str:
    text = str(v)
    return text if len(text) <= 30 else f"a number of {len(text)} characters"


def _real_number(value: object) -> sp.Basic:
    """value as a SymPy real number; TypeError for what is not a number at all,
    UndefinedOperation for numbers outside ℝ̄ (nan, complex)."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction | float | sp.Basic):
        raise TypeError(f"an ExtendedReal is made from a real number, not {value!r}")
    if isinstance(value, float):
        if math.isnan(value):
            raise UndefinedOperation("nan is not an element of ℝ̄ (it is not a number)")
        return sp.Rational(*value.as_integer_ratio())
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if not value.is_number or value.is_extended_real is not True:
        raise UndefinedOperation(f"{value} is not a real number, so not an element of ℝ̄")
    return value


INF = ExtendedReal(infinite=1)
NEG_INF = ExtendedReal(infinite=-1)


def is_real(value: object) -> bool:
    """Whether ``value`` is a real number: ±∞ (ours, SymPy's or IEEE's) and nan are not.

    >>> is_real(INF), is_real(float("inf")), is_real(3)
    (False, False, True)
    """
    if isinstance(value, ExtendedReal):
        return not value.is_infinite
    if isinstance(value, sp.Basic):
        return bool(value.is_number and value.is_extended_real and value.is_finite)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # NumPy's are Real
        return False
    return math.isfinite(float(value))


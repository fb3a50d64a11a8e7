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
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import sympy as sp

from ...errors import ArgumentError, InputTooLargeError, UndefinedOperation
from ...parse.values import Arithmetic, Term, evaluate, parse_value
from ..exact import is_zero_number, power_too_large

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

MAX_EXPRESSIONS = 40


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


# -- the comparison ----------------------------------------------------------------------

CellKind = Literal["value", "undefined", "error", "nan", "infinite"]


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

"""Values and small arithmetic for the definitions: ``6``, ``1/2``, ``inf - inf``,
``t**2 - 1``, ``Matrix([[1, 2], [2, 4]])``, ``a**(1/2) = -sqrt(a)``.

Text is read with :mod:`ast` under a whitelist (never ``eval``/``sympify``) into a
small neutral tree of :class:`Term` nodes (printed as written by
:mod:`symderiv.render.terms`).  The tree is not evaluated here: the
same ``inf - inf`` is handed to several arithmetics — the extended reals, Python's
``float``, NumPy's ``float64``, SymPy — through :func:`evaluate` and one
:class:`Arithmetic` per implementation, so that each answers for itself.

Numbers are exact as written (``0.1`` is 1/10); ``I`` (or a ``j`` literal such as
``2j``) is the imaginary unit; ``inf`` and ``oo`` are ∞; ``pi`` is π; ``sqrt(x)``
is the square root and ``root(x, n)`` the real n-th root; ``Matrix([[…], […]])``
or a bare ``[[…], […]]`` is a matrix.  Other names are variables, where the caller
allows them.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Generic, TypeVar

from ..errors import InputTooLargeError, ParseError
from .expression import checked_input, exponent_too_large

__all__ = ["MATH_FUNCTIONS", "Arithmetic", "Term", "evaluate", "parse_equation", "parse_value",
           "too_large"]

MAX_DEPTH = 40
MAX_EXPONENT = 4096
MAX_DIGITS = 200
MAX_ENTRIES = 400
#: 1e300 (near float64's largest) is fine; 1e5000 is refused
MAX_LITERAL_BITS = 3500
#: bits of a power's value beyond which it is refused (2**4096 is fine, 9**9**9 is not)
MAX_POWER_BITS = 10_000
#: bits of any exact value computed (about 3000 digits)
MAX_VALUE_BITS = 10_000

CONSTANTS = {"inf": "oo", "oo": "oo", "I": "I", "pi": "pi"}
FUNCTIONS = {"sqrt": 1, "root": 2, "Matrix": 1}
#: Functions a caller may allow besides (the limits do): name -> arity, 0 for "two or more".
MATH_FUNCTIONS = {"sin": 1, "cos": 1, "tan": 1, "exp": 1, "log": 1, "abs": 1, "Abs": 1,
                  "Min": 0, "Max": 0}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Term:
    """A node of a parsed value: ``op`` is ``num`` (``value`` a Fraction; ``imag``
    for ``2j``), ``const`` (``oo``, ``I``, ``pi``), ``name``, ``+ - * / **``, ``neg``,
    ``sqrt``, ``root`` or ``matrix`` (``rows``).  ``col`` is the 1-based column in
    the source and ``text`` the source as written."""

    op: str
    args: tuple[Term, ...] = ()
    value: Fraction | str | None = None
    imag: bool = False
    rows: tuple[tuple[Term, ...], ...] = ()
    col: int = 1
    text: str = ""

    def names(self) -> set[str]:
        found = {self.value} if self.op == "name" and isinstance(self.value, str) else set()
        for arg in self.args:
            found |= arg.names()
        for row in self.rows:
            for entry in row:
                found |= entry.names()
        return found

    def has(self, op: str, value: object = None) -> bool:
        if self.op == op and (value is None or self.value == value):
            return True
        children = self.args + tuple(e for row in self.rows for e in row)
        return any(child.has(op, value) for child in children)


class Arithmetic(Generic[T]):
    """One implementation's arithmetic: how numbers, constants and operations behave.

    :func:`evaluate` walks a :class:`Term` and calls these; a subclass implements
    what its implementation supports and raises for the rest.
    """

    def number(self, value: Fraction, term: Term) -> T:
        raise NotImplementedError

    def imaginary(self, value: Fraction, term: Term) -> T:
        raise NotImplementedError

    def constant(self, name: str, term: Term) -> T:
        raise NotImplementedError

    def name(self, name: str, term: Term) -> T:
        raise ParseError(f"unknown name {name!r}", source=term.text, col=1, what="value")

    def operation(self, op: str, args: Sequence[T], term: Term) -> T:
        raise NotImplementedError

    def matrix(self, rows: Sequence[Sequence[T]], term: Term) -> T:
        raise ParseError("a matrix is not allowed here", source=term.text, col=1,
                         what="value")


def evaluate(term: Term, arithmetic: Arithmetic[T]) -> T:
    """The value of ``term`` in ``arithmetic`` (leaves first, then the operation)."""
    if term.op == "num":
        assert isinstance(term.value, Fraction)
        return (arithmetic.imaginary if term.imag else arithmetic.number)(term.value, term)
    if term.op == "const":
        return arithmetic.constant(str(term.value), term)
    if term.op == "name":
        return arithmetic.name(str(term.value), term)
    if term.op == "matrix":
        return arithmetic.matrix([[evaluate(e, arithmetic) for e in row] for row in term.rows],
                                 term)
    result = arithmetic.operation(term.op, [evaluate(a, arithmetic) for a in term.args], term)
    if too_large(result):
        raise InputTooLargeError(f"{term.text!r} is too large (more than {MAX_VALUE_BITS} bits)",
                                 col=term.col, what="value")
    return result


def too_large(value: object) -> bool:
    """Whether an exact number (int, Fraction, SymPy Integer/Rational, or an object with such
    a ``value``) has more than MAX_VALUE_BITS bits: printing it would be useless and slow."""
    inner = getattr(value, "value", value) if not isinstance(value, int | Fraction) else value
    if isinstance(inner, bool):
        return False
    if isinstance(inner, int):
        return abs(inner).bit_length() > MAX_VALUE_BITS
    num, den = getattr(inner, "p", None), getattr(inner, "q", None)  # SymPy Rational
    if isinstance(inner, Fraction):
        num, den = inner.numerator, inner.denominator
    if isinstance(num, int) and isinstance(den, int):
        return max(abs(num).bit_length(), den.bit_length()) > MAX_VALUE_BITS
    return False


class _Reader:
    """ast → :class:`Term`, rejecting every node type that is not listed."""

    def __init__(self, text: str, names: Callable[[str], bool], what: str,
                 functions: Sequence[str] = ()) -> None:
        self.text = text
        self.allow_name = names
        self.what = what
        self.functions = {**FUNCTIONS, **{f: MATH_FUNCTIONS[f] for f in functions}}
        self._bytes = text.encode("utf-8")

    def col(self, node: ast.AST) -> int:
        off = getattr(node, "col_offset", 0)
        return len(self._bytes[:off].decode("utf-8", errors="replace")) + 1

    def src(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ""

    def error(self, message: str, node: ast.AST, cls: type[ParseError] = ParseError
              ) -> ParseError:
        return cls(message, source=self.text, col=self.col(node), what=self.what)

    def term(self, node: ast.AST, op: str, **fields: object) -> Term:
        return Term(op, col=self.col(node), text=self.src(node), **fields)  # type: ignore[arg-type]

    def read(self, node: ast.AST, depth: int = 0) -> Term:
        if depth > MAX_DEPTH:
            raise self.error(f"nested deeper than {MAX_DEPTH} levels", node, InputTooLargeError)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.read(node.operand, depth + 1)
            return inner if isinstance(node.op, ast.UAdd) else self.term(node, "neg",
                                                                           args=(inner,))
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
            op = ops.get(type(node.op))
            if op is None:
                raise self.error(f"operator {self.src(node)!r} is not allowed here "
                                 "(use + - * / **)", node)
            left, right = self.read(node.left, depth + 1), self.read(node.right, depth + 1)
            if op == "**":
                self.bound_power(node, left, right)
            return self.term(node, op, args=(left, right))
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.List):
            return self.matrix(node, depth)
        kind = type(node).__name__
        hint = {"Compare": "a comparison is not a value", "Attribute": "attributes are not "
                "allowed", "Subscript": "indexing is not allowed", "Tuple": "tuples are "
                "not allowed"}.get(kind, f"{kind} is not allowed")
        raise self.error(hint, node)

    def constant(self, node: ast.Constant) -> Term:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float | complex):
            raise self.error(f"{self.src(node)} is not a number", node)
        literal = self.src(node).replace("_", "")
        digits = literal.rstrip("jJ")
        if len(digits) > MAX_DIGITS:
            raise self.error(f"number with more than {MAX_DIGITS} digits", node,
                             InputTooLargeError)
        if exponent_too_large(digits):
            raise self.error(f"{literal!r} is too large or too finely given", node,
                             InputTooLargeError)
        try:
            value = Fraction(digits)
        except ValueError:  # 0x10, 1e400 written oddly, …
            raise self.error(f"{literal!r} is not a decimal number", node) from None
        if abs(value.numerator).bit_length() > MAX_LITERAL_BITS or \
                value.denominator.bit_length() > MAX_LITERAL_BITS:
            raise self.error(f"{literal!r} is too large or too finely given", node,
                             InputTooLargeError)
        return self.term(node, "num", value=value, imag=isinstance(v, complex))

    def name(self, node: ast.Name) -> Term:
        if node.id in CONSTANTS:
            return self.term(node, "const", value=CONSTANTS[node.id])
        if node.id in self.functions:
            raise self.error(f"{node.id!r} is a function; call it as {node.id}(...)", node)
        if node.id.startswith("_") or not self.allow_name(node.id):
            raise self.error(f"unknown name {node.id!r}", node)
        return self.term(node, "name", value=node.id)

    def call(self, node: ast.Call, depth: int) -> Term:
        func = node.func.id if isinstance(node.func, ast.Name) else None
        if func not in self.functions:
            raise self.error(f"only {', '.join(self.functions)} can be called", node)
        n = self.functions[func]
        if node.keywords or (len(node.args) != n if n else len(node.args) < 2):
            count = f"{n} argument{'s' if n > 1 else ''}" if n else "two or more arguments"
            raise self.error(f"{func}() takes {count}", node)
        if func == "Matrix":
            if not isinstance(node.args[0], ast.List):
                raise self.error("Matrix() takes a list of rows, e.g. Matrix([[1, 2], [3, 4]])",
                                 node)
            return self.matrix(node.args[0], depth, whole=node)
        args = tuple(self.read(a, depth + 1) for a in node.args)
        return self.term(node, "abs" if func == "Abs" else func, args=args)

    def matrix(self, node: ast.List, depth: int, whole: ast.AST | None = None) -> Term:
        rows = node.elts
        if not rows or not all(isinstance(r, ast.List) for r in rows):
            raise self.error("a matrix is a list of rows, e.g. [[1, 2], [3, 4]]", node)
        width = len(rows[0].elts)  # type: ignore[attr-defined]
        if width == 0:
            raise self.error("a matrix row is empty", rows[0])
        if len(rows) * width > MAX_ENTRIES:
            raise self.error(f"more than {MAX_ENTRIES} entries", node, InputTooLargeError)
        read_rows = []
        for row in rows:
            entries = row.elts  # type: ignore[attr-defined]
            if len(entries) != width:
                n = len(entries)
                raise self.error(f"rows of different lengths ({n} entr{'y' if n == 1 else 'ies'}; "
                                 f"the first row has {width})", row)
            for e in entries:
                if isinstance(e, ast.List):
                    raise self.error("a matrix entry is a number, not a list", e)
            read_rows.append(tuple(self.read(e, depth + 2) for e in entries))
        return self.term(whole or node, "matrix", rows=tuple(read_rows))

    def bound_power(self, node: ast.BinOp, base: Term, exponent: Term) -> None:
        """Refuse powers whose value would be astronomically large (9**9**9)."""
        e = _literal(exponent)
        if e is None:
            return
        if abs(e) > MAX_EXPONENT:
            raise self.error(f"exponent {self.src(node.right)} is too large "
                             f"(limit {MAX_EXPONENT})", node.right, InputTooLargeError)
        b = _literal(base)
        if b is not None and b != 0:
            bits = abs(float(e)) * max(abs(math.log2(abs(b.numerator))) +
                                       math.log2(b.denominator), 1.0)
            if bits > MAX_POWER_BITS:
                raise self.error(f"{self.src(node)!r} is too large to compute", node,
                                 InputTooLargeError)


def _literal(t: Term) -> Fraction | None:
    """The value of a plain (possibly negated, possibly fractional) number, else None."""
    if t.op == "num" and not t.imag:
        return t.value  # type: ignore[return-value]
    if t.op == "neg":
        inner = _literal(t.args[0])
        return None if inner is None else -inner
    if t.op == "/":
        a, b = (_literal(x) for x in t.args)
        return a / b if a is not None and b else None
    return None


def _syntax_tree(text: str, what: str) -> ast.AST:
    for i, ch in enumerate(text):
        if not ch.isascii() or (not ch.isprintable() and ch != " "):
            raise ParseError(f"character {ch!r} is not allowed (write ASCII: inf, sqrt, **)",
                             source=text, col=i + 1, what=what)
        if ch in "#;\n\r":
            raise ParseError(f"{ch!r} is not allowed in a {what}", source=text, col=i + 1,
                             what=what)
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" is our error to report
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        col = exc.offset
        msg = (exc.msg or "invalid syntax").split(" (")[0]
        if not col or col > len(text):
            col, msg = len(text), "the text ends too early"
        raise ParseError(f"syntax error: {msg}", source=text, col=col, what=what) from None
    except (RecursionError, MemoryError, ValueError):
        raise InputTooLargeError("nested too deeply or too large", source=text,
                                 what=what) from None


def _allow(names: Callable[[str], bool] | Sequence[str] | None) -> Callable[[str], bool]:
    if names is None:
        return lambda _name: False
    if callable(names):
        return names
    allowed = frozenset(names)
    return allowed.__contains__


def parse_value(text: object, *, names: Callable[[str], bool] | Sequence[str] | None = None,
                what: str = "value", functions: Sequence[str] = ()) -> Term:
    """Read ``text`` as a :class:`Term`; ``names`` are the variables it may use.

    >>> parse_value("inf - inf").op
    '-'
    >>> parse_value("2 +* 3")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symderiv.errors.ParseError: syntax error: invalid syntax at col 4 of value '2 +* 3'
    """
    stripped = checked_input(text, what)
    tree = _syntax_tree(stripped, what)
    try:
        return _Reader(stripped, _allow(names), what, functions).read(tree)
    except RecursionError:
        raise InputTooLargeError("nested too deeply", source=stripped, what=what) from None


def parse_equation(text: object, *, names: Callable[[str], bool] | Sequence[str] | None = None,
                   what: str = "claim", functions: Sequence[str] = ()) -> tuple[Term, Term]:
    """``LHS = RHS`` (or ``==``) as two terms; columns refer to the whole text."""
    stripped = checked_input(text, what)
    cut = [i for i, ch in enumerate(stripped) if ch == "="]
    if len(cut) == 2 and cut[1] == cut[0] + 1:
        left, right = stripped[:cut[0]], stripped[cut[1] + 1:]
        offset = cut[1] + 1
    elif len(cut) == 1:
        left, right = stripped[:cut[0]], stripped[cut[0] + 1:]
        offset = cut[0] + 1
    else:
        raise ParseError("a claim is one equation 'LHS = RHS'", source=stripped,
                         col=cut[2] + 1 if len(cut) > 2 else None, what=what)
    sides = []
    for piece, start in ((left, 0), (right, offset)):
        if not piece.strip():
            raise ParseError("one side of the equation is empty", source=stripped,
                             col=start + 1, what=what)
        lead = len(piece) - len(piece.lstrip())
        try:
            side = parse_value(piece.strip(), names=names, what=what, functions=functions)
        except ParseError as exc:
            col = None if exc.col is None else exc.col + start + lead
            raise type(exc)(exc.message, source=stripped, col=col, what=what) from None
        sides.append(_shifted(side, start + lead))
    return sides[0], sides[1]


def _shifted(term: Term, offset: int) -> Term:
    """The term with its columns counted in the whole equation, not in its side."""
    return replace(term, col=term.col + offset,
                   args=tuple(_shifted(a, offset) for a in term.args),
                   rows=tuple(tuple(_shifted(e, offset) for e in row) for row in term.rows))

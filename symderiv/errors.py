"""All errors raised by symderiv, under one root.

Every error that reaches a user carries a message that names the bad value and,
for text input, where it is (``col`` is 1-based).  Bad arguments also subclass
``ValueError`` so that callers who do not know symderiv can still catch them.
The CLI maps ``exit_code`` to the process exit status.
"""

from __future__ import annotations

import re

__all__ = [
    "ArgumentError",
    "DeclarationError",
    "EvaluationError",
    "InputTooLargeError",
    "NotPolynomial",
    "OutOfRangeError",
    "OutputPathError",
    "ParseError",
    "ShapeError",
    "Shown",
    "StepError",
    "SymderivError",
    "UndefinedOperation",
    "UnsupportedError",
    "operation_words",
]


class SymderivError(Exception):
    """Root of every symderiv error."""

    exit_code = 2


class ArgumentError(SymderivError, ValueError):
    """An argument of the wrong kind or out of range (a seed, a scale)."""


class OutputPathError(ArgumentError):
    """A file or directory a command was asked to write that cannot be written.

    ``option`` is the command-line option (``"--latex"``), ``path`` the path as given,
    ``reason`` what is wrong (``"no such directory '/nonexistent'"``).
    """

    def __init__(self, option: str, path: str, reason: str) -> None:
        self.option = option
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {option} {path!r}: {reason}")


class ParseError(SymderivError, ValueError):
    """User text that is not a valid expression or declaration.

    ``source`` is the text, ``col`` the 1-based column of the offending
    character (or ``None`` when the whole text is at fault).
    """

    def __init__(self, message: str, *, source: str = "", col: int | None = None,
                 what: str = "expression") -> None:
        self.message = message
        self.source = source
        self.col = col
        self.what = what
        super().__init__(self._format())

    def _format(self) -> str:
        if self.col is None or not self.source:
            return f"{self.message} in {self.what} {self.source!r}" if self.source else self.message
        return f"{self.message} at col {self.col} of {self.what} {self.source!r}"

    def caret(self) -> str:
        """The source with a caret under the offending column (for terminals)."""
        if self.col is None or not self.source:
            return ""
        return f"  {self.source}\n  {' ' * (self.col - 1)}^"


class ShapeError(ParseError):
    """Operands whose shapes do not fit, caught before any calculus."""


class DeclarationError(ParseError):
    """A ``--let`` declaration that cannot be understood."""

    def __init__(self, message: str, *, source: str = "", col: int | None = None) -> None:
        super().__init__(message, source=source, col=col, what="declaration")


class InputTooLargeError(ParseError):
    """Input that would take unbounded time or memory (huge sizes, exponents, nesting)."""


class UnsupportedError(SymderivError, ValueError):
    """A well-formed request that symderiv cannot answer (say which and why)."""


class EvaluationError(SymderivError, ArithmeticError):
    """A point where an expression is not defined (singular matrix, log of a non-positive)."""


class UndefinedOperation(SymderivError, ArithmeticError):
    """An operation that mathematics leaves undefined: ∞ − ∞, 0·∞, 1 ÷ 0 in ℝ.

    ``form`` names the kind (``"∞ − ∞"``, ``"0/0"``); the message says why.
    """

    def __init__(self, message: str, *, form: str = "") -> None:
        self.form = form
        super().__init__(message)


class OutOfRangeError(EvaluationError):
    """A point where an expression is defined but floating point cannot represent it."""


class NotPolynomial(UnsupportedError):
    """The function (or claim) is not a polynomial in the variable's entries: the
    element-wise engine switches to symbolic entries or to comparing at points."""


class StepError(SymderivError, AssertionError):
    """A step of a worked solution does not hold when checked: a bug in symderiv."""

    exit_code = 4


# -- expressions in messages ---------------------------------------------------------------
#: What each kind of expression node is, in words, for a message that cannot print the
#: expression: keyed by class name along the class's MRO, as SymPy's printers dispatch,
#: so that this module needs no SymPy. A message never shows a SymPy class name.
_OPERATIONS: dict[str, str] = {
    "ElementwiseApplyFunction": "an elementwise function",
    "HadamardProduct": "the Hadamard (elementwise) product",
    "HadamardPower": "an elementwise power",
    "KroneckerProduct": "a Kronecker product",
    "MatMul": "a matrix product",
    "MatAdd": "a sum of matrices",
    "MatPow": "a matrix power",
    "Inverse": "a matrix inverse",
    "Transpose": "a transpose",
    "Determinant": "a determinant",
    "Trace": "a trace",
    "DiagMatrix": "diag of a vector",
    "DiagonalizeVector": "diag of a vector",
    "DiagonalOf": "the diagonal of a matrix",
    "DiagonalMatrix": "a diagonal matrix",
    "Identity": "an identity matrix",
    "ZeroMatrix": "a zero matrix",
    "OneMatrix": "an all-ones matrix",
    "MatrixElement": "an entry of a matrix",
    "MatrixSymbol": "a matrix or vector",
    "MatrixExpr": "a matrix expression",
    "Piecewise": "a piecewise function",
    "Heaviside": "the step function heaviside",
    "DiracDelta": "the derivative of a step",
    "Abs": "an absolute value",
    "Max": "a maximum",
    "Min": "a minimum",
    "Pow": "a power",
    "Mul": "a product",
    "Add": "a sum",
    "Symbol": "a scalar",
    "Number": "a number",
    "Relational": "a comparison",
    "Function": "a function",
}


_FOREIGN = re.compile(r"\b[A-Z]\w*\(|(?<![\w.])_")


def operation_words(expr: object) -> str:
    """What ``expr`` is, in words ('a matrix inverse', 'an elementwise function')."""
    for cls in type(expr).__mro__:
        if cls.__name__ in _OPERATIONS:
            return _OPERATIONS[cls.__name__]
    return "an expression"


class Shown:
    """An expression in a message, written in the language's notation ('sigmoid(X @ w)')
    when the message is built: ``f"no rule for {Shown(e)}"``. Like a result's ``__str__``,
    it asks the printer only then; an expression the printer cannot write, or one too long
    for a one-line message, is named in words (:func:`operation_words`)."""

    __slots__ = ("expr",)

    #: longer texts are named in words: a message is one line
    MAX_LENGTH = 80

    def __init__(self, expr: object) -> None:
        self.expr = expr

    def __str__(self) -> str:
        from .render.printing import to_input

        try:
            text = to_input(self.expr)  # type: ignore[arg-type]
        # the printer failing must not turn the error being reported into another one
        except (ArithmeticError, AttributeError, TypeError, ValueError, RecursionError):
            return operation_words(self.expr)
        # the language calls no function with a capital (SymPy's do: Piecewise(…)) and
        # has no name starting with '_' (SymPy's dummies)
        if len(text) > self.MAX_LENGTH or _FOREIGN.search(text):
            return operation_words(self.expr)
        return text

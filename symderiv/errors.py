"""All errors raised by symderiv, under one root.

Every error that reaches a user carries a message that names the bad value and,
for text input, where it is (``col`` is 1-based).  Bad arguments also subclass
``ValueError`` so that callers who do not know symderiv can still catch them.
The CLI maps ``exit_code`` to the process exit status.
"""

from __future__ import annotations

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
    "StepError",
    "SymderivError",
    "UndefinedOperation",
    "UnsupportedError",
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

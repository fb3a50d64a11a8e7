"""Shape declarations: ``"X: m x n; y: m; w: n"`` and ``"A: n×n, symmetric"``.

Grammar (one declaration per ``;``)::

    decl   := names ":" dims ("," assumption)*
    names  := NAME ("," NAME)*
    dims   := "scalar" | dim | dim ("x" | "×" | "*") dim
    dim    := NAME | INTEGER

Errors name the offending piece and its column in the whole text.
"""

from __future__ import annotations

import keyword
import re

from ..errors import DeclarationError, InputTooLargeError
from ..space import ASSUMPTIONS, MAX_CONCRETE_DIM, Declaration, Space
from .expression import FUNCTIONS

__all__ = ["RESERVED", "parse_declarations"]

#: Names that cannot be declared: functions of the expression language and ``T``.
RESERVED = frozenset(FUNCTIONS) | {"T"}

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_ASSUMPTION_ALIASES = {
    "spd": "positive definite",
    "pd": "positive definite",
    "positive-definite": "positive definite",
    "positive definite": "positive definite",
    "sym": "symmetric",
}


def _pieces(text: str, sep: str, start: int) -> list[tuple[str, int]]:
    """Split on ``sep``, returning (stripped piece, 1-based column of its first char)."""
    out = []
    pos = 0
    for raw in text.split(sep):
        lead = len(raw) - len(raw.lstrip())
        out.append((raw.strip(), start + pos + lead))
        pos += len(raw) + len(sep)
    return out


def _check_name(name: str, col: int, source: str) -> None:
    if not _IDENT.match(name) or keyword.iskeyword(name) or name.startswith("_"):
        raise DeclarationError(f"{name!r} is not a valid name", source=source, col=col)
    if name in RESERVED:
        raise DeclarationError(f"{name!r} is reserved (a function of the expression language)",
                               source=source, col=col)


def _parse_dim(tok: str, col: int, source: str) -> str | int:
    # ASCII digits only: '²'.isdigit() holds but int('²') fails, and '١' would be 1
    if tok.isascii() and tok.isdigit():
        if len(tok.lstrip("0")) > len(str(MAX_CONCRETE_DIM)):  # never int() of 5000 digits
            shown = tok if len(tok) <= 20 else f"{tok[:12]}… ({len(tok)} digits)"
            raise InputTooLargeError(
                f"dimension {shown} is too large (concrete sizes up to {MAX_CONCRETE_DIM}; "
                "use a symbol such as n for a size-generic claim)",
                source=source, col=col, what="declaration")
        value = int(tok)
        if value < 1:
            raise DeclarationError("a dimension must be at least 1", source=source, col=col)
        if value > MAX_CONCRETE_DIM:
            raise InputTooLargeError(
                f"dimension {value} is too large (concrete sizes up to {MAX_CONCRETE_DIM}; "
                "use a symbol such as n for a size-generic claim)",
                source=source, col=col, what="declaration")
        return value
    if not _IDENT.match(tok):
        raise DeclarationError(f"{tok!r} is not a dimension (a name like n or a positive integer)",
                               source=source, col=col)
    return tok


def parse_declarations(text: str | None, space: Space | None = None) -> Space:
    """Parse ``--let`` text into a :class:`Space` (adding to ``space`` if given).

    >>> sp = parse_declarations("X: m x n; y: m; w: n")
    >>> sp.describe()
    'X: m×n; y: m; w: n'
    >>> parse_declarations("A: n x m, symmetric")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symderiv.errors.DeclarationError: 'symmetric' needs a square matrix, but A is n×m at col 11...
    """
    space = space if space is not None else Space()
    if not text or not text.strip():
        return space
    if len(text) > 10_000:
        raise InputTooLargeError("declarations longer than 10000 characters", what="declaration")
    seen: dict[str, int] = {}
    for decl_text, col in _pieces(text, ";", 1):
        if not decl_text:
            continue
        if ":" not in decl_text:
            raise DeclarationError("expected 'NAME: DIMS' (for example 'x: n' or 'A: n x n')",
                                   source=text, col=col)
        names_part, rest = decl_text.split(":", 1)
        rest_col = col + len(names_part) + 1
        names = _pieces(names_part, ",", col)
        items = _pieces(rest, ",", rest_col)
        dims_text, dims_col = items[0]
        if not dims_text:
            raise DeclarationError("missing dimensions after ':'", source=text, col=dims_col)
        kind, dims = _parse_dims(dims_text, dims_col, text)
        assumptions, found = _parse_assumptions(items[1:], text, rest_col)
        for name, ncol in names:
            _check_name(name, ncol, text)
            if name in seen:  # 'X: m x n; X: n' — which one was meant is not ours to guess
                raise DeclarationError(f"{name!r} is declared twice (first at col "
                                       f"{seen[name]}); declare each name once",
                                       source=text, col=ncol)
            seen[name] = ncol
            for a, a_col in found:
                if kind not in ASSUMPTIONS[a]:
                    raise DeclarationError(
                        f"{a!r} applies to {' or '.join(ASSUMPTIONS[a])}s, but {name} is a {kind}",
                        source=text, col=a_col)
                if kind == "matrix" and dims[0] != dims[1]:
                    shown = "×".join(str(d) for d in dims)
                    raise DeclarationError(f"{a!r} needs a square matrix, but {name} is {shown}",
                                           source=text, col=a_col)
            space.declare(Declaration(name, kind, tuple(Space.dim(d) for d in dims),
                                      frozenset(assumptions)))
    dims = {d.name for d in space.dim_symbols}
    clash = sorted(dims & set(space.declarations))
    if clash:
        name = clash[0]
        raise DeclarationError(f"{name!r} is used both as a dimension and as a declared symbol",
                               source=text, col=text.find(f"{name}:") + 1 or None)
    return space


def _parse_assumptions(items: list[tuple[str, int]], source: str, col: int
                       ) -> tuple[set[str], list[tuple[str, int]]]:
    """The assumptions of one declaration, with those they imply (positive definite:
    symmetric and invertible; orthogonal: invertible), and each one as written with its
    column, for the errors that name it."""
    assumptions: set[str] = set()
    found: list[tuple[str, int]] = []
    for a_text, a_col in items:
        key = " ".join(a_text.lower().split())
        key = _ASSUMPTION_ALIASES.get(key, key)
        if key not in ASSUMPTIONS:
            known = ", ".join(sorted(ASSUMPTIONS))
            raise DeclarationError(f"unknown assumption {a_text!r} (known: {known})",
                                   source=source, col=a_col)
        assumptions.add(key)
        found.append((key, a_col))
        if key == "positive definite":
            assumptions.update({"symmetric", "invertible"})
        if key == "orthogonal":
            assumptions.add("invertible")
    if "orthogonal" in assumptions and assumptions & {"symmetric", "diagonal"}:
        other = sorted(assumptions & {"symmetric", "diagonal"})[0]
        raise DeclarationError(f"'orthogonal' together with {other!r} is not supported "
                               "(random instances could not honour both)",
                               source=source, col=col)
    return assumptions, found


def _parse_dims(dims_text: str, col: int, source: str) -> tuple[str, tuple[str | int, ...]]:
    if dims_text.lower() == "scalar":
        return "scalar", ()
    spaced = dims_text.replace("×", " x ").replace("*", " x ")
    spaced = re.sub(r"(?<=\d)x(?=\d)", " x ", spaced)  # 3x3
    tokens = spaced.split()
    # columns of the tokens in the original text, for error messages
    cols, pos = [], 0
    for tok in tokens:
        found = dims_text.find(tok, pos)
        cols.append(col + max(found, 0))
        pos = max(found, 0) + len(tok)
    if len(tokens) == 1:
        return "vector", (_parse_dim(tokens[0], cols[0], source),)
    if len(tokens) == 3 and tokens[1].lower() == "x":
        return "matrix", (_parse_dim(tokens[0], cols[0], source),
                          _parse_dim(tokens[2], cols[2], source))
    if len(tokens) > 3 and all(t.lower() == "x" for t in tokens[1::2]):
        raise DeclarationError(
            f"{dims_text!r}: at most two dimensions (tensors are not supported)",
            source=source, col=col)
    raise DeclarationError(
        f"cannot read dimensions {dims_text!r} (write 'scalar', 'n' or 'm x n')",
        source=source, col=col)

"""Shape declarations: ``"X: m x n; y: m; w: n"`` and ``"A: n×n, symmetric"``.

Grammar (one declaration or size constraint per ``;``)::

    piece      := decl | constraint
    decl       := names ":" dims ("," assumption)*
    names      := NAME ("," NAME)*
    dims       := "scalar" | dim | dim ("x" | "×" | "*") dim
    dim        := NAME | INTEGER
    constraint := dim (op dim)+          op := ">=" | ">" | "<=" | "<" | "≥" | "≤"

An assumption is a word or a few (``symmetric``, ``full column rank``, ``binary``) or a
set of entries (``entries in {-1, 1}``, whose comma does not end it).  Errors name the
offending piece and its column in the whole text.
"""

from __future__ import annotations

import keyword
import re

import sympy as sp

from ..errors import DeclarationError, InputTooLargeError
from ..space import ASSUMPTIONS, ENTRY_SETS, MAX_CONCRETE_DIM, Constraint, Declaration, Space
from .expression import FUNCTIONS

__all__ = ["RESERVED", "parse_declarations"]

#: Names that cannot be declared: functions of the expression language and ``T``.
RESERVED = frozenset(FUNCTIONS) | {"T"}

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Other spellings of the assumptions, squashed (lower case, no spaces, ASCII minus).
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "positive definite": ("spd", "pd", "positive-definite"),
    "symmetric": ("sym",),
    "invertible": ("nonsingular", "non-singular"),
    "full column rank": ("fullcolrank", "full-column-rank"),
    "full row rank": ("full-row-rank",),
    "positive": ("positiveentries", "entriespositive", "entrywisepositive",
                 "elementwisepositive", "entries>0"),
    "nonnegative": ("non-negative", "nonnegativeentries", "non-negativeentries",
                    "entriesnonnegative", "entrywisenonnegative", "elementwisenonnegative",
                    "entries>=0", "entries≥0"),
    "binary": ("in{0,1}", "in{1,0}", "entriesin{0,1}", "entriesin{1,0}", "∈{0,1}",
               "entries∈{0,1}"),
    "entries in {-1, 1}": ("±1", "+-1", "entries±1", "in{-1,1}", "in{1,-1}", "in{±1}",
                           "entriesin{1,-1}", "entriesin{±1}", "∈{-1,1}", "∈{1,-1}",
                           "entries∈{-1,1}", "entries∈{1,-1}"),
}


def _squash(text: str) -> str:
    return "".join(text.lower().replace("−", "-").split())


_ALIASES = {_squash(spelling): key for key, spellings in _SPELLINGS.items()
            for spelling in (key, *spellings)} | {_squash(k): k for k in ASSUMPTIONS}

_PLURAL = {"scalar": "scalars", "vector": "vectors", "matrix": "matrices"}

#: Assumptions that only a square matrix can have.
_SQUARE_ONLY = frozenset({"symmetric", "positive definite", "invertible", "diagonal",
                          "orthogonal"})

#: A comparison between sizes: (strict, flipped) — ``n <= m`` is ``m >= n``.
_OPS = {">=": (False, False), "≥": (False, False), ">": (True, False),
        "<=": (False, True), "≤": (False, True), "<": (True, True)}
_COMPARISON = re.compile(r"(>=|<=|≥|≤|==|!=|≠|>|<|=)")


def _pieces(text: str, sep: str, start: int) -> list[tuple[str, int]]:
    """Split on ``sep`` outside braces, returning (stripped piece, 1-based column of its
    first char): ``entries in {-1, 1}`` is one piece."""
    out = []
    begin = depth = 0
    for i, ch in enumerate(text + sep):
        depth += (ch == "{") - (ch == "}")
        if ch == sep and (depth <= 0 or i == len(text)):
            raw = text[begin:i]
            lead = len(raw) - len(raw.lstrip())
            out.append((raw.strip(), start + begin + lead))
            begin = i + 1
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
    >>> parse_declarations("X: m x n, full column rank; y: m, entries in {-1, 1}").describe()
    'X: m×n, full column rank; y: m, entries in {-1, 1}'
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
    comparisons: list[tuple[str, int]] = []
    for decl_text, col in _pieces(text, ";", 1):
        if not decl_text:
            continue
        if ":" not in decl_text and _COMPARISON.search(decl_text):
            comparisons.append((decl_text, col))  # once every dimension is declared
            continue
        if ":" not in decl_text:
            raise DeclarationError("expected 'NAME: DIMS' (for example 'x: n' or 'A: n x n') "
                                   "or a size constraint such as 'm >= n'",
                                   source=text, col=col)
        names_part, rest = decl_text.split(":", 1)
        rest_col = col + len(names_part) + 1
        names = _pieces(names_part, ",", col)
        items = _pieces(rest, ",", rest_col)
        dims_text, dims_col = items[0]
        if not dims_text:
            raise DeclarationError("missing dimensions after ':'", source=text, col=dims_col)
        kind, dims = _parse_dims(dims_text, dims_col, text)
        # 'X: m x n, m >= n': a size constraint among the assumptions ('entries > 0' is one)
        sizes = [(a, c) for a, c in items[1:]
                 if _COMPARISON.search(a) and _squash(a) not in _ALIASES]
        written = [item for item in items[1:] if item not in sizes]
        comparisons += sizes
        assumptions, found = _parse_assumptions(written, text, rest_col, kind)
        for name, ncol in names:
            _check_name(name, ncol, text)
            if name in seen:  # 'X: m x n; X: n' — which one was meant is not ours to guess
                raise DeclarationError(f"{name!r} is declared twice (first at col "
                                       f"{seen[name]}); declare each name once",
                                       source=text, col=ncol)
            seen[name] = ncol
            decl = Declaration(name, kind, tuple(Space.dim(d) for d in dims),
                               frozenset(assumptions))
            for a, a_col in found:
                _check_applies(decl, a, a_col, text, space)
            if decl.square and decl.assumptions & {"full column rank", "full row rank"}:
                decl = Declaration(name, kind, decl.dims, decl.assumptions | {"invertible"})
            space.declare(decl)
    dims = {d.name for d in space.dim_symbols}
    clash = sorted(dims & set(space.declarations))
    if clash:
        name = clash[0]
        raise DeclarationError(f"{name!r} is used both as a dimension and as a declared symbol",
                               source=text, col=text.find(f"{name}:") + 1 or None)
    for piece, col in comparisons:
        _parse_constraint(piece, col, text, space)
    return space


def _check_applies(decl: Declaration, a: str, col: int, source: str, space: Space) -> None:
    """That assumption ``a`` fits ``decl``'s kind and shape; a rank's size constraint
    (full column rank: rows ≥ columns) joins the space's constraints."""
    name, kind, dims = decl.name, decl.kind, decl.dims
    if kind not in ASSUMPTIONS[a]:
        raise DeclarationError(
            f"{a!r} applies to {' or '.join(_PLURAL[k] for k in ASSUMPTIONS[a])}, but {name} "
            f"is a {kind}",
            source=source, col=col)
    shown = "×".join(str(d) for d in dims)
    if a in _SQUARE_ONLY and kind == "matrix" and dims[0] != dims[1]:
        raise DeclarationError(f"{a!r} needs a square matrix, but {name} is {shown}",
                               source=source, col=col)
    if a not in ("full column rank", "full row rank") or dims[0] == dims[1]:
        return
    big, small = dims if a == "full column rank" else dims[::-1]
    more = "rows as columns" if a == "full column rank" else "columns as rows"
    constraint = Constraint(big, small, origin=f"{name} has {a}")
    if isinstance(big, sp.Integer) and isinstance(small, sp.Integer):
        if big < small:
            raise DeclarationError(f"{a!r} needs at least as many {more}, but {name} is {shown}",
                                   source=source, col=col)
        return
    _add_constraint(space, constraint, f"{a!r} of {name} ({constraint.describe()})",
                    source, col)


def _add_constraint(space: Space, constraint: Constraint, shown: str, source: str,
                    col: int) -> None:
    """Add a size constraint, refusing one that cannot hold together with the others."""
    space.constraints.append(constraint)
    if space.solve_sizes() is not None:
        return
    space.constraints.pop()
    others = "; ".join(c.describe() + (f" ({c.origin})" if c.origin else "")
                       for c in space.constraints)
    raise DeclarationError(f"{shown} cannot hold together with {others}" if others else
                           f"{shown} cannot hold at sizes 1 to {MAX_CONCRETE_DIM}",
                           source=source, col=col)


def _parse_constraint(piece: str, col: int, source: str, space: Space) -> None:
    """``m >= n``, ``n < m``, ``1 <= n <= m``: each comparison of two sizes a constraint."""
    parts = _COMPARISON.split(piece)
    cols, pos = [], 0
    for part in parts:  # the column of each stripped term and operator
        cols.append(col + pos + len(part) - len(part.lstrip()))
        pos += len(part)
    terms, ops = parts[0::2], parts[1::2]
    dims: list[sp.Symbol | sp.Integer] = []
    known = {d.name: d for d in space.dim_symbols}
    for term, tcol in zip(terms, cols[0::2], strict=True):
        term = term.strip()
        if not term:
            raise DeclarationError(f"{piece!r}: a size is missing beside the comparison",
                                   source=source, col=tcol)
        if term in space.declarations:
            raise DeclarationError(f"{term!r} is a declared symbol, not a dimension; a size "
                                   "constraint compares dimensions, as in 'm >= n'",
                                   source=source, col=tcol)
        dim = _parse_dim(term, tcol, source)
        if isinstance(dim, str) and dim not in known:
            names = ", ".join(known) or "none"
            raise DeclarationError(f"{term!r} is not a dimension of any declaration "
                                   f"(dimensions: {names})", source=source, col=tcol)
        dims.append(known[dim] if isinstance(dim, str) else sp.Integer(dim))
    for i, op in enumerate(ops):
        ocol = cols[2 * i + 1]
        if op not in _OPS:
            raise DeclarationError(
                f"{op!r} between sizes is not a constraint: two names for one size are one "
                "dimension (write 'A: n x n'); constraints are >=, >, <= and <",
                source=source, col=ocol)
        left, right = dims[i], dims[i + 1]
        strict, flipped = _OPS[op]
        if flipped:
            left, right = right, left
        if isinstance(left, sp.Integer) and isinstance(right, sp.Integer):
            raise DeclarationError(f"{piece!r} compares no dimension", source=source, col=col)
        constraint = Constraint(left, right, strict)
        _add_constraint(space, constraint, repr(" ".join(piece.split())), source, col)


def _parse_assumptions(items: list[tuple[str, int]], source: str, col: int, kind: str
                       ) -> tuple[set[str], list[tuple[str, int]]]:
    """The assumptions of one declaration, with those they imply (positive definite:
    symmetric and invertible; orthogonal: invertible), and each one as written with its
    column, for the errors that name it."""
    assumptions: set[str] = set()
    found: list[tuple[str, int]] = []
    for a_text, a_col in items:
        squashed = _squash(a_text)
        key = _ALIASES.get(squashed)
        if squashed == "fullrank":
            raise DeclarationError("'full rank' could mean either side: write 'full column rank' "
                                   "(independent columns, rows ≥ columns), 'full row rank', or "
                                   "'invertible' for a square matrix", source=source, col=a_col)
        if key is None:
            known = ", ".join(ASSUMPTIONS)
            hint = (" (entry sets: {-1, 1} and {0, 1})"
                    if "{" in squashed or squashed.startswith(("in", "entries")) else "")
            raise DeclarationError(f"unknown assumption {a_text!r}{hint} (known: {known})",
                                   source=source, col=a_col)
        if kind == "matrix" and squashed in ("positive", "nonnegative"):
            # 'A: n x n, positive' reads as positive (semi)definite to many: ask
            raise DeclarationError(
                f"{a_text!r} for a matrix could mean its entries or its eigenvalues: write "
                f"'{key} entries' or 'positive definite'", source=source, col=a_col)
        sets = (assumptions & ENTRY_SETS) - {key}
        if key in ENTRY_SETS and sets:
            raise DeclarationError(f"{key!r} and {sorted(sets)[0]!r} both say what the entries "
                                   "are: declare one", source=source, col=a_col)
        assumptions.add(key)
        found.append((key, a_col))
        if key == "positive definite":
            assumptions.update({"symmetric", "invertible"})
        if key == "orthogonal":
            assumptions.add("invertible")
    if any(kind not in ASSUMPTIONS[k] for k, _ in found):
        return assumptions, found  # the declaration's kind is the error, said per name
    if "orthogonal" in assumptions and assumptions & {"symmetric", "diagonal"}:
        other = sorted(assumptions & {"symmetric", "diagonal"})[0]
        raise DeclarationError(f"'orthogonal' together with {other!r} is not supported "
                               "(random instances could not honour both)",
                               source=source, col=col)
    entries = assumptions & ENTRY_SETS
    clash = sorted(assumptions & {"diagonal", "orthogonal"}) or (
        ["positive definite"] if "positive definite" in assumptions
        and entries & {"binary", "entries in {-1, 1}"} else [])
    if entries and clash:
        shown = sorted(entries)[0] + (" entries" if entries & {"positive", "nonnegative"} else "")
        raise DeclarationError(f"{clash[0]!r} together with {shown!r} is not "
                               "supported (random instances could not honour both)",
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

"""Index notation inside Σ: the summand a_{ij} x_i x_j read into an index form.

Used by the LaTeX reader for ``\\sum`` and by :func:`symderiv.parse.latex.parse_latex_entry`
for a right-hand side written entry by entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from ..errors import InputTooLargeError, ParseError, ShapeError
from ..space import Space
from .expression import shape_words
from .latex_syntax import MAX_DEPTH, _At, _is_token, _where

if TYPE_CHECKING:
    from .latex_reader import _Reader


class _NotIndexNotation(ParseError):
    """A summand that is not index notation (a function, a row x_i^⊤): the LaTeX reader
    reads it as a sum over data rows instead (:mod:`symderiv.parse.latex_rows`), and
    reports that reading's error if it fails too."""


class _IndexReader:
    """The summand of Σ in index notation: a_{ij} x_i x_j, read into an index form."""

    def __init__(self, outer: _Reader) -> None:
        self.r = outer
        self.space = outer.space
        self.dims: dict[str, Any] = {}  # index letter → its range

    def error(self, message: str, at: _At) -> ParseError:
        return self.r.error(message, at)

    def index(self, letter: str, dim: Any, at: _At) -> Any:
        from ..calculus.indexform import Index

        known = self.dims.get(letter)
        if known is not None and dim is not None and known != dim:
            raise self.r.error(f"index {letter} runs over {known} and over {dim} in "
                               f"{at.text!r}", at, ShapeError)
        if known is None:
            if dim is None:
                raise self.error(f"the range of index {letter} is not known: write "
                                 f"\\sum_{{{letter}=1}}^{{n}}", at)
            self.dims[letter] = dim
        return Index(letter, self.dims[letter])

    def read(self, tree: Any, bound: set[str], depth: int = 0) -> Any:
        from ..calculus import indexform as ix

        at = _where(self.r.text, tree)
        if depth > MAX_DEPTH:
            raise InputTooLargeError(f"LaTeX nested deeper than {MAX_DEPTH} levels",
                                     source=self.r.text)
        kind = getattr(tree, "data", None)
        kids = [c for c in getattr(tree, "children", []) if hasattr(c, "data")]
        if kind == "number":
            return ix.IndexExpr((ix.Term(self.r.number(tree, at)),))
        if kind == "symbol":
            return ix.IndexExpr((ix.Term(sp.Integer(1), (self.entry(tree, at, bound),)),))
        if kind in ("juxt", "dot"):
            a, b = (self.read(k, bound, depth + 1) for k in kids)
            return ix._product(a, b)
        if kind in ("add", "sub"):
            a, b = (self.read(k, bound, depth + 1) for k in kids)
            return a + (b if kind == "add" else b.scaled(-1))
        if kind == "neg":
            return self.read(kids[0], bound, depth + 1).scaled(-1)
        if kind == "power" and kids[0].data == "apply" and kids[0].children[1].data != \
                "arguments" and self._is_product(kids[0].children[0], at):  # a_i (x_i + 1)^2
            from .latex_reader import product_first

            return self.read(product_first(tree), bound, depth + 1)
        if kind == "power" and kids[1].data in ("sup_digit", "sup_group"):
            message = f"{at.text!r}: inside a sum, powers are integers 1…16"
            try:  # an exponent with entries (σ(y_i)^{y_i}) is a sum over data rows, or refused
                k = self.r.read(kids[1].children[0], depth) if kids[1].data == "sup_group" \
                    else None
            except ParseError:
                raise self._not_index(message, at) from None
            power = int(str(kids[1].children[0])) if k is None else k.p.expr
            # the exponent may be any expression here (w^{n}, w^{I}): ask, do not convert
            whole = isinstance(power, int) or bool(getattr(power, "is_Integer", False))
            if not (whole and 1 <= int(power) <= 16):  # (x_i^⊤ w)^{-1}: read over data rows
                raise self._not_index(message, at)
            base = self.read(kids[0], bound, depth + 1)
            # (Σ_j x_ij w_j)²: expand() gives each copy its own summed indices
            return ix.expand(ix.IndexExpr((ix.Term(sp.Integer(1), (ix.Group(base, int(power)),)),)))
        if kind == "frac":
            num = self.read(kids[0], bound, depth + 1)
            message = f"{at.text!r}: inside a sum, divide by a nonzero number"
            try:  # a denominator with entries (1 + e^{x_i^⊤ w}) is a sum over data rows
                den = self.r.read(kids[1], depth)
            except ParseError:
                raise self._not_index(message, at) from None
            if den.p.kind != "scalar" or not den.p.expr.is_number:
                raise self._not_index(message, at)
            if den.p.expr == 0:
                raise self.error(message, at)
            return num.scaled(1 / den.p.expr)
        if kind == "index_sum":
            return self.sum(tree, bound, depth + 1)
        if kind == "apply" and kids[1].data != "arguments" and self._is_product(
                kids[0], at):  # a_i (x_i + 1)
            a, b = (self.read(k, bound, depth + 1) for k in kids)
            return ix._product(a, b)
        if kind is not None and len(kids) == 1 and not hasattr(self.r, f"_r_{kind}"):
            return self.read(kids[0], bound, depth + 1)  # parentheses
        raise self._not_index(f"{at.text!r}: inside a sum, write entries and numbers "
                              "(a_{ij} x_i), not matrix operations", at)

    def _not_index(self, message: str, at: _At) -> _NotIndexNotation:
        return _NotIndexNotation(message, source=self.r.text, col=at.col, what="LaTeX")

    def _is_product(self, symbol: Any, at: _At) -> bool:
        """Whether a name against a parenthesis multiplies: an entry (a_i), or what the
        reader takes for a product (a declared scalar)."""
        sub = next((c for c in symbol.children if hasattr(c, "data")), None)
        return (sub is not None and sub.data == "sub_letter") or self.r.applied(symbol, at) is None

    def entry(self, tree: Any, at: _At, bound: set[str]) -> Any:
        from ..calculus.indexform import Entry

        toks = [c for c in tree.children if _is_token(c)]
        letter = str(next(t for t in toks if t.type in ("LETTER", "GREEK"))).lstrip("\\")
        sub = next((c for c in tree.children if hasattr(c, "data")), None)
        if sub is None or sub.data == "sub_digit":
            name = {"lambda": "lam"}.get(letter, letter) + (
                "".join(str(c) for c in sub.children) if sub is not None else "")
            decl = self.space.get(name)
            if decl.kind != "scalar":  # Σ_i M x_i: a sum over data rows, or refused there
                raise self._not_index(f"{name!r} is {shape_words(decl.kind, decl.dims)}: "
                                      f"inside a sum write its entries ({name}_i)", at)
            return Entry(name, ())
        letters = "".join(str(c) for c in sub.children)

        def arity(name: str) -> int:
            kind = self.space.get(name).kind
            return {"vector": 1, "matrix": 2}.get(kind, 0)

        # a_{ij} is an entry of A (a matrix) unless a itself is declared a matrix
        names = [n for n in dict.fromkeys((letter, letter.upper()))
                 if n in self.space.declarations and arity(n)]
        if not names:
            raise self.error(f"{at.text!r}: no vector or matrix named {letter!r} "
                             f"(or {letter.upper()!r}) is declared", at)
        base = next((n for n in names if arity(n) == len(letters)), names[0])
        decl = self.space.get(base)
        dims = decl.dims if decl.kind == "matrix" else decl.dims[:1]
        if (len(letters), len(dims)) == (1, 2) and base != letter:  # x_i: row i of X
            raise self._not_index(f"{at.text!r} is row {letters} of {base}, not an entry", at)
        if len(letters) != len(dims):
            raise self.r.error(f"{at.text!r}: {base} is {shape_words(decl.kind, decl.dims)},"
                               f" so its entries take {len(dims)} "
                               f"index{'es' if len(dims) > 1 else ''}", at, ShapeError)
        for ch in letters:
            if ch not in bound:
                raise self.error(f"index {ch} in {at.text!r} is not summed over", at)
        return Entry(base, tuple(self.index(ch, d, at) for ch, d in zip(letters, dims,
                                                                       strict=True)))

    def sum(self, tree: Any, bound: set[str], depth: int) -> Any:
        from ..calculus import indexform as ix

        at = _where(self.r.text, tree)
        kids = [c for c in tree.children if hasattr(c, "data")]
        letters = [str(c) for c in kids[0].children if _is_token(c) and c.type == "LETTER"]
        letter = letters[0]
        excluded = letters[1] if len(letters) > 1 else None  # Σ_{i≠k}
        if excluded is not None and excluded not in bound:
            raise self.error(f"Σ_{{{letter}≠{excluded}}}: {excluded} is not an index here", at)
        dim = None
        if len(kids) == 3:
            text = "".join(str(c) for c in kids[1].children)
            dim = sp.Integer(int(text)) if text.isdigit() else Space.dim(text)
        if letter in bound:
            raise self.error(f"index {letter} is summed twice in {at.text!r}", at)
        body = self.read(kids[-1], bound | {letter}, depth)
        index = self.index(letter, dim, at)
        full = ix.IndexExpr(tuple(ix.Term(t.coeff, t.factors, (ix.Bound(index), *t.sums))
                                  for t in body.terms))
        if excluded is None:
            return full
        # Σ_{i≠k} T = Σ_i T − T[i := k]: the case split of the talk, undone
        other = self.index(excluded, None, at)
        if other.dim != index.dim:
            raise self.r.error(f"Σ_{{{letter}≠{excluded}}}: {letter} runs over {index.dim}, "
                               f"{excluded} over {other.dim}", at, ShapeError)
        diagonal = ix.IndexExpr(tuple(ix.rename(t, {index: other}) for t in body.terms))
        return full + diagonal.scaled(-1)


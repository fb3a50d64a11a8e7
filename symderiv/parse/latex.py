"""LaTeX math as people write derivations, read into the same typed expressions.

``x^\\top A x``, ``\\|y - Xw\\|^2``, ``2X^\\top y``, ``\\operatorname{tr}(A^{-1}B)``,
``\\frac{1}{2}\\log\\det S`` are parsed with a lark grammar (``latex.lark``, in this
package) — never with regular expressions — and built by the same typed operations as
the numpy-like language, so shapes are checked the same way and errors point at the
offending character.

Juxtaposition multiplies: a matrix product between arrays (``Xw``), a scalar product
otherwise (``2X``).  Unlike the numpy-like language, LaTeX keeps rows and columns apart:
``x^\\top y`` is a scalar but ``x y^\\top`` an outer product; ``A^2`` is ``A A`` and
``A^{-1}`` the inverse.  Letters are one-letter names (``xy`` is x times y); a digit
subscript joins the name (``w_0`` is ``w0``); ``\\mathbf{x}`` is ``x``; Greek letters
are their names (``\\sigma`` is ``sigma``; ``\\lambda`` is ``lam``, as ``lambda`` is a
Python keyword and the numpy-like language could not name it).

>>> from symderiv.parse import parse_declarations
>>> p = parse_latex(r"\\|y - Xw\\|^2", parse_declarations("X: m x n; y: m; w: n"))
>>> p.kind
'scalar'
>>> parse_latex(r"x^\\top A y", parse_declarations("x: n; A: n x n; y: m"))
...                                                 # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symderiv.errors.ShapeError: shapes do not match for '@': ... (n ≠ m) at col 10 of LaTeX ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import sympy as sp

from ..errors import InputTooLargeError, ParseError, ShapeError
from ..space import MAX_CONCRETE_DIM, Space
from .expression import (
    FUNCTIONS,
    MAX_CONSTANT,
    Parsed,
    TypedBuilder,
    checked_input,
    matmul_expr,
    shape_words,
    to_scalar,
)

__all__ = ["parse_latex", "parse_latex_entry"]

#: Bounds checked before the Earley parser runs.  Its time grows with the length (about
#: 0.6 ms a character) times the number of | and \\| delimiters before it (each may open
#: or close a norm): 64 bars in |x||x|… took 6 s, 128 over a minute; within these bounds
#: the worst input found takes under 2 s.
MAX_LENGTH = 1000
MAX_DEPTH = 60
MAX_BARS = 12
_PAIRED_BARS = re.compile(r"\\(?:left|right)\\(?:\||Vert)")
_BAR = re.compile(r"\\Vert(?![A-Za-z])|\\\||\|")

_NAMED = {"tr": "trace", "Tr": "trace", "trace": "trace", "diag": "diag", "det": "det",
          "logdet": "logdet", "exp": "exp", "log": "log", "ln": "log"}


@lru_cache(maxsize=1)
def _parser() -> Any:
    try:
        import lark
    except ImportError as exc:  # a dependency, but say what to do if it is missing
        raise ParseError("reading LaTeX needs the 'lark' package: pip install lark") from exc
    grammar = Path(__file__).with_name("latex.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="earley", lexer="dynamic", ambiguity="resolve",
                     propagate_positions=True)


@dataclass(slots=True)
class _At:
    """Where a piece of the input is, for the typed builder's error messages."""

    col: int
    text: str
    left: Any = None
    right: Any = None
    args: list[Any] = field(default_factory=list)
    func: Any = None
    name: str = ""  # the variable of ∂/∂x


@dataclass(slots=True)
class _Value:
    """A typed value; ``row`` marks a transposed vector (LaTeX keeps rows apart)."""

    p: Parsed
    at: _At
    row: bool = False


class _LatexBuilder(TypedBuilder):
    def col(self, node: Any) -> int | None:  # type: ignore[override]
        return node.col if isinstance(node, _At) else None

    def error(self, message: str, node: Any, cls: type[ParseError] = ParseError
              ) -> ParseError:
        return cls(message, source=self.text, col=self.col(node), what="LaTeX")

    def src(self, node: Any) -> str:  # type: ignore[override]
        return node.text if isinstance(node, _At) else str(node)


def _where(text: str, tree: Any) -> _At:
    meta = getattr(tree, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return _At(meta.start_pos + 1, text[meta.start_pos:meta.end_pos])
    if hasattr(tree, "start_pos") and tree.start_pos is not None:
        return _At(tree.start_pos + 1, str(tree))
    return _At(1, text)


class _Reader:
    def __init__(self, text: str, space: Space) -> None:
        self.text = text
        self.space = space
        self.b = _LatexBuilder(text, space)

    def error(self, message: str, at: _At, cls: type[ParseError] = ParseError) -> ParseError:
        return cls(message, source=self.text, col=at.col, what="LaTeX")

    # -- dispatch --------------------------------------------------------------------------
    def read(self, tree: Any, depth: int = 0) -> _Value:
        if depth > MAX_DEPTH:
            raise InputTooLargeError(f"LaTeX nested deeper than {MAX_DEPTH} levels",
                                     source=self.text)
        at = _where(self.text, tree)
        if not hasattr(tree, "data"):  # a bare token
            return self._token(tree, at)
        method = getattr(self, f"_r_{tree.data}", None)
        if method is None:  # a parenthesised group or a pass-through rule
            trees = [c for c in tree.children if hasattr(c, "data")]
            if len(trees) == 1:
                return self.read(trees[0], depth + 1)
            raise self.error(f"cannot read {at.text!r} here", at)
        return method(tree, at, depth + 1)

    def _token(self, tok: Any, at: _At) -> _Value:
        raise self.error(f"unexpected {str(tok)!r}", at)

    def _kids(self, tree: Any, depth: int) -> list[_Value]:
        return [self.read(c, depth) for c in tree.children if hasattr(c, "data")]

    # -- leaves --------------------------------------------------------------------------------
    def number(self, tree: Any, at: _At) -> sp.Rational:
        """A literal, exact as written, within the expression language's bounds (1e±15)."""
        text = str(tree.children[0])
        frac = Fraction(text)
        shown = text if len(text) <= 20 else f"{text[:12]}… ({len(text)} digits)"
        if abs(frac) > MAX_CONSTANT:
            raise self.error(f"constant {shown} is too large (limit 1e15)", at,
                             InputTooLargeError)
        if frac.denominator > MAX_CONSTANT:
            raise self.error(f"constant {shown} is too finely given (limit 1e-15)", at,
                             InputTooLargeError)
        return sp.Rational(frac.numerator, frac.denominator)

    def _r_number(self, tree: Any, at: _At, depth: int) -> _Value:
        return _Value(Parsed(self.number(tree, at), "scalar", ()), at)

    def _r_symbol(self, tree: Any, at: _At, depth: int) -> _Value:
        toks = [c for c in tree.children if _is_token(c)]
        letter = next(t for t in toks if t.type in ("LETTER", "GREEK"))
        name = str(letter).lstrip("\\")
        name = {"lambda": "lam"}.get(name, name)  # a Python keyword cannot be a name
        sub = next((c for c in tree.children if hasattr(c, "data")), None)
        if sub is not None:
            text = "".join(str(c) for c in sub.children)
            if sub.data == "sub_digit":
                if name in self.space.declarations and self.space.get(name).kind != "scalar":
                    raise self.error(f"{at.text!r} is an entry of {name}; write {name} itself "
                                     "(index notation is read inside sums only)", at)
                name += text
            else:
                declared = name in self.space.declarations and \
                    self.space.get(name).kind != "scalar"
                if declared:
                    raise self.error(f"{at.text!r} is an entry of {name}; write {name} itself "
                                     "(index notation is read inside sums only)", at)
                name += "_" + text
        if name in FUNCTIONS or name == "T":
            raise self.error(f"{name!r} is a function name in symderiv, not a symbol", at)
        decl = self.space.get(name)
        return _Value(Parsed(self.space.symbol(name), decl.kind, decl.dims), at)

    def _r_identity(self, tree: Any, at: _At, depth: int) -> _Value:
        tok = next(c for c in tree.children if hasattr(c, "data") and c.data == "dim")
        text = "".join(str(c) for c in tok.children)
        if text.isdigit():
            if not 1 <= int(text) <= MAX_CONCRETE_DIM:
                raise self.error(f"I_{text}: sizes are 1..{MAX_CONCRETE_DIM}", at)
            dim: sp.Expr = sp.Integer(int(text))
        else:
            dim = Space.dim(text)
            if dim not in self.space.dim_symbols:
                self.space.extra_dims[text] = dim
        return _Value(Parsed(sp.Identity(dim), "matrix", (dim, dim)), at)

    # -- sums and products ---------------------------------------------------------------------
    def _binary(self, tree: Any, at: _At, depth: int) -> tuple[_Value, _Value, _At]:
        a, b = self._kids(tree, depth)
        node = _At(b.at.col, at.text, left=a.at, right=b.at)
        return a, b, node

    def _identity(self, s: _Value, m: _Value) -> _Value:
        """c·I beside a square matrix m: c times the identity of m's size."""
        eye = self.space.symbol("I") if "I" not in self.space.declarations else None
        if eye is None or m.p.kind != "matrix" or m.p.dims[0] != m.p.dims[1]:
            return s
        c = sp.cancel(s.p.expr / eye) if s.p.expr.has(eye) else None
        if c is None or c.has(eye):
            return s
        return _Value(Parsed(sp.MatMul(c, sp.Identity(m.p.dims[0])).doit(), "matrix",
                             m.p.dims), s.at)

    def _r_add(self, tree: Any, at: _At, depth: int, sign: int = 1) -> _Value:
        a, b, node = self._binary(tree, at, depth)
        a, b = self._identity(a, b), self._identity(b, a)
        if (a.p.kind == "scalar") != (b.p.kind == "scalar"):
            s, m = (a, b) if a.p.kind == "scalar" else (b, a)
            raise self.error(f"{s.at.text!r} is a scalar and {m.at.text!r} is "
                             f"{shape_words(m.p.kind, m.p.dims)}: LaTeX does not broadcast "
                             "(for the identity write I, for all-ones \\mathbf{1})",
                             b.at, ShapeError)
        if a.p.kind == "vector" and b.p.kind == "vector" and a.row != b.row:
            raise self.error(f"{a.at.text!r} and {b.at.text!r}: a row and a column cannot be "
                             "added", b.at, ShapeError)
        p = self.b._op_Add(node, a.p, b.p, sign=sign)
        return _Value(p, at, a.row or b.row)

    def _r_sub(self, tree: Any, at: _At, depth: int) -> _Value:
        return self._r_add(tree, at, depth, sign=-1)

    def _r_neg(self, tree: Any, at: _At, depth: int) -> _Value:
        (a,) = self._kids(tree, depth)
        return _Value(Parsed(-a.p.expr, a.p.kind, a.p.dims), at, a.row)

    def _r_hadamard(self, tree: Any, at: _At, depth: int) -> _Value:
        a, b, node = self._binary(tree, at, depth)
        return _Value(self.b._op_Mult(node, a.p, b.p), at, a.row)

    def _r_div(self, tree: Any, at: _At, depth: int) -> _Value:
        a, b, node = self._binary(tree, at, depth)
        return _Value(self.b._op_Div(node, a.p, b.p), at, a.row)

    def _r_dot(self, tree: Any, at: _At, depth: int) -> _Value:
        return self._product(*self._binary(tree, at, depth), at, dot=True)

    def _r_juxt(self, tree: Any, at: _At, depth: int) -> _Value:
        return self._product(*self._binary(tree, at, depth), at, dot=False)

    def _product(self, a: _Value, b: _Value, node: _At, at: _At, *, dot: bool) -> _Value:
        """Juxtaposition (and ·): a scalar product, or a matrix product of arrays."""
        if a.p.kind == "scalar" or b.p.kind == "scalar":
            return _Value(self.b._op_Mult(node, a.p, b.p), at, a.row or b.row)
        ka = "row" if a.row else a.p.kind
        kb = "row" if b.row else b.p.kind
        if (ka, kb) == ("vector", "vector"):
            if dot:  # u · v, the dot product
                return _Value(self.b._op_MatMult(node, a.p, b.p), at)
            raise self.error(f"{a.at.text!r} {b.at.text!r}: two columns side by side; write "
                             f"{a.at.text}^\\top {b.at.text} (a scalar) or "
                             f"{a.at.text} {b.at.text}^\\top (a matrix)", b.at, ShapeError)
        if (ka, kb) == ("vector", "row"):  # u vᵀ, an outer product
            return _Value(self.b.typed(matmul_expr(a.p.expr, b.p.expr.T), "matrix",
                                       (a.p.dims[0], b.p.dims[0])), at)
        if ka == "vector" and kb == "matrix":
            raise self.error(f"{a.at.text!r} is a column, so it cannot multiply "
                             f"{b.at.text!r} from the left (transpose it?)", b.at, ShapeError)
        if ka == "matrix" and kb == "row":
            raise self.error(f"{b.at.text!r} is a row, so it cannot multiply "
                             f"{a.at.text!r} from the right", b.at, ShapeError)
        if ka == "row" and kb == "row":
            raise self.error(f"{a.at.text!r} {b.at.text!r}: two rows side by side", b.at,
                             ShapeError)
        p = self.b._op_MatMult(node, a.p, b.p)
        return _Value(p, at, row=ka == "row" and p.kind == "vector")

    # -- powers and transposes ----------------------------------------------------------------
    def _r_power(self, tree: Any, at: _At, depth: int) -> _Value:
        base_tree, sup = [c for c in tree.children if hasattr(c, "data")]
        base = self.read(base_tree, depth)
        kind = sup.data
        inner = _where(self.text, sup).text.replace(" ", "").strip("{}") \
            if kind == "sup_group" else ""
        if kind == "sup_top" or inner == "T":
            return self._transpose(base, at)
        if inner == "-T":
            return self._transpose(self._inverse(base, at), at)
        if kind == "sup_inv_top":
            return self._transpose(self._inverse(base, at), at)
        if kind == "sup_digit":
            ex = sp.Integer(int(str(sup.children[0])))
            ex_at = _where(self.text, sup)
            exponent = _Value(Parsed(ex, "scalar", ()), ex_at)
        elif kind == "sup_letter":
            exponent = self._r_symbol(SimpleNamespace(children=[sup.children[0]]),
                                      _where(self.text, sup), depth)
        else:
            exponent = self.read(next(c for c in sup.children if hasattr(c, "data")
                                      or _is_token(c)), depth)
        return self._power(base, exponent, at)

    def _transpose(self, v: _Value, at: _At) -> _Value:
        if v.p.kind == "vector":
            return _Value(v.p, at, row=not v.row)
        if v.p.kind == "matrix":
            return _Value(Parsed(sp.Transpose(v.p.expr), "matrix", (v.p.dims[1], v.p.dims[0])),
                          at)
        return _Value(v.p, at)

    def _inverse(self, v: _Value, at: _At) -> _Value:
        node = _At(v.at.col, at.text, args=[v.at], func=SimpleNamespace(id="inv"))
        return _Value(self.b._fn_inv(node, v.p), at)

    def _power(self, base: _Value, ex: _Value, at: _At) -> _Value:
        if base.at.text == "e" and "e" not in self.space.declarations:  # e^{x}: exp(x)
            return _Value(self.b._elementwise(ex.p, sp.exp), at, ex.row)
        if base.p.kind == "scalar":
            node = _At(ex.at.col, at.text, left=base.at, right=ex.at)
            return _Value(self.b._op_Pow(node, base.p, ex.p), at)
        e = ex.p.expr
        if base.p.kind == "matrix" and ex.p.kind == "scalar" and e.is_Integer:
            k = int(e)
            if k == -1:
                return self._inverse(base, at)
            if 1 <= k <= 16 and base.p.dims[0] == base.p.dims[1]:
                return _Value(Parsed(matmul_expr(*([base.p.expr] * k)), "matrix", base.p.dims), at)
        what = "a vector" if base.p.kind == "vector" else "a matrix"
        raise self.error(f"{at.text!r}: a power of {what} is read only as A^k (square A, "
                         "k = 1…16), A^{-1}, A^\\top or "
                         "A^{-\\top}; for a squared length write \\|x\\|^2", ex.at, ShapeError)

    # -- functions --------------------------------------------------------------------------------
    def _r_norm(self, tree: Any, at: _At, depth: int) -> _Value:
        (inner,) = self._kids(tree, depth)
        node = _At(inner.at.col, at.text, args=[inner.at], func=SimpleNamespace(id="norm"))
        return _Value(self.b._fn_norm(node, inner.p), at)

    def _r_abs(self, tree: Any, at: _At, depth: int) -> _Value:
        (inner,) = self._kids(tree, depth)
        if inner.p.kind != "scalar":
            raise self.error(f"{at.text!r}: |·| of an array; write the norm \\|v\\|",
                             at, ShapeError)
        node = _At(inner.at.col, at.text, args=[inner.at], func=SimpleNamespace(id="norm"))
        return _Value(self.b._fn_norm(node, inner.p), at)

    def _r_norm_two(self, tree: Any, at: _At, depth: int) -> _Value:
        (child,) = [c for c in tree.children if hasattr(c, "data")]
        if child.data != "norm":
            raise self.error(f"{at.text!r}: the subscript _2 is read only after a norm "
                             "(\\|v\\|_2)", at)
        return self.read(child, depth)

    def _r_frac(self, tree: Any, at: _At, depth: int) -> _Value:
        a, b, node = self._binary(tree, at, depth)
        return _Value(self.b._op_Div(node, a.p, b.p), at, a.row)

    def _r_sqrt(self, tree: Any, at: _At, depth: int) -> _Value:
        (inner,) = self._kids(tree, depth)
        node = _At(inner.at.col, at.text, args=[inner.at], func=SimpleNamespace(id="sqrt"))
        return _Value(self.b._fn_sqrt(node, inner.p), at)

    def _r_index_sum(self, tree: Any, at: _At, depth: int) -> _Value:
        from ..calculus import indexform as ix
        from ..errors import UnsupportedError

        form = _IndexReader(self).sum(tree, set(), depth)
        try:
            expr = ix.to_matrix(form, (), self.space)
        except UnsupportedError as exc:
            raise self.error(f"{at.text!r}: {exc}", at) from None
        return _Value(Parsed(expr, "scalar", ()), at)

    def _r_deriv(self, tree: Any, at: _At, depth: int) -> _Value:
        """∂/∂x (…) and d/dx (…): the derivative, derived by the matrix-form engine."""
        var_tok = next(c for c in tree.children if _is_token(c) and c.type == "DVAR")
        name = re.sub(r"^(\\partial|d|\\mathrm\{d\})\s*|\\mathbf\{|[_{}]", "", str(var_tok))
        (arg,) = self._kids(tree, depth)
        var = _At(var_tok.start_pos + 1, str(var_tok), name=name)
        node = _At(arg.at.col, at.text, args=[arg.at, var])
        kind = "diff" if self.space.get(name).kind == "scalar" else "grad"
        return _Value(self.b.derivative(node, kind, arg.p, var), at)

    def _r_call(self, tree: Any, at: _At, depth: int) -> _Value:
        (fn,) = [c for c in tree.children if hasattr(c, "data")]
        if fn.data == "call":  # the call_paren alias wraps once more
            (fn,) = [c for c in fn.children if hasattr(c, "data")]
        toks = [c for c in fn.children if _is_token(c)]
        name_tok = next((t for t in toks if t.type == "FUNC_NAME"), toks[0])
        raw = str(name_tok).lstrip("\\")
        name = _NAMED.get(raw, raw)
        arg_tree = next(c for c in fn.children if hasattr(c, "data") or
                        (_is_token(c) and c.type not in ("FUNC_CMD", "NAMED_FUNC",
                                                         "FUNC_NAME")))
        arg = self.read(arg_tree, depth)
        node = _At(arg.at.col, at.text, args=[arg.at], func=SimpleNamespace(id=name))
        if name in ("exp", "log"):
            return _Value(self.b._elementwise(arg.p, sp.exp if name == "exp" else sp.log), at,
                          arg.row)
        return _Value(getattr(self.b, f"_fn_{name}")(node, arg.p), at)


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
        if kind == "power" and kids[1].data in ("sup_digit", "sup_group"):
            k = self.r.read(kids[1] if kids[1].data == "sup_digit" else kids[1].children[0],
                            depth) if kids[1].data == "sup_group" else None
            power = int(str(kids[1].children[0])) if k is None else k.p.expr
            # the exponent may be any expression here (w^{n}, w^{I}): ask, do not convert
            whole = isinstance(power, int) or bool(getattr(power, "is_Integer", False))
            if not (whole and 1 <= int(power) <= 16):
                raise self.error(f"{at.text!r}: inside a sum, powers are integers 1…16", at)
            base = self.read(kids[0], bound, depth + 1)
            # (Σ_j x_ij w_j)²: expand() gives each copy its own summed indices
            return ix.expand(ix.IndexExpr((ix.Term(sp.Integer(1), (ix.Group(base, int(power)),)),)))
        if kind == "frac":
            num = self.read(kids[0], bound, depth + 1)
            den = self.r.read(kids[1], depth)
            if den.p.kind != "scalar" or not den.p.expr.is_number or den.p.expr == 0:
                raise self.error(f"{at.text!r}: inside a sum, divide by a nonzero number", at)
            return num.scaled(1 / den.p.expr)
        if kind == "index_sum":
            return self.sum(tree, bound, depth + 1)
        if kind is not None and len(kids) == 1 and not hasattr(self.r, f"_r_{kind}"):
            return self.read(kids[0], bound, depth + 1)  # parentheses
        raise self.error(f"{at.text!r}: inside a sum, write entries and numbers "
                         "(a_{ij} x_i), not matrix operations", at)

    def entry(self, tree: Any, at: _At, bound: set[str]) -> Any:
        from ..calculus.indexform import Entry

        toks = [c for c in tree.children if _is_token(c)]
        letter = str(next(t for t in toks if t.type in ("LETTER", "GREEK"))).lstrip("\\")
        sub = next((c for c in tree.children if hasattr(c, "data")), None)
        if sub is None or sub.data == "sub_digit":
            name = {"lambda": "lam"}.get(letter, letter) + (
                "".join(str(c) for c in sub.children) if sub is not None else "")
            decl = self.space.get(name)
            if decl.kind != "scalar":
                raise self.error(f"{name!r} is {shape_words(decl.kind, decl.dims)}: inside a "
                                 f"sum write its entries ({name}_i)", at)
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


def _is_token(x: Any) -> bool:
    return hasattr(x, "type") and hasattr(x, "value")


def _check_size(text: str) -> None:
    """InputTooLargeError for LaTeX that would keep the parser busy: brackets nested too
    deeply, too many | or \\| delimiters (each could open or close a norm)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in "([{") - (ch in ")]}")
        if depth > MAX_DEPTH:
            raise InputTooLargeError(f"LaTeX nested deeper than {MAX_DEPTH} levels",
                                     source=text, col=i + 1, what="LaTeX")
    masked = _PAIRED_BARS.sub(lambda m: " " * len(m.group(0)), text)  # \left\| is unambiguous
    bars = list(_BAR.finditer(masked))
    if len(bars) > MAX_BARS:
        raise InputTooLargeError(
            f"more than {MAX_BARS} | or \\| delimiters in one expression (for more norms write "
            "\\left\\| … \\right\\| or \\lVert … \\rVert)", source=text,
            col=bars[MAX_BARS].start() + 1, what="LaTeX")


def _parse_tree(text: str) -> tuple[str, Any]:
    """The text, stripped, and its lark tree; errors located."""
    stripped = checked_input(text, "LaTeX", limit=MAX_LENGTH)
    _check_size(stripped)
    import lark

    try:
        return stripped, _parser().parse(stripped)
    except lark.exceptions.UnexpectedEOF:
        raise ParseError("the expression ends too early (an unclosed brace or bracket?)",
                         source=stripped, col=len(stripped), what="LaTeX") from None
    except lark.exceptions.UnexpectedInput as exc:
        col = getattr(exc, "column", None) or len(stripped)
        if getattr(exc, "pos_in_stream", None) is not None:
            col = exc.pos_in_stream + 1
        bad = stripped[col - 1:col + 8] if col <= len(stripped) else ""
        message = (f"cannot read {bad!r}" if bad else "the expression ends too early "
                   "(an unclosed brace or bracket?)")
        if bad.startswith("\\") and not any(bad.startswith(k) for k in _KNOWN_COMMANDS):
            command = re.match(r"\\[A-Za-z]+", stripped[col - 1:])
            message = f"unknown command {command.group(0) if command else bad!r}"
        raise ParseError(message, source=stripped, col=min(col, len(stripped)),
                         what="LaTeX") from None


def parse_latex(text: str, space: Space | None = None) -> Parsed:
    """Parse LaTeX math against the declarations in ``space`` (see the module docstring).

    The result is typed exactly like :func:`symderiv.parse.parse_expression`'s: a column
    vector for ``A x``, a scalar for ``x^\\top A x``, a matrix for ``x y^\\top``.
    """
    space = space if space is not None else Space()
    stripped, tree = _parse_tree(text)
    reader = _Reader(stripped, space)
    v = reader.read(tree)
    p = v.p
    if p.kind == "vector" and v.row:  # xᵀ, or xᵀA: a 1×n row, not the column x
        p = Parsed(sp.Transpose(p.expr), "matrix", (sp.Integer(1), p.dims[0]))
    if p.kind == "matrix" and p.dims == (1, 1):
        p = Parsed(to_scalar(p.expr), "scalar", ())
    return Parsed(p.expr, p.kind, p.dims, stripped)


def parse_latex_entry(text: str, space: Space, index: str, dim: Any) -> Parsed:
    """Entry ``index`` of a vector written in index notation, such as the right-hand side
    of ∂f/∂x_k = 2 a_kk x_k + 2 Σ_{i≠k} … — returned as the whole vector (2Ax).

    ``index`` (k) is free and runs over ``dim``; every other index must be summed.
    """
    from ..calculus import indexform as ix
    from ..errors import UnsupportedError

    stripped, tree = _parse_tree(text)
    reader = _Reader(stripped, space)
    entries = _IndexReader(reader)
    k = entries.index(index, dim, _At(1, stripped))
    form = entries.read(tree, {index})
    try:
        expr = ix.to_matrix(form, (k,), space)
    except UnsupportedError as exc:
        raise ParseError(f"{stripped!r}: {exc}", source=stripped, col=1, what="LaTeX") from None
    if not isinstance(expr, sp.MatrixExpr):  # every term dropped k: a constant vector
        expr = sp.MatMul(expr, sp.OneMatrix(dim, 1))
    return Parsed(expr, "vector", (dim,), stripped)


_KNOWN_COMMANDS = ("\\cdot", "\\times", "\\circ", "\\odot", "\\top", "\\frac", "\\dfrac",
                   "\\tfrac", "\\sqrt", "\\|", "\\Vert", "\\left", "\\right", "\\lVert",
                   "\\rVert", "\\det", "\\log", "\\ln", "\\exp", "\\tr", "\\operatorname",
                   "\\mathrm", "\\text", "\\mathbf", "\\boldsymbol", "\\bm", "\\vec",
                   "\\intercal", "\\mathsf")

"""The LaTeX reader: a lark tree (:mod:`symderiv.parse.latex_syntax`) into a typed value.

One method per grammar rule (``_r_<rule>``), each building its value with the typed
operations of the numpy-like language, so shapes are checked the same way; a column
and a row stay apart (``row``).  Index notation inside Σ is read by
:mod:`symderiv.parse.latex_index`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
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
    matmul_expr,
    shape_words,
)
from .latex_index import _IndexReader
from .latex_syntax import MAX_DEPTH, _At, _is_token, _where

_NAMED = {"tr": "trace", "Tr": "trace", "trace": "trace", "diag": "diag", "det": "det",
          "logdet": "logdet", "exp": "exp", "log": "log", "ln": "log"}


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


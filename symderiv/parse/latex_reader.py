"""The LaTeX reader: a lark tree (:mod:`symderiv.parse.latex_syntax`) into a typed value.

One method per grammar rule (``_r_<rule>``), each building its value with the typed
operations of the numpy-like language, so shapes are checked the same way; a column
and a row stay apart (``row``).  Index notation inside Σ is read by
:mod:`symderiv.parse.latex_index`, a sum over data rows (Σ_i log(1 + exp(−y_i x_iᵀw)))
by :mod:`symderiv.parse.latex_rows`.

Functions are those of the language's table (:mod:`symderiv.calculus.functions`), by
their LaTeX names (``\\tanh``, ``\\operatorname{softplus}``) or their names in
``\\operatorname{…}``; a name against a parenthesis is decided in :meth:`_Reader.applied`:
``\\sigma(z)`` is the logistic function unless σ is declared, ``f(x)`` an error unless f
is declared, never a silent product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import sympy as sp

from ..calculus.functions import BY_NAME
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
from .latex_index import _IndexReader, _NotIndexNotation
from .latex_rows import _Rows, logical
from .latex_syntax import MAX_DEPTH, _At, _is_token, _where

#: LaTeX spellings of the language's functions that are not its names
_SPELLINGS = {"tr": "trace", "Tr": "trace", "ln": "log", "ReLU": "relu", "LSE": "logsumexp",
              "sgn": "sign", "log\\_softmax": "log_softmax", "log_softmax": "log_softmax"}
#: functions of whole vectors and matrices (the builder's _fn_<name>), besides the table's
#: functions of numbers
_ARRAY_FUNCTIONS = ("trace", "diag", "det", "logdet", "softmax", "log_softmax", "logsumexp")
#: the elementwise functions by LaTeX command: \tanh -> tanh (from the table's LaTeX names)
_COMMANDS = {f.latex: name for name, f in BY_NAME.items() if f.latex == "\\" + name}
#: names that, declared scalars, are still read as functions when a parenthesis follows:
#: σ(z), f(x), g(x), h(x), φ(x), ψ(x), ℓ(y) are too often functions to guess a product
_FUNCTION_LETTERS = frozenset({"sigma", "f", "g", "h", "phi", "varphi", "psi", "ell"})
#: the length of \mathbf{1} until the operand beside it gives it
_UNSIZED = sp.Dummy("unsized", integer=True, positive=True)


def product_first(power: Any) -> Any:
    """c (a + b)^2 as c · (a + b)²: the grammar keeps a name against its parenthesis (for
    σ(z)^⊤), so when the name multiplies, the power moves onto the parenthesis."""
    import lark

    (symbol, group), sup = power.children[0].children, power.children[1]
    meta = lark.tree.Meta()
    meta.empty = False
    meta.start_pos, meta.end_pos = group.meta.start_pos, power.meta.end_pos
    return lark.Tree("apply", [symbol, lark.Tree("power", [group, sup], meta)], power.meta)


@dataclass(slots=True)
class _Value:
    """A typed value; ``row`` marks a transposed vector (LaTeX keeps rows apart); ``over``
    a value inside a sum over data rows that depends on its index (stacked over the rows:
    see :mod:`symderiv.parse.latex_rows`)."""

    p: Parsed
    at: _At
    row: bool = False
    over: bool = False


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
        self.rows: _Rows | None = None  # the sum over data rows being read

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

    @staticmethod
    def symbol_name(tree: Any) -> tuple[str, Any]:
        """The name of a symbol (λ is lam: a Python keyword cannot be a name) and its
        subscript tree, or None."""
        toks = [c for c in tree.children if _is_token(c)]
        letter = next(t for t in toks if t.type in ("LETTER", "GREEK"))
        name = str(letter).lstrip("\\")
        sub = next((c for c in tree.children if hasattr(c, "data")), None)
        return {"lambda": "lam"}.get(name, name), sub

    def _r_symbol(self, tree: Any, at: _At, depth: int) -> _Value:
        name, sub = self.symbol_name(tree)
        if sub is not None and self.rows is not None and sub.data == "sub_letter":
            text = "".join(str(c) for c in sub.children)
            if text == self.rows.letter:  # y_i, x_i inside a sum over data rows
                return self.rows.symbol(name, at)
            arrays = [n for n in (name, name.upper())
                      if self.space.get(n).kind != "scalar"]
            if self.rows.letter in text or arrays:  # x_j beside x_i: j is summed nowhere
                raise self.error(f"{at.text!r}: inside the sum over {self.rows.letter} write "
                                 f"x_{self.rows.letter} (row {self.rows.letter} of X) or "
                                 f"y_{self.rows.letter} (entry {self.rows.letter} of y), one "
                                 "index", at)
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
        a, b = self._sized(a, self._length(b)), self._sized(b, self._length(a))
        if a.over or b.over:
            return self.rows.add(a, b, node, at, sign)  # type: ignore[union-attr]
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
        return _Value(Parsed(-a.p.expr, a.p.kind, a.p.dims), at, a.row, a.over)

    def _r_hadamard(self, tree: Any, at: _At, depth: int) -> _Value:
        a, b, node = self._binary(tree, at, depth)
        a, b = self._sized(a, self._length(b)), self._sized(b, self._length(a))
        if a.over or b.over:
            return self.rows.hadamard(a, b, node, at)  # type: ignore[union-attr]
        return _Value(self.b._op_Mult(node, a.p, b.p), at, a.row)

    def _r_div(self, tree: Any, at: _At, depth: int) -> _Value:
        a, b, node = self._binary(tree, at, depth)
        if a.over or b.over:
            return self.rows.divide(a, b, node, at)  # type: ignore[union-attr]
        return _Value(self.b._op_Div(node, a.p, b.p), at, a.row)

    def _r_dot(self, tree: Any, at: _At, depth: int) -> _Value:
        return self._product(*self._binary(tree, at, depth), at, dot=True)

    def _r_juxt(self, tree: Any, at: _At, depth: int) -> _Value:
        return self._product(*self._binary(tree, at, depth), at, dot=False)

    def _product(self, a: _Value, b: _Value, node: _At, at: _At, *, dot: bool) -> _Value:
        """Juxtaposition (and ·): a scalar product, or a matrix product of arrays."""
        a = self._sized(a, self._inner(b, left=False))
        b = self._sized(b, self._inner(a, left=True))
        if a.over or b.over:
            return self.rows.product(a, b, node, at, dot=dot)  # type: ignore[union-attr]
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
        if base_tree.data == "apply" and base_tree.children[1].data != "arguments" and \
                self.applied(base_tree.children[0], _where(self.text, base_tree)) is None:
            return self.read(product_first(tree), depth)
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
        if v.over:  # x_i^⊤ is a row for each i; a number stays a number
            return _Value(v.p, at, row=v.p.kind == "matrix" and not v.row, over=True)
        if v.p.kind == "vector":
            return _Value(v.p, at, row=not v.row)
        if v.p.kind == "matrix":
            return _Value(Parsed(sp.Transpose(v.p.expr), "matrix", (v.p.dims[1], v.p.dims[0])),
                          at)
        return _Value(v.p, at)

    def _inverse(self, v: _Value, at: _At) -> _Value:
        self._not_over(v, "an inverse", at)
        node = _At(v.at.col, at.text, args=[v.at], func=SimpleNamespace(id="inv"))
        return _Value(self.b._fn_inv(node, v.p), at)

    def _power(self, base: _Value, ex: _Value, at: _At) -> _Value:
        if base.at.text == "e" and "e" not in self.space.declarations:  # e^{x}: exp(x)
            return _Value(self.b._elementwise(ex.p, sp.exp), at, ex.row, ex.over)
        if ex.over:
            raise self.error(f"{at.text!r}: inside a sum over data rows an exponent that "
                             "depends on the index is read only as e^{…}", ex.at, ShapeError)
        if base.over and logical(base) == "scalar":  # y_i^2: entry by entry
            node = _At(ex.at.col, at.text, left=base.at, right=ex.at)
            return _Value(self.b._op_Pow(node, base.p, ex.p), at, over=True)
        self._not_over(base, "a power", at)
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

    # -- \mathbf{1}: its length from the operand beside it --------------------------------------
    def _r_ones(self, tree: Any, at: _At, depth: int) -> _Value:
        size = re.search(r"_\s*\{?\s*([A-Za-z0-9]+)", str(tree.children[0]))
        dim = self._dim(size.group(1), at) if size else _UNSIZED
        return _Value(Parsed(sp.OneMatrix(dim, 1), "vector", (dim,)), at)

    @staticmethod
    def _length(v: _Value) -> Any:
        r"""The length a \mathbf{1} added to v takes (None: v gives none)."""
        if v.over:
            return v.p.dims[1] if v.p.kind == "matrix" else None
        return v.p.dims[0] if v.p.kind == "vector" else None

    @staticmethod
    def _inner(v: _Value, *, left: bool) -> Any:
        r"""The length a \mathbf{1} takes beside v in a product: after v (left) or before."""
        if v.over:
            return v.p.dims[1] if v.p.kind == "matrix" and v.row == left else None
        if v.p.kind == "vector":
            return v.p.dims[0] if v.row == left else None
        return v.p.dims[1 if left else 0] if v.p.kind == "matrix" else None

    @staticmethod
    def _sized(v: _Value, dim: Any) -> _Value:
        if dim is None or dim == _UNSIZED or v.p.kind != "vector" or v.p.dims[0] != _UNSIZED:
            return v
        return _Value(Parsed(sp.OneMatrix(dim, 1), "vector", (dim,)), v.at, v.row)

    def unsized(self, p: Parsed) -> None:
        r"""A located error if a \mathbf{1} got no length from beside it."""
        if _UNSIZED in p.expr.free_symbols or _UNSIZED in p.dims:
            where = re.search(r"\\(mathbf|mathbb|boldsymbol|bm|vec)\s*\{\s*1\s*\}(?!\s*_)",
                              self.text)
            raise self.error("the length of \\mathbf{1} is not known here: write it, "
                             "\\mathbf{1}_n", _At(where.start() + 1 if where else 1, self.text))

    # -- functions --------------------------------------------------------------------------------
    def _not_over(self, v: _Value, what: str, at: _At) -> None:
        if v.over and self.rows is not None:
            raise self.error(f"{at.text!r}: inside a sum over data rows, {what} of "
                             f"{v.at.text!r} (which depends on {self.rows.letter}) is not read; "
                             "functions apply to numbers, entry by entry", at, ShapeError)

    def function(self, name: str, arg: _Value, at: _At) -> _Value:
        """The language's function ``name`` applied to ``arg``."""
        f = BY_NAME.get(name)
        if f is not None:  # a function of numbers: entry by entry on arrays
            return _Value(self.b._elementwise(arg.p, f.cls, *f.params), at, arg.row, arg.over)
        self._not_over(arg, name, at)
        node = _At(arg.at.col, at.text, args=[arg.at], func=SimpleNamespace(id=name))
        return _Value(getattr(self.b, f"_fn_{name}")(node, arg.p), at)

    def _function_name(self, raw: str, at: _At) -> str:
        name = _COMMANDS.get("\\" + raw) or _SPELLINGS.get(raw, raw)
        if name in BY_NAME or name in _ARRAY_FUNCTIONS:
            return name
        known = ", ".join(sorted({*_SPELLINGS, *BY_NAME, *_ARRAY_FUNCTIONS} - {"log\\_softmax"},
                                 key=str.lower))
        raise self.error(f"unknown function {raw!r} (known in \\operatorname{{…}}: {known})", at)

    def _r_call(self, tree: Any, at: _At, depth: int) -> _Value:
        (fn,) = [c for c in tree.children if hasattr(c, "data")]
        if fn.data == "call":  # the call_paren alias wraps once more
            (fn,) = [c for c in fn.children if hasattr(c, "data")]
        toks = [c for c in fn.children if _is_token(c)]
        name_tok = next((t for t in toks if t.type == "FUNC_NAME"), toks[0])
        name = self._function_name(str(name_tok).lstrip("\\"), _where(self.text, name_tok))
        arg_tree = next(c for c in fn.children if hasattr(c, "data") or
                        (_is_token(c) and c.type not in ("FUNC_CMD", "NAMED_FUNC",
                                                         "FUNC_NAME")))
        return self.function(name, self.read(arg_tree, depth), at)

    def applied(self, symbol: Any, at: _At) -> str | None:
        """What a name against a parenthesis means: the function it names, or None for a
        product (a declared name, or an entry y_i inside a sum); an undeclared name is
        refused, as is a declared scalar usually written as a function (σ, f, g, …)."""
        name, sub = self.symbol_name(symbol)
        if sub is not None and sub.data == "sub_letter":
            letters = "".join(str(c) for c in sub.children)
            if self.rows is not None and letters == self.rows.letter:
                return None  # y_i (…): an entry times a number
            name += "_" + letters
        elif sub is not None:
            name += "".join(str(c) for c in sub.children)
        decl = self.space.declarations.get(name)
        shown = at.text.split("(")[0].split("\\left")[0].strip() or name
        if decl is None:
            if name == "sigma":
                return "sigmoid"
            raise self.error(f"{at.text!r} applies {shown}, which is not a function symderiv "
                             f"knows (\\sigma, \\exp, \\log, \\tanh, \\operatorname{{softmax}}, "
                             f"…); for a product write {shown} \\cdot (…) and declare "
                             f"{name}: scalar", at)
        if decl.kind == "scalar" and name in _FUNCTION_LETTERS:
            hint = " (or \\operatorname{sigmoid}(…) for the logistic function)" \
                if name == "sigma" else ""
            raise self.error(f"{at.text!r}: {name!r} is declared a scalar but is written as a "
                             f"function; for the product write {shown} \\cdot (…){hint}", at)
        return None

    def _r_apply(self, tree: Any, at: _At, depth: int) -> _Value:
        symbol, group = [c for c in tree.children if hasattr(c, "data")]
        if group.data == "arguments":
            count = sum(1 for c in group.children if hasattr(c, "data"))
            raise self.error(f"{at.text!r} applies {_where(self.text, symbol).text} to {count} "
                             "arguments, but it is not a function symderiv knows (of two: "
                             "\\max, \\min); write what it stands for", at)
        name = self.applied(symbol, at)
        if name is not None:
            return self.function(name, self.read(group, depth), at)
        a, b = self.read(symbol, depth), self.read(group, depth)
        return self._product(a, b, _At(b.at.col, at.text, left=a.at, right=b.at), at, dot=False)

    def _r_extremum(self, tree: Any, at: _At, depth: int) -> _Value:
        """\\max(a, b) and \\min(a, b): entry by entry, a scalar broadcast (\\max(0, z));
        \\max(v) and \\min(v): the largest (smallest) entry of v."""
        name = "maximum" if str(tree.children[0]) == "\\max" else "minimum"
        (group,) = [c for c in tree.children if hasattr(c, "data")]
        args = self._kids(group, depth) if group.data == "extremum_pair" else \
            [self.read(group, depth)]
        if len(args) == 1:
            (v,) = args
            self._not_over(v, str(tree.children[0]), at)
            node = _At(v.at.col, at.text, args=[v.at], func=SimpleNamespace(id=name[:3]))
            return _Value(getattr(self.b, f"_fn_{name[:3]}")(node, v.p), at)
        a, b = args
        a, b = self._sized(a, self._length(b)), self._sized(b, self._length(a))
        if (a.over or b.over) and logical(a) != logical(b) and not any(
                v.p.kind == "scalar" and not v.over for v in (a, b)):
            raise self.error(f"{at.text!r}: inside a sum over data rows, {tree.children[0]} "
                             "compares values of one shape (or a number with any)", at,
                             ShapeError)
        if a.over or b.over:  # \max(x_i, u): u the same for every i
            a, b = (v if v.over or v.p.kind == "scalar" else self.rows.lift(v)  # type: ignore[union-attr]
                    for v in (a, b))
        if (a.p.kind, b.p.kind) == ("vector", "vector") and a.row != b.row:
            raise self.error(f"{at.text!r}: a row and a column", at, ShapeError)
        node = _At(a.at.col, at.text, args=[a.at, b.at], func=SimpleNamespace(id=name))
        p = getattr(self.b, f"_fn_{name}")(node, a.p, b.p)
        return _Value(p, at, a.row or b.row, a.over or b.over)

    # -- norms --------------------------------------------------------------------------------
    def _r_norm(self, tree: Any, at: _At, depth: int) -> _Value:
        *inner_tree, close = [c for c in tree.children if hasattr(c, "data")]
        (inner,) = [self.read(c, depth) for c in inner_tree]
        index = next((c for c in close.children if hasattr(c, "data")), None)
        order = str(index.children[0]) if index is not None else ""
        if inner.over:
            return self.rows.norm(inner, order, at)  # type: ignore[union-attr]
        node = _At(inner.at.col, at.text, args=[inner.at], func=SimpleNamespace(id="norm"))
        p = inner.p
        column = p.kind == "vector" or (p.kind == "matrix" and p.dims[1] == 1)
        if p.kind == "scalar":
            return self.function("abs", inner, at)
        if order in ("1", "\\infty") and column:  # Σ|v_i|, max |v_i|
            absolute = self.function("abs", inner, at)
            reduce = self.b._fn_sum if order == "1" else self.b._fn_max
            return _Value(reduce(node, absolute.p), at)
        if order in ("1", "2", "\\infty") and not column:
            kind = {"2": "its spectral norm (the largest singular value)",
                    "1": "an induced norm (the largest column sum)",
                    "\\infty": "an induced norm (the largest row sum)"}[order]
            raise self.error(f"{at.text!r}: \\|M\\|_{order} of a matrix is {kind}, which is "
                             "not read; for the Frobenius norm write \\|M\\|_F", at, ShapeError)
        return _Value(self.b._fn_norm(node, p), at)

    def _r_abs(self, tree: Any, at: _At, depth: int) -> _Value:
        (inner,) = self._kids(tree, depth)
        if inner.over and logical(inner) == "scalar":
            return self.function("abs", inner, at)
        if inner.p.kind != "scalar" or inner.over:
            raise self.error(f"{at.text!r}: |·| of {shape_words(inner.p.kind, inner.p.dims)} "
                             "could be a norm or the absolute value of each entry; write "
                             "\\|v\\|_1 or \\|v\\| for a norm, \\operatorname{abs}(v) for "
                             "each entry", at, ShapeError)
        return self.function("abs", inner, at)

    def _r_frac(self, tree: Any, at: _At, depth: int) -> _Value:
        return self._r_div(tree, at, depth)

    def _r_sqrt(self, tree: Any, at: _At, depth: int) -> _Value:
        (inner,) = self._kids(tree, depth)
        node = _At(inner.at.col, at.text, args=[inner.at], func=SimpleNamespace(id="sqrt"))
        return _Value(self.b._fn_sqrt(node, inner.p), at, inner.row, inner.over)

    # -- sums, derivatives ------------------------------------------------------------------------
    def _r_index_sum(self, tree: Any, at: _At, depth: int) -> _Value:
        from ..calculus import indexform as ix
        from ..errors import UnsupportedError

        try:
            form = _IndexReader(self).sum(tree, set(), depth)
        except _NotIndexNotation:  # functions, x_i^⊤ w: a sum over data rows
            return self._rows_sum(tree, at, depth)
        try:
            expr = ix.to_matrix(form, (), self.space)
        except UnsupportedError as exc:
            raise self.error(f"{at.text!r}: {exc}", at) from None
        return _Value(Parsed(expr, "scalar", ()), at)

    def _rows_sum(self, tree: Any, at: _At, depth: int) -> _Value:
        kids = [c for c in tree.children if hasattr(c, "data")]
        letters = [str(c) for c in kids[0].children if _is_token(c) and c.type == "LETTER"]
        if self.rows is not None:
            raise self.error(f"{at.text!r}: a sum over data rows inside another is not read; "
                             "write the inner one with matrices", at)
        if len(letters) > 1:
            raise self.error(f"{at.text!r}: \\sum_{{{letters[0]} \\neq {letters[1]}}} is read "
                             "in index notation only (entries and numbers)", at)
        dim = None
        if len(kids) == 3:
            dim = self._dim("".join(str(c) for c in kids[1].children), at)
        self.rows = rows = _Rows(self, letters[0], dim)
        try:
            body = self.read(kids[-1], depth)
        finally:
            self.rows = None
        return rows.total(body, at)

    def _dim(self, text: str, at: _At) -> Any:
        """A size written in LaTeX (m, 3, 10), within the bounds of concrete sizes."""
        if text.isdigit():
            if not 1 <= int(text) <= MAX_CONCRETE_DIM:
                raise self.error(f"sizes are 1..{MAX_CONCRETE_DIM}, not {text}", at)
            return sp.Integer(int(text))
        dim = Space.dim(text)
        if dim not in self.space.dim_symbols:
            self.space.extra_dims[text] = dim
        return dim

    def _r_deriv(self, tree: Any, at: _At, depth: int) -> _Value:
        """∂/∂x (…) and d/dx (…): the derivative, derived by the matrix-form engine."""
        var_tok = next(c for c in tree.children if _is_token(c) and c.type == "DVAR")
        name = re.sub(r"^(\\partial|d|\\mathrm\{d\})\s*|\\mathbf\{|[_{}]", "", str(var_tok))
        (arg,) = self._kids(tree, depth)
        self._not_over(arg, "a derivative", at)
        var = _At(var_tok.start_pos + 1, str(var_tok), name=name)
        node = _At(arg.at.col, at.text, args=[arg.at, var])
        kind = "diff" if self.space.get(name).kind == "scalar" else "grad"
        return _Value(self.b.derivative(node, kind, arg.p, var), at)

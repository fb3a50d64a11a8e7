"""Sums over data rows: Σ_{i=1}^{m} log(1 + exp(−y_i x_iᵀw)), read with matrices.

Machine-learning losses sum a function of each example: ``y_i`` is entry i of the
vector y, ``x_i`` is row i of the declared matrix X (read as a column, so ``x_i^\\top w``
is (Xw)_i) when no x is declared.  Such a summand is not index notation (functions apply
to it, and x_i is a whole row), so :mod:`symderiv.parse.latex_index` passes it here.

Every value inside the summand is read *for all i at once* — stacked over the rows:

========================  ==============================  ====================
the summand's value        stacked over i = 1…m             example
========================  ==============================  ====================
a number for each i        an m-vector                      y_i, x_i^\\top w
a vector for each i        an m×n matrix (row i = value)    x_i, y_i x_i
a value not depending on i itself (lifted when combined)    w, 2, λ
========================  ==============================  ====================

so products of numbers become elementwise products, functions apply entry by entry, and
Σ_i is 𝟏ᵀs for numbers and Vᵀ𝟏 for vectors (Σ_i s_i x_i = Xᵀs).  A matrix for each i
(x_i x_iᵀ) is not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from ..calculus.functions import BY_NAME
from ..errors import ParseError, ShapeError
from .expression import Parsed, matmul_expr, shape_words, to_scalar
from .latex_syntax import _At

if TYPE_CHECKING:
    from .latex_reader import _Reader, _Value


def logical(v: _Value) -> str:
    """What the value is for one i: 'scalar', 'vector' (a column), 'row' or 'matrix'."""
    if v.over:
        if v.p.kind == "vector":
            return "scalar"
        return "row" if v.row else "vector"
    if v.p.kind == "vector" and v.row:
        return "row"
    return v.p.kind


@dataclass(slots=True)
class _Rows:
    """The sum over data rows being read: its index letter and range (m)."""

    r: _Reader
    letter: str
    dim: Any  # m: from \sum_{i=1}^{m}, else from the first y_i or x_i

    def error(self, message: str, at: _At, cls: type[ParseError] = ParseError) -> ParseError:
        return self.r.error(message, at, cls)

    def _value(self, p: Parsed, at: _At, *, row: bool = False) -> _Value:
        from .latex_reader import _Value

        return _Value(p, at, row=row, over=True)

    # -- the names: y_i and x_i ---------------------------------------------------------------
    def symbol(self, name: str, at: _At) -> _Value:
        """y_i (entry i of the vector y) or x_i (row i of the matrix X, or of x)."""
        space = self.r.space
        decl = space.declarations.get(name)
        if decl is None:  # x_i with x undeclared: a row of X
            upper = name.upper()
            decl = space.declarations.get(upper) if upper != name else None
            if decl is None or decl.kind == "scalar":
                raise self.error(f"{at.text!r}: no vector or matrix named {name!r}"
                                 + (f" (or {upper!r})" if upper != name else "")
                                 + " is declared", at)
            name = upper
        if decl.kind == "scalar":
            raise self.error(f"{at.text!r}: {name!r} is a scalar, so it has no entry "
                             f"{self.letter}", at, ShapeError)
        self._range(decl.dims[0], at)
        p = Parsed(space.symbol(name), decl.kind, decl.dims)
        return self._value(p, at)

    def _range(self, dim: Any, at: _At) -> None:
        if self.dim is None:
            self.dim = dim
        elif self.dim != dim:
            raise self.error(f"index {self.letter} runs over {self.dim} and over {dim} in "
                             f"{at.text!r}", at, ShapeError)

    # -- lifting a value that does not depend on i -------------------------------------------
    def lift(self, v: _Value) -> _Value:
        """A value not depending on i, stacked over the rows (the same for every i)."""
        if v.over:
            return v
        ones = sp.OneMatrix(self.dim, 1)
        kind = logical(v)
        if kind == "scalar":
            return self._value(Parsed(v.p.expr * ones, "vector", (self.dim,)), v.at)
        if kind in ("vector", "row"):
            return self._value(Parsed(matmul_expr(ones, v.p.expr.T), "matrix",
                                      (self.dim, v.p.dims[0])), v.at, row=kind == "row")
        raise self._matrix_per_row(v.at)

    def _matrix_per_row(self, at: _At) -> ParseError:
        return self.error(f"{at.text!r}: inside a sum over data rows a matrix for each "
                          f"{self.letter} is not read (write the sum with matrices: "
                          "\\sum_i x_i x_i^\\top is X^\\top X)", at, ShapeError)

    # -- operations ----------------------------------------------------------------------------
    def add(self, a: _Value, b: _Value, node: _At, at: _At, sign: int) -> _Value:
        ka, kb = logical(a), logical(b)
        if ka != kb or ka == "matrix":
            raise self.error(f"{a.at.text!r} is {self._words(a)} and {b.at.text!r} is "
                             f"{self._words(b)} for each {self.letter}: they cannot be added",
                             b.at, ShapeError)
        a, b = self.lift(a), self.lift(b)
        return self._value(self.r.b._op_Add(node, a.p, b.p, sign=sign), at, row=a.row)

    def _words(self, v: _Value) -> str:
        kind = logical(v)
        if kind == "row":
            return f"a row of length {self._length(v)}"
        if kind == "vector":
            return f"a vector of length {self._length(v)}"
        return shape_words(kind, v.p.dims)

    @staticmethod
    def _length(v: _Value) -> Any:
        return v.p.dims[1] if v.over else v.p.dims[0]

    def hadamard(self, a: _Value, b: _Value, node: _At, at: _At) -> _Value:
        if logical(a) != logical(b) or logical(a) == "matrix":
            raise self.error(f"{a.at.text!r} ∘ {b.at.text!r}: an elementwise product needs "
                             "two values of one shape", b.at, ShapeError)
        a, b = self.lift(a), self.lift(b)
        return self._value(self.r.b._op_Mult(node, a.p, b.p), at, row=a.row)

    def product(self, a: _Value, b: _Value, node: _At, at: _At, *, dot: bool) -> _Value:
        ka, kb = logical(a), logical(b)
        if dot and (ka, kb) == ("vector", "vector"):
            ka = "row"  # u · v, the dot product
        if "scalar" in (ka, kb):
            return self._scaled(a, b, node, at)
        if (ka, kb) == ("row", "vector"):
            return self._inner(a, b, at)
        if (ka, kb) == ("matrix", "vector") and b.over:  # A x_i: the rows V Aᵀ
            self._same(a.p.dims[1], self._length(b), a, b)
            return self._value(Parsed(matmul_expr(b.p.expr, a.p.expr.T), "matrix",
                                      (self.dim, a.p.dims[0])), at)
        if (ka, kb) == ("row", "matrix") and a.over:  # x_iᵀ A: the rows V A
            self._same(self._length(a), b.p.dims[0], a, b)
            return self._value(Parsed(matmul_expr(a.p.expr, b.p.expr), "matrix",
                                      (self.dim, b.p.dims[1])), at, row=True)
        if (ka, kb) == ("vector", "row"):
            raise self._matrix_per_row(at)
        raise self.error(f"{a.at.text!r} {b.at.text!r}: inside a sum over data rows, "
                         f"{a.at.text} is {self._words(a)} and {b.at.text} "
                         f"{self._words(b)} for each {self.letter}; they do not multiply",
                         b.at, ShapeError)

    def _same(self, n: Any, k: Any, a: _Value, b: _Value) -> None:
        if n != k:
            raise self.error(f"shapes do not match: {a.at.text!r} is {self._words(a)}, "
                             f"{b.at.text!r} {self._words(b)} ({n} ≠ {k})", b.at, ShapeError)

    def _scaled(self, a: _Value, b: _Value, node: _At, at: _At) -> _Value:
        """A number for each i times anything: elementwise, or each row scaled."""
        s, v = (a, b) if logical(a) == "scalar" else (b, a)
        kind = logical(v)
        if kind == "scalar" or not s.over:  # s_i t_i, c x_i: an elementwise product
            if kind == "matrix":
                raise self._matrix_per_row(v.at)
            return self._value(self.r.b._op_Mult(node, s.p, v.p), at, row=v.row)
        if kind == "matrix":
            raise self._matrix_per_row(v.at)
        if v.over:  # s_i x_i: row i of X scaled by s_i, diag(s) X
            expr = matmul_expr(DiagMatrix(s.p.expr), v.p.expr)
            dims = v.p.dims
        else:  # s_i u: the outer product s uᵀ
            expr = matmul_expr(s.p.expr, v.p.expr.T)
            dims = (self.dim, v.p.dims[0])
        return self._value(Parsed(expr, "matrix", dims), at, row=kind == "row")

    def _inner(self, a: _Value, b: _Value, at: _At) -> _Value:
        """x_iᵀ w = (Xw)_i, wᵀx_i = (Xw)_i, x_iᵀ z_i = ((X∘Z)𝟏)_i."""
        self._same(self._length(a), self._length(b), a, b)
        if a.over and b.over:
            expr = matmul_expr(sp.HadamardProduct(a.p.expr, b.p.expr),
                               sp.OneMatrix(a.p.dims[1], 1))
        else:
            rows, other = (a, b) if a.over else (b, a)
            expr = matmul_expr(rows.p.expr, other.p.expr)
        return self._value(Parsed(expr, "vector", (self.dim,)), at)

    def divide(self, a: _Value, b: _Value, node: _At, at: _At) -> _Value:
        if logical(b) != "scalar":
            raise self.error(f"{b.at.text!r}: inside a sum over data rows, divide by a "
                             "number", b.at, ShapeError)
        kind = logical(a)
        if kind == "matrix":
            raise self._matrix_per_row(a.at)
        if kind == "scalar" or not b.over:
            return self._value(self.r.b._op_Div(node, a.p, b.p), at, row=a.row)
        inverse = sp.HadamardPower(b.p.expr, -1)  # x_i / s_i: each row divided
        a = self.lift(a)
        return self._value(Parsed(matmul_expr(DiagMatrix(inverse), a.p.expr), "matrix",
                                  a.p.dims), at, row=a.row)

    def norm(self, v: _Value, order: str, at: _At) -> _Value:
        """|s_i| or ‖x_i‖ (Euclidean; ‖x_i‖₁), for each i."""
        b = self.r.b
        absolute = BY_NAME["abs"].cls
        if logical(v) == "scalar":
            return self._value(b._elementwise(v.p, absolute), at)
        if logical(v) == "matrix" or order == "\\infty":
            raise self.error(f"{at.text!r}: inside a sum over data rows only |s_i|, "
                             "\\|x_i\\| and \\|x_i\\|_1 are read", at, ShapeError)
        ones = sp.OneMatrix(v.p.dims[1], 1)
        if order == "1":
            return self._value(Parsed(matmul_expr(b._elementwise(v.p, absolute).expr, ones),
                                      "vector", (self.dim,)), at)
        squares = matmul_expr(sp.HadamardPower(v.p.expr, 2), ones)
        return self._value(Parsed(sp.HadamardPower(squares, sp.Rational(1, 2)), "vector",
                                  (self.dim,)), at)

    def total(self, body: _Value, at: _At) -> _Value:
        """Σ_i of the summand: 𝟏ᵀs for a number for each i, Vᵀ𝟏 for a vector."""
        from .latex_reader import _Value

        if not body.over and body.p.kind != "scalar":
            raise self.error(f"{body.at.text!r} is {self._words(body)} that does not depend on "
                             f"{self.letter}: inside a sum write its entries or rows "
                             f"(x_{self.letter})", body.at)
        if self.dim is None:
            raise self.error(f"the range of index {self.letter} is not known: write "
                             f"\\sum_{{{self.letter}=1}}^{{m}}", at)
        v = self.lift(body)
        if logical(v) == "scalar":
            total = matmul_expr(sp.OneMatrix(1, self.dim), v.p.expr)
            return _Value(Parsed(to_scalar(total), "scalar", ()), at)
        expr = matmul_expr(v.p.expr.T, sp.OneMatrix(self.dim, 1))
        return _Value(Parsed(expr, "vector", (v.p.dims[1],)), at, row=v.row)

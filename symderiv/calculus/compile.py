"""Compile a matrix expression once into a tree of closures ``f(point, sizes, backend)``.

Calling the result with a point runs only the backend's operations (the backends are in
:mod:`.evaluate`: exact, 60-digit and batched floating point).  Each kind of node has
its own rule, found along the node's MRO in ``_RULES`` as SymPy's printers find
``_print_<Class>``; a new function needs a line there and its value in each backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

from ..errors import Shown, UnsupportedError
from ..forms import norm_operand
from .functions import TABLE, lookup, simple, unnest
from .largest import Largest

__all__ = ["Compiled", "Point", "Sizes", "compile_expr"]

Point = Mapping[str, Any]
Sizes = Mapping[sp.Symbol, int]
Compiled = Callable[[Point, Sizes, Any], Any]
#: how one kind of node is compiled: the node in, its closure out
_Rule = Callable[[Any], Compiled]


def _dim(d: sp.Expr, sizes: Sizes) -> int:
    return int(d) if d.is_Integer else int(d.subs(sizes))


def compile_expr(expr: sp.Basic) -> Compiled:
    """Compile ``expr`` into ``f(point, sizes, backend) -> value``.

    ``point`` maps symbol names to values (vectors may be 1-D; they are read as
    columns).  Matrix results are 2-D (exact) or ``(K, r, c)`` (batched).
    """
    return _compile(expr)


def _compile(e: sp.Basic) -> Compiled:
    """The closure of e: a number without symbols (√2, log 2, 3/4) as a constant; any other
    node by the rule of the first class along its MRO found in ``_RULES`` (as SymPy's
    printers dispatch), so Inverse goes before MatPow and MatMul before Mul."""
    if (not isinstance(e, sp.MatrixSymbol | sp.Symbol) and e.is_number
            and not e.free_symbols and not isinstance(e, sp.MatrixExpr)):
        return _constant(e)
    for cls in type(e).__mro__:
        rule = _RULES.get(cls)
        if rule is not None:
            return rule(e)
    raise UnsupportedError(f"cannot evaluate {Shown(e)}")


def _matrix_symbol(e: sp.MatrixSymbol) -> Compiled:
    name = str(e.name)

    def sym(p: Point, s: Sizes, b: Any) -> Any:
        v = p[name]
        if not b.batched:
            arr = b.array(v) if b.name == "mp" else np.asarray(v, dtype=object)
            return arr.reshape(-1, 1) if arr.ndim == 1 else arr
        return v  # batched points are built with their final (K, r, c) shape
    return sym


def _scalar_symbol(e: sp.Symbol) -> Compiled:
    name = e.name

    def scalar(p: Point, s: Sizes, b: Any) -> Any:
        if name in p:
            return b.scalar(p[name]) if b.name == "mp" else p[name]
        for dim, value in s.items():  # a dimension used as a number, as in 2·n·w0
            if dim.name == name:
                return b.const(sp.Integer(value))
        raise KeyError(name)
    return scalar


def _constant(e: sp.Expr) -> Compiled:
    if e.is_extended_real is False or e.is_finite is False:
        raise UnsupportedError(f"the constant {e} is not a finite real number")
    value = sp.Rational(e) if isinstance(e, sp.Float) else e
    return lambda p, s, b: b.const(value)  # √2, log 2: exact raises NotExact


def _identity(e: sp.Identity) -> Compiled:
    n = e.rows
    return lambda p, s, b: b.eye(_dim(n, s))


def _full(e: sp.ZeroMatrix | sp.OneMatrix) -> Compiled:
    rows, cols, val = e.rows, e.cols, int(isinstance(e, sp.OneMatrix))
    return lambda p, s, b: b.full(_dim(rows, s), _dim(cols, s), val)


def _unary(op: Callable[[Any, Any], Any]) -> _Rule:
    """The rule of an operation of one argument: ``op(backend, value of the argument)``."""

    def rule(e: sp.Basic) -> Compiled:
        inner = _compile(e.args[0])
        return lambda p, s, b: op(b, inner(p, s, b))
    return rule


def _trace(e: sp.Trace) -> Compiled:
    """tr(M); of a product of matrices (not a norm), by the backend's ``trace_of_product``
    where it has one: n² products where the product would take n³."""
    if not (isinstance(e.arg, sp.MatMul) and norm_operand(e.arg) is None
            and len(e.arg.as_coeff_matrices()[1]) > 1):
        inner = _compile(e.arg)
        return lambda p, s, b: b.trace(inner(p, s, b))
    coeff, mats = e.arg.as_coeff_matrices()
    c = _compile(coeff) if coeff != 1 else None
    head, last = _compile(sp.MatMul(*mats[:-1])), _compile(mats[-1])
    whole = _compile(e.arg)

    def trace_product(p: Point, s: Sizes, b: Any) -> Any:
        if not hasattr(b, "trace_of_product"):
            return b.trace(whole(p, s, b))
        out = b.trace_of_product(head(p, s, b), last(p, s, b))
        return b.mul(c(p, s, b), out) if c is not None else out
    return trace_product


def _add(e: sp.Add | sp.MatAdd) -> Compiled:
    parts = [_compile(a) for a in e.args]

    def add(p: Point, s: Sizes, b: Any) -> Any:
        total = parts[0](p, s, b)
        for f in parts[1:]:
            total = total + f(p, s, b)
        return total
    return add


def _matmul(e: sp.MatMul) -> Compiled:
    coeff, mats = e.as_coeff_matrices()
    c = _compile(coeff) if coeff != 1 else None
    if (v := norm_operand(sp.MatMul(*mats))) is not None:
        col = _compile(v)  # vᵀv: backends with a `gram` square each entry once

        def gram(p: Point, s: Sizes, b: Any) -> Any:
            v = col(p, s, b)
            out = b.gram(v) if hasattr(b, "gram") else b.matmul(b.transpose(v), v)
            return b.smul(c(p, s, b), out) if c is not None else out
        return gram
    ms = [_compile(m) for m in mats]

    def matmul(p: Point, s: Sizes, b: Any) -> Any:
        out = ms[0](p, s, b)
        for f in ms[1:]:
            out = b.matmul(out, f(p, s, b))
        return b.smul(c(p, s, b), out) if c is not None else out
    return matmul


def _mul(e: sp.Mul | sp.HadamardProduct) -> Compiled:
    """A scalar or elementwise product: both are ``*`` (MatMul, a subclass of Mul, has its own)."""
    parts = [_compile(a) for a in e.args]

    def mul(p: Point, s: Sizes, b: Any) -> Any:
        out = parts[0](p, s, b)
        for f in parts[1:]:
            out = b.mul(out, f(p, s, b)) if hasattr(b, "mul") else out * f(p, s, b)
        return out
    return mul


def _matpow(e: sp.MatPow) -> Compiled:
    base, k = _compile(e.base), e.exp
    if not (k.is_Integer):
        raise UnsupportedError(f"cannot evaluate the matrix power {Shown(e)}")
    power = int(k)

    def matpow(p: Point, s: Sizes, b: Any) -> Any:
        m = base(p, s, b)
        if power < 0:
            m = b.inv(m)
        out = m
        for _ in range(abs(power) - 1):
            out = b.matmul(out, m)
        return out if power != 0 else b.eye(m.shape[-1])
    return matpow


def _pow(e: sp.Pow | sp.HadamardPower) -> Compiled:
    base, ex = _compile(e.args[0]), _compile(e.args[1])
    return lambda p, s, b: b.pow(base(p, s, b), ex(p, s, b))


def _apply(e: ElementwiseApplyFunction) -> Compiled:
    f = simple(e)
    if f is None:  # σ(tanh(d)): SymPy merged two applications into one
        return _compile(unnest(e))
    inner = _compile(e.expr)
    return lambda p, s, b: _elementwise(b, f.name, inner(p, s, b))


def _elementwise(b: Any, fname: str, value: Any) -> Any:
    if not b.batched:
        return np.vectorize(lambda v: b.func(fname, v), otypes=[object])(value)
    return b.func(fname, value)


def _function(e: sp.Function) -> Compiled:
    f = lookup(e)
    if f is None:
        raise UnsupportedError(f"cannot evaluate {Shown(e)}")
    inner = _compile(e.args[0])
    return lambda p, s, b: b.func(f.name, inner(p, s, b))


#: The compiling rule of each class (looked up along the MRO by :func:`_compile`).
_RULES: dict[type, _Rule] = {
    sp.MatrixSymbol: _matrix_symbol,
    sp.Symbol: _scalar_symbol,
    sp.Identity: _identity,
    sp.ZeroMatrix: _full,
    sp.OneMatrix: _full,
    sp.Transpose: _unary(lambda b, v: b.transpose(v)),
    sp.Inverse: _unary(lambda b, v: b.inv(v)),
    sp.Trace: _trace,
    sp.Determinant: _unary(lambda b, v: b.det(v)),
    sp.Add: _add,
    sp.MatAdd: _add,
    sp.MatMul: _matmul,
    sp.Mul: _mul,
    sp.HadamardProduct: _mul,
    sp.MatPow: _matpow,
    sp.Pow: _pow,
    sp.HadamardPower: _pow,
    ElementwiseApplyFunction: _apply,
    **dict.fromkeys((f.cls for f in TABLE), _function),
    Largest: _unary(lambda b, v: b.largest(v)),
    DiagMatrix: _unary(lambda b, v: b.diag(v)),
    DiagonalOf: _unary(lambda b, v: b.diagonal(v)),
}

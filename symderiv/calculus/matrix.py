"""Matrix-form engine: gradients and Hessians at symbolic sizes.

Built on SymPy's matrix expressions, with our own differentiation rules rather
than ``MatrixExpr.diff``: SymPy 1.14 returns ``0`` for ``log(det(S)).diff(S)``,
and such silent errors must not reach a verdict.

* With respect to a matrix or vector ``X``, reverse mode: the gradient of a
  scalar ``f`` is the adjoint that :func:`_back` propagates from ``f`` down to
  ``X`` using the differential rules d(AB) = dA B + A dB, d(A⁻¹) = −A⁻¹ dA A⁻¹,
  d det A = det A · tr(A⁻¹ dA), d tr A = tr dA, d(A∘B) = dA∘B + A∘dB.
  The result has the shape of ``X`` (denominator layout).
* With respect to a scalar, forward mode (:func:`_fwd`).
* The Hessian with respect to a vector ``x`` is read off ∇ₓ(vᵀ∇f) = H v, which
  is linear in a fresh vector ``v`` (:func:`extract_linear`).

Results are written in the canonical form of :mod:`symderiv.calculus.canonical`.

Convention (the Matrix Cookbook's): every entry of ``X`` is an independent
variable, so d logdet(S)/dS = S⁻ᵀ even when ``S`` is declared symmetric; the
assumptions only restrict where the derivative is taken (and let results be
written more simply, ``2Ax`` instead of ``Ax + Aᵀx``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

from ..errors import Shown, UnsupportedError
from ..space import Space
from .canonical import EXPAND_LIMIT as EXPAND_LIMIT  # the canonical form's, named here too
from .canonical import _mm, assumption_rules, canonical, is_zero
from .functions import TABLE, lift, lookup, simple, unnest
from .largest import Largest, indicator

__all__ = ["assumption_rules", "canonical", "extract_linear", "gradient", "hessian", "is_zero"]

Var = sp.Symbol | sp.MatrixSymbol


def _unpow(m: sp.MatPow) -> sp.MatrixExpr:
    """Aᵏ as the product A·A·…·A (k a nonzero integer; negative powers through A⁻¹)."""
    k = m.exp
    if not k.is_Integer or k == 0:
        raise UnsupportedError(f"no differentiation rule for the matrix power {Shown(m)}")
    base = m.base if k > 0 else sp.Inverse(m.base)
    return sp.MatMul(*([base] * abs(int(k))), evaluate=False) if abs(int(k)) > 1 else base


def _add(terms: list[sp.Basic | None]) -> sp.Basic | None:
    live = [t for t in terms if t is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    if any(isinstance(t, sp.MatrixExpr) for t in live):
        return sp.MatAdd(*live)
    return sp.Add(*live)


def _ident(m: sp.MatrixExpr) -> sp.Identity:
    return sp.Identity(m.rows)


#: The scalar functions of one argument (exp, log, sin, sigmoid, abs…): see .functions
_UNARY = tuple(f.cls for f in TABLE)


def _unary_derivative(e: sp.Expr) -> sp.Expr:
    """f'(u) for e = f(u), f a function of the table (the chain rule's outer factor);
    almost everywhere for the non-smooth ones (|u|′ = sign u, sign′ = 0)."""
    f = lookup(e)
    assert f is not None
    return e if f.name == "exp" else f.derivative(e.args[0])


# -- reverse mode (matrix / vector variable) -------------------------------------------
def _grad_scalar(e: sp.Basic, x: sp.MatrixSymbol) -> sp.Basic | None:
    """∇ₓ e for a scalar expression e, or None when e does not depend on x."""
    if not e.has(x):
        return None
    if isinstance(e, sp.Add):
        return _add([_grad_scalar(a, x) for a in e.args])
    if isinstance(e, sp.Mul):
        terms = []
        for i, a in enumerate(e.args):
            g = _grad_scalar(a, x)
            if g is not None:
                rest = sp.Mul(*(e.args[:i] + e.args[i + 1:]))
                terms.append(rest * g)
        return _add(terms)
    if isinstance(e, sp.Pow):
        base, ex = e.args
        if ex.has(x):  # d b^p = b^p (log b dp + p db / b)
            inner = sp.log(base) * ex
            g = _grad_scalar(inner, x)
            return None if g is None else e * g
        g = _grad_scalar(base, x)
        return None if g is None else (ex * base ** (ex - 1)) * g
    if isinstance(e, _UNARY):
        g = _grad_scalar(e.args[0], x)
        local = _unary_derivative(e)
        return None if g is None or local == 0 else local * g
    if isinstance(e, sp.Trace):
        return _back(e.arg, _ident(e.arg), x)
    if isinstance(e, Largest):  # ∇ max(M) = the indicator of the largest entry
        return _back(e.arg, indicator(e.arg), x)
    if isinstance(e, sp.Determinant):
        g = _back(e.arg, sp.Inverse(e.arg).T, x)
        return None if g is None else e * g
    raise UnsupportedError(f"no differentiation rule for {Shown(e)}")


def _back(m: sp.Basic, adj: sp.Basic, x: sp.MatrixSymbol) -> sp.Basic | None:
    """Propagate the adjoint ``adj`` (shape of m) from the matrix expression m to x."""
    if not m.has(x):
        return None
    if m == x:
        return adj
    if isinstance(m, sp.Transpose):
        return _back(m.arg, adj.T, x)
    if isinstance(m, sp.MatAdd):
        return _add([_back(a, adj, x) for a in m.args])
    if isinstance(m, sp.MatMul):
        coeff, mats = m.as_coeff_matrices()
        terms = []
        if coeff.has(x):  # ⟨adj, c·M⟩ = c·tr(adjᵀ M)
            weight = sp.Trace(_mm(adj.T, *mats))
            g = _grad_scalar(coeff, x)
            if g is not None:
                terms.append(weight * g)
        for i, a in enumerate(mats):
            if not a.has(x):
                continue
            left, right = mats[:i], mats[i + 1:]
            new_adj = adj
            if left:
                new_adj = _mm(*(f.T for f in reversed(left)), new_adj)
            if right:
                new_adj = _mm(new_adj, *(f.T for f in reversed(right)))
            if coeff != 1:
                new_adj = coeff * new_adj
            terms.append(_back(a, new_adj, x))
        return _add(terms)
    if isinstance(m, sp.Inverse):  # d(A⁻¹) = −A⁻¹ dA A⁻¹ (Inverse subclasses MatPow: first)
        return _back(m.arg, -_mm(m.T, adj, m.T), x)
    if isinstance(m, sp.MatPow):
        return _back(_unpow(m), adj, x)
    if isinstance(m, sp.HadamardProduct):
        terms = []
        for i, a in enumerate(m.args):
            if a.has(x):
                others = m.args[:i] + m.args[i + 1:]
                terms.append(_back(a, sp.HadamardProduct(adj, *others).doit(), x))
        return _add(terms)
    if isinstance(m, sp.HadamardPower):
        base, ex = m.args
        if ex.has(x):
            raise UnsupportedError("elementwise power with a variable exponent")
        local = ex * sp.HadamardPower(base, ex - 1).doit() if ex != 2 else 2 * base
        return _back(base, sp.HadamardProduct(adj, local).doit(), x)
    if isinstance(m, ElementwiseApplyFunction):
        if simple(m) is None:
            return _back(unnest(m), adj, x)
        local = _elementwise_derivative(m)
        return None if local is None else _back(m.expr, sp.HadamardProduct(adj, local).doit(), x)
    if isinstance(m, DiagMatrix):  # ⟨G, diag(u)⟩ = ⟨diagonal of G, u⟩
        return _back(m.args[0], DiagonalOf(adj), x)
    if isinstance(m, DiagonalOf):
        return _back(m.args[0], DiagMatrix(adj), x)
    raise UnsupportedError(f"no differentiation rule for {Shown(m)}")


def _elementwise_derivative(m: ElementwiseApplyFunction) -> sp.MatrixExpr | None:
    """f′ applied entry by entry to the argument of m = f(M), written with the table's
    functions (σ(M)∘(1 − σ(M)), 1 − tanh(M)∘², sign(M)); None where f′ = 0 (a step).
    m applies a single function: compositions are unnested first (:func:`unnest`)."""
    f = simple(m)
    assert f is not None
    if f.name == "exp":
        return m
    (d,) = m.function.variables
    local = f.derivative(d)
    return None if local == 0 else lift(local, d, m.expr)


# -- forward mode (scalar variable) -------------------------------------------------------
def _fwd(e: sp.Basic, s: sp.Symbol) -> sp.Basic | None:
    """d e / d s for a scalar symbol s; None when e does not depend on s.

    The rule is that of the first class along e's MRO found in ``_FORWARD`` (as SymPy's
    printers dispatch), so Inverse goes before MatPow and MatMul before Mul."""
    if not e.has(s):
        return None
    if e == s:
        return sp.Integer(1)
    for cls in type(e).__mro__:
        rule = _FORWARD.get(cls)
        if rule is not None:
            return rule(e, s)
    raise UnsupportedError(f"no differentiation rule for {Shown(e)}")


_Rule = Callable[[Any, sp.Symbol], sp.Basic | None]


def _chain(outer: Callable[[Any, Any], sp.Basic]) -> _Rule:
    """The rule d f(u) = outer(e, du) for an operation e = f(u) of one argument u."""

    def rule(e: Any, s: sp.Symbol) -> sp.Basic | None:
        g = _fwd(e.args[0], s)
        return None if g is None else outer(e, g)

    return rule


def _fwd_sum(e: Any, s: sp.Symbol) -> sp.Basic | None:
    return _add([_fwd(a, s) for a in e.args])


def _fwd_product(e: sp.Mul, s: sp.Symbol) -> sp.Basic | None:
    """The product rule for scalars; it moves the derivative to the end, so MatMul
    (a subclass of Mul) has its own."""
    terms = []
    for i, a in enumerate(e.args):
        g = _fwd(a, s)
        if g is not None:
            terms.append(sp.Mul(*(e.args[:i] + e.args[i + 1:])) * g)
    return _add(terms)


def _fwd_matmul(e: sp.MatMul, s: sp.Symbol) -> sp.Basic | None:
    coeff, mats = e.as_coeff_matrices()
    terms = []
    g = _fwd(coeff, s)
    if g is not None:
        terms.append(g * _mm(*mats))
    for i, a in enumerate(mats):
        ga = _fwd(a, s)
        if ga is not None:
            terms.append(coeff * _mm(*mats[:i], ga, *mats[i + 1:]))
    return _add(terms)


def _fwd_pow(e: sp.Pow, s: sp.Symbol) -> sp.Basic | None:
    base, ex = e.args
    if ex.has(s):
        g = _fwd(sp.log(base) * ex, s)
        return None if g is None else e * g
    g = _fwd(base, s)
    return None if g is None else ex * base ** (ex - 1) * g


def _fwd_hadamard(e: sp.HadamardProduct, s: sp.Symbol) -> sp.Basic | None:
    terms = []
    for i, a in enumerate(e.args):
        g = _fwd(a, s)
        if g is not None:
            terms.append(sp.HadamardProduct(*((*e.args[:i], g, *e.args[i + 1:]))).doit())
    return _add(terms)


def _fwd_hadamard_power(e: sp.HadamardPower, s: sp.Symbol) -> sp.Basic | None:
    base, ex = e.args
    if ex.has(s):
        raise UnsupportedError("elementwise power with a variable exponent")
    g = _fwd(base, s)
    local = ex * sp.HadamardPower(base, ex - 1).doit() if ex != 2 else 2 * base
    return None if g is None else sp.HadamardProduct(local, g).doit()


def _fwd_elementwise(e: ElementwiseApplyFunction, s: sp.Symbol) -> sp.Basic | None:
    if simple(e) is None:
        return _fwd(unnest(e), s)
    g = _fwd(e.expr, s)
    local = None if g is None else _elementwise_derivative(e)
    return None if local is None else sp.HadamardProduct(local, g).doit()


#: The forward-mode rule of each class (looked up along the MRO by :func:`_fwd`).
_FORWARD: dict[type, _Rule] = {
    sp.Add: _fwd_sum,
    sp.MatAdd: _fwd_sum,
    sp.Mul: _fwd_product,
    sp.MatMul: _fwd_matmul,
    sp.Pow: _fwd_pow,
    **dict.fromkeys(_UNARY, _chain(lambda e, g: _unary_derivative(e) * g or None)),
    sp.Trace: _chain(lambda e, g: sp.Trace(g)),
    Largest: _chain(lambda e, g: sp.Trace(_mm(indicator(e.arg).T, g))),
    sp.Determinant: _chain(lambda e, g: e * sp.Trace(_mm(sp.Inverse(e.arg), g))),
    sp.Transpose: _chain(lambda e, g: g.T),
    sp.Inverse: _chain(lambda e, g: -_mm(e, g, e)),
    sp.MatPow: lambda e, s: _fwd(_unpow(e), s),
    sp.HadamardProduct: _fwd_hadamard,
    sp.HadamardPower: _fwd_hadamard_power,
    ElementwiseApplyFunction: _fwd_elementwise,
    DiagMatrix: _chain(lambda e, g: type(e)(g)),
    DiagonalOf: _chain(lambda e, g: type(e)(g)),
}


# -- public API -----------------------------------------------------------------------------
def _zero_like(x: Var) -> sp.Basic:
    return sp.ZeroMatrix(*x.shape) if isinstance(x, sp.MatrixSymbol) else sp.Integer(0)


def gradient(f: sp.Expr, x: Var, space: Space | None = None) -> sp.Basic:
    """∇ₓ f in denominator layout (the shape of ``x``), in canonical form."""
    if isinstance(x, sp.MatrixSymbol):
        g = _grad_scalar(f, x)
    else:
        g = _fwd(f, x)
    return canonical(g if g is not None else _zero_like(x), space)


def hessian(f: sp.Expr, x: Var, space: Space | None = None) -> sp.Basic:
    """∇²ₓ f for a scalar or vector ``x``, in canonical form."""
    if not isinstance(x, sp.MatrixSymbol):
        g = _fwd(f, x)
        h = None if g is None else _fwd(g, x)
        return canonical(h if h is not None else sp.Integer(0), space)
    if x.shape[1] != 1:
        raise UnsupportedError(
            f"the Hessian with respect to the matrix {x.name} is a 4-index tensor; "
            "symderiv computes Hessians with respect to scalars and vectors")
    g = _grad_scalar(f, x)
    n = x.shape[0]
    if g is None:
        return sp.ZeroMatrix(n, n)
    v = sp.MatrixSymbol("_v", n, 1)
    hv = _grad_scalar(sp.Trace(_mm(v.T, g)), x)  # ∇ₓ(vᵀ∇f) = (∂∇f/∂x)ᵀ v = H v
    hv = None if hv is None else canonical(hv, space, factor=False)
    if hv is None or is_zero(hv):  # f is at most linear in x (its terms may cancel)
        return sp.ZeroMatrix(n, n)
    return canonical(extract_linear(hv, v), space)

# -- linear extraction: L(v) = M v  →  M -----------------------------------------------------
def extract_linear(e: sp.Basic, v: sp.MatrixSymbol) -> sp.MatrixExpr:
    """Given a column expression linear in the vector ``v``, return M with e = M v.

    Recursive on the structure: for a product L·G·R around the factor G that holds v,
    M = tr(R)·L·M_G; for a Hadamard product a∘G, M = diag(a)·M_G; a scalar factor s(v)
    inside a coefficient is a row r with s = r v (tr(L G R) = tr(R L G)).
    """
    out = _lin_col(e, v)
    return sp.MatAdd(*out.args).doit() if isinstance(out, sp.MatAdd) else out


def _cannot(e: sp.Basic) -> UnsupportedError:
    return UnsupportedError(f"cannot write {Shown(e)} as a matrix times a vector")


def _one_holding(items: list[sp.Basic], v: sp.MatrixSymbol, whole: sp.Basic) -> int:
    idx = [i for i, f in enumerate(items) if f.has(v)]
    if len(idx) != 1:
        raise _cannot(whole)
    return idx[0]


def _tr(factors: list[sp.Basic]) -> sp.Expr:
    return sp.Trace(_mm(*factors)) if factors else sp.Integer(1)


def _lin_col(e: sp.Basic, v: sp.MatrixSymbol) -> sp.MatrixExpr:
    """M with e = M v, for a column e linear in v."""
    if e == v:
        return sp.Identity(v.shape[0])
    if isinstance(e, sp.MatAdd):
        parts = [_lin_col(t, v) for t in e.args if t.has(v)]
        if len(parts) != sum(1 for t in e.args if not is_zero(t)):
            raise _cannot(e)  # a term without v: not linear
        return sp.MatAdd(*parts) if len(parts) > 1 else parts[0]
    if isinstance(e, sp.MatMul):
        coeff, mats = e.as_coeff_matrices()
        mats = list(mats)
        if coeff.has(v):
            factors = list(sp.Mul.make_args(coeff))
            i = _one_holding(factors, v, e)
            rest = sp.Mul(*(f for j, f in enumerate(factors) if j != i))
            if any(m.has(v) for m in mats):
                raise _cannot(e)
            return rest * _mm(_mm(*mats), _lin_row(factors[i], v))
        i = _one_holding(mats, v, e)
        left, g, right = mats[:i], mats[i], mats[i + 1:]
        if g.shape[1] == 1:  # L·G·R with R 1×1
            inner = _lin_col(g, v)
            core = _mm(*left, inner) if left else inner
            return (coeff * _tr(right)) * core
        if g.shape[0] == 1 and left:  # L·(G·R) with G·R a scalar s(v)
            return coeff * _mm(_mm(*left), _lin_row(sp.Trace(_mm(g, *right)), v))
        if isinstance(g, DiagMatrix) and right and _mm(*right).shape[1] == 1:
            # diag(u)·r = u∘r = diag(r)·u
            r = _mm(*right)
            core = _mm(DiagMatrix(r), _lin_col(g.args[0], v))
            return coeff * (_mm(*left, core) if left else core)
        raise _cannot(e)
    if isinstance(e, DiagonalOf) and isinstance(e.args[0], sp.MatMul):
        # diagonal of an outer product a·bᵀ is a∘b
        coeff, mats = e.args[0].as_coeff_matrices()
        for k in range(1, len(mats)):
            left, right = _mm(*mats[:k]), _mm(*mats[k:])
            if left.shape[1] == 1 and right.shape[0] == 1:
                return coeff * _lin_col(sp.HadamardProduct(left, right.T.doit()), v)
        raise _cannot(e)
    if isinstance(e, sp.HadamardProduct):
        i = _one_holding(list(e.args), v, e)
        others = [a for j, a in enumerate(e.args) if j != i]
        diag = others[0] if len(others) == 1 else sp.HadamardProduct(*others)
        return _mm(DiagMatrix(diag), _lin_col(e.args[i], v))
    raise _cannot(e)


def _lin_row(s: sp.Basic, v: sp.MatrixSymbol) -> sp.MatrixExpr:
    """Row r with s = r v, for a scalar s linear in v."""
    if isinstance(s, sp.Add):
        parts = [_lin_row(t, v) for t in s.args]
        return sp.MatAdd(*parts)
    if isinstance(s, sp.Mul):
        factors = list(s.args)
        i = _one_holding(factors, v, s)
        rest = sp.Mul(*(f for j, f in enumerate(factors) if j != i))
        return rest * _lin_row(factors[i], v)
    if isinstance(s, sp.Trace):
        q = s.arg
        if isinstance(q, sp.MatAdd):
            return sp.MatAdd(*(_lin_row(sp.Trace(t), v) for t in q.args if t.has(v)))
        coeff, mats = q.as_coeff_matrices() if isinstance(q, sp.MatMul) else (sp.Integer(1), [q])
        mats = list(mats)
        if coeff.has(v):
            return sp.Trace(_mm(*mats)) * _lin_row(coeff, v)
        i = _one_holding(mats, v, s)
        left, g, right = mats[:i], mats[i], mats[i + 1:]
        if g.shape[1] == 1:  # tr(L G R) = tr(R)·L·G with L 1×q
            inner = _lin_col(g, v)
            if not left:
                raise _cannot(s)
            return (coeff * _tr(right)) * _mm(*left, inner)
        if g.shape[0] == 1:  # tr(L Gᵀ R) = tr(L)·Rᵀ·G
            inner = _lin_col(g.T.doit(), v)
            if not right:
                raise _cannot(s)
            return (coeff * _tr(left)) * _mm(_mm(*right).T, inner)
    raise _cannot(s)

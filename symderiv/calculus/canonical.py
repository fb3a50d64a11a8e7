"""The canonical form of a matrix expression: the form a person would write.

:func:`canonical` applies the declared assumptions (Aᵀ = A for symmetric A, Q⁻¹ = Qᵀ
for orthogonal Q, QᵀQ = I), expands products over sums, splits traces and simplifies the
all-ones matrix until nothing changes (six rounds at most), then factors a common right
vector.  The derivatives of :mod:`symderiv.calculus.matrix` are put in this form, so
two equal results are written the same way.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

from ..forms import norm_operand
from ..space import Space

__all__ = ["EXPAND_LIMIT", "assumption_rules", "canonical", "is_zero"]


def _mm(*factors: sp.Basic) -> sp.Basic:
    """A product that drops identity factors and keeps shapes honest."""
    kept = [f for f in factors if not (isinstance(f, sp.Identity))]
    if not kept:
        return factors[0]
    if len(kept) == 1:
        return kept[0]
    return sp.MatMul(*kept).doit(deep=False)


def assumption_rules(space: Space | None) -> dict[sp.Basic, sp.Basic]:
    rules: dict[sp.Basic, sp.Basic] = {}
    if space is None:
        return rules
    for name, decl in space.declarations.items():
        if decl.kind != "matrix":
            continue
        sym = space.symbol(name)
        if decl.assumptions & {"symmetric", "diagonal"}:
            rules[sp.Transpose(sym)] = sym
        if "orthogonal" in decl.assumptions:
            rules[sp.Inverse(sym)] = sym.T
    return rules


def _entry_powers(e: sp.Basic, space: Space | None) -> sp.Basic:
    """y∘y = 𝟙 and y² = 1 for declared ±1 entries, y∘y = y for binary ones: the rules a
    derivation with labels in {-1, 1} (or {0, 1}) uses."""
    if space is None:
        return e
    sets = {space.symbol(n): d.entries for n, d in space.declarations.items()
            if d.discrete is not None}
    if not sets:
        return e

    def power(base: sp.Basic, k: sp.Basic) -> sp.Basic | None:
        """base**k entry by entry, when the entry set decides it (None: it does not)."""
        kind = sets.get(base)
        if kind is None or not (k.is_integer and k.is_nonzero):
            return None
        if kind == "binary":
            return base if k.is_positive else None  # 0⁻¹ is undefined
        if k.is_odd:
            return base
        return sp.OneMatrix(*base.shape) if isinstance(base, sp.MatrixExpr) else sp.Integer(1)

    def hadamard(m: sp.HadamardProduct) -> sp.Basic:
        counts: dict[sp.Basic, int] = {}
        for f in m.args:
            counts[f] = counts.get(f, 0) + 1
        kept: list[sp.Basic] = []
        for f, c in counts.items():
            reduced = power(f, sp.Integer(c)) if c > 1 else f
            kept.extend([f] * c if reduced is None else
                        [] if isinstance(reduced, sp.OneMatrix) else [reduced])
        if len(kept) == len(m.args):
            return m
        return (sp.OneMatrix(*m.shape) if not kept else kept[0] if len(kept) == 1
                else sp.HadamardProduct(*kept))

    def reduce(x: sp.Basic) -> sp.Basic:
        if isinstance(x, sp.HadamardProduct):
            return hadamard(x)
        reduced = power(*x.args) if isinstance(x, sp.HadamardPower | sp.Pow) else None
        return x if reduced is None else reduced

    return e.replace(lambda x: isinstance(x, sp.HadamardProduct | sp.HadamardPower | sp.Pow),
                     reduce)


def _cancel_orthogonal(e: sp.Basic, space: Space | None) -> sp.Basic:
    """QᵀQ = QQᵀ = I for a declared orthogonal Q, wherever the two stand side by side."""
    if space is None:
        return e
    qs = {space.symbol(n) for n, d in space.declarations.items()
          if "orthogonal" in d.assumptions}
    if not qs:
        return e

    def cancel(m: sp.Basic) -> sp.Basic:
        if not isinstance(m, sp.MatMul):
            return m
        coeff, mats = m.as_coeff_matrices()
        out: list[sp.Basic] = []
        for f in mats:
            if out and any({out[-1], f} == {q, q.T} for q in qs):
                out.pop()
                continue
            out.append(f)
        if len(out) == len(mats):
            return m
        if not out:
            return coeff * sp.Identity(m.rows)
        return coeff * _mm(*out) if coeff != 1 else _mm(*out)

    return e.replace(lambda m: isinstance(m, sp.MatMul), cancel)


#: Expressions with more nodes than this are not expanded: distributing products of sums
#: grows them exponentially, and such results are read by machines, not people.
EXPAND_LIMIT = 160


def _small(e: sp.Basic, limit: int = EXPAND_LIMIT) -> bool:
    for count, _ in enumerate(sp.preorder_traversal(e)):
        if count > limit:
            return False
    return True


def _expand(e: sp.Basic) -> sp.Basic:
    """Distribute products over sums only: no exp(a + b) → exp(a)exp(b), no multinomials."""
    if not _small(e):
        return e
    return e.expand(deep=True, mul=True, multinomial=False, power_exp=False, power_base=False,
                    log=False, basic=False)


def _expand_traces(e: sp.Basic) -> sp.Basic:
    """tr(A + B) → tr A + tr B, tr(cA) → c tr A, and one orientation for tr of a 1×1."""
    if isinstance(e, sp.Trace):
        inner = _expand(_expand_traces(e.arg))
        if isinstance(inner, sp.MatAdd):
            return sp.Add(*(_expand_traces(sp.Trace(t)) for t in inner.args))
        if isinstance(inner, sp.MatMul):
            coeff, mats = inner.as_coeff_matrices()
            if coeff != 1:
                return coeff * _expand_traces(sp.Trace(_mm(*mats)))
        if isinstance(inner, sp.MatrixExpr) and inner.shape == (1, 1):
            flipped = inner.T.doit()
            if sp.default_sort_key(flipped) < sp.default_sort_key(inner):
                inner = flipped
        return sp.Trace(inner)
    if not e.args or isinstance(e, sp.MatrixSymbol | sp.Lambda):
        return e
    if isinstance(e, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(e.function, _expand_traces(e.expr))
    new_args = [_expand_traces(a) for a in e.args]
    if all(a is b for a, b in zip(new_args, e.args, strict=True)):
        return e
    return e.func(*new_args)


def _split_coeff(m: sp.Basic) -> tuple[sp.Expr, sp.Basic]:
    if isinstance(m, sp.MatMul):
        coeff, mats = m.as_coeff_matrices()
        return coeff, _mm(*mats) if mats else sp.Integer(1)
    return sp.Integer(1), m


def _simplify_ones(e: sp.Basic) -> sp.Basic:
    """Rules SymPy lacks for the all-ones matrix 𝟙: A∘𝟙 = A, 𝟙∘p = 𝟙, 𝟙ₐₓᵦ𝟙ᵦₓ꜀ = b𝟙ₐₓ꜀."""
    if not e.args or isinstance(e, sp.MatrixSymbol | sp.Lambda | sp.OneMatrix | sp.Identity
                                    | sp.ZeroMatrix):
        return e
    if isinstance(e, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(e.function, _simplify_ones(e.expr))
    args = [_simplify_ones(a) for a in e.args]
    if isinstance(e, sp.HadamardProduct):
        for i, a in enumerate(args):  # distribute over sums: A∘(B + C) = A∘B + A∘C
            if isinstance(a, sp.MatAdd):
                rest = args[:i] + args[i + 1:]
                return _simplify_ones(sp.MatAdd(*(sp.HadamardProduct(*rest, t) for t in a.args)))
        coeff, mats = sp.Integer(1), []
        for a in args:
            c, m = _split_coeff(a)
            coeff *= c
            if not isinstance(m, sp.OneMatrix):
                mats.append(m)
        if not mats:
            return coeff * sp.OneMatrix(*e.shape)
        body = mats[0] if len(mats) == 1 else sp.HadamardProduct(*mats)
        return coeff * body if coeff != 1 else body
    if isinstance(e, sp.HadamardPower) and isinstance(args[0], sp.OneMatrix):
        return args[0]
    if isinstance(e, DiagonalOf) and isinstance(args[0], sp.Identity):
        return sp.OneMatrix(args[0].rows, 1)
    if isinstance(e, DiagMatrix) and isinstance(args[0], sp.OneMatrix):
        return sp.Identity(args[0].rows)
    if isinstance(e, sp.MatMul):
        coeff, mats = sp.MatMul(*args).as_coeff_matrices() if len(args) > 1 else (1, args)
        merged: list[sp.Basic] = []
        for m in mats:
            if merged and isinstance(m, sp.OneMatrix) and isinstance(merged[-1], sp.OneMatrix):
                prev = merged.pop()
                coeff = coeff * prev.cols
                m = sp.OneMatrix(prev.rows, m.cols)
            merged.append(m)
        body = _mm(*merged) if merged else sp.Integer(1)
        return coeff * body if coeff != 1 else body
    if isinstance(e, sp.Trace):
        c, m = _split_coeff(args[0])
        if isinstance(m, sp.OneMatrix) and m.shape == (1, 1):
            return c
    return e.func(*args)


def _factor_right(e: sp.Basic) -> sp.Basic:
    """Σ cᵢ Mᵢ v → (Σ cᵢ Mᵢ) v when every term ends in the same vector v: (A + Aᵀ)x."""
    if not isinstance(e, sp.MatAdd) or e.shape[1] != 1:
        return e
    lasts, rests = [], []
    for t in e.args:
        if isinstance(t, sp.MatMul):
            coeff, mats = t.as_coeff_matrices()
            if len(mats) < 2:
                return e
            lasts.append(mats[-1])
            rests.append(coeff * _mm(*mats[:-1]))
        else:
            return e
    if any(last != lasts[0] for last in lasts) or not all(r.shape[0] == r.shape[1] for r in rests):
        return e
    return sp.MatMul(sp.MatAdd(*rests).doit(), lasts[0])


def canonical(e: sp.Basic, space: Space | None = None, *, factor: bool = True) -> sp.Basic:
    """Simplify to the form a person would write.

    Apply the declared assumptions (Aᵀ = A for symmetric A, Q⁻¹ = Qᵀ for orthogonal Q),
    expand products over sums, collect equal terms, and factor a common right vector.
    """
    rules = assumption_rules(space)
    prev = None
    out, norms = _protect_norms(e)
    for _ in range(6):
        if out == prev:
            break
        prev = out
        out = out.doit()
        if rules:
            out = out.xreplace(rules)
            out = _cancel_orthogonal(out, space)
        out = _entry_powers(out, space)
        out = _simplify_ones(out)
        out = _expand_traces(out)
        out = _expand(out)
        if isinstance(out, sp.MatrixExpr):
            out = out.doit()
    if factor:
        out = _factor_right(out)
    return out.xreplace(norms) if norms else out


def _protect_norms(e: sp.Basic) -> tuple[sp.Basic, dict[sp.Basic, sp.Basic]]:
    """Stand-ins for ‖v‖ᵖ with p not even (‖Xw − y‖ stays a norm, not √ of 4 terms)."""
    found = {}
    for power in e.atoms(sp.Pow):
        base, ex = power.args
        if (isinstance(base, sp.Trace) and base.arg.shape == (1, 1)
                and norm_operand(base.arg) is not None and not ex.is_integer
                and isinstance(norm_operand(base.arg), sp.MatAdd)):
            found[power] = sp.Dummy("norm", positive=True)
    if not found:
        return e, {}
    return e.xreplace(found), {d: p for p, d in found.items()}


def is_zero(e: sp.Basic) -> bool:
    return (isinstance(e, sp.ZeroMatrix) or e == 0
            or (isinstance(e, sp.MatrixExpr) and e.is_ZeroMatrix is True))

"""The algebra of one scalar expression, for :mod:`.vocabulary`: candidate forms of it.

The entries of an element-wise result are scalar expressions in a few symbols (the
entries of Xw, y …) and functions of them (σ(Xw), tanh …).  Here they are written over a
common denominator and cancelled (a·a⁻¹ = 1, powers of one base combined), factored with
the signs where a reader puts them (σ(1 − σ), not −σ(σ − 1)), and rewritten in the
functions' own names: eᵘ/(1 + eᵘ) = σ(u), 1/(1 + eᵘ) = σ(−u), log(1 + eᵘ) =
log1p(eᵘ) = softplus(u).  Every candidate equals the expression wherever it is defined;
:mod:`.vocabulary` chooses among them.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.polys.polyerrors import BasePolynomialError

from .functions import sigmoid, softplus

__all__ = ["MAX_DEGREE", "MAX_GENERATORS", "MAX_NODES", "SYMPY_FAILURES", "candidates",
           "in_names"]

#: Rational functions with more generators (entries, functions, traces), a higher total
#: degree or more nodes than these are not cancelled or factored: multivariate factoring
#: is exponential
MAX_GENERATORS = 10
MAX_DEGREE = 12
MAX_NODES = 300

#: What SymPy raises when a simplification does not apply (the result is then kept as is)
SYMPY_FAILURES = (ArithmeticError, TypeError, ValueError, AttributeError, KeyError,
                  NotImplementedError, RecursionError, BasePolynomialError)


def _small(e: sp.Basic) -> bool:
    for count, _ in enumerate(sp.preorder_traversal(e)):
        if count > MAX_NODES:
            return False
    return True


def _freeze(s: sp.Expr) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """s with each function, trace and determinant as a symbol (generators of a rational
    function); the map back."""
    table: dict[sp.Symbol, sp.Expr] = {}
    forward: dict[sp.Expr, sp.Symbol] = {}

    def walk(x: sp.Expr) -> sp.Expr:
        if isinstance(x, sp.Add | sp.Mul):
            return x.func(*(walk(a) for a in x.args))
        if isinstance(x, sp.Pow) and x.exp.is_Integer:
            return walk(x.base) ** x.exp
        if x.is_Atom:
            return x
        if x not in forward:
            forward[x] = sp.Symbol(f"_g{len(forward)}", real=True)
            table[forward[x]] = x
        return forward[x]

    return walk(s), table


def _bounded(s: sp.Expr) -> bool:
    gens = s.free_symbols
    if len(gens) > MAX_GENERATORS or not _small(s):
        return False
    try:
        num, den = sp.fraction(sp.together(s))
        return all(sp.Poly(p, *gens).total_degree() <= MAX_DEGREE for p in (num, den)) \
            if gens else True
    except SYMPY_FAILURES:
        return False


def candidates(s: sp.Expr) -> list[sp.Expr]:
    """Candidate forms of s: the terms over a common denominator cancelled, then factored
    (with signs moved into a factor: s(1 − s), not −s(s − 1)), and the factored form with
    the factors in one function multiplied out (1 − t², not (1 − t)(1 + t))."""
    frozen, table = _freeze(in_names(s))
    out = [frozen]
    if _bounded(frozen):
        cancelled = sp.cancel(frozen)
        factored = _signs(sp.factor(cancelled))
        out = [factored, _merged(factored, table), cancelled, *_split_fraction(cancelled),
               frozen]
    return [in_names(c.xreplace(table)) for c in out]


def _signs(s: sp.Expr) -> sp.Expr:
    """Signs moved, two at a time, so that a factor in one generator starts with its
    number: −a(b − c) → a(c − b), s(s − 1)(a − b) → s(1 − s)(b − a)."""
    if not isinstance(s, sp.Mul):
        return s
    coeff, factors = s.as_coeff_mul()
    factors = list(factors)
    sums = [i for i, f in enumerate(factors) if isinstance(f, sp.Add)]
    # the factors that read better negated: σ − 1 → 1 − σ
    want = [i for i in sums if len(factors[i].free_symbols) == 1
            and factors[i].as_coeff_Add()[0].is_negative]
    spare = [i for i in sums if i not in want]
    if coeff < 0:
        want.insert(0, -1)
    while want:
        i = want.pop(0)
        j = want.pop(0) if want else (spare.pop(0) if spare else None)
        if j is None:
            break
        for k in (i, j):
            if k == -1:
                coeff = -coeff
            else:
                factors[k] = -factors[k]
    return sp.Mul(coeff, *factors)


def _merged(s: sp.Expr, table: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """The factors of s that are polynomials in one and the same generator, multiplied
    out: (1 − t)(1 + t) → 1 − t²."""
    if not isinstance(s, sp.Mul):
        return s
    by_gen: dict[sp.Basic, list[sp.Expr]] = {}
    rest: list[sp.Expr] = []
    for f in s.args:
        gens = f.free_symbols
        if len(gens) == 1 and isinstance(f.as_base_exp()[0], sp.Add):
            by_gen.setdefault(next(iter(gens)), []).append(f)
        else:
            rest.append(f)
    merged = [sp.expand(sp.Mul(*fs)) if len(fs) > 1 else fs[0] for fs in by_gen.values()]
    return _signs(sp.Mul(*rest, *merged))


def _split_fraction(s: sp.Expr) -> list[sp.Expr]:
    """N/D as Σ nᵢ/D when D has no sum in it (a·T⁻¹ − y rather than (a − yT)/T)."""
    num, den = sp.fraction(s)
    if den == 1 or den.has(sp.Add):
        return []
    return [sp.Add(*(t / den for t in sp.Add.make_args(sp.expand(num))))]


def _one_plus_exp(x: sp.Expr) -> sp.Expr | None:
    """u when x is 1 + eᵘ."""
    if isinstance(x, sp.Add) and len(x.args) == 2 and sp.S.One in x.args:
        other = x.args[0] if x.args[1] == 1 else x.args[1]
        if isinstance(other, sp.exp):
            return other.args[0]
    return None


def in_names(s: sp.Expr) -> sp.Expr:
    """eᵘ/(1 + eᵘ) = σ(u), (1 + eᵘ)⁻¹ = σ(−u), log(1 + eᵘ) = log1p(eᵘ) = softplus(u),
    everywhere in s."""
    if s.is_Atom or not s.args:
        return s
    if isinstance(s, sp.Mul):
        return _sigmoid_product([_inside(f) for f in s.args])
    new = s.func(*(in_names(a) for a in s.args)) if isinstance(s, sp.Expr) else s
    return _single(new)


def _inside(f: sp.Expr) -> sp.Expr:
    """A factor of a product with its insides rewritten but a power (1 + eᵘ)⁻ᵖ kept, for
    the product to pair it with eᵘ."""
    if isinstance(f, sp.Pow):
        return sp.Pow(in_names(f.base), f.exp)
    return in_names(f)


def _sigmoid_product(factors: list[sp.Expr]) -> sp.Expr:
    """eᵠᵘ(1 + eᵘ)⁻ᵖ = σ(u)^q σ(−u)^(p−q) for integers 0 ≤ q ≤ p."""
    powers: dict[sp.Expr, int] = {}
    rest: list[sp.Expr] = []
    for f in factors:
        u = _one_plus_exp(f.base) if isinstance(f, sp.Pow) else None
        if u is not None and f.exp.is_Integer and f.exp < 0:
            powers[u] = powers.get(u, 0) - int(f.exp)
        else:
            rest.append(f)
    out: list[sp.Expr] = []
    for f in rest:
        if isinstance(f, sp.exp):
            for u, p in powers.items():
                q = sp.cancel(f.args[0] / u)
                if q.is_Integer and 0 < q <= p:
                    out.append(sigmoid(u) ** q)
                    powers[u] = p - int(q)
                    break
            else:
                out.append(f)
        else:
            out.append(_single(f))
    out.extend(sigmoid(-u) ** p for u, p in powers.items() if p)
    return sp.Mul(*out)


def _single(s: sp.Expr) -> sp.Expr:
    if isinstance(s, sp.log | log1p):
        u = _one_plus_exp(s.args[0]) if isinstance(s, sp.log) else (
            s.args[0].args[0] if isinstance(s.args[0], sp.exp) else None)
        if u is not None:
            return softplus(u)
    if isinstance(s, sp.Pow) and s.exp.is_Integer and s.exp < 0:
        u = _one_plus_exp(s.base)
        if u is not None:
            return sigmoid(-u) ** (-s.exp)
    return s


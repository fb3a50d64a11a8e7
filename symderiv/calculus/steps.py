"""The element-wise engine's symbolic derivation, recorded as steps.

:func:`derive` does what talk A does by hand: write f in index form, differentiate by
a generic entry x_k (the case split for a quadratic term, Kronecker deltas otherwise),
use the declared symmetries, put diagonal terms back into their sums and read the
result back as a matrix expression.  Sums such as ‖y − Xw‖² are multiplied out first
and each term is derived on its own.  Every step is a :class:`Step` — data that the
printers in :mod:`symderiv.render` spell and :func:`symderiv.explain.verify` checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..errors import UnsupportedError
from ..forms import norm_operand, term_order
from ..space import Space
from . import indexform as ix
from . import matrix as mf
from .indexform import Entry, Index, IndexExpr

__all__ = ["EntryOf", "Nabla", "Partial", "Reason", "Step", "derive", "entry_letters"]


# -- what the steps say ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Partial:
    """∂f/∂x_k (``of`` a matrix expression) or ∂/∂x_k (…) (``of`` an index form);
    ``by`` lists the entries innermost first, so ∂²f/∂x_l∂x_k is ``by=(x_k, x_l)``."""

    of: Any
    by: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class EntryOf:
    """Entry ``indices`` of a matrix expression: (2Ax)_k."""

    matrix: Any
    indices: tuple[Index, ...]


@dataclass(frozen=True, slots=True)
class Nabla:
    """∇g (order 1) or ∇²g (order 2) with respect to ``wrt``."""

    of: Any
    order: int
    wrt: str


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a step holds; printers spell it.

    ``kind`` is one of ``index form``, ``norm`` (‖v‖² = vᵀv), ``multiply out``,
    ``cases`` (the talk's case split; args: index pairs, k, x_k), ``differentiate``,
    ``delta`` (∂x_i/∂x_k = δ_ik; args: the two entries and the deltas), ``resolve``,
    ``symmetry`` (args: (matrix, entry name) pairs), ``absorb`` (args: k),
    ``read back``, ``add terms`` (args: terms free of the variable, variable),
    ``collect``, ``from gradient``, ``constant`` (f does not depend on the variable).
    """

    kind: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    """One line of a derivation: ``lhs = rhs`` (a new chain) or ``= rhs`` (lhs None),
    with the reason for it."""

    lhs: Any
    rhs: Any
    reason: Reason | None = None



# -- the derivation ------------------------------------------------------------------------
def entry_letters(space: Space) -> dict[str, str]:
    """a_ij for a matrix A, unless a symbol named a is declared too."""
    out = {}
    for name, decl in space.declarations.items():
        low = name.lower()
        out[name] = low if decl.kind == "matrix" and low != name and \
            low not in space.declarations else name
    return out


def _free(space: Space, wrt: str, names: tuple[str, ...]) -> tuple[Index, ...]:
    decl = space.get(wrt)
    if decl.kind == "scalar":
        return ()
    rows, cols = decl.shape
    if decl.kind == "vector" or cols == 1:
        return (Index(names[0], rows),)
    return (Index(names[0], rows), Index(names[1], cols))


def _matrix_terms(f: sp.Basic) -> list[sp.Basic]:
    """f as a sum of scalar terms, products multiplied out: ‖y − Xw‖² gives
    yᵀy − yᵀXw − wᵀXᵀy + wᵀXᵀXw (each a trace of a 1×1 product)."""
    if isinstance(f, sp.Add):
        return [t for a in f.args for t in _matrix_terms(a)]
    if isinstance(f, sp.Mul):
        scalars = [a for a in f.args if not isinstance(a, sp.Trace | sp.Add)]
        inner = [a for a in f.args if isinstance(a, sp.Trace | sp.Add)]
        if len(inner) == 1:
            c = sp.Mul(*scalars)
            return [c * t for t in _matrix_terms(inner[0])]
        return [f]
    if isinstance(f, sp.Trace) and f.arg.shape == (1, 1):
        expanded = sp.expand(f.arg)
        return [sp.Trace(t) for t in sp.MatAdd.make_args(expanded)]
    return [f]


FREE_NAMES = (("k", "l"), ("q", "r"), ("s", "t"), ("u", "v"))


def _reserved(space: Space, f: sp.Basic) -> set[str]:
    """Names an index must not take: the declared symbols, f's scalars, the dimensions."""
    out = set(space.declarations) | {d.name for d in space.dim_symbols}
    out |= {str(s.name) for s in f.free_symbols if isinstance(s, sp.Symbol)}
    out |= {str(m.name) for m in f.atoms(sp.MatrixSymbol)}
    return out


def _free_names(space: Space, f: sp.Basic) -> tuple[str, str]:
    """k and l for ∂/∂x_k and ∂/∂x_l — unless a symbol is called k or l."""
    reserved = _reserved(space, f)
    return next((p for p in FREE_NAMES if not set(p) & reserved), ("k'", "l'"))


def _has_groups(e: IndexExpr) -> bool:
    """Whether e has a parenthesised sum worth showing before it is multiplied out."""
    return any(isinstance(x, ix.Group) and (len(x.expr.terms) > 1 or x.expr.terms[0].sums
                                            or len(x.expr.terms[0].factors) > 1)
               for t in e.terms for x in t.factors)


def _gram_operand(f: sp.Basic) -> sp.Basic | None:
    """v when f = ‖v‖² = tr(vᵀv) for a v that is not a single symbol (worth expanding)."""
    if isinstance(f, sp.Trace) and f.arg.shape == (1, 1):
        v = norm_operand(f.arg)
        if v is not None and not isinstance(v, sp.MatrixSymbol):
            return v
    return None


@dataclass(frozen=True, slots=True)
class _Derivation:
    """What the steps of one derivation share: the space, the variable ``wrt`` and its
    generic entry x_k (indices ``at``), the name ``col`` of the second index (l in
    ∂²f/∂x_l∂x_k), the symmetric matrices, the entry letters, the names an index must
    not take, and the steps written so far."""

    space: Space
    wrt: str
    at: tuple[Index, ...]
    col: str
    symmetric: set[str]
    names: dict[str, str]
    taken: set[str]
    steps: list[Step]

    @property
    def hat(self) -> tuple[Index, ...]:
        """The second index, l, for the Hessian (none for a scalar variable)."""
        return (Index(self.col, self.at[0].dim),) if self.at else ()


def _derive_index(d: _Derivation, of: Any, g: IndexExpr, at: tuple[Index, ...],
                  by: tuple[Entry, ...]) -> IndexExpr:
    """The steps from ∂g/∂var_at to a tidy index form of it; returns that form."""
    var, steps = d.wrt, d.steps
    lhs = Partial(of, by)
    free_names = d.taken
    dep = [t for t in g.terms if ix.var_entries(t, var)]
    vector = len(at) == 1 and d.space.get(var).kind == "vector"
    k = at[0] if at else None
    if vector and dep and all(ix.splittable(t, var) for t in dep):
        split = IndexExpr(tuple(c for t in dep for c in ix.case_split(t, var, k).terms))
        pairs = tuple(sorted({tuple(sorted(i.name for x in ix.var_entries(t, var)
                                           for i in x.indices)) for t in dep}))
        steps.append(Step(lhs, Partial(split, (by[-1],)),
                          Reason("cases", (pairs, k.name, Entry(var, at)))))
        cur = ix.collect(ix.differentiate(split, var, at))
        steps.append(Step(None, cur, Reason("differentiate")))
    else:
        raw = ix.collect(ix.differentiate(g, var, at))
        if any(isinstance(f, ix.Delta) for t in raw.terms for f in t.factors):
            t0 = next(t for t in g.terms if ix.var_entries(t, var))
            x = ix.var_entries(t0, var)[0]
            deltas = tuple(ix.Delta(i, a) for i, a in zip(x.indices, at, strict=True))
            steps.append(Step(lhs, raw, Reason("delta", (x, Entry(var, at), deltas))))
            cur = ix.tidy(ix.collect(ix.resolve_deltas(raw)), var=var, taken=free_names)
            steps.append(Step(None, cur, Reason("resolve")))
        else:
            cur = ix.tidy(ix.collect(raw), var=var, taken=free_names)
            steps.append(Step(lhs, cur, Reason("differentiate")))
    sym, used = ix.use_symmetry(cur, d.symmetric)
    if used:
        cur = ix.collect(sym)
        steps.append(Step(None, cur, Reason("symmetry", tuple((u, d.names.get(u, u))
                                                              for u in used))))
    absorbed = ix.collect(ix.absorb(cur, d.symmetric))
    if absorbed != cur:
        cur = absorbed
        steps.append(Step(None, cur, Reason("absorb", (k.name if k else "",))))
    return ix.tidy(cur, var=var, taken=free_names)


def derive(task: str, f: sp.Basic, wrt: str, space: Space
           ) -> tuple[list[Step], sp.Basic, IndexExpr]:
    """The element-wise derivation: steps, the matrix result, its index form.

    Raises UnsupportedError where the index form does not reach (exp, log, inverses).
    """
    var = space.symbol(wrt)
    decl = space.get(wrt)
    if task == "hessian" and decl.kind == "matrix" and decl.dims[1] != 1:
        raise UnsupportedError(f"the Hessian with respect to the matrix {wrt} is a 4-index "
                               "tensor")
    symmetric = {n for n, other in space.declarations.items()
                 if other.kind == "matrix" and {"symmetric", "positive definite", "diagonal"}
                 & set(other.assumptions)}
    row, col = _free_names(space, f)
    d = _Derivation(space, wrt, _free(space, wrt, (row, col)), col, symmetric,
                    entry_letters(space), {row, col} | _reserved(space, f), [])
    terms = _terms(d, f)
    if not any(t.has(var) for t in terms):
        return _constant(d, task, f)
    total, index_sum = _gradient(d, f, terms, var)
    if task == "gradient":
        return d.steps, total, index_sum
    g = ix.tidy(index_sum, var=wrt, taken=d.taken)
    d.steps.append(Step(Partial(f, (Entry(wrt, d.at),)), g, Reason("from gradient")))
    by_l = (Entry(wrt, d.at), Entry(wrt, d.hat))
    h = _derive_index(d, f, g, d.hat, by_l)
    free = d.at + d.hat
    hm = mf.canonical(ix.to_matrix(h, free, space), space)
    if free:
        d.steps.append(Step(None, EntryOf(hm, free), Reason("read back")))
    d.steps.append(Step(Nabla(f, 2, wrt), hm))
    return d.steps, hm, h


def _terms(d: _Derivation, f: sp.Basic) -> list[sp.Basic]:
    """The terms of f derived one by one (f itself when it is one), and the steps that
    multiply f out into them."""
    terms = sorted(_matrix_terms(f), key=lambda t: term_order(t.arg if isinstance(
        t, sp.Trace) else t))  # derived in the order the multiplied-out line shows them
    if len(terms) == 1:
        return [f]
    gram = _gram_operand(f)
    if gram is not None:
        d.steps.append(Step(f, sp.MatMul(sp.Transpose(gram), gram), Reason("norm")))
        d.steps.append(Step(None, _shown_sum(terms), Reason("multiply out")))
    else:
        d.steps.append(Step(f, _shown_sum(terms), Reason("multiply out")))
    return terms


def _constant(d: _Derivation, task: str, f: sp.Basic
              ) -> tuple[list[Step], sp.Basic, IndexExpr]:
    """The derivation of an f that does not depend on the variable: zero."""
    d.steps.append(Step(Nabla(f, 1, d.wrt), _zero(d.at), Reason("constant", (d.wrt,))))
    if task == "gradient":
        return d.steps, _zero(d.at), ix.ZERO
    d.steps.append(Step(Nabla(f, 2, d.wrt), _zero(d.at + d.hat) if d.at else sp.Integer(0),
                        Reason("constant", (d.wrt,))))
    return d.steps, _zero(d.at + d.hat) if d.at else sp.Integer(0), ix.ZERO


def _gradient(d: _Derivation, f: sp.Basic, terms: list[sp.Basic], var: sp.Basic
              ) -> tuple[sp.Basic, IndexExpr]:
    """The gradient term by term, then added up: the matrix result and its index form."""
    results: list[sp.Basic] = []
    index_sum = ix.ZERO
    for term in terms:
        if not term.has(var):
            results.append(_zero(d.at))
            continue
        m, gk = _gradient_term(d, term)
        results.append(m)
        index_sum = index_sum + gk
    index_sum = ix.collect(index_sum)
    if len(terms) == 1:
        return results[0], index_sum
    total = mf.canonical(_sum(results, d.at), d.space)
    free_terms = tuple(t.arg if isinstance(t, sp.Trace) else t  # yᵀy as on the line above
                       for t in terms if not t.has(var))
    d.steps.append(Step(Nabla(f, 1, d.wrt), _sum(results, d.at, evaluate=False),
                        Reason("add terms", (free_terms, d.wrt))))
    d.steps.append(Step(None, total, Reason("collect")))
    return total, index_sum


def _gradient_term(d: _Derivation, term: sp.Basic) -> tuple[sp.Basic, IndexExpr]:
    """One term's gradient: its index form, derived entry by entry, read back."""
    g = ix.check_size(ix.tidy(ix.collect(ix.expand(ix.to_index(term, d.space))), var=d.wrt,
                              taken=d.taken))
    nested = ix.to_index(term, d.space, nested=True, taken=d.taken)
    if _has_groups(nested):
        d.steps.append(Step(term, nested, Reason("index form")))
        d.steps.append(Step(None, g, Reason("multiply out")))
    else:
        d.steps.append(Step(term, g, Reason("index form")))
    gk = _derive_index(d, term, g, d.at, (Entry(d.wrt, d.at),))
    m = mf.canonical(ix.to_matrix(gk, d.at, d.space), d.space)
    if d.at:
        d.steps.append(Step(None, EntryOf(m, d.at), Reason("read back")))
    d.steps.append(Step(Nabla(term, 1, d.wrt), m))
    return m, gk


def _shown_sum(terms: list[sp.Basic]) -> sp.Basic:
    """yᵀy − yᵀXw − … as written: a sum of 1×1 products where every term is one."""
    if all(isinstance(t, sp.Trace) and t.arg.shape == (1, 1) for t in terms):
        return sp.MatAdd(*(t.arg for t in terms), evaluate=False)
    return sp.Add(*terms, evaluate=False)


def _zero(at: tuple[Index, ...]) -> sp.Basic:
    if not at:
        return sp.Integer(0)
    return sp.ZeroMatrix(at[0].dim, at[1].dim if len(at) > 1 else 1)


def _sum(parts: list[sp.Basic], at: tuple[Index, ...], *, evaluate: bool = True) -> sp.Basic:
    if not at:
        return sp.Add(*parts, evaluate=evaluate)
    nonzero = [p for p in parts if not isinstance(p, sp.ZeroMatrix)] or parts[:1]
    return sp.MatAdd(*nonzero, evaluate=evaluate) if len(nonzero) > 1 else nonzero[0]



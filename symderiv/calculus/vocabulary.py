"""A derived result in the reader's vocabulary: σ, softplus, softmax, factored.

The canonical form (:mod:`.canonical`) is the form in which results are *compared*: it
expands products over sums, so equal results are written alike.  A person reads them
otherwise: ``Xᵀ(σ(Xw) − y)``, not a sum of eight Hadamard products.  :func:`present`
rewrites a result for printing only, after every comparison, by identities alone:

* the entries of an element-wise expression (sums, Hadamard products and powers, functions
  applied entry by entry, all of one shape) form a commutative algebra, so such an
  expression is read as a scalar expression in its entries, simplified there (powers of
  one base combine, a∘a⁻¹ = 𝟙 where defined, fractions cancel, factors are pulled out)
  and written back;
* eᵘ/(1 + eᵘ) = σ(u), 1/(1 + eᵘ) = σ(−u), log(1 + eᵘ) = log1p(eᵘ) = softplus(u);
* exp(z)/Σexp(z) = softmax(z) (held as :class:`Softmax`, a unit for the printers), in a
  product, a diagonal, an inner product or entry by entry;
* A B + A C = A(B + C) when what is left is element-wise with a function of the table
  (Xᵀσ(Xw) − Xᵀσ(Xw)² becomes Xᵀ(σ(Xw) ∘ (1 − σ(Xw)))).

Among the candidate forms (:mod:`.entry_algebra` makes them) the one with the fewest
symbols wins, a factored one on a tie
(σ(1 − σ), but 1 − tanh² rather than (1 − tanh)(1 + tanh)).  Every step is bounded:
expressions beyond :data:`PRESENT_LIMIT` nodes, or polynomials with more than
:data:`MAX_GENERATORS` generators or degree :data:`MAX_DEGREE`, are left as they are, and
a failure inside SymPy leaves the result as derived.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from .entry_algebra import MAX_DEGREE, MAX_GENERATORS, SYMPY_FAILURES, candidates, in_names
from .functions import elementwise, lookup

__all__ = ["MAX_DEGREE", "MAX_GENERATORS", "PRESENT_LIMIT", "Softmax", "logsumexp_operand",
           "present", "without_vocabulary"]

#: Results with more nodes than this are printed as derived (simplifying them would cost
#: more than reading them: such results are read by machines); the logistic loss's
#: Hessian has 1,034 and takes about a second
PRESENT_LIMIT = 1500


class Softmax(sp.MatrixExpr):
    """softmax(z) = exp(z)/Σexp(z) of a column vector z, held as one node for printing.

    Only :func:`present` makes it; :attr:`definition` (and :func:`without_vocabulary`)
    writes it back as the composition every other part of symderiv evaluates and
    differentiates.
    """

    def __new__(cls, z: sp.MatrixExpr) -> Softmax:
        return super().__new__(cls, z)

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.args[0].shape

    @property
    def definition(self) -> sp.MatrixExpr:
        """(1/Σexp(z))·exp(z), as the parser writes softmax(z)."""
        e = elementwise(sp.exp, self.arg)
        return sp.MatMul(1 / _sum_of(e), e)

    def doit(self, **hints: object) -> Softmax:
        # kept whole: SymPy calls doit() as it goes (a transpose of a transpose)
        return Softmax(self.arg.doit(**hints)) if hints.get("deep", True) else self


def without_vocabulary(e: sp.Basic) -> sp.Basic:
    """``e`` with every :class:`Softmax` written as its definition (for evaluation)."""
    return e.replace(lambda x: isinstance(x, Softmax), lambda x: x.definition)


@functools.lru_cache(maxsize=256)  # a verdict spells its result several times
def present(e: sp.Basic) -> sp.Basic:
    """``e`` as a reader writes it: equal in value wherever ``e`` is defined.

    Examples
    --------
    >>> import sympy as sp
    >>> from symderiv.calculus.functions import elementwise, sigmoid
    >>> m, n = sp.symbols("m n", integer=True, positive=True)
    >>> X, w = sp.MatrixSymbol("X", m, n), sp.MatrixSymbol("w", n, 1)
    >>> s = elementwise(sigmoid, X * w)
    >>> from symderiv.render.printing import to_input
    >>> to_input(present(X.T * s - X.T * sp.HadamardPower(s, 2)))
    'X.T @ (sigmoid(X @ w) * (1 - sigmoid(X @ w)))'
    """
    if _nodes(e, PRESENT_LIMIT) > PRESENT_LIMIT:
        return e
    try:
        return _present(e)
    except SYMPY_FAILURES:
        return e


# -- shapes of expressions -----------------------------------------------------------------------
def _nodes(e: sp.Basic, limit: int) -> int:
    count = 0
    for count, _ in enumerate(sp.preorder_traversal(e), start=1):
        if count > limit:
            break
    return count


def _transposed(m: sp.MatrixExpr) -> sp.MatrixExpr:
    """mᵀ with the transpose taken inside entry-wise functions (exp(zᵀ) = exp(z)ᵀ)."""
    if isinstance(m, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(m.function, _transposed(m.expr))
    if isinstance(m, sp.Transpose):
        return m.arg
    if isinstance(m, Softmax):  # doit() would write it out
        return sp.Transpose(m)
    return sp.Transpose(m).doit()


def _sum_of(m: sp.MatrixExpr) -> sp.Expr:
    """Σ of the entries of a column vector m, as the parser writes sum(m)."""
    return sp.Trace(sp.MatMul(sp.OneMatrix(1, m.rows), m))


def _summand(t: sp.Basic) -> sp.MatrixExpr | None:
    """v when t is Σv (𝟙ᵀv or vᵀ𝟙, a 1×1 trace) of a column vector v."""
    if not isinstance(t, sp.Trace) or not isinstance(t.arg, sp.MatMul):
        return None
    coeff, mats = t.arg.as_coeff_matrices()
    mats = [m for m in mats if not (isinstance(m, sp.OneMatrix) and m.shape == (1, 1))]
    if coeff != 1 or len(mats) != 2:
        return None
    first, second = mats
    if isinstance(first, sp.OneMatrix) and first.rows == 1 and second.cols == 1:
        return second
    if isinstance(second, sp.OneMatrix) and second.cols == 1 and first.rows == 1:
        return _transposed(first)
    return None


def _exp_operand(m: sp.Basic) -> sp.MatrixExpr | None:
    """z when m is exp(z) entry by entry."""
    if isinstance(m, ElementwiseApplyFunction) and m.function.expr == sp.exp(
            m.function.variables[0]):
        return m.expr
    return None


def _softmax_total(t: sp.Basic) -> sp.MatrixExpr | None:
    """z when t is Σexp(z) for a column vector z."""
    v = _summand(t)
    return _exp_operand(v) if v is not None else None


def logsumexp_operand(e: sp.Basic) -> sp.MatrixExpr | None:
    """z when e is log(Σexp(z)) = logsumexp(z), for the printers."""
    return _softmax_total(e.args[0]) if isinstance(e, sp.log) else None


# -- the whole expression ------------------------------------------------------------------------
def _present(e: sp.Basic) -> sp.Basic:
    if not e.args or isinstance(e, sp.MatrixSymbol | sp.Symbol | sp.Lambda | sp.Number):
        return e
    if isinstance(e, sp.MatrixExpr):
        return _present_matrix(e)
    if isinstance(e, sp.Trace):
        z = _softmax_total(e)
        if z is not None:  # one spelling of Σexp(z), so that totals cancel
            return _sum_of(elementwise(sp.exp, _present(z)))
        return _inner(e) or sp.Trace(_present(e.arg))
    if isinstance(e, sp.Add | sp.Mul | sp.Pow) or lookup(e) is not None:
        return _Region(None).simplest(e)
    return e.func(*(_present(a) for a in e.args))


def _inner(t: sp.Trace) -> sp.Expr | None:
    """aᵀb = Σ(a∘b) when the entry-wise product simplifies: exp(z)ᵀ(y∘exp(−z)) = Σy."""
    if not isinstance(t.arg, sp.MatMul):
        return None
    coeff, mats = t.arg.as_coeff_matrices()
    if len(mats) != 2 or mats[0].rows != 1 or mats[1].cols != 1 or mats[1].rows == 1:
        return None
    a, b = _transposed(mats[0]), mats[1]
    if not (_has_function(a) or _has_function(b)):
        return None
    region = _Region(b.shape)
    best = region.simplest(region.entry(sp.HadamardProduct(a, b)))
    scalar, entries = best.as_independent(*region.leaves, as_Add=False)  # Σ(c·v) = c·Σv
    if not entries.free_symbols & region.leaves.keys():
        return None
    summed = scalar * _sum_of(region.matrix(entries))
    return _present(coeff) * summed if _nodes(summed, 10**4) < _nodes(t, 10**4) else None


def _zero_product(t: sp.Basic) -> bool:
    """A zero matrix, or a product with a zero matrix among its factors."""
    if isinstance(t, sp.ZeroMatrix):
        return True
    return isinstance(t, sp.MatMul) and any(isinstance(a, sp.ZeroMatrix) for a in t.args)


def _present_matrix(e: sp.MatrixExpr) -> sp.MatrixExpr:
    if _is_region(e):
        return _Region(e.shape).rewrite(e)
    if isinstance(e, sp.MatAdd):
        # a term whose entries cancel (Xᵀ(σ²/(1 − σ) − …) = Xᵀ0) is left out
        terms = [t for t in (_present(t) for t in e.args) if not _zero_product(t)]
        if not terms:
            return sp.ZeroMatrix(*e.shape)
        if len(terms) == 1:
            return terms[0]
        grouped = _group(terms) or _diagonals(terms)
        if grouped is not None:
            return _present(grouped)
        return _common_number(terms)
    if isinstance(e, sp.MatMul):
        coeff, mats = e.as_coeff_matrices()
        return _signed(_absorb_totals(_present(coeff), [_present(m) for m in mats]))
    if isinstance(e, ElementwiseApplyFunction):
        return ElementwiseApplyFunction(e.function, _present(e.expr))
    return e.func(*(_present(a) for a in e.args))


# -- A B + A C = A (B + C) ------------------------------------------------------------------------
def _split(t: sp.MatrixExpr) -> tuple[sp.Expr, list[sp.MatrixExpr]]:
    if isinstance(t, sp.MatMul):
        coeff, mats = t.as_coeff_matrices()
        return coeff, list(mats)
    return sp.Integer(1), [t]


def _group(terms: list[sp.MatrixExpr]) -> sp.MatrixExpr | None:
    """The sum with the largest set of terms that share a first (or last) factor A
    grouped as A(B + C), when B + C has a function of the table or an entry-wise
    product in it; None when no set does.  (Other sums keep the canonical form's
    terms: −2Xᵀy + 2XᵀXw, as the docs and the talk write it.)"""
    parts = [_split(t) for t in terms]
    best: tuple[int, sp.MatrixExpr, list[int]] | None = None
    for side in (-1, 0):
        groups: dict[sp.Basic, list[int]] = {}
        for i, (_, mats) in enumerate(parts):
            if len(mats) > 1:
                groups.setdefault(mats[side], []).append(i)
        for common, members in groups.items():
            if len(members) < 2 or (best is not None and len(members) <= len(best[2])):
                continue
            rests = [_product(parts[i][0], parts[i][1][1:] if side == 0 else parts[i][1][:-1])
                     for i in members]
            inner = sp.MatAdd(*rests)
            if len({r.shape for r in rests}) != 1 or not inner.has(
                    ElementwiseApplyFunction, Softmax, sp.HadamardProduct, sp.HadamardPower):
                continue
            best = (side, sp.MatMul(common, inner) if side == 0 else sp.MatMul(inner, common),
                    members)
    if best is None:
        return None
    _, product, members = best
    others = [t for i, t in enumerate(terms) if i not in members]
    return product if not others else sp.MatAdd(product, *others)


def _diagonals(terms: list[sp.MatrixExpr]) -> sp.MatrixExpr | None:
    """c₁diag(u) + c₂diag(v) = diag(c₁u + c₂v), when u or v has a function of the table."""
    diags, others = [], []
    for t in terms:
        coeff, mats = _split(t)
        if len(mats) == 1 and isinstance(mats[0], DiagMatrix):
            diags.append(_product(coeff, [mats[0].args[0]]))
        else:
            others.append(t)
    if len(diags) < 2 or not any(_has_function(d) for d in diags):
        return None
    merged = DiagMatrix(sp.MatAdd(*diags))
    return merged if not others else sp.MatAdd(merged, *others)


def _has_function(m: sp.Basic) -> bool:
    return m.has(ElementwiseApplyFunction, Softmax)


def _common_number(terms: list[sp.MatrixExpr]) -> sp.MatrixExpr:
    """2a − 2b = 2(a − b) in a sum with a function of the table (a least-squares sum keeps
    its canonical terms)."""
    total = sp.MatAdd(*terms)
    coeffs = [sp.sympify(_split(t)[0]).as_coeff_Mul()[0] for t in terms]
    if len(terms) < 2 or not _has_function(total) or not all(c.is_Rational for c in coeffs):
        return total
    common = sp.gcd_list([abs(c) for c in coeffs])
    if all(c.is_negative for c in coeffs):
        common = -common
    if common in (0, 1):
        return total
    return sp.MatMul(common, sp.MatAdd(*(_product(_split(t)[0] / common, _split(t)[1])
                                        for t in terms)))


def _signed(m: sp.MatrixExpr) -> sp.MatrixExpr:
    """−cA(u − v) = cA(v − u): a minus goes into the sum a product ends with."""
    if not isinstance(m, sp.MatMul):
        return m
    coeff, mats = m.as_coeff_matrices()
    if not (sp.sympify(coeff).as_coeff_Mul()[0].is_negative and isinstance(mats[-1], sp.MatAdd)
            and _has_function(mats[-1])):
        return m
    flipped = sp.MatAdd(*(_product(-_split(t)[0], _split(t)[1]) for t in mats[-1].args))
    return _product(-coeff, [*mats[:-1], flipped])


# -- softmax in products ---------------------------------------------------------------------------
def _absorb_totals(coeff: sp.Expr, mats: list[sp.MatrixExpr]) -> sp.MatrixExpr:
    """c/Σexp(z) · … exp(z) … = c · … softmax(z) …: each 1/Σexp(z) of the coefficient
    goes into one exp(z) of the product (a factor, its transpose, a diagonal, a Hadamard
    factor) or of an inner product in the coefficient."""
    factors = sp.Mul.make_args(coeff)
    pending: dict[sp.MatrixExpr, int] = {}
    totals: dict[sp.MatrixExpr, sp.Expr] = {}  # Σexp(z) as written (𝟙ᵀexp(z) or exp(zᵀ)𝟙)
    kept: list[sp.Expr] = []
    for f in factors:
        base, power = f.as_base_exp()
        z = _softmax_total(base)
        if z is not None and power.is_Integer and power < 0:
            pending[z] = pending.get(z, 0) - int(power)
            totals[z] = base
        else:
            kept.append(f)
    if not pending:
        return _product(coeff, mats)
    mats = list(mats)
    for i, m in enumerate(mats):
        mats[i] = _softmax_in(m, pending)
    kept = [_softmax_in_scalar(f, pending) for f in kept]
    rest = [totals[z] ** -k for z, k in pending.items() if k]
    return _product(sp.Mul(*kept, *rest), mats)


def _softmax_in(m: sp.MatrixExpr, pending: dict[sp.MatrixExpr, int]) -> sp.MatrixExpr:
    """m with exp(z) → softmax(z) where a pending 1/Σexp(z) is left (one use each)."""
    def take(z: sp.MatrixExpr | None) -> bool:
        if z is None or not pending.get(z):
            return False
        pending[z] -= 1
        return True

    z = _exp_operand(m)
    if take(z):
        return Softmax(z)
    if isinstance(m, sp.Transpose) and take(_exp_operand(m.arg)):
        return sp.Transpose(Softmax(m.arg.expr))
    if isinstance(m, ElementwiseApplyFunction) and m.rows == 1:
        z = _exp_operand(m)
        zt = _transposed(z) if z is not None else None
        if take(zt):
            return sp.Transpose(Softmax(zt))
    if isinstance(m, DiagMatrix) and take(_exp_operand(m.args[0])):
        return DiagMatrix(Softmax(m.args[0].expr))
    if isinstance(m, sp.HadamardProduct):
        args = list(m.args)
        for i, a in enumerate(args):
            if take(_exp_operand(a)):
                args[i] = Softmax(a.expr)
                return sp.HadamardProduct(*args)
    return m


def _softmax_in_scalar(f: sp.Expr, pending: dict[sp.MatrixExpr, int]) -> sp.Expr:
    """An inner product exp(z)ᵀv (a 1×1 trace) of the coefficient with softmax(z)."""
    if not pending or not isinstance(f, sp.Trace) or not isinstance(f.arg, sp.MatMul):
        return f
    coeff, mats = f.arg.as_coeff_matrices()
    if len(mats) != 2:
        return f
    row, col = mats
    z = _exp_operand(_transposed(row)) if row.rows == 1 else None
    if z is not None and pending.get(z):
        pending[z] -= 1
        return sp.Trace(sp.MatMul(coeff, sp.Transpose(Softmax(z)), col))
    z = _exp_operand(col)
    if z is not None and pending.get(z):
        pending[z] -= 1
        return sp.Trace(sp.MatMul(coeff, row, Softmax(z)))
    return f


def _product(coeff: sp.Expr, mats: list[sp.MatrixExpr]) -> sp.MatrixExpr:
    """c·M₁M₂…, one flat product (a nested one would hide its first factor)."""
    if not mats:
        return coeff
    flat = [f for m in mats for f in (m.args if isinstance(m, sp.MatMul) else (m,))]
    coeff = coeff * sp.Mul(*(f for f in flat if not isinstance(f, sp.MatrixExpr)))
    flat = [f for f in flat if isinstance(f, sp.MatrixExpr)]
    if coeff == 1:
        return flat[0] if len(flat) == 1 else sp.MatMul(*flat)
    return sp.MatMul(coeff, *flat)


# -- element-wise expressions as scalar expressions in their entries -----------------------------
def _elementwise_body(m: ElementwiseApplyFunction) -> sp.Expr | None:
    """The Lambda's body when it is built from the table's functions and arithmetic."""
    body = m.function.expr
    for node in sp.preorder_traversal(body):
        if isinstance(node, sp.Function) and lookup(node) is None:
            return None
    return body


def _is_region(m: sp.Basic) -> bool:
    """True when m is element-wise (not 1×1) with a function, a Hadamard product or
    power, or a softmax at its top level (not inside a matrix product)."""
    if not isinstance(m, sp.MatrixExpr) or m.shape == (1, 1):
        return False

    def level(x: sp.Basic) -> bool:
        if isinstance(x, ElementwiseApplyFunction | sp.HadamardProduct | sp.HadamardPower
                      | Softmax):
            return True
        if isinstance(x, sp.MatAdd):
            return any(level(a) for a in x.args)
        if isinstance(x, sp.MatMul):
            _, mats = x.as_coeff_matrices()
            return len(mats) == 1 and level(mats[0])
        return False

    return level(m)


class _Region:
    """An element-wise expression of one shape as a scalar expression in its entries.

    Each operand that is not element-wise (Xw, y, Vᵀy, softmax(z)) becomes a real symbol,
    its *leaf*; sums, Hadamard products and powers become +, · and powers; a function
    applied entry by entry becomes the function; scalar factors stay.  ``shape`` is None
    for a scalar expression (then there are no leaves).
    """

    def __init__(self, shape: tuple[sp.Expr, sp.Expr] | None) -> None:
        self.shape = shape
        self.leaves: dict[sp.Symbol, sp.MatrixExpr] = {}
        self.symbols: dict[sp.MatrixExpr, sp.Symbol] = {}

    # matrix → scalar
    def leaf(self, m: sp.MatrixExpr) -> sp.Symbol:
        if m not in self.symbols:
            s = sp.Symbol(f"_leaf{len(self.symbols)}", real=True)
            self.symbols[m], self.leaves[s] = s, m
        return self.symbols[m]

    def entry(self, m: sp.MatrixExpr) -> sp.Expr:
        if isinstance(m, sp.OneMatrix):
            return sp.Integer(1)
        if isinstance(m, sp.ZeroMatrix):
            return sp.Integer(0)
        if isinstance(m, sp.MatAdd):
            return sp.Add(*(self.entry(a) for a in m.args))
        if isinstance(m, sp.HadamardProduct):
            return sp.Mul(*(self.entry(a) for a in m.args))
        if isinstance(m, sp.HadamardPower):
            return sp.Pow(self.entry(m.args[0]), m.args[1])
        if isinstance(m, sp.MatMul):
            coeff, mats = m.as_coeff_matrices()
            if coeff != 1:  # c·AB: the leaf is AB
                return _present(coeff) * self.entry(_product(sp.Integer(1), list(mats)))
        if isinstance(m, ElementwiseApplyFunction):
            body = _elementwise_body(m)
            if body is not None:
                (d,) = m.function.variables
                return body.xreplace({d: self.entry(m.expr)})
        return self.leaf(m if isinstance(m, Softmax) else _present(m))

    # scalar → matrix
    def matrix(self, s: sp.Expr) -> sp.MatrixExpr:
        assert self.shape is not None
        if not (s.free_symbols & self.leaves.keys()):
            ones = sp.OneMatrix(*self.shape)
            return sp.ZeroMatrix(*self.shape) if s == 0 else _product(s, [ones])
        if s in self.leaves:
            return self.leaves[s]  # type: ignore[index]
        if isinstance(s, sp.Add):
            terms = [self.matrix(t) for t in s.args]
            return _group(terms) or sp.MatAdd(*terms)  # V(tanh(Wx)) − Vy = V(tanh(Wx) − y)
        if isinstance(s, sp.Mul):
            coeff, rest = s.as_independent(*self.leaves, as_Add=False)
            parts = sorted(sp.Mul.make_args(rest), key=self._order)
            body = (self.matrix(parts[0]) if len(parts) == 1 else
                    sp.HadamardProduct(*(self.matrix(p) for p in parts)))
            return _product(coeff, [body])
        if isinstance(s, sp.Pow):
            return sp.HadamardPower(self.matrix(s.base), s.exp)
        f = lookup(s)
        if f is not None:
            return elementwise(f.cls, self.matrix(s.args[0]), *s.args[1:])
        raise ValueError(f"no element-wise form for {s}")

    def _order(self, factor: sp.Expr) -> tuple[int, str]:
        """Hadamard factors as a person orders them: y ∘ (Xw) ∘ σ(Xw) ∘ (1 − σ(Xw)), the
        named matrices first and the divisors last."""
        base = factor.base if isinstance(factor, sp.Pow) else factor
        leaf = self.leaves.get(base)  # type: ignore[call-overload]
        rank = (0 if isinstance(leaf, sp.MatrixSymbol) else 1 if leaf is not None
                else 3 if isinstance(base, sp.Add) else 2)
        if isinstance(factor, sp.Pow) and factor.exp.is_negative:
            rank += 4
        return rank, str(self.matrix(base))

    def rewrite(self, m: sp.MatrixExpr) -> sp.MatrixExpr:
        return self.matrix(self.simplest(self.entry(m)))

    # the simplest of the candidate forms
    def weight(self, s: sp.Expr) -> int:
        total = 0
        for node in sp.preorder_traversal(s):
            if node in self.leaves:
                total += _nodes(self.leaves[node], PRESENT_LIMIT)  # type: ignore[index]
            elif node.is_Number:
                total += node not in (sp.S.One, sp.S.NegativeOne)
            else:
                total += 1
        return total

    def simplest(self, s: sp.Expr) -> sp.Expr:
        if self.shape is None:  # a scalar: its matrices inside traces are presented apart
            s = s.xreplace({a: _present(a) for a in s.atoms(sp.Trace, sp.Determinant)})
        s = s.replace(lambda x: lookup(x) is not None and x.args[0].free_symbols,
                      lambda x: x.func(self.simplest(x.args[0]), *x.args[1:]))
        forms = [in_names(s)]
        for variant in (s, *self._softmax_variants(s)):
            forms.extend(candidates(variant))
        best = forms[0]
        for c in forms[1:]:
            if self.weight(c) < self.weight(best):
                best = c
        return best

    def _softmax_variants(self, s: sp.Expr) -> list[sp.Expr]:
        """s with exp(z) = softmax(z)·Σexp(z) for each total Σexp(z) in s, when z is of
        this shape (then the algebra cancels the total against 1/Σexp(z))."""
        if self.shape is None:
            return []
        subs = {}
        for t in s.atoms(sp.Trace):
            z = _softmax_total(t)
            if z is None or z.shape != self.shape:
                continue
            u = self.entry(z)
            subs[sp.exp(u)] = self.leaf(Softmax(z)) * t
        return [s.xreplace(subs)] if subs else []

"""The scalar functions of the language, applied to scalars or entry by entry to arrays.

One table, :data:`TABLE`, says everything the rest of symderiv needs to know about each
function: its names (NumPy's and the usual aliases), its SymPy class, its derivative in
terms of its argument, how to evaluate it in floating point (complex step included), at
60 digits and exactly, where it is defined and whether it is smooth.  The parser, the
matrix-form rules, the evaluators and the printers all read this table, so a function is
added in one place.

Non-smooth functions (``abs``, ``sign``, ``relu``, ``heaviside``) are differentiable
everywhere except where their argument is 0 (a *kink*); their derivative here is the
derivative almost everywhere (sign′ = heaviside′ = 0).  A point where a kink argument is
0 is not a point where a derivative can be judged: :func:`kink_arguments` lists those
arguments so the engines can keep such points out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ..errors import EvaluationError, OutOfRangeError, UnsupportedError

__all__ = [
    "BY_CLASS",
    "BY_NAME",
    "ENTRY",
    "MAX_ARGUMENT",
    "TABLE",
    "ScalarFunction",
    "elementwise",
    "exact_value",
    "float_value",
    "kink_arguments",
    "lift",
    "lookup",
    "named",
    "precise_value",
    "relu",
    "sigmoid",
    "simple",
    "softplus",
    "unnest",
]

#: |t| beyond which exp(t), sin(t)… are out of range: evaluating them to many digits takes
#: about log₂|t| extra bits — nothing up to here, but exp(exp(3·10¹⁵)) took hours
MAX_ARGUMENT = 10**9
#: float64 exp overflows a little past 709
_FLOAT_EXP_LIMIT = 700.0


#: The variable of every elementwise function's Lambda (one fixed dummy keeps expressions
#: comparable: sin applied to X is the same object however it was written)
ENTRY = sp.Dummy("d", real=True)


def elementwise(cls: type[sp.Function], m: sp.MatrixExpr,
                *params: sp.Expr) -> ElementwiseApplyFunction:
    """``cls`` applied entry by entry to the matrix expression ``m`` (``params``: a step's
    value at 0)."""
    return ElementwiseApplyFunction(sp.Lambda(ENTRY, cls(ENTRY, *params)), m)


# -- the functions SymPy does not have ---------------------------------------------------------
class sigmoid(sp.Function):
    """The logistic function σ(t) = 1 / (1 + e⁻ᵗ); σ′ = σ(1 − σ)."""

    is_real = True

    @classmethod
    def eval(cls, t: sp.Expr) -> sp.Expr | None:
        if t.is_zero:
            return sp.Rational(1, 2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, t: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-t))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)


class softplus(sp.Function):
    """softplus(t) = log(1 + eᵗ); softplus′ = σ."""

    is_real = True

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, t: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.log(1 + sp.exp(t))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)


class relu(sp.Function):
    """relu(t) = max(0, t); relu′ = heaviside (almost everywhere)."""

    is_real = True

    @classmethod
    def eval(cls, t: sp.Expr) -> sp.Expr | None:
        if t.is_number and t.is_extended_real:
            return t if t > 0 else sp.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.Max(0, self.args[0])._eval_evalf(prec)


# -- evaluation in each arithmetic ---------------------------------------------------------------
def _real(v: np.ndarray) -> np.ndarray:
    return np.real(v)


def _require(ok: Any, message: str) -> None:
    if not np.all(ok):
        raise EvaluationError(message)


def _not_huge(v: np.ndarray, what: str) -> None:
    if np.any(np.abs(_real(v)) > _FLOAT_EXP_LIMIT):
        raise OutOfRangeError(f"{what} overflows in floating point")


def _float_sigmoid(v: np.ndarray) -> np.ndarray:
    # the two forms agree; each is free of overflow on its own side of 0
    with np.errstate(over="ignore", invalid="ignore"):
        pos = 1 / (1 + np.exp(-v))
        ev = np.exp(v)
        neg = ev / (1 + ev)
    return np.where(_real(v) >= 0, pos, neg)


def _float_softplus(v: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        small = np.log1p(np.exp(v))
        large = v + np.log1p(np.exp(-v))
    return np.where(_real(v) > 30, large, small)


def _float_log(v: np.ndarray) -> np.ndarray:
    _require(_real(v) > 0, "log of a non-positive number")
    return np.log(v)


def _float_log1p(v: np.ndarray) -> np.ndarray:
    _require(_real(v) > -1, "log1p of a number at or below -1")
    return np.log1p(v)


def _float_inverse_trig(fn: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def value(v: np.ndarray) -> np.ndarray:
        # the derivative is unbounded at ±1: such a point is not admissible
        _require(np.abs(_real(v)) < 1, f"{name} of a number outside (-1, 1)")
        return fn(v)
    return value


def _float_tan(v: np.ndarray) -> np.ndarray:
    _require(np.abs(np.cos(_real(v))) > 1e-8, "tan at a pole")
    return np.tan(v)


def _float_exp_like(fn: Callable[[Any], Any], name: str) -> Callable[[Any], Any]:
    def value(v: np.ndarray) -> np.ndarray:
        _not_huge(v, name)
        return fn(v)
    return value


def _float_abs(v: np.ndarray) -> np.ndarray:
    # analytic continuation along the real axis keeps the complex step valid off the kink
    return np.where(_real(v) < 0, -v, v)


def _float_relu(v: np.ndarray) -> np.ndarray:
    return np.where(_real(v) > 0, v, 0 * v)


def _float_step(v: np.ndarray) -> np.ndarray:
    # locally constant away from 0; 1/2 at 0 (SymPy's and the usual convention)
    r = _real(v)
    return np.where(r > 0, 1.0, np.where(r < 0, 0.0, 0.5)).astype(np.result_type(v, float))


def _float_sign(v: np.ndarray) -> np.ndarray:
    return np.sign(_real(v)).astype(np.result_type(v, float))


def _float_delta(v: np.ndarray) -> np.ndarray:
    # the derivative of a step, almost everywhere: 0 (a point on the step is not admissible)
    _require(_real(v) != 0, "a step function's derivative at its step")
    return 0 * v


def _mp_guard(ctx: Any, x: Any, name: str) -> Any:
    if abs(x) > MAX_ARGUMENT:
        raise OutOfRangeError(f"{name} of a value too large to evaluate")
    return x


def _mp_log(ctx: Any, x: Any) -> Any:
    if x <= 0:
        raise EvaluationError("log of a non-positive number")
    return ctx.log(x)


def _mp_log1p(ctx: Any, x: Any) -> Any:
    if x <= -1:
        raise EvaluationError("log1p of a number at or below -1")
    return ctx.log1p(x)


def _mp_exp(ctx: Any, x: Any) -> Any:
    if x > MAX_ARGUMENT:
        raise OutOfRangeError("exp of a value too large to evaluate")
    return ctx.exp(x)


def _mp_inverse_trig(name: str) -> Callable[[Any, Any], Any]:
    def value(ctx: Any, x: Any) -> Any:
        if not -1 < x < 1:
            raise EvaluationError(f"{name} of a number outside (-1, 1)")
        return getattr(ctx, {"arcsin": "asin", "arccos": "acos"}[name])(x)
    return value


def _mp_sigmoid(ctx: Any, x: Any) -> Any:
    _mp_guard(ctx, x, "sigmoid")
    return 1 / (1 + ctx.exp(-x)) if x >= 0 else ctx.exp(x) / (1 + ctx.exp(x))


def _mp_softplus(ctx: Any, x: Any) -> Any:
    _mp_guard(ctx, x, "softplus")
    return x + ctx.log1p(ctx.exp(-x)) if x > 0 else ctx.log1p(ctx.exp(x))


def _mp_named(name: str, *, guarded: bool = True) -> Callable[[Any, Any], Any]:
    def value(ctx: Any, x: Any) -> Any:
        if guarded:
            _mp_guard(ctx, x, name)
        return getattr(ctx, name)(x)
    return value


def _mp_delta(ctx: Any, x: Any) -> Any:
    if x == 0:
        raise EvaluationError("a step function's derivative at its step")
    return ctx.mpf(0)


def _sgn(x: Any) -> int:
    return (x > 0) - (x < 0)


# -- the table ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ScalarFunction:
    """A function of one real variable, applied to scalars or entry by entry to arrays.

    ``derivative`` gives f′(u) as a SymPy expression in the argument u (almost everywhere
    for a non-smooth function); ``floats`` evaluates NumPy arrays (real or complex: the
    complex step goes through it) and raises EvaluationError outside the open domain
    where f is differentiable; ``precise(ctx, x)`` evaluates one mpmath number;
    ``exact(q)`` one Fraction, or None where the value is not rational.
    """

    name: str
    cls: type[sp.Function]
    summary: str
    latex: str
    derivative: Callable[[sp.Expr], sp.Expr]
    floats: Callable[[np.ndarray], np.ndarray]
    precise: Callable[[Any, Any], Any]
    exact: Callable[[Fraction], Fraction | None] = lambda q: None
    aliases: tuple[str, ...] = ()
    smooth: bool = True
    #: shown in the language's help, under this heading
    group: str = "elementwise"
    #: a name that only the tool writes (the derivative of a step), not the user
    internal: bool = False
    #: further arguments of the SymPy class (a step's value at 0)
    params: tuple[sp.Expr, ...] = ()

    def apply(self, value: sp.Expr) -> sp.Expr:
        """The SymPy expression f(value)."""
        return self.cls(value, *self.params)

    def written(self, argument: str) -> str:
        """f applied to ``argument`` as the language writes it: heaviside(u, 0)."""
        base = self.cls.__name__.lower() if self.params else self.name
        extra = "".join(f", {p}" for p in self.params)
        return f"{base}({argument}{extra})"


def _at_zero(value: int) -> Callable[[Fraction], Fraction | None]:
    return lambda q: Fraction(value) if q == 0 else None


def _step(h0: Fraction) -> ScalarFunction:
    """The Heaviside step with the value h0 at 0 (1/2 unless where() says otherwise: p > q
    is the step of p − q with 0 at 0, p >= q the one with 1)."""
    name = "heaviside" if h0 == Fraction(1, 2) else f"heaviside{h0}"

    def floats(v: np.ndarray) -> np.ndarray:
        r = _real(v)
        return np.where(r > 0, 1.0, np.where(r < 0, 0.0, float(h0))).astype(
            np.result_type(v, float))

    return ScalarFunction(
        name, sp.Heaviside,
        "heaviside(.) or heaviside(., h0): the step, 0 below 0 and 1 above (h0 = 0, 0.5 or 1 "
        "at 0; 0.5 if not given)", r"\operatorname{heaviside}", lambda u: sp.Integer(0), floats,
        lambda ctx, x: ctx.mpf(1) if x > 0 else ctx.mpf(0) if x < 0 else
        ctx.mpf(h0.numerator) / h0.denominator,
        lambda q: Fraction(1) if q > 0 else Fraction(0) if q < 0 else h0,
        smooth=False, internal=h0 != Fraction(1, 2),
        params=() if h0 == Fraction(1, 2) else (sp.Rational(h0.numerator, h0.denominator),))


#: the values at 0 a step may take (NumPy's heaviside takes any; these are the ones used)
STEP_VALUES = (Fraction(0), Fraction(1, 2), Fraction(1))

_LOG = ScalarFunction(
    "log", sp.log, "log(.): natural logarithm, elementwise on arrays", r"\log",
    lambda u: 1 / u, _float_log, _mp_log, lambda q: Fraction(0) if q == 1 else None)

TABLE: tuple[ScalarFunction, ...] = (
    ScalarFunction("exp", sp.exp, "exp(.): exponential, elementwise on arrays", r"\exp",
                   sp.exp, _float_exp_like(np.exp, "exp"), _mp_exp, _at_zero(1)),
    _LOG,
    ScalarFunction("log1p", log1p, "log1p(.): log(1 + .), elementwise",
                   r"\operatorname{log1p}", lambda u: 1 / (1 + u), _float_log1p, _mp_log1p,
                   _at_zero(0)),
    ScalarFunction("expm1", expm1, "expm1(.): exp(.) - 1, elementwise", r"\operatorname{expm1}",
                   sp.exp, _float_exp_like(np.expm1, "expm1"), _mp_named("expm1"), _at_zero(0)),
    ScalarFunction("sin", sp.sin, "sin(.): sine, elementwise", r"\sin", sp.cos, np.sin,
                   _mp_named("sin"), _at_zero(0)),
    ScalarFunction("cos", sp.cos, "cos(.): cosine, elementwise", r"\cos", lambda u: -sp.sin(u),
                   np.cos, _mp_named("cos"), _at_zero(1)),
    ScalarFunction("tan", sp.tan, "tan(.): tangent, elementwise", r"\tan",
                   lambda u: 1 + sp.tan(u) ** 2, _float_tan, _mp_named("tan"), _at_zero(0)),
    ScalarFunction("arcsin", sp.asin, "arcsin(.) or asin(.): inverse sine, on (-1, 1)",
                   r"\arcsin", lambda u: 1 / sp.sqrt(1 - u**2),
                   _float_inverse_trig(np.arcsin, "arcsin"), _mp_inverse_trig("arcsin"),
                   _at_zero(0), aliases=("asin",)),
    ScalarFunction("arccos", sp.acos, "arccos(.) or acos(.): inverse cosine, on (-1, 1)",
                   r"\arccos", lambda u: -1 / sp.sqrt(1 - u**2),
                   _float_inverse_trig(np.arccos, "arccos"), _mp_inverse_trig("arccos"),
                   aliases=("acos",)),
    ScalarFunction("arctan", sp.atan, "arctan(.) or atan(.): inverse tangent", r"\arctan",
                   lambda u: 1 / (1 + u**2), np.arctan, _mp_named("atan", guarded=False),
                   _at_zero(0), aliases=("atan",)),
    ScalarFunction("sinh", sp.sinh, "sinh(.): hyperbolic sine, elementwise", r"\sinh",
                   sp.cosh, _float_exp_like(np.sinh, "sinh"), _mp_named("sinh"), _at_zero(0)),
    ScalarFunction("cosh", sp.cosh, "cosh(.): hyperbolic cosine, elementwise", r"\cosh",
                   sp.sinh, _float_exp_like(np.cosh, "cosh"), _mp_named("cosh"), _at_zero(1)),
    ScalarFunction("tanh", sp.tanh, "tanh(.): hyperbolic tangent, elementwise", r"\tanh",
                   lambda u: 1 - sp.tanh(u) ** 2, np.tanh, _mp_named("tanh"), _at_zero(0)),
    ScalarFunction("sigmoid", sigmoid,
                   "sigmoid(.), expit(.) or logistic(.): 1 / (1 + exp(-.)), elementwise",
                   r"\sigma", lambda u: sigmoid(u) * (1 - sigmoid(u)), _float_sigmoid,
                   _mp_sigmoid, lambda q: Fraction(1, 2) if q == 0 else None,
                   aliases=("expit", "logistic")),
    ScalarFunction("softplus", softplus, "softplus(.): log(1 + exp(.)), elementwise",
                   r"\operatorname{softplus}", sigmoid, _float_softplus, _mp_softplus),
    ScalarFunction("abs", sp.Abs, "abs(.): absolute value, elementwise (kink at 0)",
                   r"\operatorname{abs}", sp.sign, _float_abs, lambda ctx, x: abs(x), abs,
                   smooth=False),
    ScalarFunction("sign", sp.sign, "sign(.): -1, 0 or 1, elementwise (sign(0) = 0)",
                   r"\operatorname{sign}", lambda u: sp.Integer(0), _float_sign,
                   lambda ctx, x: ctx.mpf(_sgn(x)), lambda q: Fraction(_sgn(q)), smooth=False),
    ScalarFunction("relu", relu, "relu(.): max(0, .), elementwise (kink at 0)",
                   r"\operatorname{relu}", sp.Heaviside, _float_relu,
                   lambda ctx, x: x if x > 0 else ctx.mpf(0), lambda q: max(q, Fraction(0)),
                   smooth=False),
    *(_step(h0) for h0 in (Fraction(1, 2), Fraction(0), Fraction(1))),
    ScalarFunction("delta", sp.DiracDelta, "the derivative of a step: 0 away from the step",
                   r"\delta", lambda u: sp.Integer(0), _float_delta, _mp_delta,
                   lambda q: Fraction(0) if q != 0 else None, smooth=False, internal=True),
)

#: every name a user may call (aliases included) -> its function
BY_NAME: dict[str, ScalarFunction] = {
    n: f for f in TABLE if not f.internal for n in (f.name, *f.aliases)}
#: SymPy class -> function (the step with 1/2 at 0 for Heaviside: see :func:`lookup`)
BY_CLASS: dict[type, ScalarFunction] = {
    f.cls: f for f in TABLE if f.name != "heaviside" or not f.internal}
_STEPS: dict[Fraction, ScalarFunction] = {
    Fraction(str(f.name.removeprefix("heaviside") or "1/2")): f
    for f in TABLE if f.name.startswith("heaviside")}


def lookup(e: sp.Basic) -> ScalarFunction | None:
    """The table's entry for an applied function ``e`` (sin(x), sigmoid(t)…), or None."""
    if isinstance(e, sp.Heaviside):
        h0 = e.args[1] if len(e.args) > 1 else sp.Rational(1, 2)
        return _STEPS.get(Fraction(int(h0.p), int(h0.q))) if h0.is_Rational else None
    return BY_CLASS.get(type(e))


def float_value(name: str, value: np.ndarray) -> np.ndarray:
    """``name`` applied to a float or complex array."""
    with np.errstate(all="ignore"):
        out = named(name).floats(value)
    if not np.all(np.isfinite(out)):
        raise OutOfRangeError(f"{name} beyond floating point")
    return out


def precise_value(name: str, ctx: Any, value: Any) -> Any:
    """``name`` applied to one mpmath number in the context ``ctx``."""
    return named(name).precise(ctx, value)


def exact_value(name: str, value: Fraction) -> Fraction | None:
    """``name`` applied to a Fraction, or None where the value is not rational."""
    return named(name).exact(value)


_ALL_NAMES: dict[str, ScalarFunction] = {
    **{f.cls.__name__: f for f in BY_CLASS.values()}, **{f.name: f for f in TABLE}, **BY_NAME}


def named(name: str) -> ScalarFunction:
    """The function an evaluator is asked for by name (the table's, an alias, or SymPy's
    class name)."""
    try:
        return _ALL_NAMES[name]
    except KeyError:
        raise EvaluationError(f"no evaluation rule for {name}") from None


def lift(e: sp.Expr, d: sp.Symbol, m: sp.MatrixExpr) -> sp.MatrixExpr:
    """The scalar expression e in the entry variable d, applied to every entry of m, as
    a matrix expression: products become Hadamard products, f(g(d)) becomes f applied to
    g applied to m (SymPy's doit() merges nested elementwise functions into one Lambda)."""
    if e == d:
        return m
    if not e.has(d):
        return e * sp.OneMatrix(*m.shape)
    if isinstance(e, sp.Add):
        return sp.MatAdd(*(lift(a, d, m) for a in e.args))
    if isinstance(e, sp.Mul):
        coeff, rest = e.as_independent(d, as_Add=False)
        parts = [lift(a, d, m) for a in sp.Mul.make_args(rest)]
        product = parts[0] if len(parts) == 1 else sp.HadamardProduct(*parts)
        return product if coeff == 1 else coeff * product
    if isinstance(e, sp.Pow) and not e.exp.has(d):
        return sp.HadamardPower(lift(e.base, d, m), e.exp)
    f = lookup(e)
    if f is not None and not any(a.has(d) for a in e.args[1:]):
        return elementwise(f.cls, lift(e.args[0], d, m), *f.params)
    raise UnsupportedError(f"no rule for the elementwise function {sp.Lambda(d, e)}")


def simple(e: ElementwiseApplyFunction) -> ScalarFunction | None:
    """The table's function when ``e`` applies one function of the table, f(d), entry by
    entry; None for a composition such as relu(tanh(d)) (see :func:`unnest`)."""
    body = e.function.expr
    f = lookup(body)
    return f if f is not None and body.args[:1] == e.function.variables else None


def unnest(e: ElementwiseApplyFunction) -> sp.MatrixExpr:
    """``e`` as nested applications of single functions (σ(tanh(M)) for the Lambda
    d ↦ σ(tanh d) applied to M)."""
    (d,) = e.function.variables
    return lift(e.function.expr, d, e.expr)


def kink_arguments(e: sp.Basic) -> list[sp.Basic]:
    """The arguments of the non-smooth functions in ``e`` (scalar expressions, or matrix
    expressions whose every entry is one): where one of them is 0 the function has a
    kink or a step, and a derivative cannot be judged.  The tie of a largest entry
    (max(v)) counts as such an argument too."""
    found: list[sp.Basic] = []
    _kinks_into(e, found)
    unique: list[sp.Basic] = []
    for a in found:
        if a not in unique:
            unique.append(a)
    return unique


def _kinks_into(node: sp.Basic, found: list[sp.Basic]) -> None:
    # an elementwise function's Lambda is not searched: its variable is a dummy (SymPy's
    # doit() makes a new one when it merges exp(relu(M)) into one Lambda), and the kinks
    # are those of the unnested applications, with M in place of the dummy
    if isinstance(node, ElementwiseApplyFunction):
        f = simple(node)
        if f is None:
            _kinks_into(unnest(node), found)
            return
        if not f.smooth:
            found.append(node.expr)
        _kinks_into(node.expr, found)
        return
    if type(node).__name__ == "Largest":  # max(M): a tie (calculus/largest.py)
        found.append(node.tie_argument())
    else:
        f = lookup(node)
        if f is not None and not f.smooth:
            found.append(node.args[0])
    for a in node.args:
        if isinstance(a, sp.Basic):
            _kinks_into(a, found)

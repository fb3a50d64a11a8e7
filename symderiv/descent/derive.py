"""The loss of a model and its gradient by the chain rule (talk B), checked before use.

For data (x_i, y_i) and a model f_w(x) — ``w0 + w1*x`` in the lecture, any expression in
the parameters — the loss is L(w) = c · Σ_i (y_i − f_w(x_i))² with c = 1, ½ or 1/n.  Its
partial derivatives split by the chain rule into simple factors:

    ∂L/∂w_j = c · Σ_i ∂ℓ/∂f · ∂f/∂w_j = c · Σ_i −2 (y_i − f_w(x_i)) · ∂f/∂w_j(x_i).

:func:`derive_regression` records those steps, asks the core (:func:`check_gradient`,
exact and finite-difference engines) to confirm each partial derivative of the summed
loss, and compiles the model and its partials to vectorised NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sympy as sp

from ..errors import ArgumentError, ParseError, StepError, UnsupportedError
from ..parse.values import evaluate, parse_value
from ..verdict import Verdict

__all__ = ["LOSSES", "POINT_LOSSES", "ChainStep", "Regression", "derive_regression"]

LossKind = Literal["sse", "half", "mean"]
#: the factor c in front of Σ (y − f)², in words
LOSSES: dict[str, str] = {"sse": "Σ (y_i − f(x_i))²", "half": "½ Σ (y_i − f(x_i))²",
                          "mean": "(1/n) Σ (y_i − f(x_i))²"}
#: the per-point loss ℓ of each kind, L = Σ ℓ (the mean's 1/n stays outside the sum: it
#: depends on the data's size, not on the point)
POINT_LOSSES: dict[str, str] = {"sse": "(y − f)²", "half": "½ (y − f)²", "mean": "(y − f)²"}
#: ℓ's factor in front of (y − f)²: the ½ of "half" cancels the 2 of the chain rule
_POINT_FACTOR: dict[str, sp.Rational] = {"sse": sp.Integer(1), "half": sp.Rational(1, 2),
                                         "mean": sp.Integer(1)}
#: what a model may call: the functions the core's engines check (exp, log; sqrt always)
MODEL_FUNCTIONS = ("exp", "log")
#: data are evaluated in chunks of this many points: temporaries of 64 KiB stay in the
#: cache, where whole-array temporaries of 10⁷ points cost a page fault per 4 KiB, and a
#: dot product of at most 10,000 entries stays on one thread in OpenBLAS (its threads
#: spin on a busy machine: a 16,384-entry dot took 1 ms instead of 5 µs on 2 shared cores)
CHUNK = 2**13


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One factor of the chain rule for parameter ``param``: ∂ℓ/∂f, ∂f/∂w_j, their product."""

    param: str
    outer: sp.Basic
    inner: sp.Basic
    partial: sp.Basic


@dataclass(frozen=True)
class Regression:
    """A model with its loss and gradient, derived, checked and compiled.

    ``partials[j]`` is ∂f/∂w_j; ``gradient_terms[j]`` the per-point term of ∂L/∂w_j
    (without the factor c); ``checks`` the core's verdict on each ∂L/∂w_j; ``linear``
    whether f is linear in the parameters (then the least-squares solution has a closed
    form).
    """

    model_text: str
    model: sp.Basic
    x: sp.Symbol
    y: sp.Symbol
    params: tuple[sp.Symbol, ...]
    loss: LossKind
    partials: tuple[sp.Basic, ...]
    steps: tuple[ChainStep, ...]
    checks: tuple[Verdict, ...]
    linear: bool
    _f: Callable[..., Any]
    _df: tuple[Callable[..., Any], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def loss_formula(self) -> str:
        """L(w) in words, with its factor c: ``½ Σ (y_i − f(x_i))²`` for the half."""
        return LOSSES[self.loss]

    @property
    def point_loss(self) -> str:
        """ℓ, the loss of one point in words (L = c · Σ ℓ): ``½ (y − f)²`` for the half."""
        return POINT_LOSSES[self.loss]

    @property
    def cost(self) -> int:
        """Array operations per data point for the loss and its gradient: those of f and of
        each ∂f/∂w_j, and one residual and one product per parameter — what the work
        budget of a descent run counts (an exp weighs like a product: within a factor 2
        of its time)."""
        return int(sp.count_ops(self.model)) + sum(int(sp.count_ops(p)) for p in
                                                    self.partials) + len(self.params) + 1

    def factor(self, n: int) -> float:
        """c: 1 for the sum of squares, ½ with the half, 1/n for the mean."""
        return {"sse": 1.0, "half": 0.5, "mean": 1.0 / n}[self.loss]

    def predict(self, w: np.ndarray, x: np.ndarray) -> np.ndarray:
        v = self._f(x, *w)
        if type(v) is np.ndarray and v.shape == x.shape and v.dtype == float:
            return v  # the usual case, without the cost of a broadcast (one-point steps)
        return np.broadcast_to(np.asarray(v, dtype=float), x.shape)

    def loss_value(self, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
        rr = 0.0
        for lo in range(0, len(x), CHUNK):
            r = y[lo:lo + CHUNK] - self.predict(w, x[lo:lo + CHUNK])
            rr += r @ r
        return float(self.factor(len(x)) * rr)

    def gradient(self, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂L/∂w at w: c · Σ −2 (y − f) ∂f/∂w_j — a few array operations per parameter."""
        return self.loss_and_gradient(w, x, y)[1]

    def loss_and_gradient(self, w: np.ndarray, x: np.ndarray, y: np.ndarray
                          ) -> tuple[float, np.ndarray]:
        """L(w) and ∇L(w) from one residual y − f_w(x): batch descent reads the data once
        per step, not once for the loss and again for the gradient."""
        c = self.factor(len(x))
        if len(x) <= CHUNK:  # one chunk (a batch of a mini-batch run): no loop to pay for
            r = y - self.predict(w, x)
            out = np.array([r.sum() * d if np.ndim(d) == 0 else r @ d
                            for d in (df(x, *w) for df in self._df)])
            return float(c * (r @ r)), -2.0 * c * out
        rr, out = 0.0, np.zeros(len(self.params))
        for lo in range(0, len(x), CHUNK):  # chunks: temporaries stay in the cache
            xc = x[lo:lo + CHUNK]
            r = y[lo:lo + CHUNK] - self.predict(w, xc)
            rr += r @ r
            for j, df in enumerate(self._df):
                d = df(xc, *w)
                out[j] += r.sum() * d if np.ndim(d) == 0 else r @ d
        return float(c * rr), -2.0 * c * out

    def design(self, x: np.ndarray) -> np.ndarray:
        """The columns ∂f/∂w_j(x) (f linear in w: f = design @ w)."""
        zero = np.zeros(len(self.params))
        return np.column_stack([np.broadcast_to(np.asarray(df(x, *zero), dtype=float),
                                                x.shape) for df in self._df])


def _symbols(model: str, params: Sequence[str] | None, x: str, y: str = "y"
             ) -> tuple[Any, list[str]]:
    term = parse_value(model, names=lambda n: n.isascii() and n.isidentifier(),
                       what="model", functions=MODEL_FUNCTIONS)
    names = sorted(term.names())
    if x not in names:
        raise ParseError(f"the model does not use the input {x!r}", source=model.strip(),
                         what="model")
    found = [n for n in names if n != x]
    if y in found:
        raise ArgumentError(f"{y!r} is the output; a parameter needs another name")
    if params is not None:
        unknown = [p for p in params if p not in found]
        if unknown:
            raise ArgumentError(f"parameter {unknown[0]!r} is not in the model {model!r}")
        if set(found) - set(params):
            extra = sorted(set(found) - set(params))[0]
            raise ArgumentError(f"{extra!r} in the model is neither the input nor a parameter")
        found = list(params)
    if not found:
        raise ArgumentError(f"the model {model!r} has no parameters to fit")
    return term, found


def derive_regression(model: str = "w0 + w1*x", *, loss: LossKind = "sse",
                      params: Sequence[str] | None = None, x: str = "x", y: str = "y",
                      check: bool = True, seed: int = 0) -> Regression:
    """Derive the loss gradient of ``model`` by the chain rule and check it with the core.

    >>> r = derive_regression("w0 + w1*x")
    >>> [str(s.partial) for s in r.steps]
    ['-2*(-w0 - w1*x + y)', '-2*x*(-w0 - w1*x + y)']
    >>> r.linear, [v.outcome for v in r.checks]
    (True, ['holds', 'holds'])
    >>> [str(s.partial) for s in derive_regression("w0 + w1*x", loss="half").steps]
    ['-(-w0 - w1*x + y)', '-x*(-w0 - w1*x + y)']
    """
    if loss not in LOSSES:
        raise ArgumentError(f"loss must be one of {', '.join(LOSSES)}, not {loss!r}")
    term, names = _symbols(model, params, x, y)
    xs, ys = sp.Symbol(x, real=True), sp.Symbol(y, real=True)
    ws = tuple(sp.Symbol(n, real=True) for n in names)
    from ..definitions.exact import ExactArithmetic

    f = evaluate(term, ExactArithmetic({x: xs, **dict(zip(names, ws, strict=True))}, "model",
                                       model.strip()))
    fs = sp.Symbol("f", real=True)
    c = _POINT_FACTOR[loss]
    outer = sp.diff(c * (ys - fs) ** 2, fs).subs(fs, f)  # ∂ℓ/∂f = −2c (y − f)
    steps, partials = [], []
    for w in ws:
        inner = sp.diff(f, w)
        partials.append(inner)
        # written as the lecture does: −2 (y − f) · ∂f/∂w_j, or −(y − f) · ∂f/∂w_j with
        # the ½ (kept unevaluated for printing)
        factors = [-2 * c, sp.Add(ys, -f)] + ([] if inner == 1 else [inner])
        steps.append(ChainStep(w.name, outer, inner, sp.Mul(*factors, evaluate=False)))
    linear = all(not any(sp.diff(p, w) != 0 for w in ws) for p in partials)
    checks = tuple(_check(f, c, step, x, y, seed) for step in steps) if check else ()
    for v in checks:
        if v.outcome == "fails":  # pragma: no cover - a wrong chain rule would be a bug
            raise StepError(f"the derived ∂L/∂{v.wrt} did not pass the core's check:\n{v}")
        if v.outcome != "holds":
            raise UnsupportedError(f"symderiv's engines could not confirm ∂L/∂{v.wrt} for "
                                   f"this model (undecided), so it is not used: "
                                   f"{'; '.join(v.notes) or 'see symderiv grad'}")
    compiled = sp.lambdify((xs, *ws), f, "numpy")
    dfs = tuple(sp.lambdify((xs, *ws), p, "numpy") for p in partials)
    return Regression(model.strip(), f, xs, ys, ws, loss, tuple(partials), tuple(steps),
                      checks, linear, compiled, dfs)


def _check(f: sp.Basic, c: sp.Rational, step: ChainStep, x: str, y: str, seed: int
           ) -> Verdict:
    """∂/∂w_j Σ ℓ = Σ ∂ℓ/∂f · ∂f/∂w_j with ℓ = c (y − f)², by the core's engines (x and y
    vectors); the mean's 1/n is a constant factor of both sides, outside the check."""
    from ..check import check_gradient

    loss = f"{sp.sstr(c)}*sum(({y} - ({sp.sstr(f)}))**2)"
    claim = f"sum({sp.sstr(step.partial)})"
    return check_gradient(loss, wrt=step.param, claim=claim, let=f"{x}: n; {y}: n", seed=seed)

"""Fitting a :class:`~symderiv.descent.derive.Regression`: the closed form, the lecture's
grid search, and batch, mini-batch and stochastic gradient descent."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..errors import ArgumentError, SymderivError, UnsupportedError
from .derive import Regression

__all__ = ["DescentError", "DescentResult", "GridResult", "auto_lr", "batch_scale",
           "check_defined", "closed_form", "descend", "grid_search"]

Method = Literal["batch", "minibatch", "stochastic"]
MAX_GRID_POINTS = 10**7
#: gradient steps in one run (a step of one point is a Python-level iteration)
MAX_STEPS = 2 * 10**6


class DescentError(SymderivError, ArithmeticError):
    """Descent that diverged (a learning rate too large): said, not printed as nan."""

    exit_code = 1


def closed_form(reg: Regression, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The least-squares parameters for a model linear in them (``numpy.linalg.lstsq``)."""
    if not reg.linear:
        raise UnsupportedError(f"{reg.model_text} is not linear in its parameters: no closed "
                               "form")
    with np.errstate(all="ignore"):
        target = y - reg.predict(np.zeros(len(reg.params)), x)  # terms without a parameter
        design = reg.design(x)
    if not (np.all(np.isfinite(target)) and np.all(np.isfinite(design))):
        raise UnsupportedError(f"{reg.model_text} is not defined (or overflows) at some data "
                               "points: no closed form")
    try:
        w, *_ = np.linalg.lstsq(design, target, rcond=None)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - finite input converges
        raise UnsupportedError(f"least squares did not converge: {exc}") from None
    return w


def check_defined(reg: Regression, x: np.ndarray, w: np.ndarray | None = None) -> None:
    """Refuse data where the model is not defined (log or sqrt of x ≤ 0), before any run."""
    w = np.ones(len(reg.params)) if w is None else w
    with np.errstate(all="ignore"):
        values = reg.predict(w, x)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ArgumentError(f"the model {reg.model_text} is not defined at {int(bad.sum())} of "
                            f"the {len(x)} data points (first at x = {x[bad][0]:g}): not "
                            "finite at the start")


def batch_scale(reg: Regression, n: int, b: int) -> float:
    """What turns the gradient of a batch's loss into an unbiased estimate of the whole
    loss's gradient: (c_n / c_b)·(n / b) — n/b for a sum of squares, 1 for the mean."""
    return reg.factor(n) / reg.factor(b) * n / b


def auto_lr(reg: Regression, x: np.ndarray, method: str = "batch", batch: int = 100) -> float:
    """A learning rate that cannot diverge for a model linear in its parameters: 1/λ_max of
    the loss's Hessian 2c·DᵀD (batch), half of it (mini-batch), and 1/(2c·n·max‖d_i‖²) for
    one point per step.  Models not linear in their parameters get 1e-3 (set --lr)."""
    if not reg.linear:
        return 1e-3
    c, n = reg.factor(len(x)), len(x)
    with np.errstate(all="ignore"):
        d = reg.design(x)
        if method == "stochastic":
            rate = 1.0 / (2.0 * c * n * float(np.max(np.einsum("ij,ij->i", d, d))))
        else:
            lam = float(np.linalg.eigvalsh(2.0 * c * (d.T @ d))[-1]) if np.all(
                np.isfinite(d)) else math.inf
            rate = (1.0 if method == "batch" else 0.5) / lam
    if not (rate > 0 and math.isfinite(rate)):
        raise ArgumentError("the data are too large (or too small) for an automatic learning "
                            "rate: give one with --lr, or rescale the data")
    return rate


@dataclass(frozen=True)
class GridResult:
    """The best grid point, its loss, and the cost: grid points × data × parameters."""

    best: np.ndarray
    loss: float
    axes: tuple[np.ndarray, ...]
    losses: np.ndarray
    cost: int


def grid_search(reg: Regression, x: np.ndarray, y: np.ndarray,
                box: Sequence[tuple[float, float, int]], *, chunk: int = 2**22) -> GridResult:
    """Try every point of the box (per parameter: low, high, steps) — the lecture's brute
    force, vectorised over chunks of grid points."""
    if len(box) != len(reg.params):
        raise ArgumentError(f"the grid needs a range for each of {', '.join(reg.names)}")
    total = math.prod(n for _, _, n in box)
    if total > MAX_GRID_POINTS:
        raise ArgumentError(f"the grid has {total:,} points; at most {MAX_GRID_POINTS:,} "
                            "(fewer steps, or fewer parameters)")
    with np.errstate(all="ignore"):
        axes = tuple(np.linspace(lo, hi, n) for lo, hi, n in box)
    if not all(np.all(np.isfinite(a)) for a in axes):
        raise ArgumentError("a grid range is too wide for floating point (its ends are "
                            "finite but their difference is not)")
    mesh = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    losses = np.empty(len(mesh))
    per = max(1, chunk // max(len(x), 1))
    c = reg.factor(len(x))
    for start in range(0, len(mesh), per):  # overflow shows as inf and is dealt with below
        ws = mesh[start:start + per]
        # f at every (grid point, datum): the model broadcast over a 2-D array
        with np.errstate(all="ignore"):
            pred = np.broadcast_to(np.asarray(reg._f(x[None, :], *(
                ws[:, j:j + 1] for j in range(ws.shape[1]))), dtype=float), (len(ws), len(x)))
            r = y[None, :] - pred
            losses[start:start + per] = c * np.einsum("ij,ij->i", r, r)
    if not np.isfinite(losses).any():
        raise ArgumentError("the loss overflows at every grid point: a smaller box")
    best = int(np.nanargmin(np.where(np.isfinite(losses), losses, np.nan)))
    return GridResult(mesh[best], float(losses[best]), axes,
                      losses.reshape(tuple(len(a) for a in axes)),
                      len(mesh) * len(x) * len(reg.params))


@dataclass(frozen=True)
class DescentResult:
    """Where descent ended, the loss per step (``history``), the path through parameter
    space, and why it stopped."""

    method: str
    params: np.ndarray
    loss: float
    steps: int
    epochs: float
    history: np.ndarray
    path: np.ndarray
    stopped: str
    names: tuple[str, ...] = field(default=())
    #: (gradient steps taken, data points used, loss) at up to ~600 moments of the run
    trace: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))


def descend(reg: Regression, x: np.ndarray, y: np.ndarray, *, method: Method = "batch",
            lr: float = 0.01, epochs: int = 100, batch: int = 100, tol: float = 1e-12,
            start: Sequence[float] | None = None, seed: int = 0,
            progress: Callable[[int, float], None] | None = None) -> DescentResult:
    """w ← w − η ∇L(w), with ∇L over all the data (batch), a random batch (minibatch) or
    one random point (stochastic); seeded.  Stops after ``epochs`` passes over the data, or
    when a batch step changes the loss by less than ``tol`` relatively.  Divergence (the
    loss grows without bound, or is not finite) raises :class:`DescentError`."""
    if method not in ("batch", "minibatch", "stochastic"):
        raise ArgumentError(f"method must be batch, minibatch or stochastic, not {method!r}")
    if not (lr > 0 and math.isfinite(lr)):
        raise ArgumentError(f"the learning rate must be a positive number, not {lr}")
    if epochs < 1 or batch < 1:
        raise ArgumentError("epochs and batch must be at least 1")
    if not (tol >= 0 and math.isfinite(tol)):
        raise ArgumentError(f"the tolerance must be a number ≥ 0, not {tol}")
    n = len(x)
    size = n if method == "batch" else min(batch, n) if method == "minibatch" else 1
    rng = np.random.default_rng(seed)
    w = np.zeros(len(reg.params)) if start is None else np.asarray(start, dtype=float)
    first = reg.loss_value(w, x, y)
    if not math.isfinite(first):
        raise ArgumentError(f"the loss is not finite at the start w = {list(w)}: is the model "
                            "defined at every data point (log or sqrt of x ≤ 0)?")
    history, path = [first], [w.copy()]
    per_epoch = max(1, n // size)
    if per_epoch * epochs > MAX_STEPS:
        raise ArgumentError(f"{per_epoch * epochs:,} gradient steps ({method}, {epochs} "
                            f"epochs of {n:,} points); at most {MAX_STEPS:,} — fewer epochs, "
                            "or a larger batch (--method minibatch)")
    stopped = f"{epochs} epochs"
    # the loss along the way, for the lecture's picture of the three methods: every k-th
    # step, so that a run records a few hundred points whatever its length
    every = max(1, epochs * per_epoch // 600)
    trace: list[tuple[float, float, float]] = [(0, 0, first)]
    with np.errstate(all="ignore"):  # a diverging run overflows: detected below, said once
        return _run_epochs(reg, x, y, method, lr, epochs, size, tol, rng, w, first, history,
                           path, trace, per_epoch, every, stopped, progress)


def _run_epochs(reg: Regression, x: np.ndarray, y: np.ndarray, method: str, lr: float,
                epochs: int, size: int, tol: float, rng: np.random.Generator, w: np.ndarray,
                first: float, history: list[float], path: list[np.ndarray],
                trace: list[tuple[float, float, float]], per_epoch: int, every: int,
                stopped: str, progress: Callable[[int, float], None] | None
                ) -> DescentResult:
    n = len(x)
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(n) if size < n else None
        for k in range(per_epoch):
            if order is None:
                g = reg.gradient(w, x, y)
            else:
                idx = order[k * size:(k + 1) * size]
                g = reg.gradient(w, x[idx], y[idx]) * batch_scale(reg, n, len(idx))
            w = w - lr * g
            step += 1
            if step % every == 0 and epoch * per_epoch < 600 * every:
                trace.append((step, step * size, reg.loss_value(w, x, y)))
        value = reg.loss_value(w, x, y)
        history.append(value)
        path.append(w.copy())
        if not math.isfinite(value) or value > 1e6 * max(first, 1.0):
            raise DescentError(f"{method} descent diverged at epoch {epoch + 1}: the loss grew "
                               f"from {first:.4g} to {value:.4g} — the learning rate {lr} is "
                               "too large for these data; try a smaller one")
        if progress is not None:
            progress(epoch + 1, value)
        if method == "batch" and abs(history[-2] - value) <= tol * max(abs(value), 1e-300):
            stopped = f"the loss changed by less than {tol:g} (relative) after epoch {epoch + 1}"
            break
    return DescentResult(method, w, history[-1], step, step * size / n, np.array(history),
                         np.array(path), stopped, reg.names, np.array(trace))

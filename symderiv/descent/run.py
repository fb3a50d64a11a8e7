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

__all__ = ["FAR", "MAX_STEPS", "MAX_WORK", "DescentError", "DescentResult", "GridResult",
           "auto_lr", "batch_scale", "check_budget", "check_defined", "closed_form", "condition",
           "descend", "descent_work", "far_from", "grid_search"]

Method = Literal["batch", "minibatch", "stochastic"]
MAX_GRID_POINTS = 10**7
#: gradient steps in one run: a step is a Python-level iteration of ~15 µs (one point) to
#: ~25 µs (100 points) of one core's time; 250,000 keeps the default stochastic run on the
#: built-in data (200 points × 1,000 epochs) and its --method all
MAX_STEPS = 250_000
#: array operations on data points in one run (data points read × Regression.cost): ~1 ns
#: of one core's time each; 3·10⁹ is 60 epochs of w0 + w1·x at 10⁷ points.  At 10⁷ points
#: the data themselves, their checks and the closed form take another ~4 s of one core
#: (see docs/descent.md for the measured maxima)
MAX_WORK = 3 * 10**9
#: the loss along a mini-batch or stochastic run is estimated on this many sampled points
TRACE_SAMPLE = 10_000


class DescentError(SymderivError, ArithmeticError):
    """Descent that diverged (a learning rate too large): said, not printed as nan."""

    exit_code = 1


def closed_form(reg: Regression, x: np.ndarray, y: np.ndarray, *,
                names: tuple[str, str] = ("x", "y")) -> np.ndarray:
    """The least-squares parameters for a model linear in them: ``numpy.linalg.lstsq`` on
    the standardized columns (see :func:`~symderiv.descent.scale.standardize`), mapped
    back — lstsq on the raw columns drops a column 10⁻³⁰⁰ times smaller than another as if
    it were zero.  Data that do not determine the parameters raise :class:`ArgumentError`,
    naming the columns by ``names`` (the CSV's names of x and y)."""
    if not reg.linear:
        raise UnsupportedError(f"{reg.model_text} is not linear in its parameters: no closed "
                               "form")
    from .scale import standardize

    s = standardize(reg, x, y, names=names)
    w, *_ = np.linalg.lstsq(s.design, s.target, rcond=None)
    return s.original(w)


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


#: a run whose weights are farther than this from the closed form (relative distance) has
#: not reached it: batch descent at its default tolerance gets within ~1e-8; mini-batch and
#: stochastic descent with a constant step keep moving around the minimum
FAR = {"batch": 1e-4, "minibatch": 1e-2, "stochastic": 1e-2}


def condition(reg: Regression, x: np.ndarray) -> float:
    """The condition number of the loss's Hessian 2c·DᵀD (a model linear in its
    parameters): along its flattest direction a step of η = 1/λ_max goes 1/κ of the way."""
    with np.errstate(all="ignore"):
        d = reg.design(x)
        values = np.linalg.eigvalsh(d.T @ d) if np.all(np.isfinite(d)) else np.array([0.0])
    return float(values[-1] / values[0]) if values[0] > 0 else math.inf


def far_from(reg: Regression, x: np.ndarray, method: str, distance: float, *,
             standardized: bool = False) -> str | None:
    """A warning when descent stopped farther than :data:`FAR` from the closed form, with
    the likely reason and what to do; ``None`` when it got there."""
    if distance <= FAR[method]:
        return None
    kappa = condition(reg, x)
    text = (f"{method} descent stopped at relative distance {distance:.2g} from the closed "
            "form, which it has not reached")
    if kappa > 1e16:  # beyond float64's digits: no step size reaches the minimum along it
        why = (": the loss is singular or ill-posed along some direction (the model's columns "
               "are dependent to float64's precision on these data, so descent cannot move "
               "along it)")
    elif kappa > 1e4:
        why = (f": the loss is ill-conditioned (its Hessian's condition number is {kappa:.2g},"
               " so along the flattest direction each step goes about 1/κ of the way)")
    if kappa > 1e4:
        return text + why + ("; the columns are nearly dependent even standardized: more "
                             "--epochs" if standardized else "; use --standardize")
    if method == "batch":
        return text + ": more --epochs (or a smaller --tol)"
    larger = "a larger --batch" if method == "minibatch" else (
        "--method minibatch (a batch per step averages the noise)")
    return text + (f": with a constant learning rate {method} descent keeps moving around the "
                   f"minimum (each step follows part of the data); more --epochs, {larger}, "
                   "or --method batch")


@dataclass(frozen=True)
class GridResult:
    """The best grid point, its loss, and the cost: grid points × data × parameters."""

    best: np.ndarray
    loss: float
    axes: tuple[np.ndarray, ...]
    losses: np.ndarray
    cost: int


def grid_search(reg: Regression, x: np.ndarray, y: np.ndarray,
                box: Sequence[tuple[float, float, int]], *, chunk: int = 2**16) -> GridResult:
    """Try every point of the box (per parameter: low, high, steps) — the lecture's brute
    force, vectorised over chunks of grid points."""
    if len(box) != len(reg.params):
        raise ArgumentError(f"the grid needs a range for each of {', '.join(reg.names)}")
    total = math.prod(n for _, _, n in box)
    if total > MAX_GRID_POINTS:
        raise ArgumentError(f"the grid has {total:,} points; at most {MAX_GRID_POINTS:,} "
                            "(fewer steps, or fewer parameters)")
    if total * len(x) * reg.cost > MAX_WORK:
        raise ArgumentError(f"a grid of {total:,} points over {len(x):,} data points does "
                            f"{total * len(x) * reg.cost:.3g} array operations ({reg.cost} per "
                            f"pair); at most {MAX_WORK:.0e}: at most "
                            f"{MAX_WORK // (len(x) * reg.cost):,} grid points at this size")
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
    """Where descent ended, the loss per epoch (``history``), the path through parameter
    space (per epoch), and why it stopped."""

    method: str
    params: np.ndarray
    loss: float
    steps: int
    epochs: float
    history: np.ndarray
    path: np.ndarray
    stopped: str
    names: tuple[str, ...] = field(default=())
    #: (gradient steps taken, data points used, loss) at up to ~600 moments of the run; for
    #: mini-batch and stochastic descent on more than ``TRACE_SAMPLE`` points the loss there
    #: is estimated on a fixed random sample of that many (scaled like a batch's gradient)
    trace: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))


def descent_work(n: int, cost: int, *, methods: Sequence[str] = ("batch",),
                 epochs: int = 100, batch: int = 100) -> tuple[int, int]:
    """(gradient steps, work) of runs of ``epochs`` epochs by each of ``methods``, the work
    counted as data points read × ``cost`` (:attr:`Regression.cost`, array operations per
    point): what :data:`MAX_STEPS` and :data:`MAX_WORK` bound.  Each epoch reads every
    point once; mini-batch and stochastic descent read them once more for the loss after
    the epoch."""
    steps = work = 0
    for method in methods:
        size = n if method == "batch" else min(batch, n) if method == "minibatch" else 1
        steps += max(1, n // size) * epochs
        work += epochs * n * (1 if method == "batch" else 2) * cost
    return steps, work


def check_budget(n: int, cost: int, *, methods: Sequence[str] = ("batch",), epochs: int = 100,
                 batch: int = 100) -> None:
    """Refuse, before any work, runs beyond :data:`MAX_STEPS` gradient steps or
    :data:`MAX_WORK` (together with the data's own cost, the largest runs take about 6 to
    10 s of one core), saying how many epochs fit and what else would bring the run within
    the bound — only what changes the bounded count: the steps of batch descent are its
    epochs whatever the data, so for it fewer points or a larger batch are not offered."""
    steps, work = descent_work(n, cost, methods=methods, epochs=epochs, batch=batch)
    fit = min(MAX_STEPS // (steps // epochs), MAX_WORK // (work // epochs))
    what = (f"{' + '.join(methods)} descent" if len(methods) > 1 else f"{methods[0]} descent")
    instead = (f"at most {fit:,} epoch{'s fit' if fit != 1 else ' fits'} at this size (--epochs "
               f"{fit})" if fit >= 1 else "not even one epoch fits at this size")
    plural = "s" if epochs != 1 else ""
    others: list[str] = []
    if steps > MAX_STEPS:
        if any(m != "batch" for m in methods):  # one step per batch or point of the data
            others.append("fewer data points")
        if "minibatch" in methods and descent_work(n, cost, methods=methods, epochs=epochs,
                                                   batch=n)[0] <= MAX_STEPS:
            others.append("a larger --batch")
        if list(methods) == ["stochastic"]:
            others.append("--method minibatch --batch N (N points per step)")
        elif "stochastic" in methods:
            others.append("a single method (--method batch or minibatch: stochastic descent "
                          "takes a step per point)")
        bound = (f"takes {steps:,} gradient steps; at most {MAX_STEPS:,} in one run")
    elif work > MAX_WORK:
        others.append("fewer data points")
        if list(methods) == ["batch"]:
            others.append("--method minibatch (it gets near the minimum in fewer epochs)")
        bound = (f"does {work:.3g} array operations ({cost} per point read); at most "
                 f"{MAX_WORK:.0e} in one run")
    else:
        return
    if fit >= 1:
        advice = instead + ("; or " + ", or ".join(others) if others else "")
    else:  # something else must change: others is never empty here (n ≥ 1 point fits)
        advice = f"{instead}: use {', or '.join(others)}"
    raise ArgumentError(f"{what} of {epochs:,} epoch{plural} over {n:,} points {bound}: "
                        f"{advice}")


def descend(reg: Regression, x: np.ndarray, y: np.ndarray, *, method: Method = "batch",
            lr: float = 0.01, epochs: int = 100, batch: int = 100, tol: float = 1e-12,
            start: Sequence[float] | None = None, seed: int = 0,
            progress: Callable[[int, float], None] | None = None) -> DescentResult:
    """w ← w − η ∇L(w), with ∇L over all the data (batch), a random batch (minibatch) or
    one random point (stochastic); seeded.  Stops after ``epochs`` passes over the data, or
    when a batch step changes the loss by less than ``tol`` relatively.  Divergence (the
    loss grows without bound, or is not finite) raises :class:`DescentError`; a run beyond
    the work budget (:func:`check_budget`) raises :class:`ArgumentError` before it starts.

    ``progress(steps, loss)`` is called a few hundred times in a run (and after each
    epoch) with the gradient steps taken so far and the latest loss known.
    """
    if method not in ("batch", "minibatch", "stochastic"):
        raise ArgumentError(f"method must be batch, minibatch or stochastic, not {method!r}")
    if not (lr > 0 and math.isfinite(lr)):
        raise ArgumentError(f"the learning rate must be a positive number, not {lr}")
    if epochs < 1 or batch < 1:
        raise ArgumentError("epochs and batch must be at least 1")
    if not (tol >= 0 and math.isfinite(tol)):
        raise ArgumentError(f"the tolerance must be a number ≥ 0, not {tol}")
    n = len(x)
    check_budget(n, reg.cost, methods=(method,), epochs=epochs, batch=batch)
    w = np.zeros(len(reg.params)) if start is None else np.asarray(start, dtype=float)
    with np.errstate(all="ignore"):  # a diverging run overflows: detected below, said once
        first, g = reg.loss_and_gradient(w, x, y)
        if not math.isfinite(first):
            raise ArgumentError(f"the loss is not finite at the start w = {list(w)}: is the "
                                "model defined at every data point (log or sqrt of x ≤ 0)?")
        if method == "batch":
            return _run_batch(reg, x, y, lr, epochs, tol, w, first, g, progress)
        return _run_batches(reg, x, y, method, lr, epochs, batch, np.random.default_rng(seed),
                            w, first, progress)


def _diverged(method: str, epoch: int, first: float, value: float, lr: float) -> None:
    if not math.isfinite(value) or value > 1e6 * max(first, 1.0):
        raise DescentError(f"{method} descent diverged at epoch {epoch}: the loss grew "
                           f"from {first:.4g} to {value:.4g} — the learning rate {lr} is "
                           "too large for these data; try a smaller one")


def _run_batch(reg: Regression, x: np.ndarray, y: np.ndarray, lr: float, epochs: int,
               tol: float, w: np.ndarray, first: float, g: np.ndarray,
               progress: Callable[[int, float], None] | None) -> DescentResult:
    """One step per epoch; each step's residual gives the loss of the point it reached and
    the gradient of the next step (the data are read once per step)."""
    n = len(x)
    history, path = [first], [w.copy()]
    trace: list[tuple[float, float, float]] = [(0, 0, first)]
    every = max(1, epochs // 600)  # a few hundred moments, whatever the run's length
    stopped = f"{epochs} epochs"
    for epoch in range(1, epochs + 1):
        w = w - lr * g
        value, g = reg.loss_and_gradient(w, x, y)
        history.append(value)
        path.append(w.copy())
        _diverged("batch", epoch, first, value, lr)
        if epoch % every == 0:
            trace.append((epoch, epoch * n, value))
            if progress is not None:
                progress(epoch, value)
        if abs(history[-2] - value) <= tol * max(abs(value), 1e-300):
            stopped = f"the loss changed by less than {tol:g} (relative) after epoch {epoch}"
            break
    return DescentResult("batch", w, history[-1], len(history) - 1, len(history) - 1,
                         np.array(history), np.array(path), stopped, reg.names,
                         np.array(trace))


def _run_batches(reg: Regression, x: np.ndarray, y: np.ndarray, method: str, lr: float,
                 epochs: int, batch: int, rng: np.random.Generator, w: np.ndarray,
                 first: float, progress: Callable[[int, float], None] | None
                 ) -> DescentResult:
    """Mini-batch or stochastic descent: the data shuffled each epoch and cut into batches
    (views of the shuffled copy, so a step of one point costs one small array operation)."""
    n = len(x)
    size = min(batch, n) if method == "minibatch" else 1
    per_epoch = max(1, n // size)
    scale = batch_scale(reg, n, size)
    every = max(1, epochs * per_epoch // 600)
    sample = (np.sort(np.random.default_rng(0).choice(n, TRACE_SAMPLE, replace=False))
              if n > TRACE_SAMPLE else None)

    def estimate(w: np.ndarray) -> float:
        if sample is None:
            return reg.loss_value(w, x, y)
        return batch_scale(reg, n, TRACE_SAMPLE) * reg.loss_value(w, x[sample], y[sample])

    history, path = [first], [w.copy()]
    trace: list[tuple[float, float, float]] = [(0, 0, first)]
    step = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        xs, ys = x[order], y[order]
        for k in range(per_epoch):
            lo = k * size
            w = w - lr * scale * reg.gradient(w, xs[lo:lo + size], ys[lo:lo + size])
            step += 1
            if step % every == 0:
                trace.append((step, step * size, estimate(w)))
                if progress is not None:
                    progress(step, trace[-1][2])
        value = reg.loss_value(w, x, y)
        history.append(value)
        path.append(w.copy())
        _diverged(method, epoch, first, value, lr)
        if progress is not None:
            progress(step, value)
    return DescentResult(method, w, history[-1], step, step * size / n, np.array(history),
                         np.array(path), f"{epochs} epochs", reg.names, np.array(trace))

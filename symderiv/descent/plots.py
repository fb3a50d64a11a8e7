"""The lecture's pictures, drawn with matplotlib (imported only here, only when asked).

* ``data.png`` — data space: the points and the fitted line(s);
* ``parameters.png`` — parameter space (two parameters): loss contours, the negative
  gradient as arrows (the lecture's gradient picture) and each method's descent path;
* ``loss.png`` — the loss per gradient step and per data point used, for each method
  (mini-batch and stochastic descent: cheaper steps, and noisier).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import UnsupportedError
from .derive import Regression
from .run import DescentResult, batch_scale, closed_form
from .scale import Standardized

__all__ = ["FIGURE_SIZE", "plot_all"]

FIGURE_SIZE = (6.4, 4.8)  # inches; at DPI 100: 640 × 480 pixels
DPI = 100


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")  # files, not windows: works without a screen
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise UnsupportedError("plots need matplotlib: pip install 'symderiv[plot]' (or "
                               "pip install matplotlib)") from exc
    return plt


def plot_all(reg: Regression, x: np.ndarray, y: np.ndarray, runs: Sequence[DescentResult],
             directory: str | Path, *, names: tuple[str, str] = ("x", "y"),
             standardized: Standardized | None = None) -> list[Path]:
    """Draw the figures into ``directory`` (created if needed); return their paths.

    ``names`` are the data's column names (the axes of the data space); with
    ``standardized``, the runs descended on its standardized problem: the parameter space
    is drawn there (where the paths are), the fitted lines on the original scale.
    """
    plt = _pyplot()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    fitted = [standardized.original(r.params) if standardized is not None else r.params
              for r in runs]
    paths = [_data_space(plt, reg, x, y, runs, fitted, names, out / "data.png")]
    if len(reg.params) == 2:
        star = None
        if standardized is not None:
            problem, xs, ys = standardized.problem, standardized.design, standardized.target
            star = np.linalg.lstsq(xs, ys, rcond=None)[0]
        else:
            problem, xs, ys = reg, x, y
            if reg.linear:
                star = closed_form(reg, x, y)
        paths.append(_parameter_space(plt, problem, xs, ys, runs, star, names,
                                      standardized is not None, out / "parameters.png"))
    paths.append(_loss_curves(plt, runs, out / "loss.png",
                              " (standardized)" if standardized is not None else ""))
    return paths


def _unit(values: np.ndarray) -> float:
    """A power of ten to divide an axis by when its values are beyond what matplotlib's
    axes scale (10⁻³⁰⁰ looks like a single point at 0); 1 otherwise."""
    size = float(np.max(np.abs(values)))
    if size == 0 or 1e-30 <= size <= 1e30:
        return 1.0
    return 10.0 ** math.floor(math.log10(size))


def _data_space(plt, reg, x, y, runs, fitted, names, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=FIGURE_SIZE, dpi=DPI)
    ux, uy = _unit(x), _unit(y)
    show = np.random.default_rng(0).choice(len(x), min(len(x), 2000), replace=False)
    ax.scatter(x[show] / ux, y[show] / uy, s=8, alpha=0.5, color="0.4", label="data")
    grid = np.linspace(x.min(), x.max(), 200)
    for run, w in zip(runs, fitted, strict=True):
        with np.errstate(all="ignore"):
            ax.plot(grid / ux, reg.predict(w, grid) / uy, lw=2, label=f"{run.method} descent")
    ax.set(xlabel=names[0] + (f" (× {ux:.0e})" if ux != 1 else ""),
           ylabel=names[1] + (f" (× {uy:.0e})" if uy != 1 else ""),
           title=f"Data space: {names[1]} ≈ f({names[0]}) = {reg.model_text}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _box(runs: Sequence[DescentResult]) -> list[np.ndarray]:
    """Per parameter, the range the descent paths cover, with a margin: the picture is
    centred on the paths (a closed form far away would shrink them to a dot)."""
    axes = []
    for j in range(2):
        values = np.concatenate([r.path[:, j] for r in runs])
        values = values[np.isfinite(values)]
        lo, hi = float(values.min()), float(values.max())
        span = hi - lo
        if not span > 1e-9 * max(abs(lo), abs(hi)):  # a path along one axis
            span = max(abs(lo), abs(hi)) * 0.2 or 1.0
        axes.append(np.linspace(lo - 0.15 * span, hi + 0.15 * span, 80))
    return axes


def _landscape(reg, x, y, a, b, star):
    """The loss and its gradient over the grid a × b.  For a model linear in its
    parameters L(w) = L(w*) + c·(w − w*)ᵀ DᵀD (w − w*) exactly (w* the closed form): a 2×2
    matrix, not the data, at each grid point; otherwise the data, sampled down to 20,000
    points (scaled like a batch's gradient) so that a picture of 10⁷ points stays quick."""
    if star is not None:
        d = reg.design(x)
        c, gram = reg.factor(len(x)), d.T @ d
        base = reg.loss_value(star, x, y)
        U, V = np.meshgrid(a - star[0], b - star[1])
        E = np.stack([U, V], axis=-1)
        Z = base + c * np.einsum("...i,ij,...j->...", E, gram, E)
        return Z, lambda w: 2.0 * c * gram @ (w - star)
    if len(x) > 20_000:
        keep = np.random.default_rng(0).choice(len(x), 20_000, replace=False)
        scale = batch_scale(reg, len(x), 20_000)
        x, y = x[keep], y[keep]
    else:
        scale = 1.0
    with np.errstate(all="ignore"):
        Z = np.array([[scale * reg.loss_value(np.array([u, v]), x, y) for u in a] for v in b])
    return Z, lambda w: scale * reg.gradient(w, x, y)


def _parameter_space(plt, reg, x, y, runs, star, names, standardized: bool, path: Path
                     ) -> Path:
    a, b = _box(runs)
    A, B = np.meshgrid(a, b)
    Z, grad = _landscape(reg, x, y, a, b, star)
    fig, ax = plt.subplots(figsize=FIGURE_SIZE, dpi=DPI)
    finite = Z[np.isfinite(Z)]
    if finite.size and finite.max() > finite.min():
        low = finite.min()
        ax.contour(A, B, Z, levels=low + (finite.max() - low) * np.geomspace(1e-3, 1, 15),
                   cmap="viridis")
    qa, qb = np.meshgrid(a[::10], b[::10])
    with np.errstate(all="ignore"):
        grads = np.array([[grad(np.array([u, v])) for u in a[::10]] for v in b[::10]])
    norm = np.linalg.norm(grads, axis=2, keepdims=True) + 1e-300
    ax.quiver(qa, qb, -grads[..., 0] / norm[..., 0], -grads[..., 1] / norm[..., 0],
              color="0.5", alpha=0.7, label="−∇L (direction)")
    for run in runs:
        ax.plot(run.path[:, 0], run.path[:, 1], ".-", ms=3, lw=1, label=f"{run.method} path")
    if star is not None:
        inside = a[0] <= star[0] <= a[-1] and b[0] <= star[1] <= b[-1]
        ax.plot(*(star if inside else (np.nan, np.nan)), "k*", ms=10,
                label="closed form" if inside else
                f"closed form ({star[0]:.3g}, {star[1]:.3g}), outside")
    ax.set_xlim(a[0], a[-1])
    ax.set_ylim(b[0], b[-1])
    label = " (standardized)" if standardized else ""
    ax.set(xlabel=reg.names[0] + label, ylabel=reg.names[1] + label,
           title=f"Parameter space: loss of {names[1]} on {names[0]}, −∇L, descent"
           + label)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _loss_curves(plt, runs, path: Path, label: str = "") -> Path:
    """Loss against gradient steps (batch is best per step) and against data points used
    (one point per step is cheapest), as the lecture compares the three methods."""
    fig, (by_step, by_cost) = plt.subplots(1, 2, figsize=FIGURE_SIZE, dpi=DPI, sharey=True)
    for run in runs:
        t = run.trace
        by_step.plot(np.maximum(t[:, 0], 1), t[:, 2], lw=1, label=run.method)
        by_cost.plot(np.maximum(t[:, 1], 1), t[:, 2], lw=1, label=run.method)
    by_step.set(xscale="log", yscale="log", xlabel="gradient steps", ylabel="loss" + label,
                title="Loss per step")
    by_cost.set(xscale="log", xlabel="data points used", title="Loss per data used")
    by_step.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path

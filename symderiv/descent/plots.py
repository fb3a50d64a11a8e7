"""The lecture's pictures, drawn with matplotlib (imported only here, only when asked).

* ``data.png`` — data space: the points and the fitted line(s);
* ``parameters.png`` — parameter space (two parameters): loss contours, the negative
  gradient as arrows (the lecture's gradient picture) and each method's descent path;
* ``loss.png`` — the loss per gradient step and per data point used, for each method
  (mini-batch and stochastic descent: cheaper steps, and noisier).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import UnsupportedError
from .derive import Regression
from .run import DescentResult, closed_form

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
             directory: str | Path) -> list[Path]:
    """Draw the figures into ``directory`` (created if needed); return their paths."""
    plt = _pyplot()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = [_data_space(plt, reg, x, y, runs, out / "data.png")]
    if len(reg.params) == 2:
        paths.append(_parameter_space(plt, reg, x, y, runs, out / "parameters.png"))
    paths.append(_loss_curves(plt, runs, out / "loss.png"))
    return paths


def _data_space(plt, reg, x, y, runs, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=FIGURE_SIZE, dpi=DPI)
    show = np.random.default_rng(0).choice(len(x), min(len(x), 2000), replace=False)
    ax.scatter(x[show], y[show], s=8, alpha=0.5, color="0.4", label="data")
    grid = np.linspace(x.min(), x.max(), 200)
    for run in runs:
        ax.plot(grid, reg.predict(run.params, grid), lw=2, label=f"{run.method} descent")
    ax.set(xlabel="x", ylabel="y", title=f"Data space: f(x) = {reg.model_text}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _parameter_space(plt, reg, x, y, runs, path: Path) -> Path:
    centre = closed_form(reg, x, y) if reg.linear else runs[0].params
    spans = [max(1.0, float(np.ptp(np.concatenate([r.path[:, j] for r in runs]))) * 0.6)
             for j in range(2)]
    a = np.linspace(centre[0] - spans[0], centre[0] + spans[0], 80)
    b = np.linspace(centre[1] - spans[1], centre[1] + spans[1], 80)
    A, B = np.meshgrid(a, b)
    Z = np.array([[reg.loss_value(np.array([u, v]), x, y) for u in a] for v in b])
    fig, ax = plt.subplots(figsize=FIGURE_SIZE, dpi=DPI)
    ax.contour(A, B, Z, levels=np.geomspace(Z.min() * 1.001 + 1e-12, Z.max(), 15),
               cmap="viridis")
    qa, qb = np.meshgrid(a[::10], b[::10])
    grads = np.array([[reg.gradient(np.array([u, v]), x, y) for u in a[::10]] for v in b[::10]])
    norm = np.linalg.norm(grads, axis=2, keepdims=True) + 1e-300
    ax.quiver(qa, qb, -grads[..., 0] / norm[..., 0], -grads[..., 1] / norm[..., 0],
              color="0.5", alpha=0.7, label="−∇L (direction)")
    for run in runs:
        ax.plot(run.path[:, 0], run.path[:, 1], ".-", ms=3, lw=1, label=f"{run.method} path")
    ax.set(xlabel=reg.names[0], ylabel=reg.names[1], title="Parameter space: loss, −∇L, "
           "descent")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _loss_curves(plt, runs, path: Path) -> Path:
    """Loss against gradient steps (batch is best per step) and against data points used
    (one point per step is cheapest), as the lecture compares the three methods."""
    fig, (by_step, by_cost) = plt.subplots(1, 2, figsize=FIGURE_SIZE, dpi=DPI, sharey=True)
    for run in runs:
        t = run.trace
        by_step.plot(np.maximum(t[:, 0], 1), t[:, 2], lw=1, label=run.method)
        by_cost.plot(np.maximum(t[:, 1], 1), t[:, 2], lw=1, label=run.method)
    by_step.set(xscale="log", yscale="log", xlabel="gradient steps", ylabel="loss",
                title="Loss per step")
    by_cost.set(xscale="log", xlabel="data points used", title="Loss per data used")
    by_step.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path

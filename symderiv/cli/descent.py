"""The ``descent`` command: talk B's regression lecture."""

from __future__ import annotations

import sys
from typing import Any

import click

from ._shared import _OutputPath, _produce, _stderr_is_terminal


def _grid_box(text: str, names: tuple[str, ...]) -> list[tuple[float, float, int]]:
    """"w0=0:3:100, w1=0:3:100" as [(0, 3, 100), (0, 3, 100)], in the parameters' order."""
    ranges: dict[str, tuple[float, float, int]] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, spec = part.partition("=")
        bits = spec.split(":")
        try:
            low, high, steps = float(bits[0]), float(bits[1]), int(bits[2])
        except (ValueError, IndexError):
            raise click.BadParameter(f"{part!r}: write NAME=LOW:HIGH:STEPS, e.g. w0=0:3:100",
                                     param_hint="--grid") from None
        if not (low < high and 2 <= steps <= 2000):
            raise click.BadParameter(f"{part!r}: need LOW < HIGH and 2 ≤ STEPS ≤ 2000",
                                     param_hint="--grid")
        ranges[name.strip()] = (low, high, steps)
    missing = [n for n in names if n not in ranges]
    extra = [n for n in ranges if n not in names]
    if missing or extra:
        raise click.BadParameter(f"give one range per parameter ({', '.join(names)})"
                                 + (f"; {extra[0]!r} is not one" if extra else ""),
                                 param_hint="--grid")
    return [ranges[n] for n in names]


@click.command("descent")
@click.option("--data", "data_path", default=None, metavar="FILE.csv",
              help="Data with a header row (default: the built-in data, 200 seeded points "
                   "near y = 1 + 2x); at most 1,000,000 rows.")
@click.option("--n", "n_points", type=click.IntRange(2, 10**7), default=200, show_default=True,
              help="Size of the built-in data (without --data), up to 10,000,000; a run's "
                   "work is bounded (see below).")
@click.option("--x", "x_col", default="x", show_default=True,
              help="The input column (the model calls it x).")
@click.option("--y", "y_col", default="y", show_default=True, help="The output column.")
@click.option("--model", default="w0 + w1*x", show_default=True, metavar="EXPR",
              help="The model f_w(x); every name but x is a parameter (exp, log, sqrt allowed).")
@click.option("--loss", type=click.Choice(["sse", "half", "mean"]), default="sse",
              show_default=True, help="Σ (y − f)², ½ Σ (y − f)², or the mean.")
@click.option("--method", type=click.Choice(["batch", "minibatch", "stochastic", "all"]),
              default="batch", show_default=True,
              help="All data per step, a random batch, or one random point; 'all' runs each.")
@click.option("--batch", type=click.IntRange(1, None), default=100, show_default=True,
              help="Mini-batch size.")
@click.option("--lr", type=float, default=None,
              help="Learning rate η (default: the largest safe one for a model linear in its "
                   "parameters, 1e-3 otherwise).")
@click.option("--epochs", type=click.IntRange(1, 10**7), default=1000, show_default=True,
              help="Passes over the data (batch descent stops earlier at --tol).")
@click.option("--tol", type=float, default=1e-15, show_default=True,
              help="Batch descent stops when the loss changes by less than this (relative).")
@click.option("--standardize", is_flag=True,
              help="Descend on standardized columns (mean 0, spread 1) and report the weights "
                   "on the original scale (exact for a model linear in its parameters).")
@click.option("--grid", default=None, metavar="SPEC",
              help='The lecture\'s brute force first, e.g. "w0=0:3:100, w1=0:3:100".')
@click.option("--steps", "show_steps", is_flag=True, help="Print the chain-rule steps.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the batches and of the built-in data.")
@click.option("--json", "json_out", is_flag=True,
              help="Print the result as JSON (parameters, loss, closed_form, …).")
@click.option("--latex", "latex_path", type=_OutputPath(), default=None, metavar="OUT.tex",
              help="Also write the derivation of the gradient as a LaTeX worked solution.")
@click.option("--plot", "plot_dir", type=_OutputPath(directory=True), default=None,
              metavar="DIR",
              help="Also draw data.png, parameters.png and loss.png into DIR (matplotlib).")
def descent_cmd(data_path: str | None, n_points: int, x_col: str, y_col: str, model: str, loss: str,
                method: str, batch: int, lr: float | None, epochs: int, tol: float,
                standardize: bool, grid: str | None, show_steps: bool, seed: int,
                json_out: bool, latex_path: str | None, plot_dir: str | None) -> None:
    """Talk B's regression lecture: derive the gradient, then run gradient descent.

    The loss L(w) = Σ (y_i − f_w(x_i))² is differentiated by the chain rule,
    ∂L/∂w_j = Σ −2 (y_i − f_w(x_i)) · ∂f/∂w_j, each partial derivative is checked
    by symderiv's engines, compiled to NumPy, and descent w ← w − η ∇L runs on the
    data. For a model linear in its parameters the result is compared with the
    closed-form least-squares solution, with a warning when descent stopped far
    from it (then --standardize usually helps).

    \b
    Bounds (each about 10 s on a 2-core machine; beyond them symderiv refuses
    before starting and says how many epochs fit):
      data points read × operations per point ≤ 10^10 (--method all: the three
      runs together; 10^7 points of w0 + w1*x: 200 epochs), at most 300,000
      gradient steps, a grid of at most 10^7 points and 10^10 operations.
    Data whose squares overflow or underflow float64 (values beyond ~10^150 or
    below ~10^-146) are refused, naming the column; --standardize fits them.
    On a terminal, long runs show a progress bar on stderr.

    Exit codes: 0 done, 1 descent diverged, 2 bad input.

    \b
    Examples:
      symderiv descent
      symderiv descent --grid "w0=0:3:100, w1=0:3:100"
      symderiv descent --data points.csv --x x --y y --method minibatch --batch 100 --lr 0.01
      symderiv descent --data houses.csv --x size --y price --standardize
      symderiv descent --model "w0 + w1*x + w2*x**2" --loss mean --steps
      symderiv descent --method all --epochs 30 --plot figures/
    """
    import numpy as np

    from ..descent import (
        DescentError,
        auto_lr,
        builtin_data,
        closed_form,
        derive_regression,
        descend,
        grid_search,
        load_csv,
    )
    from ..descent.run import check_budget, check_defined, descent_work, far_from
    from ..descent.scale import check_scale
    from ..descent.scale import standardize as to_standard

    fmt = "json" if json_out else "text"
    if lr is not None and not (lr > 0 and np.isfinite(lr)):
        raise click.BadParameter("the learning rate must be a positive number", param_hint="--lr")
    methods = ["batch", "minibatch", "stochastic"] if method == "all" else [method]
    x, y = (load_csv(data_path, x=x_col, y=y_col) if data_path else
            builtin_data(n_points, seed=seed))
    source = data_path or f"built-in ({n_points} seeded points near y = 1 + 2x)"
    names = (x_col, y_col)
    # the model's input is always called x; --x only chooses the column
    reg = _produce(lambda: derive_regression(model, loss=loss), fmt, "verdict")
    box = _grid_box(grid, reg.names) if grid else None
    # refused before any work on the data (standardized columns cost 2 per parameter + 2)
    check_budget(len(x), 2 * len(reg.params) + 2 if standardize else reg.cost,
                 methods=methods, epochs=epochs, batch=batch)
    check_defined(reg, x)
    std = None
    if standardize:
        if not reg.linear:
            raise click.BadParameter(f"{reg.model_text} is not linear in its parameters: "
                                     "weights fitted on standardized data do not carry back "
                                     "exactly; rescale the columns instead",
                                     param_hint="--standardize")
        std = to_standard(reg, x, y, names=names)
        problem, xs, ys = std.problem, std.design, std.target
    else:
        check_scale(reg, x, y, names=names, source=repr(data_path) if data_path else
                    "the built-in data")
        problem, xs, ys = reg, x, y
    exact = None
    if reg.linear:  # data that do not determine the weights are refused here (exit 2)
        exact = (std.original(np.linalg.lstsq(std.design, std.target, rcond=None)[0])
                 if std is not None else closed_form(reg, x, y))
    out: dict[str, Any] = {"model": reg.model_text, "loss": loss, "data": {"source": source,
                                                                          "n": len(x)},
                           "gradient": [{"parameter": s.param, "partial": str(s.partial),
                                         "check": v.outcome}
                                        for s, v in zip(reg.steps, reg.checks, strict=True)],
                           "standardized": std is not None}
    if box is not None:
        g = grid_search(reg, x, y, box)
        out["grid"] = {"best": dict(zip(reg.names, map(float, g.best), strict=True)),
                       "loss": g.loss, "cost": g.cost}
    runs, results, warnings, notes = [], [], [], []
    for m in methods:
        rate = lr if lr is not None else auto_lr(problem, xs, m, batch)
        total, work = descent_work(len(x), problem.cost, methods=(m,), epochs=epochs,
                                   batch=batch)
        from tqdm import tqdm

        # a bar only where someone watches, and only for a run long enough to need one
        bar = tqdm(total=total, desc=f"{m} descent", unit="step", file=sys.stderr,
                   leave=False, dynamic_ncols=True,
                   disable=not (_stderr_is_terminal() and (total >= 20_000 or work >= 2e8)))

        def progress(steps: int, value: float, bar: Any = bar) -> None:
            bar.set_postfix_str(f"loss {value:.4g}", refresh=False)
            bar.update(steps - bar.n)

        try:
            d = descend(problem, xs, ys, method=m, lr=rate, epochs=epochs, batch=batch,
                        tol=tol, seed=seed, progress=progress)
        except DescentError as exc:  # a result, not bad input: said on stdout, exit 1
            hint = ""
            if reg.linear and lr is not None:
                hint = (f" (without --lr symderiv would use η = "
                        f"{auto_lr(problem, xs, m, batch):.3g}"
                        + ("; with --loss mean the step no longer grows with the number of "
                           "points" if loss != "mean" else "") + ")")
            if fmt == "json":
                import json

                click.echo(json.dumps({"verdict": "diverged", "error": str(exc) + hint}))
            else:
                click.echo(f"✗ DIVERGED — {exc}{hint}")
            sys.exit(exc.exit_code)
        finally:
            bar.close()
        results.append(d)
        params, value = d.params, d.loss
        if std is not None:
            params = std.original(d.params)
            with np.errstate(all="ignore"):  # beyond float64 there: said in a note
                value = reg.loss_value(params, x, y)
            exponent = std.loss_log10(d.loss)
            if d.loss > 0 and not (value >= 2.3e-308 and np.isfinite(value)):
                notes.append(f"{m}: the loss on the original scale, about 10^{exponent:.1f}, "
                             f"is beyond float64 (standardized loss {d.loss:.6g})")
        run: dict[str, Any] = {"method": m, "lr": rate, "lr_auto": lr is None,
                               "parameters": dict(zip(reg.names, map(float, params),
                                                      strict=True)),
                               "loss": value, "epochs": d.epochs, "steps": d.steps,
                               "stopped": d.stopped}
        if std is not None:
            run["loss_standardized"] = d.loss
        if exact is not None:
            top = float(np.max(np.abs(exact))) or 1.0  # norms of weights near 1e300 overflow
            run["relative_distance"] = float(np.linalg.norm(params / top - exact / top)
                                             / (np.linalg.norm(exact / top) or 1.0))
            warning = far_from(problem, xs, m, run["relative_distance"],
                               standardized=std is not None)
            if warning:
                warnings.append(warning)
        runs.append(run)
    out["closed_form"] = (dict(zip(reg.names, map(float, exact), strict=True))
                          if exact is not None else None)
    out.update(runs[0] if len(runs) == 1 else {"runs": runs})
    out["warnings"] = warnings
    out["notes"] = notes
    from .._output import write_into, write_output

    if plot_dir:
        from ..descent.plots import plot_all

        out["figures"] = [str(p) for p in write_into(
            plot_dir, lambda staging: plot_all(reg, x, y, results, staging, names=names,
                                               standardized=std), option="--plot")]
    if latex_path:
        from ..render.latex import render_regression

        write_output(latex_path, render_regression(reg, standalone=True), option="--latex")
    if fmt == "json":
        import json

        for run in runs:  # JSON has no infinity: a loss beyond float64 is in the notes
            run["loss"] = run["loss"] if np.isfinite(run["loss"]) else None
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    from ..render.text import render_regression as render_text

    click.echo(render_text(reg, out, steps=show_steps))
    if std is not None:
        click.echo("scale     descent ran on standardized columns (mean 0, spread 1); the "
                   "weights and loss above are on the original scale")
    for line in notes:
        click.echo(f"note      {line}")
    for line in warnings:
        click.echo(f"⚠ warning {line}")

"""The ``descent`` command: talk B's regression lecture."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ._shared import _Command, _OutputPath, _produce, _stderr_is_terminal

if TYPE_CHECKING:  # numpy and the descent package load when the command runs
    import numpy as np

    from ..descent import DescentError, DescentResult, Regression
    from ..descent.scale import LinearFeatures, Standardized


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


@click.command("descent", cls=_Command)
@click.option("--data", "data_path", default=None, metavar="FILE.csv",
              help="Data with a header row, or - for stdin (default: the built-in data, 200 "
                   "seeded points near y = 1 + 2x); at most 1,000,000 rows.")
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
def descent_cmd(**options: Any) -> None:
    """Talk B's regression lecture: derive the gradient, then run gradient descent.

    The loss L(w) = Σ (y_i − f_w(x_i))² is differentiated by the chain rule,
    ∂L/∂w_j = Σ −2 (y_i − f_w(x_i)) · ∂f/∂w_j, each partial derivative is checked
    by symderiv's engines, compiled to NumPy, and descent w ← w − η ∇L runs on the
    data. For a model linear in its parameters the result is compared with the
    closed-form least-squares solution, with a warning when descent stopped far
    from it (then --standardize usually helps).

    \b
    Bounds (the largest runs take about 6 to 10 s of one core, longer on a busy
    machine; beyond them symderiv refuses before starting and says how many
    epochs fit):
      data points read × operations per point ≤ 3·10^9 (--method all: the three
      runs together; 10^7 points of w0 + w1*x: 60 epochs), at most 250,000
      gradient steps, a grid of at most 10^7 points and 3·10^9 operations.
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
    o = _DescentOptions(**options)
    # bad input anywhere before the result is printed is also JSON on stdout with --json
    lecture, out, runs = _produce(lambda: _result(o), o.fmt, "verdict")
    _print(lecture, out, runs)


def _result(o: _DescentOptions) -> tuple[_Lecture, dict[str, Any], list[dict[str, Any]]]:
    """Everything the command prints, and the files it writes: the lecture, its result and
    the runs (a run that diverges ends the command)."""
    lecture = _prepare(o)
    out = _summary(lecture)
    from ..descent.scale import check_resolution

    runs, results, notes = [], [], []
    # a column float64 barely resolves at its offset: the fit is exact for the numbers as
    # read, but numbers written with more digits were rounded (said first)
    warnings = list(check_resolution(lecture.reg, lecture.x, lecture.y, names=lecture.names))
    for m in lecture.options.methods:
        run, result, warning, note = _descend(lecture, m)
        runs.append(run)
        results.append(result)
        warnings += [warning] if warning else []
        notes += [note] if note else []
    out["closed_form"] = (dict(zip(lecture.reg.names, map(float, lecture.exact), strict=True))
                          if lecture.exact is not None else None)
    out.update(runs[0] if len(runs) == 1 else {"runs": runs})
    out["warnings"] = warnings
    out["notes"] = notes
    _write_files(lecture, out, results)
    return lecture, out, runs


@dataclass(frozen=True, slots=True)
class _DescentOptions:
    """The command line of ``descent``, as click read it."""

    data_path: str | None
    n_points: int
    x_col: str
    y_col: str
    model: str
    loss: str
    method: str
    batch: int
    lr: float | None
    epochs: int
    tol: float
    standardize: bool
    grid: str | None
    show_steps: bool
    seed: int
    json_out: bool
    latex_path: str | None
    plot_dir: str | None

    @property
    def fmt(self) -> str:
        return "json" if self.json_out else "text"

    @property
    def methods(self) -> list[str]:
        return ["batch", "minibatch", "stochastic"] if self.method == "all" else [self.method]


@dataclass(frozen=True, slots=True)
class _Lecture:
    """What every run descends on, read, derived and checked before any descent starts."""

    options: _DescentOptions
    x: np.ndarray  # the data as read
    y: np.ndarray
    names: tuple[str, str]  # the columns' names, for the scale errors and the plots
    source: str
    reg: Regression
    box: list[tuple[float, float, int]] | None  # the grid, with --grid
    std: Standardized | None  # with --standardize
    problem: Regression | LinearFeatures  # what descent runs on: std's problem and
    xs: np.ndarray  # columns, or reg, x and y
    ys: np.ndarray
    exact: np.ndarray | None  # the closed form, for a model linear in its parameters


def _prepare(o: _DescentOptions) -> _Lecture:
    """Read the data, derive the gradient and refuse what would fail or run too long."""
    import numpy as np

    from ..descent import builtin_data, closed_form, derive_regression, load_csv
    from ..descent.run import check_budget, check_defined
    from ..descent.scale import check_scale
    from ..descent.scale import standardize as to_standard
    from ..errors import ArgumentError

    if o.lr is not None and not (o.lr > 0 and np.isfinite(o.lr)):
        raise click.BadParameter("the learning rate must be a positive number", param_hint="--lr")
    if o.data_path == "":  # not the built-in data: a file was meant and none given
        raise ArgumentError("cannot read --data '': the path is empty")
    if o.data_path is None:
        x, y = builtin_data(o.n_points, seed=o.seed)
        source = f"built-in ({o.n_points} seeded points near y = 1 + 2x)"
    else:  # - is the CSV on stdin, as verify - reads a document there
        stream = o.data_path == "-"
        x, y = load_csv(click.open_file("-", encoding="utf-8") if stream else o.data_path,
                        x=o.x_col, y=o.y_col)
        source = "standard input" if o.data_path == "-" else o.data_path
    names = (o.x_col, o.y_col)
    # the model's input is always called x; --x only chooses the column
    reg = derive_regression(o.model, loss=o.loss)
    box = _grid_box(o.grid, reg.names) if o.grid else None
    # refused before any work on the data (standardized columns cost 2 per parameter + 2)
    check_budget(len(x), 2 * len(reg.params) + 2 if o.standardize else reg.cost,
                 methods=o.methods, epochs=o.epochs, batch=o.batch)
    check_defined(reg, x)
    std = None
    if o.standardize:
        if not reg.linear:
            raise click.BadParameter(f"{reg.model_text} is not linear in its parameters: "
                                     "weights fitted on standardized data do not carry back "
                                     "exactly; rescale the columns instead",
                                     param_hint="--standardize")
        std = to_standard(reg, x, y, names=names)
        problem, xs, ys = std.problem, std.design, std.target
    else:
        check_scale(reg, x, y, names=names, source="the built-in data" if o.data_path is None
                    else "standard input" if o.data_path == "-" else repr(o.data_path))
        problem, xs, ys = reg, x, y
    exact = None
    if reg.linear:  # data that do not determine the weights are refused here (exit 2)
        exact = (std.original(np.linalg.lstsq(std.design, std.target, rcond=None)[0])
                 if std is not None else closed_form(reg, x, y, names=names))
    return _Lecture(o, x, y, names, source, reg, box, std, problem, xs, ys, exact)


def _summary(lecture: _Lecture) -> dict[str, Any]:
    """The result before any descent: the model, the checked gradient, the grid search."""
    from ..descent import grid_search

    reg, x, y, box = lecture.reg, lecture.x, lecture.y, lecture.box
    # "loss" becomes the final loss when a run's fields join (kept so); "loss_kind" stays
    out: dict[str, Any] = {"model": reg.model_text, "loss": lecture.options.loss,
                           "loss_kind": lecture.options.loss,
                           "data": {"source": lecture.source, "n": len(x)},
                           "gradient": [{"parameter": s.param, "partial": str(s.partial),
                                         "check": v.outcome}
                                        for s, v in zip(reg.steps, reg.checks, strict=True)],
                           "standardized": lecture.std is not None}
    if box is not None:
        g = grid_search(reg, x, y, box)
        out["grid"] = {"best": dict(zip(reg.names, map(float, g.best), strict=True)),
                       "loss": g.loss, "cost": g.cost}
    return out


def _descend(lecture: _Lecture, m: str
             ) -> tuple[dict[str, Any], DescentResult, str | None, str | None]:
    """One descent by method ``m``: its entry of the result, the DescentResult (for the
    plots), and a warning and a note, if any. A run that diverges ends the command."""
    import numpy as np

    from ..descent import DescentError, auto_lr, descend
    from ..descent.run import far_from

    o, reg, std, problem, xs = (lecture.options, lecture.reg, lecture.std, lecture.problem,
                                lecture.xs)
    rate = o.lr if o.lr is not None else auto_lr(problem, xs, m, o.batch)
    with _progress_bar(lecture, m) as progress:
        try:
            d = descend(problem, xs, lecture.ys, method=m, lr=rate, epochs=o.epochs,
                        batch=o.batch, tol=o.tol, seed=o.seed, progress=progress)
        except DescentError as exc:  # a result, not bad input: said on stdout, exit 1
            _diverged(lecture, m, exc)
    params, value, warning, note = d.params, d.loss, None, None
    if std is not None:
        params = std.original(d.params)
        with np.errstate(all="ignore"):  # beyond float64 there: said in a note
            value = reg.loss_value(params, lecture.x, lecture.y)
        exponent = std.loss_log10(d.loss)
        if d.loss > 0 and not (value >= 2.3e-308 and np.isfinite(value)):
            note = (f"{m}: the loss on the original scale, about 10^{exponent:.1f}, "
                    f"is beyond float64 (standardized loss {d.loss:.6g})")
    run: dict[str, Any] = {"method": m, "lr": rate, "lr_auto": o.lr is None,
                           "parameters": dict(zip(reg.names, map(float, params), strict=True)),
                           "loss": value, "epochs": d.epochs, "steps": d.steps,
                           "stopped": d.stopped}
    if std is not None:
        run["loss_standardized"] = d.loss
    exact = lecture.exact
    if exact is not None:
        top = float(np.max(np.abs(exact))) or 1.0  # norms of weights near 1e300 overflow
        run["relative_distance"] = float(np.linalg.norm(params / top - exact / top)
                                         / (np.linalg.norm(exact / top) or 1.0))
        warning = far_from(problem, xs, m, run["relative_distance"],
                           standardized=std is not None)
    return run, d, warning, note


@contextmanager
def _progress_bar(lecture: _Lecture, m: str) -> Iterator[Callable[[int, float], None]]:
    """A progress callback for ``descend``, drawing a tqdm bar on stderr where someone
    watches, and only for a run long enough to need one."""
    from tqdm import tqdm

    from ..descent.run import descent_work

    o = lecture.options
    total, work = descent_work(len(lecture.x), lecture.problem.cost, methods=(m,),
                               epochs=o.epochs, batch=o.batch)
    bar = tqdm(total=total, desc=f"{m} descent", unit="step", file=sys.stderr,
               leave=False, dynamic_ncols=True,
               disable=not (_stderr_is_terminal() and (total >= 20_000 or work >= 2e8)))

    def progress(steps: int, value: float) -> None:
        bar.set_postfix_str(f"loss {value:.4g}", refresh=False)
        bar.update(steps - bar.n)

    try:
        yield progress
    finally:
        bar.close()


def _diverged(lecture: _Lecture, m: str, exc: DescentError) -> NoReturn:
    """Say that descent by ``m`` diverged (with the rate symderiv would have chosen, when
    one was given) and exit with the error's code."""
    from ..descent import auto_lr

    o, hint = lecture.options, ""
    if lecture.reg.linear and o.lr is not None:
        hint = (f" (without --lr symderiv would use η = "
                f"{auto_lr(lecture.problem, lecture.xs, m, o.batch):.3g}"
                + ("; with --loss mean the step no longer grows with the number of "
                   "points" if o.loss != "mean" else "") + ")")
    if o.fmt == "json":
        import json

        click.echo(json.dumps({"verdict": "diverged", "error": str(exc) + hint}))
    else:
        click.echo(f"✗ DIVERGED — {exc}{hint}")
    sys.exit(exc.exit_code)


def _write_files(lecture: _Lecture, out: dict[str, Any], results: list[DescentResult]
                 ) -> None:
    """The figures (--plot, listed in ``out``) and the LaTeX derivation (--latex)."""
    from .._output import write_into, write_output

    o, reg = lecture.options, lecture.reg
    if o.plot_dir:
        from ..descent.plots import plot_all

        out["figures"] = [str(p) for p in write_into(
            o.plot_dir, lambda staging: plot_all(reg, lecture.x, lecture.y, results, staging,
                                                 names=lecture.names, standardized=lecture.std),
            option="--plot")]
    if o.latex_path:
        from ..render.latex import render_regression

        write_output(o.latex_path, render_regression(reg, standalone=True), option="--latex")


def _finite(v: Any) -> Any:
    """``v`` with every float that is not finite replaced by None, all the way down."""
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_finite(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _print(lecture: _Lecture, out: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    """The result on stdout, as JSON or as the lecture's text."""
    if lecture.options.fmt == "json":
        import json

        # JSON has no infinity: a value beyond float64 is null (the notes say why); a single
        # run's fields sit at the top level too, so the whole result is cleaned
        click.echo(json.dumps(_finite(out), indent=2, ensure_ascii=False, allow_nan=False))
        return
    from ..render.text import render_regression as render_text

    click.echo(render_text(lecture.reg, out, steps=lecture.options.show_steps))
    if lecture.std is not None:
        click.echo("scale     descent ran on standardized columns (mean 0, spread 1); the "
                   "weights and loss above are on the original scale")
    for line in out["notes"]:
        click.echo(f"note      {line}")
    for line in out["warnings"]:
        click.echo(f"⚠ warning {line}")

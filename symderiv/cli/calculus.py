"""The calculus commands: ``grad``, ``hessian``, ``explain grad|hessian`` and ``equal``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ._shared import (
    _NEGATIVE_OK,
    _Command,
    _format,
    _Group,
    _lets,
    _output_options,
    _produce,
    _run,
    _SignedArguments,
)
from .language import DECLARATIONS_HELP, LANGUAGE_HELP

#: what a reader of grad --help needs besides the options: the language and --let
EPILOG = LANGUAGE_HELP + "\n" + DECLARATIONS_HELP


def _parse_sizes(ctx: click.Context, param: click.Parameter, value: str | None
                 ) -> tuple[int, ...]:
    """"8,16" as (8, 16); the library checks the range."""
    if not value:
        return ()
    parts = [p.strip() for p in value.split(",")]
    # ASCII digits: '²'.isdigit() holds, but int('²') fails
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise click.BadParameter(f"{value!r} is not a list of sizes (write e.g. 8,16)")
    huge = next((p for p in parts if len(p) > 18), None)  # int() refuses 4300 digits
    if huge is not None:
        raise click.BadParameter(f"size {huge[:12]}… ({len(huge)} digits) is too large")
    return tuple(int(p) for p in parts)


def _derivative_options(what: str, variable_help: str) -> Callable[..., Any]:
    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        f = _output_options(f)
        f = click.option("--sizes", callback=_parse_sizes, metavar="N[,N...]",
                         help="More sizes for the element-wise engine (every dimension set "
                              "to N; it always checks sizes 1 to 4), e.g. 8,16.")(f)
        f = click.option("--scale", type=click.FloatRange(1e-6, 1e6), default=1.0,
                         show_default=True,
                         help="Magnitude of the random floating-point data.")(f)
        f = click.option("--claim", default=None, metavar="EXPR",
                         help=f"Your {what}. Without it, the {what} is derived and printed.")(f)
        f = click.option("--wrt", required=True, metavar="NAME", help=variable_help)(f)
        return click.argument("function")(f)
    return decorate


def _check_derivative(task: str, function: str, wrt: str, claim: str | None, scale: float,
                      sizes: tuple[int, ...], let: tuple[str, ...], seed: int, json_out: bool,
                      latex_out: bool) -> None:
    from ..check import check_gradient, check_hessian

    check = check_gradient if task == "gradient" else check_hessian
    fmt = _format(json_out, latex_out)
    decls = _lets(let)
    _run(lambda: check(function, wrt=wrt, claim=claim, let=decls, seed=seed, scale=scale,
                       sizes=sizes), fmt)


@click.command("grad", cls=_SignedArguments, context_settings=_NEGATIVE_OK, epilog=EPILOG)
@_derivative_options("gradient", "The variable to differentiate by.")
def grad_cmd(**options: Any) -> None:
    """Check (or derive) the gradient of a scalar FUNCTION.

    The gradient has the shape of the variable (denominator layout): for
    w: n it is a vector of length n, for X: m x n an m x n matrix.

    \b
    Examples:
      symderiv grad "x.T @ A @ x" --wrt x --let "x: n; A: n x n, symmetric" --claim "2 * A @ x"
      symderiv grad "logdet(S)" --wrt S --let "S: n x n, positive definite" --claim "inv(S).T"
      symderiv grad "x.T @ A @ x" --wrt x --let "x: n; A: n x n"
    """
    _check_derivative("gradient", **options)


@click.command("hessian", cls=_SignedArguments, context_settings=_NEGATIVE_OK,
               epilog=EPILOG)
@_derivative_options("Hessian", "The variable (a scalar or a vector).")
def hessian_cmd(**options: Any) -> None:
    """Check (or derive) the Hessian of a scalar FUNCTION.

    \b
    Examples:
      symderiv hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n" --claim "2 * A"
      symderiv hessian "norm(y - X @ w)**2" --wrt w --let "X: m x n; y: m; w: n"
    """
    _check_derivative("hessian", **options)


@click.group("explain", cls=_Group)
def explain_group() -> None:
    """Print a worked solution: a gradient or Hessian derived entry by entry.

    The function is written in index form (xᵀAx = Σ_i Σ_j a_ij x_i x_j),
    differentiated by a generic entry x_k — splitting the cases i = k and j = k
    for a quadratic term, resolving Kronecker deltas otherwise — simplified with
    the declared symmetries, and read back as a matrix expression. Sums such as
    ‖y − Xw‖² are multiplied out first and each term is done on its own. Every
    step is checked at sizes 1, 2, 3 before it is printed.

    Covers polynomial expressions (products, sums, transposes, traces, squared
    norms, Hadamard products, diag); for exp, log or inverses use 'grad' or
    'hessian', which derive them in matrix form.

    \b
    Examples:
      symderiv explain grad "x.T @ A @ x" --wrt x --let "x: n; A: n x n, symmetric"
      symderiv explain hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n" --latex
      symderiv explain grad "norm(y - X @ w)**2" --wrt w --let "X: m x n; y: m; w: n"
    """


def _explain_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--latex", "latex_out", is_flag=True,
                     help="Print the derivation as a LaTeX align* block (needs the "
                          "amsmath and amssymb packages).")(f)
    f = click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
                     help="Seed of the random values the steps are checked with.")(f)
    f = click.option("--json", "json_out", is_flag=True,
                     help="Print the steps as JSON (top-level key 'explanation').")(f)
    f = click.option("--let", "let", multiple=True, metavar="DECLS",
                     help="Shapes and assumptions, e.g. \"x: n; A: n x n, symmetric\".")(f)
    f = click.option("--wrt", required=True, metavar="NAME",
                     help="The variable to differentiate by.")(f)
    return click.argument("function")(f)


def _explain(task: str, function: str, wrt: str, let: tuple[str, ...], seed: int,
             json_out: bool, latex_out: bool) -> None:
    from ..explain import explain_gradient, explain_hessian

    fmt = _format(json_out, latex_out)
    fn = explain_gradient if task == "gradient" else explain_hessian
    explanation = _produce(lambda: fn(function, wrt=wrt, let=_lets(let), seed=seed), fmt,
                           "explanation")
    if fmt == "json":
        from ..render.json import render_explanation as render_json
        click.echo(render_json(explanation))
    elif fmt == "latex":
        from ..render.latex import render_explanation as render_tex
        click.echo(render_tex(explanation))
    else:
        click.echo(str(explanation))


@explain_group.command("grad", cls=_Command, json_key="explanation")
@_explain_options
def explain_grad_cmd(**options: Any) -> None:
    """The gradient of FUNCTION, entry by entry (talk A, sections A4 and A5).

    \b
    Example:
      symderiv explain grad "norm(y - X @ w)**2" --wrt w --let "X: m x n; y: m; w: n"
    """
    _explain("gradient", **options)


@explain_group.command("hessian", cls=_Command, json_key="explanation")
@_explain_options
def explain_hessian_cmd(**options: Any) -> None:
    """The Hessian of FUNCTION: the gradient's steps, then ∂/∂x_l of its entry k.

    \b
    Example:
      symderiv explain hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n, symmetric"
    """
    _explain("hessian", **options)


@click.command("equal", cls=_SignedArguments, context_settings=_NEGATIVE_OK, epilog=EPILOG)
@click.argument("lhs")
@click.argument("rhs")
@_output_options
def equal_cmd(lhs: str, rhs: str, let: tuple[str, ...], seed: int, json_out: bool,
              latex_out: bool) -> None:
    """Check the identity LHS = RHS for every size the declarations allow.

    \b
    Examples:
      symderiv equal "(A @ B).T" "B.T @ A.T" --let "A: m x k; B: k x n"
      symderiv equal "norm(y - X @ w)**2" "(y - X @ w).T @ (y - X @ w)" --let "X: m x n; y: m; w: n"
    """
    from ..check import check_equal

    _run(lambda: check_equal(lhs, rhs, let=_lets(let), seed=seed), _format(json_out, latex_out))

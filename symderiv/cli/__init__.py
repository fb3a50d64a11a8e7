"""The ``symderiv`` command: a thin shell over the library.

Exit codes: 0 the claim holds, 1 it fails, 2 bad input or usage, 3 undecided.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from typing import Any

import click

from ..errors import ParseError, SymderivError
from ..parse.expression import FUNCTIONS
from ..verdict import Verdict

__all__ = ["main"]

LANGUAGE_HELP = """\b
Expressions are numpy-like:
  @ matrix product   .T transpose   + - * / ** elementwise (scalars broadcast)
  vectors are 1-D:   x.T @ A @ x is a scalar;  u @ v is the dot product
  functions: """ + ", ".join(FUNCTIONS) + """
\b
Declarations (--let) are separated by ';':
  NAME[, NAME]: scalar | n | m x n  [, ASSUMPTION ...]
  assumptions: symmetric, positive definite, invertible, diagonal,
               orthogonal (matrices); positive (scalars)
  undeclared names are real scalars; 'a: n x 1' declares a column.
"""

EXIT_HELP = """\b
Exit codes: 0 holds, 1 fails, 2 bad input or usage, 3 undecided,
            4 internal error (a bug in symderiv: please report it).
"""


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _fail_input(exc: SymderivError) -> None:
    """One line for scripts; on a terminal, the source with a caret under the column too."""
    click.echo(f"Error: {exc}", err=True)
    if isinstance(exc, ParseError) and exc.caret() and _stderr_is_terminal():
        click.echo(exc.caret(), err=True)
    sys.exit(exc.exit_code)


class _Group(click.Group):
    """Turns every error into one line on stderr and an exit code — never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (| head): nothing more to say
            sys.stderr.close()
            sys.exit(0)
        except SymderivError as exc:
            _fail_input(exc)
        except Exception as exc:  # a bug in symderiv: say so plainly
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report "
                       "it with the command line", err=True)
            sys.exit(4)


def _produce(fn: Callable[[], Any], fmt: str, key: str) -> Any:
    """fn(), or on bad input its error — also as JSON on stdout when JSON was asked for,
    so that scripts reading stdout still get JSON (``{key: "error", …}``)."""
    try:
        return fn()
    except SymderivError as exc:
        if fmt == "json":
            import json

            click.echo(json.dumps({key: "error", "error": str(exc),
                                   "col": getattr(exc, "col", None),
                                   "exit_code": exc.exit_code}))
        raise


def _run(fn: Callable[[], Verdict], fmt: str) -> None:
    verdict = _produce(fn, fmt, "verdict")
    if fmt == "json":
        from ..render.json import render_verdict as render
        click.echo(render(verdict))
    elif fmt == "latex":
        from ..render.latex import render_verdict as render_tex
        click.echo(render_tex(verdict))
    else:
        click.echo(str(verdict))
    sys.exit(verdict.exit_code)


def _output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--latex", "latex_out", is_flag=True,
                     help="Print a LaTeX fragment (the claim and the verdict).")(f)
    f = click.option("--json", "json_out", is_flag=True,
                     help="Print the verdict as JSON (top-level key 'verdict').")(f)
    f = click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
                     help="Seed of the random points; the same seed reproduces a "
                          "counterexample.")(f)
    f = click.option("--let", "let", multiple=True, metavar="DECLS",
                     help="Shapes and assumptions, e.g. \"X: m x n; y: m; w: n\" "
                          "(may be repeated).")(f)
    return f


class _OutputPath(click.ParamType):
    """A file (or with ``directory`` a directory of figures) to write: a path that cannot
    be written is refused, naming the option, when the command line is read — before the
    work whose result it would hold."""

    name = "path"

    def __init__(self, *, directory: bool = False) -> None:
        self.directory = directory

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from .._output import check_output_path

        option = param.opts[0] if param is not None and param.opts else "path"
        return check_output_path(value, option=option, directory=self.directory)


def _lets(let: tuple[str, ...]) -> str:
    return "; ".join(part for part in let if part.strip())


def _format(json_out: bool, latex_out: bool) -> str:
    if json_out and latex_out:
        raise click.UsageError("choose one of --json and --latex")
    return "json" if json_out else "latex" if latex_out else "text"


@click.group(cls=_Group,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=LANGUAGE_HELP + "\n" + EXIT_HELP)
@click.version_option(package_name="symderiv")
def main() -> None:
    """Check hand derivations by machine, with evidence.

    Give a function, a variable and your claimed gradient or Hessian; symderiv
    derives the true one in matrix form (at symbolic sizes) and entry by entry
    (index form, and exact polynomial entries at sizes 1 to 4), checks your
    claim exactly, cross-checks everything with finite differences, and says
    holds / fails / undecided. A failure comes with the correct result, what is
    wrong with the claim, and a counterexample you can reproduce. 'explain'
    prints the entry-by-entry derivation as a worked solution (text or LaTeX);
    'verify' checks a whole derivation you wrote (Markdown with LaTeX or
    numpy-like steps) and points at the first wrong step. 'divide', 'compare'
    and 'exponents' make definitions checkable: a ÷ b as the unique x with
    b·x = a, ∞ in mathematics vs Python/NumPy/SymPy, and the exponent laws.

    \b
    Examples:
      symderiv grad "norm(y - X @ w)**2" --wrt w --let "X: m x n; y: m; w: n" \\
          --claim "-2 * X.T @ y + X.T @ X @ w"
      symderiv hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n" --claim "2 * A"
      symderiv equal "(A @ B).T" "B.T @ A.T" --let "A: m x k; B: k x n"
      symderiv explain hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n, symmetric"
      symderiv verify docs/examples/least_squares.md --pdf solution.pdf
      symderiv divide 0 0
      symderiv compare "0/0" "1/0" "inf - inf" "inf + 1"
      symderiv exponents
      symderiv limit "1/x" --at 0 --side + --claim oo --witness "1/R"
      symderiv descent --grid "w0=0:3:100, w1=0:3:100"
      symderiv demo
    """


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


@main.command("grad")
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


@main.command("hessian")
@_derivative_options("Hessian", "The variable (a scalar or a vector).")
def hessian_cmd(**options: Any) -> None:
    """Check (or derive) the Hessian of a scalar FUNCTION.

    \b
    Examples:
      symderiv hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n" --claim "2 * A"
      symderiv hessian "norm(y - X @ w)**2" --wrt w --let "X: m x n; y: m; w: n"
    """
    _check_derivative("hessian", **options)


@main.group("explain", cls=_Group)
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


@explain_group.command("grad")
@_explain_options
def explain_grad_cmd(**options: Any) -> None:
    """The gradient of FUNCTION, entry by entry (talk A, sections A4 and A5).

    \b
    Example:
      symderiv explain grad "norm(y - X @ w)**2" --wrt w --let "X: m x n; y: m; w: n"
    """
    _explain("gradient", **options)


@explain_group.command("hessian")
@_explain_options
def explain_hessian_cmd(**options: Any) -> None:
    """The Hessian of FUNCTION: the gradient's steps, then ∂/∂x_l of its entry k.

    \b
    Example:
      symderiv explain hessian "x.T @ A @ x" --wrt x --let "x: n; A: n x n, symmetric"
    """
    _explain("hessian", **options)


@main.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("--let", "let", multiple=True, metavar="DECLS",
              help="Declarations besides the document's own 'let' lines.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the random points; the same seed reproduces a counterexample.")
@click.option("--json", "json_out", is_flag=True,
              help="Print the steps as JSON (keys 'steps' and 'first_wrong_step').")
@click.option("--latex", "latex_path", type=_OutputPath(), metavar="OUT.tex", default=None,
              help="Also write the checked derivation as a standalone LaTeX document.")
@click.option("--pdf", "pdf_path", type=_OutputPath(), metavar="OUT.pdf", default=None,
              help="Also compile it to PDF with pdflatex (Debian: texlive-latex-base).")
@click.option("--markdown", "md_path", type=_OutputPath(), metavar="OUT.md", default=None,
              help="Also write it as Markdown with $$ math, for web pages.")
def verify_cmd(file: str, let: tuple[str, ...], seed: int, json_out: bool,
               latex_path: str | None, pdf_path: str | None, md_path: str | None) -> None:
    """Check every step of a derivation written in Markdown (FILE, or - for stdin).

    Steps go in a fenced block tagged symderiv (numpy-like notation, 'let' lines
    for declarations) or in display math ($$ … $$, align/aligned with &= and \\\\).
    A chain starts with 'NAME = expression'; each further '= expression' must
    equal the one before; grad(NAME, w) = … (\\nabla_w NAME = … in LaTeX) claims
    a gradient. Each step gets ✓ or ✗; a wrong one comes with the correct result
    and a counterexample, and the steps after it are still checked.

    \b
    Example (docs/examples/least_squares.md):
      ```symderiv
      let X: m x n; y: m; w: n
      E = norm(y - X @ w)**2
        = (y - X @ w).T @ (y - X @ w)
      grad(E, w) = -2 * X.T @ y + X.T @ X @ w
      ```
      symderiv verify docs/examples/least_squares.md --pdf solution.pdf
    """
    import shutil

    from .._output import write_output
    from ..derivation import verify_document

    fmt = "json" if json_out else "text"
    if pdf_path and shutil.which("pdflatex") is None:  # said before the checking starts
        raise click.UsageError("--pdf needs pdflatex (Debian: apt-get install "
                               "texlive-latex-base); --latex OUT.tex writes the source")
    try:
        source = click.open_file(file, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"cannot read {file!r}: {exc}", param_hint="FILE") from None
    report = _produce(lambda: verify_document(source, let=_lets(let) or None, seed=seed), fmt,
                      "derivation")
    if fmt == "json":
        from ..render.json import render_derivation as render_json
        click.echo(render_json(report))
    else:
        click.echo(str(report))
    if md_path:
        write_output(md_path, report.to_markdown(), option="--markdown")
    if latex_path or pdf_path:
        from ..render.latex import render_derivation as render_tex

        tex = render_tex(report)
        if latex_path:
            write_output(latex_path, tex, option="--latex")
        if pdf_path:
            _compile_pdf(tex, pdf_path)
    sys.exit(report.exit_code)


def _compile_pdf(tex: str, pdf_path: str) -> None:
    import subprocess
    import tempfile
    from pathlib import Path

    from .._output import write_output

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "derivation.tex").write_text(tex, encoding="utf-8")
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               "derivation.tex"], cwd=tmp, capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0:
            error = click.ClickException("pdflatex failed on the worked solution (a command "
                                         "it does not know?); --latex OUT.tex writes the source")
            error.exit_code = 2
            raise error
        write_output(pdf_path, (Path(tmp) / "derivation.pdf").read_bytes(), option="--pdf")


@main.command("equal")
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


def _print_result(result: Any, fmt: str) -> None:
    """A definition's result in the chosen format, through its own printers."""
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "latex":
        click.echo(result._repr_latex_())
    else:
        click.echo(str(result))


class _SignedArguments(click.Command):
    """A command whose arguments may be negative (``divide -6 3``, ``compare -inf+1``): a
    token with one leading '-' is an argument; one with '--' that is not an option of the
    command is a misspelt option and gets click's "no such option" error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {name for p in self.get_params(ctx) for name in getattr(p, "opts", ())}
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if arg.startswith("--") and name not in known:
                from difflib import get_close_matches

                raise click.NoSuchOption(name, possibilities=get_close_matches(name, known),
                                         ctx=ctx)
        return super().parse_args(ctx, args)


_NEGATIVE_OK = {"ignore_unknown_options": True}


@main.command("divide", cls=_SignedArguments, context_settings=_NEGATIVE_OK)
@click.argument("a")
@click.argument("b")
@click.option("--domain", default="RR", show_default=True, metavar="DOMAIN",
              help="Where to solve b·x = a: ZZ, QQ, RR, CC, ZZ/n (n ≥ 2), QQ[t] or ZZ[t] "
                   "(any variable name), matrices.")
@click.option("--side", type=click.Choice(["left", "right"]), default="left",
              show_default=True, help="Matrices: solve B·X = A (left) or X·B = A (right).")
@click.option("--json", "json_out", is_flag=True,
              help="Print the answer as JSON (keys 'verdict', 'quotient', 'solutions', …).")
@click.option("--latex", "latex_out", is_flag=True, help="Print a LaTeX worked solution.")
def divide_cmd(a: str, b: str, domain: str, side: str, json_out: bool, latex_out: bool) -> None:
    """A ÷ B by the definition: the unique x with B·x = A (talk A1).

    symderiv solves B·x = A in the domain, counts the solutions and checks each
    one: exactly one means A ÷ B is that solution; none (1 ÷ 0) or more than one
    (0 ÷ 0: every x solves 0·x = 0) means A ÷ B is undefined, and it says why.

    \b
    Values are written like Python:
      numbers      6   -3   1/2   0.25 (exact)   sqrt(2)   pi   1 + 2*I
      polynomials  t**2 - 1            (with --domain "QQ[t]")
      matrices     Matrix([[1, 2], [3, 4]]) or [[1, 2], [3, 4]]

    Exit codes: 0 defined (one solution), 1 undefined (none or several),
    2 bad input.

    \b
    Examples:
      symderiv divide 6 3
      symderiv divide 0 0
      symderiv divide 2 4 --domain ZZ/6
      symderiv divide "t**2 - 1" "t - 1" --domain "QQ[t]"
      symderiv divide "Matrix([[1,2],[2,4]])" "Matrix([[1,2],[2,4]])" --domain matrices
    """
    from ..definitions.division import divide

    fmt = _format(json_out, latex_out)
    result = _produce(lambda: divide(a, b, domain=domain, side=side), fmt,  # type: ignore[arg-type]
                      "verdict")
    _print_result(result, fmt)
    sys.exit(result.exit_code)


@main.command("compare", cls=_SignedArguments, context_settings=_NEGATIVE_OK)
@click.argument("expressions", nargs=-1, required=True)
@click.option("--json", "json_out", is_flag=True,
              help="Print the table as JSON (keys 'systems' and 'rows').")
@click.option("--latex", "latex_out", is_flag=True, help="Print the table as a LaTeX tabular.")
def compare_cmd(expressions: tuple[str, ...], json_out: bool, latex_out: bool) -> None:
    """Mathematics vs Python vs NumPy vs SymPy on EXPRESSIONS, side by side (talk A2).

    Each expression is evaluated in the real numbers (division by its definition;
    ∞ is not a real number), in the extended reals ℝ̄ = ℝ ∪ {−∞, +∞} (∞ + 1 = ∞,
    but ∞ − ∞, 0·∞ and ∞/∞ have no value), and by running Python's arithmetic,
    NumPy's float64 (with the warnings it raises) and SymPy's. Write inf (or oo)
    for ∞. Rows marked '!' are where an implementation parts from mathematics.

    \b
    Examples:
      symderiv compare "0/0" "1/0" "inf - inf" "inf + 1"
      symderiv compare "0*inf" "inf/inf" "0**0" "0.1 + 0.2"
    """
    from ..definitions.extended import compare

    fmt = _format(json_out, latex_out)
    _print_result(_produce(lambda: compare(*expressions), fmt, "comparison"), fmt)


def _names(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    bad = [n for n in names if not n.isidentifier()]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not a variable name (write e.g. a,b)")
    return names


@main.command("exponents")
@click.option("--claim", default=None, metavar="'LHS = RHS'",
              help="Check a claim about powers instead, e.g. 'a**(1/2) = -sqrt(a)'.")
@click.option("--positive", default="a", show_default=True, callback=_names, metavar="NAMES",
              help="Variables of the claim that are real numbers > 0 (comma-separated).")
@click.option("--natural", default="", callback=_names, metavar="NAMES",
              help="Variables of the claim that are natural numbers 1, 2, 3, …")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the random values the steps (or the claim) are checked at.")
@click.option("--json", "json_out", is_flag=True, help="Print the result as JSON.")
@click.option("--latex", "latex_out", is_flag=True, help="Print a LaTeX worked solution.")
def exponents_cmd(claim: str | None, positive: tuple[str, ...], natural: tuple[str, ...],
                  seed: int, json_out: bool, latex_out: bool) -> None:
    """The exponent laws' natural extension, derived and checked (talk A3).

    From (1) a^x·a^y = a^(x+y), (2) a^x ÷ a^y = a^(x−y) and (3) (a^x)^y = a^(xy)
    for natural x, y: keeping the laws true forces a⁰ = 1, a⁻ⁿ = 1/aⁿ,
    a^(1/n) = ⁿ√a and a^(p/q) = (q√a)^p. Each step names the law it uses and is
    checked symbolically and at random a > 0. The last part shows why real
    exponents need a > 0: for a = −8, the exponents 1/3 and 2/6 would give −2
    and 2.

    With --claim, decides a claim about powers for all values of its variables
    (a > 0 by default; others real): a proof, or a counterexample. Exit codes
    then: 0 holds, 1 fails, 3 undecided, 2 bad input.

    \b
    Examples:
      symderiv exponents
      symderiv exponents --latex > exponents.tex
      symderiv exponents --claim "a**(1/2) = -sqrt(a)"
      symderiv exponents --claim "(a**x)**y = a**(x+y)"
    """
    fmt = _format(json_out, latex_out)
    if claim is None:
        from ..definitions.exponents import natural_extension

        _print_result(natural_extension(seed=seed), fmt)
        return
    from ..definitions.exponents import check_power_claim

    _run(lambda: check_power_claim(claim, positive=positive, natural=natural, seed=seed), fmt)


@main.command("limit", cls=_SignedArguments, context_settings=_NEGATIVE_OK)
@click.argument("function")
@click.option("--at", "at", required=True, metavar="A",
              help="The point x tends to: a number, or oo / -oo (also inf).")
@click.option("--claim", required=True, metavar="L",
              help="The claimed limit: a number or oo / -oo.")
@click.option("--side", type=click.Choice(["+", "-"]), default=None,
              help="One-sided limit: + from the right (x > a), - from the left.")
@click.option("--witness", default=None, metavar="EXPR",
              help="Your δ(ε), δ(R), N(ε) or N(R), written in eps or R, e.g. 'Min(1, eps/7)'.")
@click.option("--var", default=None, metavar="NAME",
              help="The variable of FUNCTION (default: its only name, else x).")
@click.option("--all-reals", is_flag=True,
              help="Quantify R over every real number (the literal statement), not just R > 0.")
@click.option("--play", is_flag=True, help="Play the game: A names ε (or R), B answers δ (or N).")
@click.option("--as", "role", type=click.Choice(["A", "B"]), default="A", show_default=True,
              help="With --play: the side you play (symderiv plays the other).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
              help="Seed of the random search and of symderiv's challenges.")
@click.option("--json", "json_out", is_flag=True,
              help="Print the verdict as JSON (verdict, statement, method, counterexample).")
@click.option("--latex", "latex_out", is_flag=True, help="Print a LaTeX worked solution.")
def limit_cmd(function: str, at: str, claim: str, side: str | None, witness: str | None,
              var: str | None, all_reals: bool, play: bool, role: str, seed: int, json_out: bool,
              latex_out: bool) -> None:
    """Check lim FUNCTION = L as the definition says (talk A2), optionally with a witness.

    The claim is read as its definition — ε-δ (∀ε > 0 ∃δ > 0 ∀x: 0 < |x − a| < δ ⇒
    |f(x) − L| < ε), R-δ for L = ±oo, ε-N and R-N at a = ±oo. With --witness,
    symderiv gives the negation to the SMT solver z3: no solution is a proof; a
    solution is a counterexample (ε or R, and x), re-checked exactly; where z3
    cannot decide, an adversarial search looks for one. Without a witness it
    decides the claim from the one-sided limits and proposes a witness. R ranges
    over R > 0 by default (that loses nothing); --all-reals checks every real R.

    Exit codes: 0 holds, 1 fails, 3 undecided, 2 bad input.

    \b
    Examples:
      symderiv limit "1/x" --at 0 --side + --claim oo --witness "1/R"
      symderiv limit "x**2" --at 3 --claim 9 --witness "Min(1, eps/7)"
      symderiv limit "1/x" --at 0 --claim oo
      symderiv limit "1/n" --var n --at oo --claim 0 --witness "1/eps"
      symderiv limit "1/x" --at 0 --side + --claim oo --play
    """
    from ..definitions.limits import check_limit, make_limit

    fmt = _format(json_out, latex_out)
    if play and fmt != "text":  # the game is a dialogue, not a document
        raise click.UsageError("--play is interactive: it cannot be combined with --json or "
                               "--latex")
    if play:
        _play(make_limit(function, at=at, claim=claim, side=side, var=var), witness, role,
              all_reals, seed)
        return
    result = _produce(lambda: check_limit(function, at=at, claim=claim, side=side,
                                          witness=witness, var=var, all_reals=all_reals,
                                          seed=seed), fmt, "verdict")
    _print_result(result, fmt)
    sys.exit(result.exit_code)


def _read(stdin: Any) -> str | None:
    """One answer, or None at 'q' or the end of input; echoed when it comes from a pipe."""
    line = stdin.readline()
    if not stdin.isatty():
        click.echo(line.strip())
    if not line or line.strip().lower() in ("q", "quit"):
        return None
    return line.strip()


def _play(limit: Any, witness: str | None, role: str, all_reals: bool, seed: int) -> None:
    """The game on stdin/stdout: one round per line, until 'q' or the end of input."""
    from ..definitions.limits import LimitGame, _witness

    w = _witness(witness, limit)[0] if witness is not None else None
    game = LimitGame(limit, w, all_reals=all_reals, seed=seed)
    q = "ε" if limit.quantity == "eps" else "R"
    d = "δ" if limit.answer == "delta" else "N"
    click.echo(f"The game for {limit.statement(all_reals=all_reals)}")
    click.echo(f"A names {q}; B answers {d}; B wins if no {limit.x} in the neighbourhood breaks "
               "the conclusion.")
    click.echo(f"You play {role}; symderiv plays {'B' if role == 'A' else 'A'}. "
               "Type q to stop.")
    stdin = click.get_text_stream("stdin")
    wins = rounds = 0
    while True:
        if role == "A":
            click.echo(f"{q} = ", nl=False)
            line = _read(stdin)
            if line is None:
                break
            try:
                value, why = game.answer(line)
            except SymderivError as exc:
                click.echo(f"Error: {exc}")
                continue
            rounds += 1
            click.echo(f"B (symderiv): {d} = {value} — {why}. B wins.")
        else:
            challenge = game.challenge()
            click.echo(f"A (symderiv): {q} = {challenge}. Your {d} = ", nl=False)
            line = _read(stdin)
            if line is None:
                break
            try:
                won, why = game.judge(challenge, line)
            except SymderivError as exc:
                click.echo(f"Error: {exc}")
                continue
            rounds += 1
            wins += won
            click.echo(f"{'You win' if won else 'symderiv wins'}: {why}")
    click.echo("")
    if role == "A":
        click.echo(f"{rounds} round{'s' if rounds != 1 else ''}; B won each: the witness is a "
                   "winning strategy.")
    else:
        click.echo(f"{rounds} round{'s' if rounds != 1 else ''}; you won {wins}.")


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


@main.command("descent")
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


@main.command("demo")
@click.option("-v", "--verbose", is_flag=True, help="Print each verdict in full.")
def demo_cmd(verbose: bool) -> None:
    """Run the examples of the two source talks and show each verdict.

    Every claim from talk A (division by its definition, the exponent laws,
    the Hessian of a quadratic form, the least-squares gradient and its
    textbook erratum) and talk B (the regression loss's
    partial derivatives) is checked; the command exits 0 when each one gets
    the verdict it should.
    """
    from ..definitions.division import Division
    from ..definitions.limits import LimitCheck
    from ..examples import SEED_EXAMPLES, check_example
    from ..render.printing import to_unicode

    wrong = 0
    for ex in SEED_EXAMPLES:
        v = check_example(ex)
        ok = v.outcome == ex.expected
        wrong += not ok
        mark = {"holds": "✓", "fails": "✗", "undecided": "?", "unique": "✓", "none": "∅",
                "many": "∞"}[v.outcome]
        click.echo(f"{mark} {v.outcome:<9} {ex.source}" + ("" if ok else
                                                           f"   <-- expected {ex.expected}"))
        click.echo(f"    $ symderiv {shlex.join(ex.argv())}")
        if isinstance(v, Division | LimitCheck):
            click.echo(f"    why: {v.reason}")
        elif v.outcome == "fails":
            if v.correct_text:
                click.echo(f"    correct: {to_unicode(v.correct)}")
            for d in v.diagnoses[:1]:
                click.echo(f"    why: {d.message}")
        if verbose:
            click.echo("\n".join("    " + ln for ln in str(v).splitlines()))
    click.echo(f"\n{len(SEED_EXAMPLES) - wrong} of {len(SEED_EXAMPLES)} examples got the "
               "expected verdict")
    sys.exit(0 if wrong == 0 else 1)


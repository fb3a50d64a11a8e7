"""What every command shares: its output options, output paths, and the one way an error
becomes a line on stderr and an exit code (0 holds, 1 fails, 2 bad input or usage,
3 undecided, 4 internal error)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from ..errors import ParseError, SymderivError
from ..verdict import Verdict


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


def _echo_json_error(key: str, exc: SymderivError | click.ClickException) -> None:
    """The error as the one JSON object scripts read from stdout: ``{key: "error", "error":
    …, "col": …, "exit_code": …}`` (docs/reference.md, exit codes)."""
    import json

    message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
    click.echo(json.dumps({key: "error", "error": message, "col": getattr(exc, "col", None),
                           "exit_code": exc.exit_code}))


def _produce(fn: Callable[[], Any], fmt: str, key: str) -> Any:
    """fn(), or on bad input its error — also as JSON on stdout when JSON was asked for,
    so that scripts reading stdout still get JSON (``{key: "error", …}``)."""
    try:
        return fn()
    except SymderivError as exc:
        if fmt == "json":
            _echo_json_error(key, exc)
        raise


class _Command(click.Command):
    """A command whose usage errors (an unknown option, a missing argument, a bad option
    value, options that exclude each other) are also JSON on stdout when ``--json`` is on
    the command line, as its other errors are: a script reading stdout gets JSON whatever
    went wrong. ``json_key`` is the top-level key of the command's JSON output."""

    def __init__(self, *args: Any, json_key: str = "verdict", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.json_key = json_key

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        # the command line is read before ctx.params holds --json, so it is looked for in
        # the raw arguments (a copy: click's parser consumes the list); an output path is
        # checked (OutputPathError) while reading them
        raw = list(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except (click.UsageError, SymderivError) as exc:
            if self._asks_for_json(raw):
                _echo_json_error(self.json_key, exc)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        # usage errors found once the options are read (--json with --latex, --pdf without
        # pdflatex), before anything is printed
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if ctx.params.get("json_out"):
                _echo_json_error(self.json_key, exc)
            raise

    def _asks_for_json(self, args: list[str]) -> bool:
        """Whether ``--json`` is an option in ``args``: not the value of another option
        (``--let --json``), nor an argument after ``--``."""
        flag = next((p for p in self.params if p.name == "json_out"), None)
        if not isinstance(flag, click.Option):
            return False
        takes_value = {name for p in self.params
                       if isinstance(p, click.Option) and not p.is_flag and not p.count
                       for name in p.opts + p.secondary_opts}
        it = iter(args)
        for arg in it:
            if arg == "--":
                return False
            if arg in flag.opts:
                return True
            if arg in takes_value:
                next(it, None)
        return False


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


class _SignedArguments(_Command):
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

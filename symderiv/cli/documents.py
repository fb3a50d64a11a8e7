"""The documents command: ``verify`` checks a derivation written in Markdown and writes it
as LaTeX, PDF or Markdown."""

from __future__ import annotations

import sys

import click

from ._shared import _Command, _lets, _OutputPath, _produce
from .language import DECLARATIONS_HELP, LANGUAGE_HELP


@click.command("verify", cls=_Command, json_key="derivation",
               epilog=LANGUAGE_HELP + "\n" + DECLARATIONS_HELP)
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

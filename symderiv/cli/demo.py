"""The ``demo`` command: the examples of the two source talks, each with its verdict."""

from __future__ import annotations

import shlex
import sys

import click


@click.command("demo")
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

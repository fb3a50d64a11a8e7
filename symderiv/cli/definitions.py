"""The commands that make definitions checkable: ``divide``, ``compare``, ``exponents`` and
``limit`` (with ``--play``, the ε-δ game)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import SymderivError
from ._shared import _NEGATIVE_OK, _Command, _format, _produce, _run, _SignedArguments


def _print_result(result: Any, fmt: str) -> None:
    """A definition's result in the chosen format, through its own printers."""
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "latex":
        click.echo(result._repr_latex_())
    else:
        click.echo(str(result))


@click.command("divide", cls=_SignedArguments, context_settings=_NEGATIVE_OK)
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


@click.command("compare", cls=_SignedArguments, context_settings=_NEGATIVE_OK,
               json_key="comparison")
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


@click.command("exponents", cls=_Command)
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


@click.command("limit", cls=_SignedArguments, context_settings=_NEGATIVE_OK)
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

"""The ``symderiv`` command: a thin shell over the library.

Exit codes: 0 the claim holds, 1 it fails, 2 bad input or usage, 3 undecided.

The commands live by family — ``calculus`` (grad, hessian, explain, equal), ``documents``
(verify), ``definitions`` (divide, compare, exponents, limit), ``descent`` and ``demo`` —
over ``_shared`` (output options, output paths, errors and exit codes); this module holds
the ``main`` group, its help and the one list of commands.
"""

from __future__ import annotations

import click

from ._shared import _Group
from .calculus import equal_cmd, explain_group, grad_cmd, hessian_cmd
from .definitions import compare_cmd, divide_cmd, exponents_cmd, limit_cmd
from .demo import demo_cmd
from .descent import descent_cmd
from .documents import verify_cmd
from .language import DECLARATIONS_HELP, LANGUAGE_HELP

__all__ = ["main"]

EXIT_HELP = """\b
Exit codes: 0 holds, 1 fails, 2 bad input or usage, 3 undecided,
            4 internal error (a bug in symderiv: please report it).
"""


@click.group(cls=_Group,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=LANGUAGE_HELP + "\n" + DECLARATIONS_HELP + "\n" + EXIT_HELP)
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


# one list: ``symderiv --help`` shows it sorted by name
for _command in (grad_cmd, hessian_cmd, explain_group, verify_cmd, equal_cmd, divide_cmd,
                 compare_cmd, exponents_cmd, limit_cmd, descent_cmd, demo_cmd):
    main.add_command(_command)

"""Assertions for claims on paper: identities and whole derivation documents.

Each runs the same checks as the command line (:func:`symderiv.check_equal`,
:func:`symderiv.verify_document`) and raises an ``AssertionError`` whose message is the
verdict: the wrong step, a counterexample with the seed that reproduces it, and the
correct result.  A claim symderiv can neither prove nor refute fails too (``undecided=
"skip"`` skips the test instead), so that nothing passes unchecked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ArgumentError

__all__ = ["assert_derivation", "assert_identity"]

_SUFFIXES = (".md", ".markdown", ".tex", ".txt")
#: A counterexample is reproduced by the assertion's own seed argument, not the command's.
_REPRODUCE = "seed={seed}"


def _settle(outcome: str, undecided: str, header: str, body: str) -> None:
    __tracebackhide__ = True
    if outcome == "holds":
        return
    if outcome == "undecided" and undecided == "skip":
        import pytest

        pytest.skip(f"{header}: undecided")
    raise AssertionError(f"{header}: {outcome}\n\n{body}")


def _mode(undecided: str) -> str:
    if undecided not in ("fail", "skip"):
        raise ArgumentError(f"undecided must be 'fail' or 'skip', not {undecided!r}")
    return undecided


def assert_identity(lhs: str, rhs: str, *, let: str | None = None, seed: int = 0,
                    undecided: str = "fail") -> None:
    """Assert that ``lhs == rhs`` for every size and value the declarations allow.

    Examples
    --------
    >>> assert_identity("norm(y - X @ w)**2", "y.T@y - 2*y.T@X@w + w.T@X.T@X@w",
    ...                 let="X: m x n; y: m; w: n")
    >>> assert_identity("(A @ B).T", "A.T @ B.T", let="A: n x n; B: n x n")
    Traceback (most recent call last):
    AssertionError: identity (A @ B).T = A.T @ B.T (where A: n x n; B: n x n): fails
    ...
    """
    __tracebackhide__ = True
    from ..check import check_equal

    mode = _mode(undecided)
    from ..render.text import render_verdict

    v = check_equal(lhs, rhs, let=let, seed=seed)
    where = f" (where {let})" if let else ""
    _settle(v.outcome, mode, f"identity {lhs} = {rhs}{where}",
            render_verdict(v, reproduce=_REPRODUCE))


def assert_derivation(document: str | os.PathLike[str], *, let: str | None = None,
                      seed: int = 0, undecided: str = "fail") -> None:
    """Assert that every step of a derivation document holds.

    ``document`` is the Markdown text, or a path to it (a ``Path``, or a string naming an
    existing ``.md``, ``.markdown``, ``.tex`` or ``.txt`` file).

    Examples
    --------
    >>> assert_derivation('''
    ... ```symderiv
    ... let x: n; A: n x n, symmetric
    ... f = x.T @ A @ x
    ... grad(f, x) = 2 * A @ x
    ... ```''')
    >>> assert_derivation("```symderiv\\nf = x**3\\ngrad(f, x) = 3 * x\\n```")
    Traceback (most recent call last):
    AssertionError: derivation: fails at step 1 (line 3)
    ...
    """
    __tracebackhide__ = True
    from ..derivation import verify_document
    from ..render.text import render_derivation

    mode = _mode(undecided)
    name = "derivation"
    text: Any = document
    if isinstance(document, os.PathLike) or (
            isinstance(document, str) and "\n" not in document
            and document.endswith(_SUFFIXES) and Path(document).is_file()):
        path = Path(document)
        text = path.read_text(encoding="utf-8")
        name = f"derivation in {path}"
    report = verify_document(text, let=let, seed=seed)
    body = render_derivation(report, reproduce=_REPRODUCE)
    wrong = report.first_wrong_step
    if wrong is not None:
        step = next(s for s in report.steps if s.index == wrong)
        raise AssertionError(f"{name}: fails at step {step.number} (line {step.line})\n\n"
                             f"{body}")
    _settle(report.outcome, mode, name, body)

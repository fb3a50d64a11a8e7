"""Worked solutions: gradients and Hessians derived entry by entry, as in the talk.

:func:`explain_gradient` and :func:`explain_hessian` return an :class:`Explanation`,
a chain of :class:`Step` objects that a printer turns into text or a LaTeX
``align*`` block.  The derivation is the element-wise engine's own (the judge uses
its result as the third engine), and every step is checked before it is shown:
each right-hand side is evaluated at concrete sizes with random integer values and
compared with the left-hand side computed independently — the function by exact
evaluation, a derivative by the polynomial entries of :mod:`.calculus.elementwise`.

>>> e = explain_gradient("x.T @ A @ x", wrt="x", let="x: n; A: n x n, symmetric")
>>> e.result_text
'2 * A @ x'
>>> [s.reason.kind for s in e.steps if s.reason][:5]
['index form', 'cases', 'differentiate', 'symmetry', 'absorb']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .calculus import indexform as ix
from .calculus import matrix as mf
from .calculus.elementwise import derivative_entries, entries_at
from .calculus.evaluate import Exact, compile_expr
from .calculus.indexform import IndexExpr
from .calculus.steps import EntryOf, Nabla, Partial, Step, derive, entry_letters
from .errors import EvaluationError, NotPolynomial, StepError
from .problem import declarations_of, setup_problem, symbol_names, validate_options
from .render.printing import to_input
from .space import Declaration, Space

__all__ = ["Explanation", "StepCheck", "explain_gradient", "explain_hessian", "verify"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """A worked solution: the steps, the result, and how the steps were checked."""

    task: str
    function: str
    function_expr: Any
    wrt: str
    wrt_kind: str
    declarations: tuple[Declaration, ...]
    steps: tuple[Step, ...]
    result: Any
    result_text: str
    names: dict[str, str] = field(default_factory=dict)
    checked: StepCheck | None = None

    def __str__(self) -> str:
        from .render.text import render_explanation

        return render_explanation(self)

    def _repr_latex_(self) -> str:
        from .render.latex import render_explanation

        return render_explanation(self, standalone=False)

    def to_dict(self) -> dict[str, Any]:
        from .render.json import explanation_to_dict

        return explanation_to_dict(self)


# -- checking the steps -----------------------------------------------------------------------
CHECK_MAX_SIZE = 4


@dataclass(frozen=True, slots=True)
class StepCheck:
    """How the steps of a worked solution were checked: at ``sizes``, ``comparisons``
    values in all; ``unchecked`` lists the (1-based) steps no size could evaluate."""

    sizes: tuple[dict[str, int], ...]
    comparisons: int
    unchecked: tuple[int, ...] = ()


def verify(steps: list[Step] | tuple[Step, ...], task: str, wrt: str, space: Space,
           names: list[str], seed: int = 0) -> StepCheck:
    """Check every step at concrete sizes up to 4 (square and rectangular) with random
    integer values, against the left-hand side computed without the index form: the
    function by exact evaluation, a derivative by the element-wise engine's polynomial
    entries.

    Raises StepError naming the first step that fails.  A ∂/∂x_k (…) line (the
    expression about to be differentiated) is checked through the line after it.
    """
    used = {d for n in names for d in space.get(n).dims if isinstance(d, sp.Symbol)}
    assignments = [s for s in space.size_assignments(used)
                   if all(v <= CHECK_MAX_SIZE for v in s.values())]
    counts = [0] * len(steps)
    for si, sizes in enumerate(assignments):
        rng = np.random.default_rng([seed, si, 7])
        point = space.random_point(names, sizes, rng, exact=True)
        lhs = None
        for n, step in enumerate(steps):
            if step.lhs is not None:
                lhs = step.lhs
            if isinstance(step.rhs, Partial):
                continue
            rows_cols = [i.name for e in lhs.by for i in e.indices] \
                if isinstance(lhs, Partial) else []
            try:
                want = _reference(lhs, point, sizes, wrt, space)
                got = _value(step.rhs, point, sizes, want, rows_cols)
            except (EvaluationError, NotPolynomial):
                continue  # not admissible here (a singular matrix, say)
            if not _equal(want, got):
                where = ", ".join(f"{d.name} = {v}" for d, v in sizes.items())
                raise StepError(f"step {n + 1} ({step.reason.kind if step.reason else 'result'}"
                                f") does not hold at {where or 'the declared sizes'}")
            counts[n] += 1
    unchecked = tuple(n + 1 for n, (c, step) in enumerate(zip(counts, steps, strict=True))
                      if c == 0 and not isinstance(step.rhs, Partial))
    return StepCheck(tuple({d.name: v for d, v in s.items()} for s in assignments),
                     sum(counts), unchecked)


def _reference(lhs: Any, point: dict[str, Any], sizes: dict[sp.Symbol, int], wrt: str,
               space: Space) -> Any:
    """The value of the chain's left-hand side, computed without the index form."""
    if isinstance(lhs, Partial | Nabla):
        order = len(lhs.by) if isinstance(lhs, Partial) else lhs.order
        shape = space.concrete_shape(wrt, sizes)
        entries = derivative_entries(compile_expr(lhs.of),
                                     "gradient" if order == 1 else "hessian",
                                     wrt, point, sizes, shape)
        at = [Fraction(v) for v in np.ravel(np.asarray(point[wrt], dtype=object))]
        return entries_at(entries, at)
    return compile_expr(lhs)(point, sizes, Exact())


def _value(rhs: Any, point: dict[str, Any], sizes: dict[sp.Symbol, int], like: Any,
           rows_cols: list[str]) -> Any:
    if isinstance(rhs, IndexExpr):
        return _index_values(rhs, point, sizes, like, rows_cols)
    if isinstance(rhs, EntryOf):
        return _value(rhs.matrix, point, sizes, like, rows_cols)
    return compile_expr(rhs)(point, sizes, Exact())


def _index_values(e: IndexExpr, point: dict[str, Any], sizes: dict[sp.Symbol, int],
                  like: Any, rows_cols: list[str]) -> Any:
    """An index form entry by entry: its free indices are ``rows_cols`` (k, or k and l)."""
    free = {i.name: i for i in ix.free_indices(e)}
    arr = np.asarray(like, dtype=object)
    if arr.ndim == 0 or (arr.size == 1 and not free):
        return ix.evaluate(e, sizes, point)
    out = np.empty(arr.shape, dtype=object)
    for idx in np.ndindex(*arr.shape):
        env = {free[name]: idx[pos] + 1 for pos, name in enumerate(rows_cols) if name in free}
        out[idx] = ix.evaluate(e, sizes, point, env)
    return out


def _equal(a: Any, b: Any) -> bool:
    a = np.asarray(a, dtype=object)
    b = np.asarray(b, dtype=object)
    if a.size == 1 and b.size == 1:
        return Fraction(a.reshape(-1)[0]) == Fraction(b.reshape(-1)[0])
    if a.shape != b.shape:
        raise StepError(f"a step has shape {b.shape} where {a.shape} is expected")
    return all(Fraction(x) == Fraction(y) for x, y in zip(a.flat, b.flat, strict=True))


# -- the public functions -----------------------------------------------------------------------
def _explain(task: str, f: str, wrt: str, let: str | Space | None, seed: int) -> Explanation:
    validate_options(seed, 1.0)
    problem = setup_problem(task, f, wrt, None, let, seed, 1.0)
    space = problem.space
    wrt = problem.wrt  # type: ignore[assignment]
    steps, result, _ = derive(task, problem.f.expr, wrt, space)
    names = sorted({*symbol_names(space, problem.f.expr), wrt})
    return Explanation(
        task=task, function=problem.f.text, function_expr=problem.f.expr, wrt=wrt,
        wrt_kind=space.get(wrt).kind, declarations=declarations_of(space, names),
        steps=tuple(steps), result=result,
        result_text=to_input(result, mf.assumption_rules(space)), names=entry_letters(space),
        checked=verify(steps, task, wrt, space, names, seed))


def explain_gradient(f: str, *, wrt: str, let: str | Space | None = None, seed: int = 0
                     ) -> Explanation:
    """∇f derived entry by entry (index form, the talk's case split, symmetry, read back).

    Parameters
    ----------
    f : str
        A scalar polynomial expression in the numpy-like language.
    wrt : str
        The variable (a scalar, vector or matrix).
    let : str, optional
        Declarations, e.g. ``"x: n; A: n x n, symmetric"``.
    seed : int
        Seed of the random values the steps are checked with.

    Every step is checked at sizes up to 4 before it is returned (a step that fails
    raises :class:`StepError`, which would be a bug in symderiv).  Functions outside
    the index form (exp, log, inverses) raise UnsupportedError.

    Examples
    --------
    >>> e = explain_gradient("norm(y - X @ w)**2", wrt="w", let="X: m x n; y: m; w: n")
    >>> e.result_text
    '-2 * X.T @ y + 2 * X.T @ X @ w'
    >>> explain_gradient("log(x @ x)", wrt="x", let="x: n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symderiv.errors.UnsupportedError: the index form covers polynomial expressions ...; not log(...)
    """
    return _explain("gradient", f, wrt, let, seed)


def explain_hessian(f: str, *, wrt: str, let: str | Space | None = None, seed: int = 0
                    ) -> Explanation:
    """∇²f derived entry by entry: the gradient's steps, then ∂/∂x_l of its entry k.

    >>> explain_hessian("x.T @ A @ x", wrt="x", let="x: n; A: n x n").result_text
    'A + A.T'
    """
    return _explain("hessian", f, wrt, let, seed)

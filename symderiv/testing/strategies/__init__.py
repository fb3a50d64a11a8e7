"""Hypothesis strategies: shaped NumPy values with assumptions, and matrix expressions.

>>> from hypothesis import given
>>> @given(matrices(shape=(3, 3), positive_definite=True))
... def test_cholesky_exists(A):
...     np.linalg.cholesky(A)
>>> test_cholesky_exists()

Entries are drawn between ``min_value`` and ``max_value`` — finite, representable in the
dtype, and (when 0 lies between the bounds) 0 or at least ``min_magnitude`` in size
(default 10⁻⁶ of the larger bound, so that values like 10⁻³⁰⁰ do not underflow in the
code under test; pass 0 to include them).  Most arrays (80%) have their entries spread
evenly between the bounds; the edge cases come as a minority, each a few percent of the
draws: every entry 0 (2%), about half of them 0 (4%), about half at a bound (4%), sizes
spread over every decade down to ``min_magnitude`` (10%).  Arrays of up to 256 entries
are drawn entry by entry, so that Hypothesis shrinks each towards 0; larger ones from a
drawn seed.

The assumptions are then imposed on the drawn matrix B — its symmetric part (B + Bᵀ)/2,
its spectrum clamped so that the condition number is at most ``max_cond``, the orthogonal
factor of its QR decomposition — the result is scaled down, if need be, until its
entries lie between the bounds too (a positive factor keeps every assumption), and all
is checked again after the cast to the dtype, so every value honours the assumptions
and the bounds, also after Hypothesis shrinks it (all-zero B gives the identity, or a
multiple of it within the bounds).

Here the public strategies; :mod:`.entries` checks the arguments and draws the entries,
:mod:`.assumptions` imposes a square matrix's assumptions, and :mod:`.grammar` builds
the expressions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from hypothesis import reject
from hypothesis import strategies as st

from ...errors import ArgumentError, EvaluationError
from ...space import ENTRY_SETS
from .assumptions import _Assume, _fits, _honoured, _square
from .entries import _BYTE, Side, _bounds, _dtype, _entries, _max_cond, _side, _tiny
from .grammar import DEFAULT_LET as DEFAULT_LET
from .grammar import expressions

__all__ = ["expressions", "matrices", "points", "scalars", "vectors"]


# -- scalars and vectors -----------------------------------------------------------------------
def scalars(*, dtype: Any = np.float64, min_value: float = -10.0, max_value: float = 10.0,
            positive: bool = False, min_magnitude: float | None = None
            ) -> st.SearchStrategy[np.floating]:
    """A NumPy scalar of ``dtype``; ``positive=True`` draws from [10⁻⁴·max_value, max_value]
    (or [min_value, max_value] when min_value > 0).

    >>> from hypothesis import find
    >>> bool(find(scalars(positive=True), lambda s: True) > 0)
    True
    """
    dt = _dtype(dtype)
    lo, hi = _bounds(min_value, max_value)
    tiny = _tiny(min_magnitude, lo, hi)
    if positive:
        if hi <= 0:
            raise ArgumentError(f"positive=True needs max_value > 0, not {max_value}")
        lo = lo if lo > 0 else hi * 1e-4
    entries = _entries(lo, hi, dt, tiny)

    @st.composite
    def draw(draw_: Any) -> np.floating:
        return dt.type(entries.draw(draw_, [], 1)[()])

    return draw()


def vectors(n: Side = None, *, dtype: Any = np.float64, min_value: float = -10.0,
            max_value: float = 10.0, max_side: int = 8, min_magnitude: float | None = None
            ) -> st.SearchStrategy[np.ndarray]:
    """A 1-D NumPy array of ``n`` entries (an int, a strategy, or None: 1 … max_side)."""
    return matrices(shape=(n,), dtype=dtype, min_value=min_value, max_value=max_value,
                    max_side=max_side, min_magnitude=min_magnitude)



# -- matrices -------------------------------------------------------------------------------------
def matrices(shape: tuple[Side, ...] | None = None, *, symmetric: bool = False,
             positive_definite: bool = False, invertible: bool = False,
             orthogonal: bool = False, diagonal: bool = False, max_cond: float = 100.0,
             dtype: Any = np.float64, min_value: float = -10.0, max_value: float = 10.0,
             max_side: int = 6, min_magnitude: float | None = None
             ) -> st.SearchStrategy[np.ndarray]:
    """A NumPy array of the given or drawn shape, honouring the assumptions.

    Parameters
    ----------
    shape : tuple, optional
        Each side an int, a strategy of ints, or None (drawn from 1 … max_side); any
        number of sides (``(3,)`` is a vector).  Default: a drawn 2-D shape, square when
        an assumption needs it.
    symmetric, positive_definite, invertible, orthogonal, diagonal : bool
        Assumptions (square 2-D shapes only).  Positive definite matrices are symmetric;
        ``invertible`` and ``positive_definite`` bound the condition number by
        ``max_cond`` (2-norm; at most 1/(8ε) of the dtype: 10⁶ for float32).
    dtype : float64, float32 or float16
    min_value, max_value : float
        Bounds of every entry, also after the assumptions are imposed.  Orthogonal
        matrices need min_value ≤ −1 and 1 ≤ max_value; diagonal ones 0 between the
        bounds; positive definite and invertible ones (not diagonal) entries of both
        signs, min_value < 0 < max_value.
    min_magnitude : float, optional
        Entries of B smaller than this are drawn as 0 (default 10⁻⁶ × the larger bound).

    >>> from hypothesis import find
    >>> Q = find(matrices(shape=(3, 3), orthogonal=True), lambda m: True)
    >>> bool(np.allclose(Q.T @ Q, np.eye(3)))
    True
    """
    dt = _dtype(dtype)
    floor = float(np.finfo(dt).tiny / np.finfo(dt).eps)
    lo, hi = _bounds(min_value, max_value)
    entries = _entries(lo, hi, dt, _tiny(min_magnitude, lo, hi))
    assume = _Assume(symmetric, positive_definite, invertible, orthogonal, diagonal, max_cond,
                     floor, entries.lo, entries.hi)
    _max_cond(max_cond, dt)
    if positive_definite and orthogonal:
        raise ArgumentError("positive definite and orthogonal: only the identity is both")
    _fits(assume, lo, hi)
    if shape is None:
        shape = (None, None)
    if not isinstance(shape, tuple | list):
        raise ArgumentError(f"shape must be a tuple of sides, not {shape!r}")
    sides = [_side(s, max_side, "each side of shape") for s in shape]
    if assume.square:
        sides = _square(shape, sides)

    @st.composite
    def draw(draw_: Any) -> np.ndarray:
        b = entries.draw(draw_, sides, max_side, square=assume.square)
        if not assume.square:
            return b.astype(dt)
        return _honoured(b, assume, dt)

    return draw()


# -- points for a list of declarations ---------------------------------------------------------
def points(let: str, *, sizes: Mapping[str, int] | None = None, dtype: Any = np.float64,
           min_value: float = -10.0, max_value: float = 10.0, max_side: int = 5,
           max_cond: float = 100.0, min_magnitude: float | None = None
           ) -> st.SearchStrategy[dict[str, Any]]:
    """Values for every declared name, with one size drawn per dimension name.

    ``points("X: m x n; y: m; w: n")`` draws m and n, then X (m×n), y and w; assumptions
    in the declarations (``A: n x n, positive definite``) are honoured, and size
    constraints (``m >= n``, implied by ``X: m x n, full column rank``) too.  Entries in
    a set (``y: m, entries in {-1, 1}``, binary, positive, nonnegative) and full rank are
    drawn as the engines draw them, from a drawn seed.  ``sizes`` fixes
    dimensions (``{"n": 3}``).  A dict, ready for ``f(**point)`` or
    ``assert_gradient(..., at=point, wrt="w")``.

    >>> from hypothesis import find
    >>> p = find(points("X: m x n; y: m; w: n"), lambda p: p["X"].shape == (2, 3))
    >>> p["y"].shape, p["w"].shape
    ((2,), (3,))
    """
    from ...parse import parse_declarations

    dt = _dtype(dtype)
    lo, hi = _bounds(min_value, max_value)
    _tiny(min_magnitude, lo, hi)
    _max_cond(max_cond, dt)
    space = parse_declarations(let)
    fixed = dict(sizes or {})
    names = [d.name for d in space.dim_symbols]
    for k, v in fixed.items():
        if k not in names:
            raise ArgumentError(f"sizes names {k!r}, which is not a dimension of {let!r} "
                                f"(dimensions: {', '.join(names) or 'none'})")
        _side(v, max_side, f"sizes[{k!r}]")
    _side(None, max_side, "")
    free = [n for n in names if n not in fixed]
    common = {"dtype": dtype, "min_value": min_value, "max_value": max_value,
              "min_magnitude": min_magnitude}
    by_space = {d.name for d in space.declarations.values() if _space_drawn(d)}
    for decl in space.declarations.values():  # bounds that a declaration cannot fit: now
        if decl.name in by_space:
            _fits_entries(decl, lo, hi)
        elif decl.kind == "scalar":
            scalars(positive="positive" in decl.assumptions, **common)
        else:
            _assumed(decl.assumptions, (None,) * len(decl.dims), max_cond, common)
    symbols = {d.name: d for d in space.dim_symbols}
    least = space.solve_sizes(fixed={symbols[k]: v for k, v in fixed.items()})
    if least is None or any(least.get(symbols[n], 1) > max_side for n in free):
        raise ArgumentError(f"the size constraints of {let!r} cannot hold with sizes "
                            f"{dict(fixed)} and every side at most {max_side}")

    @st.composite
    def draw(draw_: Any) -> dict[str, Any]:
        # the drawn sizes as bytes, as an array's (see _PER_ENTRY)
        size = {**fixed, **{n: 1 + draw_(_BYTE) * max_side // 256 for n in free}}
        if space.constraints:  # raised as far as m ≥ n needs, or drawn again
            solved = space.solve_sizes(fixed={symbols[k]: v for k, v in fixed.items()},
                                       start={symbols[k]: v for k, v in size.items()})
            if solved is None or any(solved[symbols[n]] > max_side for n in free
                                     if symbols[n] in solved):
                reject()
            size.update({n: solved[symbols[n]] for n in free if symbols[n] in solved})
        out: dict[str, Any] = {}
        for decl in space.declarations.values():
            concrete = tuple(size[str(d)] if str(d) in size else int(d) for d in decl.dims)
            if decl.name in by_space:
                out[decl.name] = _by_space(draw_, space, decl.name, size, symbols, dt, lo, hi)
            elif decl.kind == "scalar":
                out[decl.name] = draw_(scalars(positive="positive" in decl.assumptions,
                                               **common))
            else:
                out[decl.name] = draw_(_assumed(decl.assumptions, concrete, max_cond, common))
        return out

    return draw()


def _space_drawn(decl: Any) -> bool:
    """Whether a declaration's assumptions are beyond matrices(): entries in a set (±1,
    binary, nonnegative, positive beside a vector or matrix) or a rank."""
    a = decl.assumptions - ({"positive"} if decl.kind == "scalar" else set())
    return bool(a & (ENTRY_SETS | {"full column rank", "full row rank"}))


def _fits_entries(decl: Any, lo: float, hi: float) -> None:
    values = decl.discrete or ((0.0,) if decl.entries == "nonnegative" else
                               (1e-300,) if decl.entries == "positive" else ())
    if any(not lo <= v <= hi for v in values) or (decl.entries in ("positive", "nonnegative")
                                                  and hi <= 0.1):
        raise ArgumentError(f"{decl.describe()} cannot be drawn between min_value={lo} and "
                            f"max_value={hi}")


def _by_space(draw_: Any, space: Any, name: str, size: dict[str, int],
              symbols: dict[str, Any], dt: np.dtype, lo: float, hi: float) -> Any:
    """A value the engines would draw (Space.random_value) from a drawn seed: ±1, binary,
    positive or nonnegative entries and full rank, honoured as the engines honour them;
    drawn again when it leaves the bounds or no full-rank value was found."""
    seed = draw_(st.integers(0, 2**32 - 1))
    try:
        value = space.random_value(name, {symbols[k]: v for k, v in size.items()
                                          if k in symbols}, np.random.default_rng(seed),
                                   exact=False)
    except EvaluationError:
        reject()
    arr = np.asarray(value, dtype=dt)
    if not (np.all(arr >= lo) and np.all(arr <= hi)):
        reject()
    return dt.type(arr[()]) if arr.ndim == 0 else arr


def _assumed(a: Any, shape: tuple[Side, ...], max_cond: float, common: dict[str, Any]
             ) -> st.SearchStrategy[np.ndarray]:
    """matrices() for a declaration's assumptions."""
    return matrices(shape, symmetric="symmetric" in a,
                    positive_definite="positive definite" in a, invertible="invertible" in a,
                    orthogonal="orthogonal" in a, diagonal="diagonal" in a,
                    max_cond=max_cond, **common)

